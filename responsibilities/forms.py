"""Forms for managing a municipality's units, people and assignments, and the account pages.

Every choice a form offers comes from the one municipality being managed; a value from
elsewhere is refused with the same message as any unknown value.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from responsibilities import outbox
from responsibilities.access import people_of
from responsibilities.email_preferences import AtOnce, EmailPreferences
from responsibilities.fields import DateInput, SensibleDateField
from responsibilities.models import Assignment, Municipality, OrganisationUnit, Role, User


def _choice_error(municipality: Municipality, what):
    return {
        "invalid_choice": _("Choose %(what)s of %(municipality)s.")
        % {"what": what, "municipality": municipality.name}
    }


class UnitForm(forms.ModelForm):
    class Meta:
        model = OrganisationUnit
        fields = ["name", "short_name", "kind", "parent"]

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        parents = OrganisationUnit.objects.filter(municipality=municipality)
        if self.instance.pk:
            # Neither the unit itself nor one of its sub-units can be its parent.
            parents = parents.exclude(path__startswith=self.instance.path)
        parent = self.fields["parent"]
        parent.queryset = parents
        parent.empty_label = _("– none (top of the organisation) –")
        parent.error_messages.update(_choice_error(municipality, _("a unit")))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = OrganisationUnit.objects.filter(
            municipality=self.instance.municipality, name__iexact=name
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("The municipality already has a unit with this name."))
        return name


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "username", "is_active"]
        help_texts = {
            "username": _("Used to log in. Letters, digits and @/./+/-/_ only."),
            "is_active": _("A person who is not active cannot log in and has no access."),
        }

    def __init__(self, *args, municipality: Municipality, editor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        if self.instance.pk is None:
            self.instance.municipality = municipality
            self.instance.set_unusable_password()
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True

    def clean_is_active(self):
        active = self.cleaned_data["is_active"]
        if not active and self.instance.pk == self.editor.pk:
            raise forms.ValidationError(_("You cannot deactivate your own account."))
        return active


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["person", "role", "unit", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        field_classes = {"starts_on": SensibleDateField, "ends_on": SensibleDateField}
        help_texts = {
            "unit": _(
                "Required for roles held in a unit, such as sector chief; empty for roles "
                "held for the whole municipality, such as security chief."
            ),
            "ends_on": _("Leave empty if the assignment runs until further notice."),
        }

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        fields = self.fields
        fields["person"].queryset = (
            people_of(municipality)
            .filter(is_active=True)
            .order_by("first_name", "last_name", "username")
        )
        fields["role"].queryset = Role.objects.filter(municipality=municipality)
        fields["unit"].queryset = OrganisationUnit.objects.filter(municipality=municipality)
        fields["unit"].empty_label = _("– the whole municipality –")
        fields["person"].error_messages.update(_choice_error(municipality, _("a person")))
        fields["role"].error_messages.update(_choice_error(municipality, _("a role")))
        fields["unit"].error_messages.update(_choice_error(municipality, _("a unit")))

    def clean(self):
        cleaned = super().clean()
        role, unit = cleaned.get("role"), cleaned.get("unit")
        if role is not None and role.is_municipality_wide and unit is not None:
            self.add_error(
                "unit",
                _("This role is held for the whole municipality: leave the unit empty."),
            )
        person = cleaned.get("person")
        if person is not None and role is not None and not self.errors:
            held = Assignment.objects.active().filter(person=person, role=role, unit=unit)
            if held.exists():
                raise forms.ValidationError(_("The person already holds this role here."))
        return cleaned


class ActivatingPasswordResetForm(PasswordResetForm):
    """Password reset that also lets a person who was added without a password set one."""

    def get_users(self, email):
        return (
            user
            for user in User._default_manager.filter(email__iexact=email, is_active=True)
            if user.email and user.email.lower() == email.lower()
        )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Written in the recipient's language (not the requester's browser's) and queued in
        the outbox: "sent" means it is stored; a worker sends it, retrying while SMTP is down."""
        with translation.override(context["user"].language or settings.LANGUAGE_CODE):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
            message = EmailMultiAlternatives(subject, body, from_email, [to_email])
            if html_email_template_name is not None:
                message.attach_alternative(
                    render_to_string(html_email_template_name, context), "text/html"
                )
        outbox.queue_email(message)


class EmailPreferencesForm(forms.Form):
    """A person's choice of what is e-mailed to them (responsibilities.email_preferences)."""

    followup_at_once = forms.BooleanField(
        required=False,
        label=AtOnce.FOLLOWUP.label,
        help_text=EmailPreferences._meta.get_field("followup_at_once").help_text,
    )
    reminders_at_once = forms.BooleanField(
        required=False,
        label=AtOnce.REMINDERS.label,
        help_text=EmailPreferences._meta.get_field("reminders_at_once").help_text,
    )
    summary = forms.ChoiceField(
        label=_("Summary of your other notifications"),
        help_text=_("One e-mail with what is new for you and was not e-mailed at once."),
        choices=EmailPreferences.Summary.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how often you want the summary."),
            "invalid_choice": _("Choose how often you want the summary."),
        },
    )

    @classmethod
    def initial_of(cls, preferences: EmailPreferences) -> dict:
        return {name: getattr(preferences, name) for name in cls.base_fields}
