from tests.authz import PERSONAS, Case, everyone

CASES = [
    Case(
        "programmes:public_pdf",
        kwargs=lambda: {"municipality": "ale", "slug": "trygghet-och-sakerhet"},
        get=everyone(200),
    ),
    Case(
        "programmes:public_pdf",
        kwargs=lambda: {"municipality": "ale", "slug": "okand"},
        get=everyone(404),
        label="unknown",
    ),
]
assert all(set(case.get or case.post) == set(PERSONAS) for case in CASES)
