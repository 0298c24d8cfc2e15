"""The årshjul: everyone with a role in the municipality; other municipalities get 404."""

from tests.authz import (
    ADMINISTRATOR,
    COUNCIL_MEMBER,
    EMPLOYEE,
    SECTOR_CHIEF_A,
    SECTOR_CHIEF_B,
    SECURITY_CHIEF,
    Case,
    only,
)

ALE_STAFF = [
    EMPLOYEE,
    COUNCIL_MEMBER,
    SECTOR_CHIEF_A,
    SECTOR_CHIEF_B,
    SECURITY_CHIEF,
    ADMINISTRATOR,
]

CASES = [
    Case("year_calendar", kwargs=lambda: {"municipality": "ale"}, get=only(ALE_STAFF)),
]
