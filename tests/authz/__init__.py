"""The authorisation matrix: every URL × persona × method, with the status each must get.

Each app lists its URLs in a `cases_<app>.py` module here as `CASES = [Case(...), ...]`.
`test_matrix.py` enumerates the URL configuration, so a URL without a case fails the suite.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
EMPLOYEE = "ale-medarbetare"
COUNCIL_MEMBER = "ale-fortroendevald"
SECTOR_CHIEF_A = "ale-sektorchef"
SECTOR_CHIEF_B = "ale-sektorchef-2"
SECURITY_CHIEF = "ale-sakerhetschef"
OTHER_MUNICIPALITY = "kalix-sakerhetschef"
ADMINISTRATOR = "ale-administrator"
PERSONAS = [
    ANONYMOUS,
    EMPLOYEE,
    COUNCIL_MEMBER,
    SECTOR_CHIEF_A,
    SECTOR_CHIEF_B,
    SECURITY_CHIEF,
    OTHER_MUNICIPALITY,
    ADMINISTRATOR,
]
LOGGED_IN = PERSONAS[1:]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def only(allowed: list[str], ok: int = 200, refused: int = 404, anonymous: int = 302):
    """`ok` for the allowed personas, `refused` for the other logged-in ones, and `anonymous`
    (a redirect to the login page by default) for visitors."""
    statuses = {persona: (ok if persona in allowed else refused) for persona in LOGGED_IN}
    statuses[ANONYMOUS] = ok if ANONYMOUS in allowed else anonymous
    return statuses


@dataclass
class Case:
    """One URL: how to build it from the demo data, and what each persona gets."""

    name: str
    kwargs: Callable[[], dict] = field(default=lambda: {})
    get: dict[str, int] | None = None
    post: dict[str, int] | None = None
    data: Callable[[], dict] = field(default=lambda: {})
    # An id for the case when one URL name has several (e.g. a draft and an adopted version).
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]" if self.label else self.name
