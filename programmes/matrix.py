"""The responsibility matrix: each responsibility clause of the adopted programme with the people
who hold its role today, and the posts that nobody holds (the gaps). It lives with the
programmes, which know the clauses, and reads the organisation below them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from programmes.models import ProgrammeVersion, Section, SectionItem
from responsibilities.capabilities import RoleKind
from responsibilities.models import Assignment, Municipality, OrganisationUnit, Role

# Posts every unit of a kind must have staffed. The chiefs always; the sector's security officer
# and representative only where the municipality's role catalogue has them (Ale's programme makes
# the sector chief responsible for staffing them; Kalix's policy has no such posts).
REQUIRED_POSTS = {
    OrganisationUnit.Kind.SECTOR: (
        RoleKind.SECTOR_CHIEF,
        RoleKind.SECURITY_OFFICER,
        RoleKind.SECURITY_REPRESENTATIVE,
    ),
    OrganisationUnit.Kind.COMPANY: (RoleKind.COMPANY_CEO,),
}
ALWAYS_REQUIRED = {RoleKind.SECTOR_CHIEF, RoleKind.COMPANY_CEO}


@dataclass
class Holders:
    """The people holding a role in one unit (unit None: for the whole municipality)."""

    unit: OrganisationUnit | None
    people: list = field(default_factory=list)


@dataclass
class Clause:
    text: str
    role: Role | None
    holders: list[Holders]


@dataclass
class Document:
    title: str
    clauses: list[Clause]


@dataclass
class Gap:
    unit: OrganisationUnit
    missing: list[str]


def adopted_clauses(municipality: Municipality):
    """Responsibility clauses of the municipality's adopted versions, in document order."""
    return (
        SectionItem.objects.filter(
            section__kind=Section.Kind.RESPONSIBILITIES,
            section__version__status=ProgrammeVersion.Status.ADOPTED,
            section__version__programme__municipality=municipality,
        )
        .select_related("role", "section__version")
        .order_by("section__version__title", "section__version_id", "section__position", "position")
    )


def responsibility_matrix(municipality: Municipality) -> tuple[list[Document], list[Gap]]:
    """Four queries however large the organisation."""
    assignments = (
        Assignment.objects.active()
        .filter(role__municipality=municipality)
        .select_related("person", "role", "unit")
        .order_by("unit__name", "person__first_name", "person__last_name", "pk")
    )
    by_role: dict[int, dict[int | None, Holders]] = defaultdict(dict)
    staffed: set[tuple[int, str]] = set()
    for assignment in assignments:
        holders = by_role[assignment.role_id].setdefault(
            assignment.unit_id, Holders(assignment.unit)
        )
        holders.people.append(assignment.person)
        if assignment.unit_id is not None:
            staffed.add((assignment.unit_id, assignment.role.kind))

    documents: dict[int, Document] = {}
    for item in adopted_clauses(municipality):
        version = item.section.version
        document = documents.setdefault(version.pk, Document(version.title, []))
        holders = list(by_role.get(item.role_id, {}).values()) if item.role_id else []
        # The whole municipality first, then units by name.
        holders.sort(key=lambda h: (h.unit is not None, h.unit.name if h.unit else ""))
        document.clauses.append(Clause(item.text, item.role, holders))

    roles = {role.kind: role for role in Role.objects.filter(municipality=municipality)}
    gaps = []
    units = OrganisationUnit.objects.filter(
        municipality=municipality, kind__in=list(REQUIRED_POSTS)
    ).order_by("kind", "name")
    for unit in units:
        missing = [
            roles[kind].display_name if kind in roles else RoleKind(kind).label
            for kind in REQUIRED_POSTS[unit.kind]
            if (kind in roles or kind in ALWAYS_REQUIRED) and (unit.pk, kind) not in staffed
        ]
        if missing:
            gaps.append(Gap(unit, missing))
    return list(documents.values()), gaps
