from oauth2_provider.oauth2_validators import OAuth2Validator

# A person in this group has an e-mail address the provider does not vouch for (tests use it).
UNVERIFIED = "email-unverified"


class DemoValidator(OAuth2Validator):
    """Sends the person's e-mail, name and groups in the id token and from userinfo."""

    oidc_claim_scope = None  # every claim, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        groups = sorted(group.name for group in user.groups.all())
        return {
            "email": user.email,
            "email_verified": UNVERIFIED not in groups,
            "name": user.get_full_name(),
            "given_name": user.first_name,
            "family_name": user.last_name,
            "preferred_username": user.username,
            "groups": [group for group in groups if group != UNVERIFIED],
        }
