"""allauth's OpenID Connect provider with a nonce: sent with the authorisation request, kept in
the one-time state, and compared with the id token's in `SocialAccountAdapter.pre_social_login`."""

import secrets

import requests
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider


class MunicipalOpenIDConnectProvider(OpenIDConnectProvider):
    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        try:
            return super().redirect(
                request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
            )
        except (requests.RequestException, ValueError) as error:
            # The provider's discovery document could not be fetched: say so, don't 500.
            from responsibilities.sso.accounts import provider_for_key
            from responsibilities.sso.adapter import refusal_response

            row = provider_for_key(self.app.provider_id)
            return refusal_response(request, row, "unavailable", error=error)
