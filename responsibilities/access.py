"""Access rights follow from role assignments, as guardian object permissions.

`sync_permissions(person)` is the only writer of permission rows: it grants what the person's
current and upcoming assignments give, each row dated with the assignments' period, and revokes
everything else. Every read filters the rows by today's date (`in_force()`), so an assignment
gives its rights from its first day to its last without anything being saved on those days.
Municipality-wide roles are granted on the municipality, unit roles on the unit and each of its
sub-units. Reads go through `Access`
(one per request, one small query) and the queryset helpers (one subquery, never per row).
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from functools import cached_property

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import IntegerField, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from responsibilities.capabilities import Capability
from responsibilities.models import (
    Assignment,
    Municipality,
    MunicipalityPermission,
    OrganisationUnit,
    UnitPermission,
    User,
)
from responsibilities.statements import Statement

ONE_DAY = datetime.timedelta(days=1)


def _permissions(model) -> dict[str, Permission]:
    content_type = ContentType.objects.get_for_model(model)
    return {p.codename: p for p in Permission.objects.filter(content_type=content_type)}


def permission_id(model, capability: str) -> int:
    """The id of the capability's object permission on `model` (one query), for a set-based
    scan that filters grants by it: PostgreSQL estimates `permission_id = <id>` from the
    column's statistics, where a join on the permission's codename is guessed as an average
    permission's share of the grants."""
    content_type = ContentType.objects.get_for_model(model)
    return Permission.objects.get(content_type=content_type, codename=capability).pk


Period = tuple[datetime.date, datetime.date | None]


def _first_period(periods: list[Period]) -> Period:
    """The earliest run of overlapping or adjacent periods (None: open-ended): the one in
    force now, or the next to start. A later run after a gap is granted by the daily sweep."""
    periods = sorted(periods, key=lambda period: period[0])
    start, end = periods[0]
    for next_start, next_end in periods[1:]:
        if end is not None and next_start > end + ONE_DAY:
            break
        end = None if end is None or next_end is None else max(end, next_end)
    return start, end


def _subtrees(units) -> dict[int, list[int]]:
    """{unit id: ids of the unit and every unit below it} for these units, in one query over
    their municipalities (a subtree is a run of paths sharing the unit's path as a prefix)."""
    rows = sorted(
        OrganisationUnit.objects.filter(municipality_id__in={u.municipality_id for u in units})
        .values_list("path", "id")
        .order_by()
    )
    paths = [path for path, _id in rows]
    subtrees = {}
    for unit in units:
        first = bisect.bisect_left(paths, unit.path)
        ids = []
        for path, unit_id in rows[first:]:
            if not path.startswith(unit.path):
                break
            ids.append(unit_id)
        subtrees[unit.pk] = ids
    return subtrees


def wanted_grants_of(people, on=None) -> dict[int, tuple[dict, dict]]:
    """{person id: ({(municipality id, capability): period}, {(unit id, capability): period})}:
    what each person should hold, from every assignment in force on the date or starting
    later. Two queries whatever the number of people."""
    municipal: dict[int, dict] = {p.pk: defaultdict(list) for p in people}
    units: dict[int, dict] = {p.pk: defaultdict(list) for p in people}
    assignments = list(
        Assignment.objects.current_or_upcoming(on)
        .filter(person_id__in=[p.pk for p in people if p.is_active])
        .select_related("role", "unit")
    )
    subtrees = _subtrees({a.unit for a in assignments if a.unit_id is not None})
    for assignment in assignments:
        period = (assignment.starts_on, assignment.ends_on)
        capabilities = assignment.role.capabilities
        if assignment.unit_id is None or assignment.role.is_municipality_wide:
            for capability in capabilities:
                municipal[assignment.person_id][
                    (assignment.role.municipality_id, capability)
                ].append(period)
        if assignment.unit_id is not None:
            for unit_id in subtrees[assignment.unit_id]:
                for capability in capabilities:
                    units[assignment.person_id][(unit_id, capability)].append(period)
    return {
        pk: (
            {key: _first_period(periods) for key, periods in municipal[pk].items()},
            {key: _first_period(periods) for key, periods in units[pk].items()},
        )
        for pk in municipal
    }


def sync_permissions(person: User, on=None) -> bool:
    """Make the person's permission rows match their assignments and the assignments' dates.
    True if anything changed."""
    return bool(sync_permissions_of([person], on))


