"""allauth's SAML provider, refusing a replayed or unknown InResponseTo with our message (allauth
itself answers a bare 403) and logging it like every other refusal."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.core.exceptions import PermissionDenied


class MunicipalSAMLProvider(SAMLProvider):
    def unstash_redirect_state(self, request, state_id):
        try:
            return super().unstash_redirect_state(request, state_id)
        except PermissionDenied as error:
            from responsibilities.sso.accounts import provider_for_key
            from responsibilities.sso.adapter import refusal_response

            provider = provider_for_key(self.app.provider_id)
            response = refusal_response(request, provider, "replayed", in_response_to=state_id)
            raise ImmediateHttpResponse(response) from error
