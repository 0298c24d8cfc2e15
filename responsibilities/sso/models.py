"""Which identity provider a municipality signs in with, and what its groups give."""

import os

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Assignment, Municipality, OrganisationUnit, Role


class IdentityProvider(models.Model):
    """The one identity provider (OIDC or SAML 2.0) through which a municipality's staff sign in."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="identity_provider",
        verbose_name=_("municipality"),
    )
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices)
    is_enabled = models.BooleanField(_("in use"), default=True)
    display_name = models.CharField(
        _("name on the button"),
        max_length=100,
        blank=True,
        help_text=_("E.g. “Ale kommuns konto”. Empty: the municipality's name."),
    )
    issuer = models.URLField(
        _("issuer (OIDC)"),
        blank=True,
        help_text=_(
            "The OpenID provider's issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0"
        ),
    )
    client_id = models.CharField(_("client id (OIDC)"), max_length=200, blank=True)
    client_secret_env = models.CharField(
        _("environment variable with the client secret (OIDC)"),
        max_length=100,
        blank=True,
        help_text=_(
            "The secret is never stored in the database: give the name of the environment "
            "variable that holds it, e.g. ALE_OIDC_CLIENT_SECRET."
        ),
    )
    metadata_url = models.URLField(_("metadata address (SAML)"), blank=True)
    idp_entity_id = models.CharField(
        _("entity id of the identity provider (SAML)"), max_length=300, blank=True
    )
    default_unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit of new employees"),
        help_text=_("People who sign in for the first time become employees in this unit."),
    )
    group_claim = models.CharField(
        _("group claim or attribute"),
        max_length=200,
        default="groups",
        help_text=_("Where the provider lists the person's groups, for the group → role mapping."),
    )
    local_passwords_enabled = models.BooleanField(
        _("local passwords allowed"),
        default=True,
        help_text=_(
            "Off: the municipality's people can only sign in through the identity provider; "
            "superusers (the emergency administrator) can still use their password."
        ),
    )

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(protocol="oidc") | (~Q(issuer="") & ~Q(client_id="")),
                name="sso_oidc_needs_issuer_and_client",
                violation_error_message=_("OpenID Connect needs the issuer and the client id."),
            ),
            models.CheckConstraint(
                condition=~Q(protocol="saml") | (~Q(metadata_url="") & ~Q(idp_entity_id="")),
                name="sso_saml_needs_metadata",
                violation_error_message=_(
                    "SAML needs the metadata address and the identity provider's entity id."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.municipality} ({self.get_protocol_display()})"

    def clean(self):
        if self.default_unit_id and self.default_unit.municipality_id != self.municipality_id:
            raise ValidationError({"default_unit": _("The unit belongs to another municipality.")})

    @property
    def key(self) -> str:
        """allauth's provider id and the SocialAccount.provider of linked accounts."""
        return self.municipality.slug

    @property
    def label(self) -> str:
        return self.display_name or str(self.municipality)

    def client_secret(self) -> str:
        return os.environ.get(self.client_secret_env, "") if self.client_secret_env else ""

    def as_social_app(self):
        """An unsaved allauth SocialApp: the protocol settings come from this row."""
        from allauth.socialaccount.models import SocialApp

        if self.protocol == self.Protocol.OIDC:
            return SocialApp(
                provider="openid_connect",
                provider_id=self.key,
                name=self.label,
                client_id=self.client_id,
                secret=self.client_secret(),
                settings={"server_url": self.issuer.rstrip("/"), "oauth_pkce_enabled": True},
            )
        return SocialApp(
            provider="saml",
            provider_id=self.key,
            name=self.label,
            client_id=self.key,
            settings={
                "idp": {"entity_id": self.idp_entity_id, "metadata_url": self.metadata_url},
                "attribute_mapping": SAML_ATTRIBUTES,
                "advanced": {
                    "strict": True,
                    "want_assertion_signed": True,
                    "reject_idp_initiated_sso": True,
                    "reject_deprecated_algorithm": True,
                    "allow_single_label_domains": True,
                },
            },
        )


# Attribute names that Entra ID, ADFS and most Swedish IdPs send (first one found wins).
SAML_ATTRIBUTES = {
    "uid": [
        "urn:oasis:names:tc:SAML:attribute:subject-id",
        "http://schemas.microsoft.com/identity/claims/objectidentifier",
    ],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "mail",
    ],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "givenName",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "sn",
    ],
}


class IdentityProviderDomain(models.Model):
    """An e-mail domain whose people sign in with this provider (home-realm discovery)."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.CASCADE,
        related_name="domains",
        verbose_name=_("identity provider"),
    )
    domain = models.CharField(
        _("e-mail domain"), max_length=253, help_text=_("E.g. ale.se, without “@”.")
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        constraints = [
            # One domain leads to one municipality: discovery must not have to guess.
            models.UniqueConstraint(fields=["domain"], name="sso_domain_unique"),
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")) & ~Q(domain__contains="@"),
                name="sso_domain_lower_case_without_at",
            ),
        ]

    def __str__(self):
        return self.domain

    def clean(self):
        self.domain = (self.domain or "").strip().lower().lstrip("@")


class GroupRoleMapping(models.Model):
    """A group at the identity provider that gives a role here, recorded in the security log."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.CASCADE,
        related_name="group_roles",
        verbose_name=_("identity provider"),
    )
    group = models.CharField(
        _("group"), max_length=300, help_text=_("The group's id or name as the provider sends it.")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="+", verbose_name=_("role")
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Empty for roles held for the whole municipality."),
    )

    class Meta:
        ordering = ["group"]
        verbose_name = _("group → role mapping")
        verbose_name_plural = _("group → role mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "group", "role", "unit"],
                name="sso_group_role_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.group} → {self.role}"

    def clean(self):
        if not (self.provider_id and self.role_id):
            return
        municipality_id = self.provider.municipality_id
        if self.role.municipality_id != municipality_id:
            raise ValidationError({"role": _("The role belongs to another municipality.")})
        if self.unit_id and self.unit.municipality_id != municipality_id:
            raise ValidationError({"unit": _("The unit belongs to another municipality.")})
        if self.unit_id is None and not self.role.is_municipality_wide:
            raise ValidationError({"unit": _("This role is held in a unit: choose the unit.")})


class MappedAssignment(models.Model):
    """An assignment that a group mapping gave; it ends when the group no longer says so."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="+", verbose_name=_("assignment")
    )
    mapping = models.ForeignKey(
        GroupRoleMapping,
        on_delete=models.SET_NULL,
        null=True,
        related_name="granted",
        verbose_name=_("group → role mapping"),
    )

    class Meta:
        verbose_name = _("assignment from a group")
        verbose_name_plural = _("assignments from groups")

    def __str__(self):
        return str(self.assignment_id)
