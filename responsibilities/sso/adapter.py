"""django-allauth adapters: providers come from IdentityProvider rows, identities become people
by the rules of `accounts`, and every refusal is logged and explained in Swedish."""

import logging

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.shortcuts import render

from responsibilities.audit import AuditEvent, record
from responsibilities.capabilities import RoleKind
from responsibilities.models import Role
from responsibilities.sso import accounts
from responsibilities.sso.models import IdentityProvider

logger = logging.getLogger(__name__)


def refusal_response(request, provider, reason: str, **detail):
    """Log a refused sign-in and show the person why, in their language."""
    record(
        AuditEvent.Action.SSO_FAILED,
        request=request,
        actor=None,
        municipality=provider.municipality if provider else None,
        target=provider.key if provider else "",
        reason=reason,
        **{key: str(value)[:300] for key, value in detail.items()},
    )
    context = {
        "message": accounts.REASONS.get(reason, accounts.REASONS["unknown"]),
        "reason": reason,
        "provider": provider,
    }
    status = 503 if reason == "unavailable" else 403
    return render(request, "sso/refused.html", context, status=status)


def reason_from_error(error, exception, extra_context) -> str:
    """Map what the protocol libraries said to one of accounts.REASONS."""
    if error == AuthError.CANCELLED:
        return "cancelled"
    if isinstance(exception, requests.RequestException):
        return "unavailable"
    text = " ".join(
        str(part)
        for part in (
            exception or "",
            extra_context.get("saml_last_error_reason", ""),
            " ".join(extra_context.get("saml_errors", []) or []),
        )
    ).lower()
    if "audience" in text:
        return "wrong_audience"
    if "signature" in text or "not signed" in text or "reference validation" in text:
        return "bad_signature"
    if "expired" in text or "notonorafter" in text or "subjectconfirmation" in text:
        return "expired"
    if "nonce" in text:
        return "replayed"
    if exception is None and "state_id" in extra_context:
        return "replayed"
    return "unknown"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """One app per municipality that has an identity provider in use (never from settings)."""
        rows = IdentityProvider.objects.select_related("municipality").filter(is_enabled=True)
        if provider in ("openid_connect", "saml"):
            protocol = IdentityProvider.Protocol
            rows = rows.filter(
                protocol=protocol.OIDC if provider == "openid_connect" else protocol.SAML
            )
        elif provider:
            rows = rows.filter(municipality__slug=provider)
        apps = [row.as_social_app() for row in rows]
        return [app for app in apps if not client_id or app.client_id == client_id]

    def pre_social_login(self, request, sociallogin):
        provider = accounts.provider_for_key(sociallogin.account.provider)
        try:
            if provider is None:
                raise accounts.Refused("disabled")
            if not sociallogin.state:
                raise accounts.Refused("replayed")
            if provider.protocol == IdentityProvider.Protocol.OIDC:
                id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
                nonce = sociallogin.state.get("nonce")
                if not nonce or id_token.get("nonce") != nonce:
                    raise accounts.Refused("replayed", check="nonce")
            outcome = accounts.check_identity(request, provider, sociallogin)
            if (
                outcome == "new"
                and not Role.objects.filter(
                    municipality_id=provider.municipality_id, kind=RoleKind.EMPLOYEE
                ).exists()
            ):
                raise accounts.Refused("no_employee_role")
        except accounts.Refused as refused:
            detail = {"subject": sociallogin.account.uid, **refused.detail}
            raise ImmediateHttpResponse(
                refusal_response(request, provider, refused.reason, **detail)
            ) from refused
        if outcome != "new":
            accounts.apply_group_roles(
                request, provider, sociallogin.user, accounts.groups_of(provider, sociallogin)
            )
        request._sso_provider = provider

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # A user name of our own: the provider's preferred_username may clash with a local one.
        from allauth.account.adapter import get_adapter

        local = (data.get("email") or "").partition("@")[0] or data.get("username") or "person"
        user.username = get_adapter().generate_unique_username(
            [f"{sociallogin.account.provider}-{local}", f"{sociallogin.account.provider}-person"]
        )
        return user

    def save_user(self, request, sociallogin, form=None):
        provider = request._sso_provider
        user = super().save_user(request, sociallogin, form)
        accounts.create_employee(request, provider, user, sociallogin)
        accounts.apply_group_roles(
            request, provider, user, accounts.groups_of(provider, sociallogin)
        )
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        extra_context = extra_context or {}
        reason = reason_from_error(error, exception, extra_context)
        logger.warning(
            "SSO sign-in refused (%s): %s %s",
            reason,
            exception,
            extra_context.get("saml_last_error_reason", ""),
        )
        row = accounts.provider_for_key(provider.app.provider_id) if provider else None
        detail = {"error": str(exception or extra_context.get("saml_last_error_reason", ""))}
        raise ImmediateHttpResponse(refusal_response(request, row, reason, **detail))


class AccountAdapter(DefaultAccountAdapter):
    """Only the social sign-in of allauth is used: local accounts keep Django's own views."""

    def is_open_for_signup(self, request):
        return True

    def login(self, request, user):
        # allauth would pick the first backend with get_user, which is django-axes' one.
        user.backend = "responsibilities.backends.ModelBackend"
        super().login(request, user)
        provider = getattr(request, "_sso_provider", None)
        if provider is not None:
            request.session[accounts.SESSION_KEY] = provider.key
            record(
                AuditEvent.Action.SSO_LOGIN,
                request=request,
                actor=user,
                municipality=provider.municipality,
                target=user.username,
                provider=provider.key,
                protocol=provider.protocol,
            )
