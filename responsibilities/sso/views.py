"""Home-realm discovery and logout; the protocol endpoints are django-allauth's."""

import functools
import logging
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responsibilities.sso import accounts
from responsibilities.sso.forms import DiscoveryForm
from responsibilities.sso.models import IdentityProvider

logger = logging.getLogger(__name__)


def login_url(provider: IdentityProvider) -> str:
    if provider.protocol == IdentityProvider.Protocol.OIDC:
        return reverse("openid_connect_login", kwargs={"provider_id": provider.key})
    return reverse("saml_login", kwargs={"organization_slug": provider.key})


def provider_origins(provider: IdentityProvider) -> list[str]:
    """Where the browser goes when it presses the provider's button."""
    urls = (
        [provider.issuer]
        if provider.protocol == IdentityProvider.Protocol.OIDC
        else [
            provider.metadata_url,
            provider.idp_entity_id,
        ]
    )
    origins = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


def provider_shown(request) -> IdentityProvider | None:
    """The provider whose button the login page shows (?kommun=), looked up once per request."""
    if not hasattr(request, "_sso_provider_shown"):
        key = request.GET.get("kommun", "")[:50]
        request._sso_provider_shown = accounts.provider_for_key(key) if key else None
    return request._sso_provider_shown


def allow_provider_form_action(view):
    """The button posts here and is redirected on to the provider; CSP's form-action covers
    redirects too, so a login page showing a provider's button allows that provider's origin."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        provider = provider_shown(request)
        response = view(request, *args, **kwargs)
        if provider is not None:
            origins = provider_origins(provider)
            if origins:
                response._csp_update = {"form-action": origins}
        return response

    return wrapped


@require_POST
def discover(request):
    """The e-mail domain typed on the login page leads to the municipality's provider."""
    form = DiscoveryForm(request.POST)
    target = reverse("login")
    following = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(following, allowed_hosts={request.get_host()}):
        following = ""
    provider = accounts.provider_for_email(form.cleaned_data["email"]) if form.is_valid() else None
    if provider is None:
        if form.is_valid():
            messages.error(
                request,
                _(
                    "No municipality here signs in with addresses at %(domain)s. Log in with your "
                    "password instead."
                )
                % {"domain": accounts.domain_of(form.cleaned_data["email"])},
            )
        else:
            messages.error(request, _("Enter your e-mail address, e.g. anna.andersson@ale.se."))
        query = {"next": following} if following else {}
    else:
        query = {"kommun": provider.key, **({"next": following} if following else {})}
    return HttpResponseRedirect(f"{target}?{urlencode(query)}" if query else target)


def end_session_endpoint(provider: IdentityProvider) -> str | None:
    """The OpenID provider's end_session_endpoint, from its discovery document (cached)."""
    key = f"sso:end_session:{provider.issuer}"
    endpoint = cache.get(key)
    if endpoint is None:
        try:
            response = requests.get(
                provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
                timeout=settings.SOCIALACCOUNT_REQUESTS_TIMEOUT,
            )
            response.raise_for_status()
            endpoint = response.json().get("end_session_endpoint") or ""
        except (requests.RequestException, ValueError) as error:
            logger.warning("No end_session_endpoint from %s: %s", provider.issuer, error)
            return None
        cache.set(key, endpoint, 3600)
    return endpoint or None


@require_POST
def logout(request):
    """End the session here, then at the OpenID provider where it supports RP-initiated logout."""
    key = request.session.get(accounts.SESSION_KEY)
    auth_logout(request)
    done = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    provider = accounts.provider_for_key(key) if key else None
    if provider is not None and provider.protocol == IdentityProvider.Protocol.OIDC:
        endpoint = end_session_endpoint(provider)
        if endpoint:
            query = urlencode({"client_id": provider.client_id, "post_logout_redirect_uri": done})
            # A page rather than a redirect: the logout form's CSP (form-action 'self') would
            # block a redirect to another origin. It moves on at once and links there too.
            context = {"provider": provider, "provider_logout": f"{endpoint}?{query}"}
            return render(request, "sso/logged_out.html", context)
    return redirect(done)
