"""The demo sign-in of `make run`: Ale signs in through the demo OpenID provider
(responsibilities/sso/demo_idp) on DEMO_IDP_PORT, with a person the product has never seen."""

import os

from responsibilities.models import OrganisationUnit
from responsibilities.sso.models import IdentityProvider, IdentityProviderDomain

DEMO_IDP_PORT = int(os.environ.get("DEMO_IDP_PORT", "8001"))
DEMO_CLIENT_ID = "ale-demo"
DEMO_SECRET_ENV = "ALE_DEMO_OIDC_SECRET"
DEMO_SECRET = "demo-oidc-secret"  # noqa: S105 - the demo provider's documented client secret
DEMO_DOMAIN = "ale.se"
DEMO_UNIT = "Sektor kommunstyrelsen"
# People who exist only at the demo provider: the first sign-in makes them Ale employees.
DEMO_IDP_PEOPLE = [
    {
        "username": "ny.medarbetare",
        "password": "demo",
        "email": "ny.medarbetare@ale.se",
        "first_name": "Nora",
        "last_name": "Nyström",
        "groups": [],
    },
]


def issuer() -> str:
    return f"http://127.0.0.1:{DEMO_IDP_PORT}/o"


def load(municipalities) -> IdentityProvider:
    """Ale's identity provider is the demo one (kept if an administrator already set one up)."""
    ale = municipalities["ale"]
    provider = IdentityProvider.objects.filter(municipality=ale).first()
    if provider is None:
        provider = IdentityProvider.objects.create(
            municipality=ale,
            protocol=IdentityProvider.Protocol.OIDC,
            display_name="Ale kommuns konto",
            issuer=issuer(),
            client_id=DEMO_CLIENT_ID,
            client_secret_env=DEMO_SECRET_ENV,
            default_unit=OrganisationUnit.objects.filter(municipality=ale, name=DEMO_UNIT).first(),
        )
    if not IdentityProviderDomain.objects.filter(domain=DEMO_DOMAIN).exists():
        IdentityProviderDomain.objects.create(provider=provider, domain=DEMO_DOMAIN)
    return provider


def idp_config(site_url: str) -> dict:
    """What the demo provider must know: our client and its people."""
    site_url = site_url.rstrip("/")
    return {
        "clients": [
            {
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_SECRET,
                "redirect_uris": [
                    f"{site_url}/konto/sso/oidc/ale/login/callback/",
                    # Loopback addresses match on any port (RFC 8252), localhost too here.
                    "http://127.0.0.1/konto/sso/oidc/ale/login/callback/",
                    "http://localhost/konto/sso/oidc/ale/login/callback/",
                ],
                "post_logout_redirect_uris": [f"{site_url}/"],
            }
        ],
        "users": DEMO_IDP_PEOPLE,
    }