@transaction.atomic
def sync_permissions_of(people, on=None) -> set[int]:
    """sync_permissions() for many people in a constant number of queries; the ids of those
    whose rows changed."""
    wanted_by_person = wanted_grants_of(people, on)
    changed = set()
    for index, (model, row_model) in enumerate(
        ((Municipality, MunicipalityPermission), (OrganisationUnit, UnitPermission))
    ):
        permissions = _permissions(model)
        have: dict[int, dict] = defaultdict(dict)
        for row in row_model.objects.filter(user_id__in=wanted_by_person).select_related(
            "permission"
        ):
            have[row.user_id][(row.content_object_id, row.permission.codename)] = row
        stale, moved, missing = [], [], []
        for person_id, grants in wanted_by_person.items():
            wanted, rows = grants[index], have[person_id]
            gone = [row.pk for key, row in rows.items() if key not in wanted]
            redated = []
            for key, row in rows.items():
                if key in wanted and (row.valid_from, row.valid_until) != wanted[key]:
                    row.valid_from, row.valid_until = wanted[key]
                    redated.append(row)
            new = [
                row_model(
                    user_id=person_id,
                    content_object_id=obj_id,
                    permission=permissions[codename],
                    valid_from=wanted[(obj_id, codename)][0],
                    valid_until=wanted[(obj_id, codename)][1],
                )
                for obj_id, codename in wanted.keys() - rows.keys()
            ]
            if gone or redated or new:
                changed.add(person_id)
            stale += gone
            moved += redated
            missing += new
        if stale:
            row_model.objects.filter(pk__in=stale).delete()
        row_model.objects.bulk_update(moved, ["valid_from", "valid_until"], batch_size=1000)
        row_model.objects.bulk_create(missing, ignore_conflicts=True, batch_size=1000)
    return changed


# People brought up to date per batch by the daily sweep (constant queries per batch).
SYNC_BATCH = 500


@transaction.atomic
def end_expired_assignments(today=None) -> int:
    """The daily sweep, in one transaction: mark assignments past their end date as ended and
    bring the permission rows of everyone whose grants ran out up to date. Idempotent."""
    today = today or timezone.localdate()
    expired = Assignment.objects.select_for_update().filter(ended_at=None, ends_on__lt=today)
    people = set(expired.values_list("person_id", flat=True))
    expired.update(ended_at=timezone.now())
    for row_model in (MunicipalityPermission, UnitPermission):
        # A grant that ran out while a later assignment of the person gives it again.
        people |= set(
            row_model.objects.filter(valid_until__lt=today).values_list("user_id", flat=True)
        )
    ordered = sorted(people)
    for start in range(0, len(ordered), SYNC_BATCH):
        batch = User.objects.filter(pk__in=ordered[start : start + SYNC_BATCH])
        sync_permissions_of(list(batch), on=today)
    return len(people)


