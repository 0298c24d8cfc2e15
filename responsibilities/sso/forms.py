from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responsibilities.audit import AuditEvent, record
from responsibilities.sso.models import IdentityProvider


class PasswordLoginForm(AuthenticationForm):
    """The local password login, closed for people whose municipality turned passwords off."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_superuser or user.municipality_id is None:
            return  # the emergency administrator keeps a password
        provider = (
            IdentityProvider.objects.select_related("municipality")
            .filter(municipality_id=user.municipality_id, is_enabled=True)
            .first()
        )
        if provider is None or provider.local_passwords_enabled:
            return
        record(
            AuditEvent.Action.PASSWORD_LOGIN_REFUSED,
            request=self.request,
            actor=user,
            municipality=provider.municipality,
            target=user.username,
        )
        raise forms.ValidationError(
            _("%(municipality)s signs in with its own accounts: use “%(button)s” below.")
            % {"municipality": provider.municipality, "button": button_text(provider)},
            code="password_login_off",
        )


def button_text(provider) -> str:
    return _("Log in with %(name)s") % {"name": provider.label}


class DiscoveryForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your work e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
