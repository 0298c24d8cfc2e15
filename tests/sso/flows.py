"""Drive the redirect flows as a browser would: our pages through Django's test client, the
identity provider's pages over HTTP with requests."""

import html
import re
from urllib.parse import urljoin, urlparse

import requests

from tests.sso.peers import saml_control


def path_of(url: str) -> str:
    parts = urlparse(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def oidc_authorize(client, slug="ale"):
    """Press "Log in with …": our redirect to the provider's authorisation endpoint."""
    response = client.post(f"/konto/sso/oidc/{slug}/login/")
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def oidc_provider_login(authorize_url, username):
    """At the provider: log in with the person's password; returns the redirect back to us."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    login = urljoin(authorize_url, response.headers["Location"])
    browser.get(login, timeout=10).raise_for_status()
    response = browser.post(
        login,
        data={
            "username": username,
            "password": username,
            "csrfmiddlewaretoken": browser.cookies["demo_idp_csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    response = browser.get(
        urljoin(login, response.headers["Location"]), allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def oidc_sign_in(client, username, slug="ale"):
    """The whole code flow; returns our response to the callback (not followed)."""
    callback = oidc_provider_login(oidc_authorize(client, slug), username)
    return client.get(path_of(callback))


def saml_post_back(client, slug="ale"):
    """Press "Log in with …" and let the IdP answer: returns (ACS path, form fields)."""
    response = client.post(f"/konto/sso/saml/{slug}/login/")
    assert response.status_code == 302, response.content[:500]
    page = requests.get(response["Location"], timeout=10)
    page.raise_for_status()
    action = html.unescape(re.search(r'action="([^"]+)"', page.text).group(1))
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page.text)
    }
    return path_of(action), fields


def saml_deliver(client, acs, fields):
    """The browser posts the IdP's answer to our ACS, which hands over to its finishing step."""
    response = client.post(acs, fields)
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


def saml_sign_in(client, user, fault=None, slug="ale"):
    saml_control(user, fault)
    acs, fields = saml_post_back(client, slug)
    return saml_deliver(client, acs, fields)
