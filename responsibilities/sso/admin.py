from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from responsibilities.sso.models import GroupRoleMapping, IdentityProvider, IdentityProviderDomain

# Providers come from IdentityProvider rows, and no tokens are stored: hide allauth's own.
for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class DomainInline(admin.TabularInline):
    model = IdentityProviderDomain
    extra = 1


class GroupRoleInline(admin.TabularInline):
    model = GroupRoleMapping
    extra = 0
    autocomplete_fields = ()


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ("municipality", "protocol", "is_enabled", "local_passwords_enabled")
    list_select_related = ("municipality",)
    inlines = [DomainInline, GroupRoleInline]
    fieldsets = (
        (None, {"fields": ("municipality", "protocol", "is_enabled", "display_name")}),
        (_("OpenID Connect"), {"fields": ("issuer", "client_id", "client_secret_env")}),
        (_("SAML 2.0"), {"fields": ("metadata_url", "idp_entity_id")}),
        (
            _("Accounts"),
            {"fields": ("default_unit", "group_claim", "local_passwords_enabled")},
        ),
    )
