"""Access rights follow from role assignments, as guardian object permissions.

`sync_permissions(person)` is the only writer of permission rows: it grants what the person's
active assignments give and revokes everything else. Municipality-wide roles are granted on the
municipality, unit roles on the unit and each of its sub-units. Reads go through `Access`
(one per request, two small queries) and the queryset helpers (one subquery, never per row).
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
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


def _permissions(model) -> dict[str, Permission]:
    content_type = ContentType.objects.get_for_model(model)
    return {p.codename: p for p in Permission.objects.filter(content_type=content_type)}


def wanted_grants(person, on=None) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(municipality id, capability) and (unit id, capability) pairs the person should hold."""
    municipal: set[tuple[int, str]] = set()
    units: set[tuple[int, str]] = set()
    if not person.is_active:
        return municipal, units
    assignments = Assignment.objects.active(on).filter(person=person).select_related("role", "unit")
    for assignment in assignments:
        capabilities = assignment.role.capabilities
        if assignment.unit_id is None or assignment.role.is_municipality_wide:
            municipal |= {(assignment.role.municipality_id, c) for c in capabilities}
        if assignment.unit_id is not None:
            for unit_id in assignment.unit.subtree().values_list("id", flat=True):
                units |= {(unit_id, c) for c in capabilities}
    return municipal, units


@transaction.atomic
def sync_permissions(person: User, on=None) -> bool:
    """Make the person's permission rows match their active assignments. True if changed."""
    municipal, units = wanted_grants(person, on)
    changed = False
    for model, row_model, wanted in (
        (Municipality, MunicipalityPermission, municipal),
        (OrganisationUnit, UnitPermission, units),
    ):
        permissions = _permissions(model)
        rows = row_model.objects.filter(user=person).select_related("permission")
        have = {(row.content_object_id, row.permission.codename): row.pk for row in rows}
        stale = [pk for key, pk in have.items() if key not in wanted]
        if stale:
            row_model.objects.filter(pk__in=stale).delete()
        missing = [
            row_model(user=person, content_object_id=obj_id, permission=permissions[codename])
            for obj_id, codename in wanted - have.keys()
        ]
        row_model.objects.bulk_create(missing, ignore_conflicts=True)
        changed = changed or bool(stale or missing)
    return changed


def end_expired_assignments(today=None) -> int:
    """Mark assignments past their end date as ended and revoke what they gave. Idempotent."""
    today = today or timezone.localdate()
    expired = Assignment.objects.filter(ended_at=None, ends_on__lt=today)
    people = set(expired.values_list("person_id", flat=True))
    expired.update(ended_at=timezone.now())
    for person in User.objects.filter(pk__in=people):
        sync_permissions(person, on=today)
    return len(people)


def municipalities_with(user, capability: str) -> QuerySet[Municipality]:
    """Municipalities where the user holds the capability for the whole municipality."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    return Municipality.objects.filter(
        pk__in=MunicipalityPermission.objects.filter(
            user=user, permission__codename=capability
        ).values("content_object_id")
    )


def units_with(user, capability: str) -> QuerySet[OrganisationUnit]:
    """Units where the user holds the capability: their own units and every unit of a
    municipality where they hold it municipality-wide (from the person's Access)."""
    return access_of(user).units_with(capability)


def unit_scope(unit_ids, municipality_ids) -> QuerySet[OrganisationUnit]:
    """These units and every unit of these municipalities, as literal ids: PostgreSQL finds
    them by index and estimates them right. (The OR of two permission subqueries it could only
    answer by scanning every unit, and then joined every report of the installation.)"""
    if not unit_ids and not municipality_ids:
        return OrganisationUnit.objects.none()
    return OrganisationUnit.objects.filter(
        Q(pk__in=sorted(unit_ids)) | Q(municipality_id__in=sorted(municipality_ids))
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


class Access:
    """What one person may do, loaded once (two queries) and then answered from memory."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _municipal_rows(self) -> list[tuple[int, str, str, str]]:
        if not self.user.is_authenticated:
            return []
        return list(
            MunicipalityPermission.objects.filter(user=self.user)
            .order_by("content_object__name")
            .values_list(
                "content_object_id",
                "content_object__slug",
                "content_object__name",
                "permission__codename",
            )
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
            # Municipality-wide roles cover the person's follow-up: spare every page the query
            # for unit grants (someone with unit roles in a second municipality is not linked).
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
        if not self.user.is_authenticated:
            return []
        return list(
            UnitPermission.objects.filter(user=self.user).values_list(
                "content_object_id",
                "content_object__municipality_id",
                "permission__codename",
                "content_object__municipality__slug",
                "content_object__municipality__name",
            )
        )

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
