"""Management pages (/hantera/<municipality>/…), the responsibility matrix and account pages."""

from django.utils import timezone

from tests.authz import (
    ADMINISTRATOR,
    ANONYMOUS,
    COUNCIL_MEMBER,
    EMPLOYEE,
    LOGGED_IN,
    OTHER_MUNICIPALITY,
    PERSONAS,
    SECTOR_CHIEF_A,
    SECTOR_CHIEF_B,
    SECURITY_CHIEF,
    Case,
    everyone,
    only,
)

MANAGERS = [SECURITY_CHIEF, ADMINISTRATOR]
ALE_MEMBERS = [EMPLOYEE, COUNCIL_MEMBER, SECTOR_CHIEF_A, SECTOR_CHIEF_B, *MANAGERS]
NOBODY = only([])  # 404 for everyone logged in, the login page for visitors


def _unit(name, slug="ale"):
    from responsibilities.models import OrganisationUnit

    return OrganisationUnit.objects.get(municipality__slug=slug, name=name).pk


def _person(username):
    from responsibilities.models import User

    return User.objects.get(username=username).pk


def _assignment(username):
    from responsibilities.models import Assignment

    return Assignment.objects.get(person__username=username).pk


def _role(kind, slug="ale"):
    from responsibilities.models import Role

    return Role.objects.get(municipality__slug=slug, kind=kind).pk


def ale(**kwargs):
    return lambda: {"municipality": "ale", **{k: v() for k, v in kwargs.items()}}


CASES = [
    Case("manage:overview", kwargs=ale(), get=only(MANAGERS)),
    Case(
        "manage:overview",
        kwargs=lambda: {"municipality": "kalix"},
        get=only([OTHER_MUNICIPALITY]),
        label="kalix",
    ),
    Case("manage:matrix", kwargs=ale(), get=only(ALE_MEMBERS)),
    Case(
        "manage:matrix",
        kwargs=lambda: {"municipality": "kalix"},
        get=only([OTHER_MUNICIPALITY]),
        label="kalix",
    ),
    Case("manage:unit_list", kwargs=ale(), get=only(MANAGERS)),
    Case(
        "manage:unit_create",
        kwargs=ale(),
        get=only(MANAGERS),
        post=only(MANAGERS, ok=302),
        data=lambda: {"name": "Ny enhet", "kind": "unit", "parent": _unit("Sektor utbildning")},
    ),
    Case(
        "manage:unit_edit",
        kwargs=ale(pk=lambda: _unit("Förskoleenheten Nödinge")),
        get=only(MANAGERS),
        post=only(MANAGERS, ok=302),
        data=lambda: {
            "name": "Förskoleenheten Nödinge",
            "short_name": "FN",
            "kind": "unit",
            "parent": _unit("Sektor utbildning"),
        },
    ),
    Case(
        "manage:unit_edit",
        kwargs=ale(pk=lambda: _unit("Teknisk förvaltning", "kalix")),
        get=NOBODY,
        post=NOBODY,
        data=lambda: {"name": "Övertagen", "kind": "unit"},
        label="kalix-unit-under-ale",
    ),
    Case("manage:person_list", kwargs=ale(), get=only(MANAGERS)),
    Case(
        "manage:person_list",
        kwargs=lambda: {"municipality": "kalix"},
        get=only([OTHER_MUNICIPALITY]),
        label="kalix",
    ),
    Case(
        "manage:person_create",
        kwargs=ale(),
        get=only(MANAGERS),
        post=only(MANAGERS, ok=302),
        data=lambda: {
            "first_name": "Nina",
            "last_name": "Nyanställd",
            "email": "nina@example.org",
            "username": "ale-nina",
            "is_active": "on",
        },
    ),
    Case(
        "manage:person_detail",
        kwargs=ale(pk=lambda: _person("ale-medarbetare")),
        get=only(MANAGERS),
    ),
    Case(
        "manage:person_detail",
        kwargs=ale(pk=lambda: _person("kalix-medarbetare")),
        get=NOBODY,
        label="kalix-person-under-ale",
    ),
    Case(
        "manage:person_export",
        kwargs=ale(pk=lambda: _person("ale-medarbetare")),
        get=only(MANAGERS),
    ),
    Case(
        "manage:person_export",
        kwargs=ale(pk=lambda: _person("kalix-medarbetare")),
        get=NOBODY,
        label="kalix-person-under-ale",
    ),
    Case(
        "manage:person_edit",
        kwargs=ale(pk=lambda: _person("ale-medarbetare")),
        get=only(MANAGERS),
        post=only(MANAGERS, ok=302),
        data=lambda: {
            "first_name": "Maja",
            "last_name": "Medarbetare",
            "email": "maja@example.org",
            "username": "ale-medarbetare",
            "is_active": "on",
        },
    ),
    Case(
        "manage:person_edit",
        kwargs=ale(pk=lambda: _person("kalix-medarbetare")),
        get=NOBODY,
        post=NOBODY,
        data=lambda: {
            "first_name": "Kim",
            "last_name": "Medarbetare",
            "email": "attacker@example.org",
            "username": "kalix-medarbetare",
            "is_active": "on",
        },
        label="kalix-person-under-ale",
    ),
    Case("manage:assignment_list", kwargs=ale(), get=only(MANAGERS)),
    Case(
        "manage:assignment_create",
        kwargs=ale(),
        get=only(MANAGERS),
        post=only(MANAGERS, ok=302),
        data=lambda: {
            "person": _person("ale-medarbetare"),
            "role": _role("security_representative"),
            "unit": _unit("Sektor samhällsbyggnad"),
            "starts_on": timezone.localdate().isoformat(),
        },
    ),
    Case(
        "manage:assignment_end",
        kwargs=ale(pk=lambda: _assignment("ale-medarbetare")),
        get=only(MANAGERS),
        post=only(MANAGERS, ok=302),
    ),
    Case(
        "manage:assignment_end",
        kwargs=ale(pk=lambda: _assignment("kalix-medarbetare")),
        get=NOBODY,
        post=NOBODY,
        label="kalix-assignment-under-ale",
    ),
    # Account pages.
    # Two-step verification (issue 9): the code step without a pending login goes back to login.
    Case("login_code", get=everyone(302), post=everyone(302), data=lambda: {"code": "123456"}),
    Case("two_factor", get=only(LOGGED_IN), post=only(LOGGED_IN, ok=400)),
    Case("two_factor_remove", post=only(LOGGED_IN, ok=302)),
    Case(
        "password_change",
        get=only(LOGGED_IN),
        post=only(LOGGED_IN, ok=302),
        data=lambda: {
            "old_password": "demo",
            "new_password1": "Trygg-och-säker-2026",
            "new_password2": "Trygg-och-säker-2026",
        },
    ),
    Case("password_change_done", get=only(LOGGED_IN)),
    Case(
        "password_reset",
        get=everyone(200),
        post=everyone(302),
        data=lambda: {"email": "ale-medarbetare@example.org"},
    ),
    Case("password_reset_done", get=everyone(200)),
    Case(
        "password_reset_confirm",
        kwargs=lambda: {"uidb64": "MQ", "token": "ogiltig"},
        get=everyone(200),
        # An invalid link sets no password, whoever posts to it.
        post=everyone(200),
        data=lambda: {"new_password1": "Nytt-lösen-123", "new_password2": "Nytt-lösen-123"},
    ),
    Case("password_reset_complete", get=everyone(200)),
]
assert all(set(case.get or case.post) == set(PERSONAS) for case in CASES)
assert ANONYMOUS in PERSONAS
