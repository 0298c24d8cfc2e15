from tests.authz import LOGGED_IN, PERSONAS, Case, everyone, only

CASES = [
    Case("healthz", get=everyone(200)),
    Case("set_language", post=everyone(302), data=lambda: {"language": "en", "next": "/"}),
    # A wrong password shows the form again (200) for everyone; nothing is stored.
    Case(
        "login",
        get=everyone(200),
        post=everyone(200),
        data=lambda: {"username": "ale-sektorchef", "password": "fel"},
    ),
    Case("logout", post=everyone(302)),
    Case("start", get=only(LOGGED_IN)),
    Case("programmes:home", get=everyone(200)),
    Case("programmes:municipality", kwargs=lambda: {"municipality": "ale"}, get=everyone(200)),
    Case(
        "programmes:public_detail",
        kwargs=lambda: {"municipality": "ale", "slug": "trygghet-och-sakerhet"},
        get=everyone(200),
    ),
]
assert all(set(case.get or case.post) == set(PERSONAS) for case in CASES)
CASES.append(Case("accessibility", get=everyone(200)))
from tests.authz import ADMINISTRATOR, SECURITY_CHIEF  # noqa: E402

CASES.append(
    Case(
        "audit_log",
        kwargs=lambda: {"municipality": "ale"},
        get=only([SECURITY_CHIEF, ADMINISTRATOR]),
    )
)
