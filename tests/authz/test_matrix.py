"""Every URL × persona × method gets exactly the status the matrix says; refused writes change
nothing. A URL added to the URL configuration without a case fails `test_every_url_has_a_case`.
"""

import importlib
import pkgutil

import pytest
from django.apps import apps
from django.core import serializers
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.authz as authz
from tests.authz import ANONYMOUS, PERSONAS

SKIPPED_NAMESPACES = {"admin"}  # Django's own admin, guarded by is_staff


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in SKIPPED_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def all_cases():
    cases = []
    for module in pkgutil.iter_modules(authz.__path__):
        if module.name.startswith("cases_"):
            cases += importlib.import_module(f"tests.authz.{module.name}").CASES
    return cases


CASES = all_cases()
DOMAIN_APPS = {"responsibilities", "programmes", "followup", "risks", "guardian"}


def snapshot() -> str:
    models = [m for m in apps.get_models() if m._meta.app_label in DOMAIN_APPS]
    return serializers.serialize("json", [o for m in models for o in m._default_manager.all()])


def test_every_url_has_a_case():
    covered = {case.name for case in CASES}
    assert sorted(set(url_names()) - covered) == []


def test_every_case_names_a_url():
    assert sorted({case.name for case in CASES} - set(url_names())) == []


def _params():
    for case in CASES:
        for method, table in (("get", case.get), ("post", case.post)):
            if table is None:
                continue
            assert set(table) == set(PERSONAS), f"{case.id} {method}: every persona needs a status"
            for persona in PERSONAS:
                yield pytest.param(case, method, persona, id=f"{case.id}-{method}-{persona}")


@pytest.mark.parametrize(("case", "method", "persona"), list(_params()))
def test_matrix(client, demo, case, method, persona):
    if persona != ANONYMOUS:
        client.force_login(authz_user(persona))
    url = reverse(case.name, kwargs=case.kwargs())
    expected = (case.get if method == "get" else case.post)[persona]
    before = snapshot() if method == "post" and expected >= 400 else None
    response = client.get(url) if method == "get" else client.post(url, case.data())
    assert response.status_code == expected, f"{method.upper()} {url} as {persona}"
    if expected == 302 and persona == ANONYMOUS and case.name != "logout":
        assert response["Location"].startswith(reverse("login")) or method == "post"
    if before is not None:
        assert snapshot() == before, f"refused {method.upper()} {url} changed the database"


def authz_user(username):
    from responsibilities.models import User

    return User.objects.get(username=username)
