""" "Send a reminder now" on the open 2026 cycle: the security chief only."""

from tests.authz import SECURITY_CHIEF, Case, only
from tests.authz.cases_followup import cycle

CASES = [
    Case("followup:cycle_remind", kwargs=cycle, post=only([SECURITY_CHIEF], ok=302)),
]
