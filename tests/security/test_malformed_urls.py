"""Malformed ids and URLs: every URL pattern with parameters, requested with absurd values in
each parameter in turn, as the security chief and as a visitor → never a 5xx (a 404 mostly).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authz import SECURITY_CHIEF
from tests.authz.test_matrix import CASES, SKIPPED_NAMESPACES

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
ABSURD = [
    "99999999999999999999999999",  # beyond any database integer
    "9223372036854775808",  # 2**63: one past PostgreSQL's bigint
    "2147483648",  # one past PostgreSQL's integer
    "0",
    "-1",
    "%C3%A5%C3%A4%C3%B6",  # åäö
    "..%2F..%2Fetc%2Fpasswd",
    "..",
    "%00",
    "a%00b",
    "%27%22%3E%3Cscript%3E",  # '"><script>
    "x" * 500,
]


def routes(patterns=None, prefix="", namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in SKIPPED_NAMESPACES:
                continue
            name_prefix = f"{namespace}{inner}:" if inner else namespace
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern), name_prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            if PARAMETER.search(route):
                yield namespace + pattern.name, route


ROUTES = sorted(set(routes()))
VALID = {}


def valid_kwargs(name):
    """Real values for the other parameters, from the first authorisation-matrix case."""
    if name not in VALID:
        case = next(case for case in CASES if case.name == name)
        VALID[name] = {key: str(value) for key, value in case.kwargs().items()}
    return VALID[name]


def build(route, values):
    return "/" + PARAMETER.sub(lambda match: values[match["name"]], route)


def test_the_suite_sees_the_parameterised_urls():
    names = {name for name, _route in ROUTES}
    assert {"followup:report", "programmes:edit_item"} <= names
    assert any(name.endswith("public_detail") for name in names)


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_absurd_parameters_never_give_a_server_error(client, demo, name, route):
    from responsibilities.models import User

    chief = User.objects.get(username=SECURITY_CHIEF)
    valid = valid_kwargs(name)
    failures = []
    for who in ("anonymous", "chief"):
        if who == "chief":
            client.force_login(chief)
        for parameter in PARAMETER.finditer(route):
            for value in ABSURD:
                url = build(route, {**valid, parameter["name"]: value})
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    if response.status_code >= 500:
                        failures.append(f"{method.upper()} {url} as {who}: {response.status_code}")
    assert failures == []
