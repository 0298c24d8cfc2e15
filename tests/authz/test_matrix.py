"""Every URL × persona × method gets exactly the status the matrix says; refused writes change
nothing. A URL added to the URL configuration without a case fails `test_every_url_has_a_case`.
"""

import importlib
import json
import pkgutil

import pytest
from django.apps import apps
from django.core import serializers
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.authz as authz
from tests.authz import ANONYMOUS, PERSONAS, SECURITY_CHIEF

SKIPPED_NAMESPACES = {"admin"}  # Django's own admin, guarded by is_staff
# Forms a visitor posts to on purpose (signing in, the language, a password reset): their
# visitor POSTs are answered, not refused.
LOGIN_POSTS = {"login", "logout", "set_language", "password_reset", "password_reset_confirm"}
# Redirects a visitor gets that do not lead to the login page. The SAML ACS (allauth's) keeps
# the identity provider's answer in the visitor's session and sends them on to its finishing
# step, whatever the method.
PUBLIC_REDIRECTS = {"logout", "set_language", "password_reset", "saml_acs"}


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


def pages_for(persona):
    """(case id, URL) of every page of the matrix the persona may open, each URL once: the
    pages the axe and valid-HTML tests visit."""
    seen = set()
    for case in CASES:
        if case.get is None or case.get.get(persona) != 200:
            continue
        url = reverse(case.name, kwargs=case.kwargs())
        if url not in seen:
            seen.add(url)
            yield case.id, url


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


def _refused(expected: int, persona: str) -> bool:
    # A visitor's POST is refused too when it is only sent to the login page.
    return expected >= 400 or persona == ANONYMOUS


def _shows_content(response) -> None:
    """A success shows the page, not an empty or error body."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("text/html"):
        text = body.decode()
        assert "<h1" in text and "<main" in text, "a page without a heading or main landmark"
        assert "Sidan finns inte" not in text and "Page not found" not in text
    elif kind.startswith("application/pdf"):
        assert body.startswith(b"%PDF-")
    elif kind.startswith("text/calendar"):
        assert body.startswith(b"BEGIN:VCALENDAR")
    elif kind.startswith("application/json"):
        assert json.loads(body) not in ({}, [], None)
    else:
        assert body, f"an empty {kind} response"


@pytest.mark.parametrize(("case", "method", "persona"), list(_params()))
def test_matrix(client, demo, case, method, persona):
    if persona != ANONYMOUS:
        client.force_login(authz_user(persona))
    url = reverse(case.name, kwargs=case.kwargs())
    expected = (case.get if method == "get" else case.post)[persona]
    refused = _refused(expected, persona)
    before = snapshot() if method == "post" and refused and case.name not in LOGIN_POSTS else None
    response = client.get(url) if method == "get" else client.post(url, case.data())
    assert response.status_code == expected, f"{method.upper()} {url} as {persona}"
    if expected == 302 and persona == ANONYMOUS and case.name not in PUBLIC_REDIRECTS:
        assert response["Location"].startswith(reverse("login")), response["Location"]
    if expected == 200:
        _shows_content(response)
    if before is not None:
        assert snapshot() == before, f"refused {method.upper()} {url} changed the database"


def _probe_persona(case) -> str:
    """Someone the case lets in by its other method (the view then checks the method)."""
    for table in (case.get, case.post):
        for persona, status in (table or {}).items():
            if persona != ANONYMOUS and status < 400:
                return persona
    return SECURITY_CHIEF


def _unlisted_methods():
    for case in CASES:
        for method, table in (("get", case.get), ("post", case.post)):
            if table is None:
                yield pytest.param(case, method, id=f"{case.id}-{method}")


@pytest.mark.parametrize(("case", "method"), list(_unlisted_methods()))
def test_every_method_a_view_accepts_has_a_case(client, demo, case, method):
    # A method with no row in the matrix must be refused with 405 by the view itself.
    client.force_login(authz_user(_probe_persona(case)))
    url = reverse(case.name, kwargs=case.kwargs())
    response = client.get(url) if method == "get" else client.post(url, case.data())
    assert response.status_code == 405, (
        f"{case.id} accepts {method.upper()} ({response.status_code}) but the matrix has no "
        f"{method} statuses for it"
    )


def authz_user(username):
    from responsibilities.models import User

    return User.objects.get(username=username)
