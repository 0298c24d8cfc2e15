"""Sign-in with the municipality's identity provider (responsibilities/sso). Kalix has no
provider in the demo data: its protocol endpoints are 404 for everyone; the ACS only stores the
posted answer and hands over to its finishing step.

The protocol endpoints are django-allauth's own views: they dispatch every method to the same
code (an identity provider may answer by GET or POST), so the matrix lists both methods with
what they really answer."""

from tests.authz import Case, everyone

KALIX_OIDC = lambda: {"provider_id": "kalix"}  # noqa: E731
KALIX_SAML = lambda: {"organization_slug": "kalix"}  # noqa: E731

CASES = [
    Case("sso_discover", post=everyone(302), data=lambda: {"email": "anna@ale.se"}),
    Case("openid_connect_login", kwargs=KALIX_OIDC, get=everyone(404), post=everyone(404)),
    Case("openid_connect_callback", kwargs=KALIX_OIDC, get=everyone(404), post=everyone(404)),
    Case("saml_login", kwargs=KALIX_SAML, get=everyone(404), post=everyone(404)),
    Case("saml_acs", kwargs=KALIX_SAML, get=everyone(302), post=everyone(302)),
    Case("saml_finish_acs", kwargs=KALIX_SAML, get=everyone(404), post=everyone(404)),
    Case("saml_sls", kwargs=KALIX_SAML, get=everyone(404), post=everyone(404)),
    Case("saml_metadata", kwargs=KALIX_SAML, get=everyone(404), post=everyone(404)),
]