def municipalities_with(user, capability: str) -> QuerySet[Municipality]:
    """Municipalities where the user holds the capability for the whole municipality."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    return Municipality.objects.filter(
        pk__in=municipality_grants(user, capability).values("content_object_id")
    )


def units_with(user, capability: str) -> QuerySet[OrganisationUnit]:
    """Units where the user holds the capability: their own units and every unit of a
    municipality where they hold it municipality-wide (from the person's Access)."""
    return access_of(user).units_with(capability)


def unit_scope(unit_ids, municipality_ids, lookup="in") -> QuerySet[OrganisationUnit]:
    """These units and every unit of these municipalities, as literal ids: PostgreSQL finds
    them by index and estimates them right. (The OR of two permission subqueries it could only
    answer by scanning every unit, and then joined every report of the installation.) With
    the lookup "any" each list is one parameter (of a `Statement`), left out where empty as an
    empty `__in` leaves itself out."""
    if not unit_ids and not municipality_ids:
        return OrganisationUnit.objects.none()
    scope = Q()
    for field, ids in (("pk", unit_ids), ("municipality_id", municipality_ids)):
        if ids or lookup == "in":
            # A statement's argument as given (sorted by register_lists()); sets sorted.
            scope |= Q(**{f"{field}__{lookup}": ids if lookup == "any" else sorted(ids)})
    return OrganisationUnit.objects.filter(scope)


def municipality_grants(user, capability: str) -> QuerySet[MunicipalityPermission]:
    """The person's municipality-wide grants of the capability in force today."""
    return MunicipalityPermission.objects.in_force().filter(
        user=user, permission__codename=capability
    )


def unit_grants(user, capability: str) -> QuerySet[UnitPermission]:
    """The person's unit grants of the capability in force today."""
    return UnitPermission.objects.in_force().filter(user=user, permission__codename=capability)


def in_units_with(user, capability: str, field: str = "unit") -> Q:
    """`field` (a unit foreign key) is a unit where the person holds the capability, for the
    unit or the whole municipality: what units_with() lists, shaped as two small per-person
    subqueries tested on the rows at hand. `field__in=units_with(...)` made the database list
    every unit of the installation (a scan of all 13 000 units at 290 municipalities)."""
    return Q(**{f"{field}__in": unit_grants(user, capability).values("content_object_id")}) | Q(
        **{
            f"{field}__municipality__in": municipality_grants(user, capability).values(
                "content_object_id"
            )
        }
    )


def people_of(municipality: Municipality) -> QuerySet[User]:
    """People a municipality's administrators may see: the accounts it keeps and anyone who
    holds or has held one of its roles (one subquery)."""
    return User.objects.filter(
        Q(municipality=municipality)
        | Q(pk__in=Assignment.objects.filter(role__municipality=municipality).values("person"))
    )


# Capabilities that give a person something to do or read under /uppfoljning/.
FOLLOW_UP_CAPABILITIES = frozenset(
    {
        Capability.MANAGE_CYCLES,
        Capability.SUBMIT_FOLLOWUP,
        Capability.REVIEW_FOLLOWUP,
        Capability.READ_REPORTS,
    }
)


def grants_query(user_id: int, on: datetime.date) -> QuerySet:
    """The grants in force on the date of one person, as `Access` reads them: (unit id or None,
    municipality id, slug, name, codename), municipality-wide and unit grants in one UNION ALL."""
    municipal = (
        MunicipalityPermission.objects.in_force(on)
        .filter(user=user_id)
        .values_list(
            Value(None, output_field=IntegerField()),
            "content_object_id",
            "content_object__slug",
            "content_object__name",
            "permission__codename",
        )
    )
    units = (
        UnitPermission.objects.in_force(on)
        .filter(user=user_id)
        .values_list(
            "content_object_id",
            "content_object__municipality_id",
            "content_object__municipality__slug",
            "content_object__municipality__name",
            "permission__codename",
        )
    )
    return municipal.union(units, all=True)


# `grants_query()` compiled once per process: building and compiling it in the ORM cost ten
# times what PostgreSQL needs to run it, on every signed-in request.
GRANTS = Statement(
    grants_query,
    (-7_300_417_001, datetime.date(1901, 2, 3)),
    (-7_300_417_003, datetime.date(1902, 3, 5)),
)


class Access:
    """What one person may do, loaded once (one query) and then answered from memory."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _rows(self) -> list[tuple[int | None, int, str, str, str]]:
        """(unit id or None, municipality id, slug, name, codename) of every grant in force:
        the municipality-wide ones (unit None) and the unit ones, in one query."""
        if not self.user.is_authenticated:
            return []
        return GRANTS.fetch(self.user.pk, timezone.localdate())

    @cached_property
    def _municipal_rows(self) -> list[tuple[int, str, str, str]]:
        """(municipality id, slug, name, codename) of the municipality-wide grants, by name."""
        return sorted(
            (row[1:] for row in self._rows if row[0] is None), key=lambda row: (row[2], row[0])
        )

    @cached_property
    def _municipal(self) -> dict[int, set[str]]:
        grants: dict[int, set[str]] = defaultdict(set)
        for municipality_id, _slug, _name, codename in self._municipal_rows:
            grants[municipality_id].add(codename)
        return grants

    def municipalities_where(self, capability: str) -> list[tuple[str, str]]:
        """(slug, name) of the municipalities where the person holds the capability for the
        whole municipality, from the rows already loaded (for navigation links)."""
        return [
            (slug, name) for _id, slug, name, code in self._municipal_rows if code == capability
        ]

    def municipalities_within(self, capabilities) -> list[tuple[str, str]]:
        """(slug, name) of the municipalities where the person holds any of the capabilities,
        municipality-wide or for a unit, from the rows already loaded (for navigation links)."""
        rows = [
            (slug, name) for _id, slug, name, code in self._municipal_rows if code in capabilities
        ]
        if rows:
            # Municipality-wide roles cover the person's follow-up (someone with unit roles in
            # a second municipality is not linked).
            return sorted(set(rows), key=lambda row: row[1])
        rows = [(slug, name) for *_ids, code, slug, name in self._unit_rows if code in capabilities]
        return sorted(set(rows), key=lambda row: row[1])

    @property
    def follows_up(self) -> list[tuple[str, str]]:
        return self.municipalities_within(FOLLOW_UP_CAPABILITIES)

    @property
    def edits_programmes(self) -> list[tuple[str, str]]:
        return self.municipalities_where(Capability.EDIT_PROGRAMME)

    @property
    def administers(self) -> list[tuple[str, str]]:
        return self.municipalities_where(Capability.ADMINISTER_PEOPLE)

    @cached_property
    def _unit_rows(self) -> list[tuple[int, int, str, str, str]]:
        """(unit id, municipality id, codename, slug, name) of the unit grants."""
        return [
            (unit_id, municipality_id, codename, slug, name)
            for unit_id, municipality_id, slug, name, codename in self._rows
            if unit_id is not None
        ]

    @cached_property
    def _units(self) -> dict[int, set[str]]:
        grants: dict[int, set[str]] = defaultdict(set)
        for unit_id, _municipality_id, codename, _slug, _name in self._unit_rows:
            grants[unit_id].add(codename)
        return grants

    @cached_property
    def municipality_ids(self) -> set[int]:
        """Municipalities where the person holds any role."""
        return set(self._municipal) | {row[1] for row in self._unit_rows}

    def in_municipality(self, capability: str, municipality) -> bool:
        """Holds the capability for the whole municipality (object or id)."""
        municipality_id = getattr(municipality, "pk", municipality)
        return capability in self._municipal.get(municipality_id, ())

    def in_unit(self, capability: str, unit: OrganisationUnit) -> bool:
        """Holds the capability for this unit, directly or municipality-wide."""
        return capability in self._units.get(unit.pk, ()) or self.in_municipality(
            capability, unit.municipality_id
        )

    def unit_ids(self, capability: str) -> set[int]:
        """Units where the person holds the capability through a unit role."""
        return {unit_id for unit_id, caps in self._units.items() if capability in caps}

    def municipality_ids_with(self, capability: str) -> set[int]:
        """Municipalities where the person holds the capability for the whole municipality."""
        return {m for m, caps in self._municipal.items() if capability in caps}

    def id_lists(self, capability: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """`unit_ids()` and `municipality_ids_with()` as sorted tuples: the arguments of a
        statement compiled once (`unit_scope(..., "any")`)."""
        return (
            tuple(sorted(self.unit_ids(capability))),
            tuple(sorted(self.municipality_ids_with(capability))),
        )

    def units_with(self, *capabilities: str) -> QuerySet[OrganisationUnit]:
        """Units where the person holds any of the capabilities, for the unit or the whole
        municipality: no query until used, then one index lookup."""
        units, municipalities = set(), set()
        for capability in capabilities:
            units |= self.unit_ids(capability)
            municipalities |= self.municipality_ids_with(capability)
        return unit_scope(units, municipalities)

    def anywhere(self, capability: str) -> bool:
        return any(capability in caps for caps in self._municipal.values()) or any(
            capability in caps for caps in self._units.values()
        )

    def within(self, capability: str, municipality) -> bool:
        """Holds the capability anywhere in the municipality: for all of it or for a unit."""
        municipality_id = getattr(municipality, "pk", municipality)
        return self.in_municipality(capability, municipality_id) or any(
            codename == capability and row_municipality_id == municipality_id
            for _unit_id, row_municipality_id, codename, _slug, _name in self._unit_rows
        )

    def member_of(self, municipality) -> bool:
        """Holds any role in the municipality."""
        return getattr(municipality, "pk", municipality) in self.municipality_ids

    def municipalities(self) -> list[Municipality]:
        """The municipalities where the person holds any role, by name, from the rows already
        loaded (no query)."""
        known = {row[1]: (row[2], row[3]) for row in self._rows}
        return [
            Municipality.known(pk, slug, name)
            for pk, (slug, name) in sorted(known.items(), key=lambda item: (item[1][1], item[0]))
        ]

    def municipality(self, slug: str) -> Municipality | None:
        """The municipality with this address name if the person holds a role in it, from
        the rows already loaded (no query); None otherwise."""
        for _unit_id, municipality_id, row_slug, name, _codename in self._rows:
            if row_slug == slug:
                return Municipality.known(municipality_id, row_slug, name)
        return None


def municipality_for(
    request, slug: str, capability: str | None = None, *, or_a_unit: bool = False
) -> Municipality:
    """The municipality in the address, for a person who holds `capability` for the whole of
    it (with `or_a_unit`, for a unit of it too; without a capability, any role in it); 404 for
    everyone else. Every page scoped to one municipality starts here. Each of these needs a
    role in the municipality, so the person's grants name it: no query of its own."""
    access = access_for(request)
    municipality = access.municipality(slug)
    if capability is None:
        allowed = municipality is not None and access.member_of(municipality)
    elif or_a_unit:
        allowed = municipality is not None and access.within(capability, municipality)
    else:
        allowed = municipality is not None and access.in_municipality(capability, municipality)
    if not allowed:
        raise Http404
    return municipality


def access_of(user) -> Access:
    """The person's Access, kept on the user object as Django keeps `_perm_cache`: the user
    of a request lives as long as the request, so its grants are read once per request."""
    access = getattr(user, "_access", None)
    if access is None:
        access = Access(user)
        user._access = access
    return access


def access_for(request) -> Access:
    """The request's Access, created on first use."""
    if not hasattr(request, "_access"):
        request._access = access_of(request.user)
    return request._access
