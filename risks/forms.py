"""Forms of risk reports: the report itself, the handling steps, the register."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followup.forms import AttachmentForm, DateInput, check_upload
from programmes.models import SectionItem
from responsibilities.models import OrganisationUnit, Role
from risks.models import RiskEntry, RiskReport

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
TEXT_LIMIT = 5000
TOO_LONG = _("At most 5,000 characters.")


def date_in_range(value, *, future=False):
    if value is None:
        return value
    if value < EARLIEST or value > LATEST:
        raise forms.ValidationError(_("Enter a date between 1900 and 2100."))
    if not future and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


def text_field(label, *, rows=3, required=True, required_message=None):
    """A free text of at most TEXT_LIMIT characters (a report's texts, a handling step's note,
    a comment); `required_message`: the domain's word when it is left empty."""
    messages = {"max_length": TOO_LONG}
    if required_message:
        messages["required"] = required_message
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=TEXT_LIMIT,
        required=required,
        error_messages=messages,
    )


class RiskReportForm(forms.ModelForm):
    """What an employee fills in: the unit preselected, the programme's areas to choose."""

    # Declared here, not left to the model's unlimited text fields: a limit set on a built
    # field gets neither its validator nor the maxlength attribute.
    description = text_field(_("Describe what you noticed"), rows=4)
    immediate_action = text_field(_("What was done at once"), required=False)
    file = forms.FileField(label=_("Photo or file (optional)"), required=False)

    class Meta:
        model = RiskReport
        fields = [
            "kind",
            "unit",
            "place",
            "occurred_on",
            "occurred_until",
            "area",
            "description",
            "immediate_action",
            "confidential",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "occurred_on": DateInput(),
            "occurred_until": DateInput(),
        }
        labels = {
            "occurred_on": _("When (from)"),
            "occurred_until": _("Until (if longer)"),
        }
        help_texts = {
            "place": _("In words, e.g. “the back entrance of Nödinge school”."),
            "occurred_until": _("Leave empty for a single day."),
        }

    def __init__(self, *args, units, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = RiskReport.Kind.choices
        unit_field = self.fields["unit"]
        unit_field.queryset = OrganisationUnit.objects.filter(pk__in=[u.pk for u in units])
        unit_field.choices = [("", "---------")] + [(u.pk, u.name) for u in units]
        area_field = self.fields["area"]
        area_field.queryset = SectionItem.objects.filter(pk__in=[a.pk for a in areas])
        area_field.choices = [("", _("Not sure / other"))] + [(a.pk, a.text) for a in areas]
        self.fields["file"].help_text = AttachmentForm().fields["file"].help_text

    def clean_occurred_on(self):
        return date_in_range(self.cleaned_data.get("occurred_on"))

    def clean_occurred_until(self):
        return date_in_range(self.cleaned_data.get("occurred_until"))

    def clean_file(self):
        # The same checks as evidence files of follow-up reports (size, content, name).
        return check_upload(self.cleaned_data.get("file"))

    def clean(self):
        data = super().clean()
        start, end = data.get("occurred_on"), data.get("occurred_until")
        if start and end and end < start:
            self.add_error("occurred_until", _("The end cannot be before the start."))
        return data


class AssessForm(forms.Form):
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), coerce=int)
    consequence = forms.TypedChoiceField(label=_("Consequence"), coerce=int)

    def __init__(self, *args, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["likelihood"].choices = [
            (n, str(n)) for n in range(1, scale.likelihood_levels + 1)
        ]
        self.fields["consequence"].choices = [
            (n, str(n)) for n in range(1, scale.consequence_levels + 1)
        ]
        self.fields["likelihood"].help_text = _("1 = very unlikely, %(top)s = very likely.") % {
            "top": scale.likelihood_levels
        }
        self.fields["consequence"].help_text = _("1 = small, %(top)s = very serious.") % {
            "top": scale.consequence_levels
        }


class MeasureForm(forms.Form):
    measure = forms.CharField(
        label=_("Decided measure"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    owner_role = forms.ModelChoiceField(
        label=_("Responsible role"), queryset=Role.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_role"].queryset = Role.objects.filter(pk__in=[r.pk for r in roles])
        self.fields["owner_role"].choices = [("", "---------")] + [
            (r.pk, r.display_name) for r in roles
        ]

    def clean_due_on(self):
        value = date_in_range(self.cleaned_data.get("due_on"), future=True)
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return value


class NoteForm(forms.Form):
    note = text_field(_("What was done"), required_message=_("Say what was done."))


class DismissForm(forms.Form):
    note = text_field(
        _("Why this is not a risk"), required_message=_("Say why this is not a risk.")
    )


class CommentForm(forms.Form):
    text = text_field(_("Comment"), required_message=_("Write a comment."))


class RegisterForm(forms.Form):
    entry = forms.ModelChoiceField(
        label=_("Add to an existing risk"), queryset=RiskEntry.objects.none(), required=False
    )
    title = forms.CharField(
        label=_("Or a new risk in the register, titled"), max_length=200, required=False
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = RiskEntry.objects.filter(pk__in=[e.pk for e in entries])
        self.fields["entry"].choices = [("", "---------")] + [(e.pk, e.title) for e in entries]

    def clean(self):
        data = super().clean()
        if not data.get("entry") and not (data.get("title") or "").strip():
            raise forms.ValidationError(_("Choose an entry or give a title for a new one."))
        return data


class EntryForm(forms.ModelForm):
    class Meta:
        model = RiskEntry
        fields = ["title", "description", "likelihood", "consequence", "owner", "review_on"]
        widgets = {"review_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, scale, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["likelihood"] = forms.TypedChoiceField(
            label=_("Likelihood"),
            coerce=int,
            choices=[(n, str(n)) for n in range(1, scale.likelihood_levels + 1)],
        )
        self.fields["consequence"] = forms.TypedChoiceField(
            label=_("Consequence"),
            coerce=int,
            choices=[(n, str(n)) for n in range(1, scale.consequence_levels + 1)],
        )
        self.fields["owner"].queryset = owners
        self.fields["owner"].choices = [("", "---------")] + [
            (o.pk, o.get_full_name() or o.username) for o in owners
        ]

    def clean_review_on(self):
        return date_in_range(self.cleaned_data.get("review_on"), future=True)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=RiskEntry.objects.none())

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = RiskEntry.objects.filter(pk__in=[e.pk for e in entries])
        self.fields["into"].choices = [("", "---------")] + [(e.pk, e.title) for e in entries]
