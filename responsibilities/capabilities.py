"""What each kind of role may do: the one place where roles become capabilities."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(models.TextChoices):
    EDIT_PROGRAMME = "edit_programme", _("Edit programme drafts")
    ADOPT_PROGRAMME = "adopt_programme", _("Record adoption of a programme")
    MANAGE_CYCLES = "manage_cycles", _("Manage follow-up cycles")
    SUBMIT_FOLLOWUP = "submit_followup", _("Submit a unit's follow-up")
    REVIEW_FOLLOWUP = "review_followup", _("Review follow-up reports")
    READ_REPORTS = "read_reports", _("Read follow-up reports")
    ADMINISTER_PEOPLE = "administer_people", _("Administer units, people and assignments")
    READ_INTERNAL = "read_internal", _("Read internal pages of the municipality")
    REPORT_RISKS = "report_risks", _("Report risks and security problems")
    HANDLE_RISKS = "handle_risks", _("Handle risk reports and keep the risk register")


class RoleKind(models.TextChoices):
    COUNCIL = "council", _("Municipal council")
    COMMITTEE = "committee", _("Committee")
    EXECUTIVE_BOARD = "executive_board", _("Executive board")
    MUNICIPAL_DIRECTOR = "municipal_director", _("Municipal director")
    MANAGEMENT_TEAM = "management_team", _("Management team")
    SECTOR_CHIEF = "sector_chief", _("Sector chief")
    SECURITY_CHIEF = "security_chief", _("Security chief")
    MANAGER = "manager", _("Manager")
    ELECTED_REPRESENTATIVE = "elected_representative", _("Elected representative")
    EMPLOYEE = "employee", _("Employee")
    COMPANY_CEO = "company_ceo", _("Company CEO")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    SECURITY_REPRESENTATIVE = "security_representative", _("Security representative")
    SECURITY_GROUP = "security_group", _("Security group")
    ADMINISTRATOR = "administrator", _("Administrator")


CAPABILITIES: dict[str, frozenset[str]] = {
    RoleKind.SECURITY_CHIEF: frozenset(
        {
            Capability.EDIT_PROGRAMME,
            Capability.ADOPT_PROGRAMME,
            Capability.MANAGE_CYCLES,
            Capability.REVIEW_FOLLOWUP,
            Capability.READ_REPORTS,
            Capability.ADMINISTER_PEOPLE,
            Capability.READ_INTERNAL,
        }
    ),
    RoleKind.ADMINISTRATOR: frozenset({Capability.ADMINISTER_PEOPLE, Capability.READ_INTERNAL}),
    RoleKind.SECTOR_CHIEF: frozenset(
        {Capability.SUBMIT_FOLLOWUP, Capability.READ_REPORTS, Capability.READ_INTERNAL}
    ),
    RoleKind.COMPANY_CEO: frozenset(
        {Capability.SUBMIT_FOLLOWUP, Capability.READ_REPORTS, Capability.READ_INTERNAL}
    ),
    RoleKind.SECURITY_OFFICER: frozenset(
        {Capability.SUBMIT_FOLLOWUP, Capability.READ_REPORTS, Capability.READ_INTERNAL}
    ),
    RoleKind.MANAGER: frozenset({Capability.READ_INTERNAL}),
    RoleKind.SECURITY_REPRESENTATIVE: frozenset({Capability.READ_INTERNAL}),
    RoleKind.SECURITY_GROUP: frozenset({Capability.READ_REPORTS, Capability.READ_INTERNAL}),
    RoleKind.MUNICIPAL_DIRECTOR: frozenset({Capability.READ_REPORTS, Capability.READ_INTERNAL}),
    RoleKind.MANAGEMENT_TEAM: frozenset({Capability.READ_REPORTS, Capability.READ_INTERNAL}),
    RoleKind.COUNCIL: frozenset({Capability.READ_REPORTS, Capability.READ_INTERNAL}),
    RoleKind.EXECUTIVE_BOARD: frozenset({Capability.READ_REPORTS, Capability.READ_INTERNAL}),
    RoleKind.COMMITTEE: frozenset({Capability.READ_REPORTS, Capability.READ_INTERNAL}),
    RoleKind.ELECTED_REPRESENTATIVE: frozenset({Capability.READ_REPORTS, Capability.READ_INTERNAL}),
    RoleKind.EMPLOYEE: frozenset({Capability.READ_INTERNAL}),
}

# Roles held for the whole municipality; every other kind is scoped to its unit and sub-units.
MUNICIPALITY_WIDE = frozenset(
    {
        RoleKind.SECURITY_CHIEF,
        RoleKind.ADMINISTRATOR,
        RoleKind.MUNICIPAL_DIRECTOR,
        RoleKind.MANAGEMENT_TEAM,
        RoleKind.COUNCIL,
        RoleKind.EXECUTIVE_BOARD,
        RoleKind.ELECTED_REPRESENTATIVE,
        RoleKind.SECURITY_GROUP,
        RoleKind.EMPLOYEE,
    }
)


# Political bodies and their members decide and oversee; they never own an action of a unit's
# plan, and neither does the product's administrator. Every other role may.
NOT_OWNING_ACTIONS = frozenset(
    {
        RoleKind.COUNCIL,
        RoleKind.EXECUTIVE_BOARD,
        RoleKind.COMMITTEE,
        RoleKind.ELECTED_REPRESENTATIVE,
        RoleKind.ADMINISTRATOR,
    }
)


# Every employee and elected member reports risks (both programmes make it a personal duty);
# the security chief and the managers of units handle them.
RISK_HANDLERS = frozenset(
    {RoleKind.SECURITY_CHIEF, RoleKind.SECTOR_CHIEF, RoleKind.MANAGER, RoleKind.COMPANY_CEO}
)
CAPABILITIES = {
    kind: capabilities
    | {Capability.REPORT_RISKS}
    | ({Capability.HANDLE_RISKS} if kind in RISK_HANDLERS else frozenset())
    for kind, capabilities in CAPABILITIES.items()
}


def capabilities_of(kind: str) -> frozenset[str]:
    return CAPABILITIES.get(kind, frozenset())


def is_municipality_wide(kind: str) -> bool:
    return kind in MUNICIPALITY_WIDE


def may_own_actions(kind: str) -> bool:
    return kind not in NOT_OWNING_ACTIONS


# Political bodies, not posts: the council, the executive board and the committees act as
# bodies, so "nobody holds this role" says nothing about them.
POLITICAL_BODIES = frozenset({RoleKind.COUNCIL, RoleKind.EXECUTIVE_BOARD, RoleKind.COMMITTEE})
