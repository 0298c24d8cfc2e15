"""A pytest plugin (see tests/conftest.py), so that tests/sso and tests/e2e share one of each.

The protocol peers: the demo OpenID provider (django-oauth-toolkit, its own Django process)
and a SAML identity provider (tests/sso/saml_idp.py, python3-saml), both started here on this
branch's ports, and Ale and Kalix configured to sign in with them."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.services import unavailable

ROOT = Path(__file__).resolve().parents[2]
OIDC_PORT = int(os.environ.get("TEST_OIDC_IDP_PORT", "8181"))
SAML_PORT = int(os.environ.get("TEST_SAML_IDP_PORT", "8182"))
OIDC_ISSUER = f"http://127.0.0.1:{OIDC_PORT}/o"
SAML_BASE = f"http://127.0.0.1:{SAML_PORT}"
SECRETS = {"ale": "ale-test-secret", "kalix": "kalix-test-secret"}

# People at the OpenID provider (username = password).
OIDC_PEOPLE = [
    {"username": "nora", "email": "nora.ny@ale.se", "first_name": "Nora", "last_name": "Ny"},
    {"username": "lisa", "email": "lisa.linkad@ale.se", "first_name": "Lisa", "last_name": "L"},
    {
        "username": "olle",
        "email": "olle.overifierad@ale.se",
        "first_name": "Olle",
        "last_name": "O",
        "groups": ["email-unverified"],
    },
    {
        "username": "sara",
        "email": "sara.sakerhet@ale.se",
        "first_name": "Sara",
        "last_name": "S",
        "groups": ["sg-sakerhetschefer"],
    },
    {"username": "kim", "email": "kim.kalix@kalix.se", "first_name": "Kim", "last_name": "K"},
    {"username": "eva", "email": "eva.e2e@ale.se", "first_name": "Eva", "last_name": "E"},
]


def _callbacks(slug):
    path = f"/konto/sso/oidc/{slug}/login/callback/"
    return [f"http://testserver{path}", f"http://127.0.0.1{path}"]


def _wait_for(url, process, log, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: the peer stopped: {Path(log).read_text()[-2000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.terminate()
    pytest.fail(f"{url} did not answer within {seconds} s: {Path(log).read_text()[-2000:]}")


def _port_free(port):
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=1)
    except requests.ConnectionError:
        return True
    except requests.RequestException:
        return False
    return False


@pytest.fixture(scope="session")
def oidc_idp(tmp_path_factory):
    """The OpenID provider on OIDC_PORT, with clients for Ale and Kalix."""
    if not _port_free(OIDC_PORT):
        unavailable(f"port {OIDC_PORT} for the test OpenID provider is taken")
    folder = tmp_path_factory.mktemp("oidc_idp")
    config = {
        "clients": [
            {
                "client_id": slug,
                "client_secret": secret,
                "redirect_uris": _callbacks(slug),
                "post_logout_redirect_uris": ["http://testserver/", "http://127.0.0.1/"],
            }
            for slug, secret in SECRETS.items()
        ],
        "users": [{**person, "password": person["username"]} for person in OIDC_PEOPLE],
    }
    (folder / "config.json").write_text(json.dumps(config))
    log = folder / "log.txt"
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["DEMO_IDP_FAST_HASHER"] = "1"
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "responsibilities.sso.demo_idp",
                "--port",
                str(OIDC_PORT),
                "--data-dir",
                str(folder / "data"),
                "--config",
                str(folder / "config.json"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    _wait_for(f"{OIDC_ISSUER}/.well-known/openid-configuration", process, log)
    yield OIDC_ISSUER
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    """The SAML identity provider on SAML_PORT; returns its entity id."""
    if not _port_free(SAML_PORT):
        unavailable(f"port {SAML_PORT} for the test SAML identity provider is taken")
    log = tmp_path_factory.mktemp("saml_idp") / "log.txt"
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, str(ROOT / "tests" / "sso" / "saml_idp.py"), str(SAML_PORT)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    _wait_for(f"{SAML_BASE}/entity-id", process, log)
    yield requests.get(f"{SAML_BASE}/entity-id", timeout=5).text
    process.terminate()
    process.wait(timeout=10)


def saml_control(user=None, fault=None):
    requests.post(
        f"{SAML_BASE}/control", data=json.dumps({"user": user, "fault": fault}), timeout=5
    ).raise_for_status()


@pytest.fixture
def secrets_in_environment(monkeypatch):
    for slug, secret in SECRETS.items():
        monkeypatch.setenv(f"TEST_{slug.upper()}_OIDC_SECRET", secret)


@pytest.fixture
def oidc_world(demo, oidc_idp, secrets_in_environment):
    """Ale and Kalix sign in with the test OpenID provider (Ale's demo provider repointed)."""
    from responsibilities.models import Municipality, OrganisationUnit
    from responsibilities.sso.models import IdentityProvider, IdentityProviderDomain

    providers = {}
    for slug in ("ale", "kalix"):
        municipality = Municipality.objects.get(slug=slug)
        provider, _ = IdentityProvider.objects.update_or_create(
            municipality=municipality,
            defaults={
                "protocol": IdentityProvider.Protocol.OIDC,
                "display_name": f"{municipality.name}s konto",
                "issuer": oidc_idp,
                "client_id": slug,
                "client_secret_env": f"TEST_{slug.upper()}_OIDC_SECRET",
                "metadata_url": "",
                "idp_entity_id": "",
                "default_unit": OrganisationUnit.objects.filter(
                    municipality=municipality, kind=OrganisationUnit.Kind.SECTOR
                ).first(),
            },
        )
        IdentityProviderDomain.objects.filter(domain=f"{slug}.se").delete()
        IdentityProviderDomain.objects.create(provider=provider, domain=f"{slug}.se")
        providers[slug] = provider
    return providers


@pytest.fixture
def saml_world(demo, saml_idp):
    """Ale signs in with the test SAML identity provider."""
    from responsibilities.models import Municipality, OrganisationUnit
    from responsibilities.sso.models import IdentityProvider, IdentityProviderDomain

    ale = Municipality.objects.get(slug="ale")
    provider, _ = IdentityProvider.objects.update_or_create(
        municipality=ale,
        defaults={
            "protocol": IdentityProvider.Protocol.SAML,
            "display_name": "Ale kommuns konto",
            "issuer": "",
            "client_id": "",
            "metadata_url": f"{SAML_BASE}/metadata",
            "idp_entity_id": saml_idp,
            "default_unit": OrganisationUnit.objects.filter(
                municipality=ale, name="Sektor utbildning"
            ).first(),
        },
    )
    if not IdentityProviderDomain.objects.filter(domain="ale.se").exists():
        IdentityProviderDomain.objects.create(provider=provider, domain="ale.se")
    return provider
