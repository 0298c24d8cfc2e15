"""Forms of the follow-up: cycles and questions, the report form, review steps."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from followup import filetypes
from followup.models import Action, Answer, Attainment, Cycle, Question
from programmes.models import ProgrammeVersion
from programmes.references import ParagraphFormField, validate_not_future
from responsibilities.fields import DateInput, SensibleDateField
from responsibilities.models import OrganisationUnit, Role


class CycleCreateForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Programme version"), queryset=ProgrammeVersion.objects.none(), empty_label=None
    )
    year = forms.IntegerField(
        label=_("Year followed up"), min_value=2000, max_value=2100, help_text=_("E.g. 2026.")
    )
    opens_on = SensibleDateField(label=_("Opens on"), widget=DateInput())
    due_on = SensibleDateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = ProgrammeVersion.objects.filter(
            programme__municipality=municipality, status=ProgrammeVersion.Status.ADOPTED
        ).order_by("title")

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("due_on") and data["due_on"] < data["opens_on"]:
            self.add_error("due_on", _("The due date cannot be before the opening date."))
        version, year = data.get("version"), data.get("year")
        if version and year and Cycle.objects.filter(version=version, year=year).exists():
            self.add_error("year", _("This programme already has a follow-up for that year."))
        return data


class CycleSettingsForm(forms.ModelForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Reporting units"),
        queryset=OrganisationUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Every sector and company by default. Can change until the cycle opens."),
    )

    class Meta:
        model = Cycle
        fields = ["opens_on", "due_on", "units"]
        widgets = {"opens_on": DateInput(), "due_on": DateInput()}
        field_classes = {"opens_on": SensibleDateField, "due_on": SensibleDateField}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        # Built once: the checkbox list must not query per unit.
        self.fields["units"].choices = [(unit.pk, unit.name) for unit in units]
        if not self.instance.is_draft:
            self.fields["units"].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("due_on") and data["due_on"] < data["opens_on"]:
            self.add_error("due_on", _("The due date cannot be before the opening date."))
        return data


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["area", "text", "help_text", "answer_type", "required"]

    def __init__(self, *args, cycle, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle
        self.fields["area"].queryset = cycle.application_areas()
        self.fields["area"].choices = [("", _("General question"))] + [
            (area.pk, area.text) for area in areas
        ]


class BoardReportForm(forms.Form):
    date = SensibleDateField(
        label=_("Meeting date"), widget=DateInput(), validators=[validate_not_future]
    )
    paragraph = ParagraphFormField(label=_("§ number"), required=False)


class ExecutiveBoardForm(BoardReportForm):
    """The board report; with units still missing, their list must be confirmed explicitly."""

    without = forms.ModelMultipleChoiceField(
        label=_("Report without the reports of these units"),
        queryset=OrganisationUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Their reports are not approved. The list is logged and printed."),
    )

    def __init__(self, *args, missing, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = missing
        self.fields["without"].queryset = OrganisationUnit.objects.filter(
            pk__in=[u.pk for u in missing]
        )
        self.fields["without"].choices = [(u.pk, u.name) for u in missing]
        if not missing:
            del self.fields["without"]

    def clean(self):
        data = super().clean()
        if self.missing and set(data.get("without") or []) != set(self.missing):
            self.add_error(
                "without",
                _("Tick every unit without an approved report to report without them."),
            )
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the unit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required when returning: say what the unit should complete or change. Kept in the "
            "report's history and its PDF; the unit sees it."
        ),
        required=False,
    )


YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


def field_for(question: Question) -> forms.Field:
    """The form field for a question; never required here (drafts may be incomplete)."""
    T = Question.AnswerType
    common = {"label": question.text, "required": False, "help_text": question.help_text}
    if question.answer_type == T.SCALE:
        return forms.ChoiceField(choices=Attainment.choices, widget=forms.RadioSelect, **common)
    if question.answer_type == T.YES_NO:
        return forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    if question.answer_type == T.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if question.answer_type == T.DATE:
        return SensibleDateField(widget=DateInput(), **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000, **common)


def to_form_value(answer: Answer):
    if answer.question.answer_type == Question.AnswerType.YES_NO:
        return {True: "yes", False: "no"}.get(answer.yes_no, "")
    return answer.value


class ReportAnswersForm(forms.Form):
    """One field per question of the cycle, named q<id>."""

    def __init__(self, *args, questions, answers, **kwargs):
        self.questions = list(questions)
        self.answers = {answer.question_id: answer for answer in answers}
        initial = {f"q{qid}": to_form_value(answer) for qid, answer in self.answers.items()}
        super().__init__(*args, initial=initial, **kwargs)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = field_for(question)

    def groups(self):
        """[(area or None, [(question, bound field)])] in question order, areas kept together."""
        groups: dict = {}
        for question in self.questions:
            groups.setdefault(question.area, []).append((question, self[f"q{question.pk}"]))
        return list(groups.items())

    def values(self) -> list[tuple[Question, object]]:
        """(question, value in its answer column) for every question, from the cleaned data."""
        values = []
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.answer_type == Question.AnswerType.YES_NO:
                value = {"yes": True, "no": False}.get(value)
            if value is None and Answer.FIELD_FOR_TYPE[question.answer_type] in (
                "attainment",
                "text",
            ):
                value = ""
            values.append((question, value))
        return values


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["what", "responsible_role", "starts_on", "due_on", "status"]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "starts_on": DateInput(),
            "due_on": DateInput(),
        }
        field_classes = {"starts_on": SensibleDateField, "due_on": SensibleDateField}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("due_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The due date cannot be before the start."))
        return data


class BaseActionFormSet(forms.BaseModelFormSet):
    def __init__(self, *args, roles, **kwargs):
        self.role_choices = [("", "---------")] + [(role.pk, role.display_name) for role in roles]
        self.role_queryset = Role.objects.filter(pk__in=[role.pk for role in roles])
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        self._limit_roles(form)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        self._limit_roles(form)
        return form

    def _limit_roles(self, form):
        # One list for every row: the role menu must not query per row.
        field = form.fields["responsible_role"]
        field.queryset = self.role_queryset
        field.choices = self.role_choices


# A cap on the rows one post may build: a forged TOTAL_FORMS of millions would otherwise make
# Django build (and render) up to 2,000 forms, tens of seconds per request (issue 9).
MAX_ACTIONS = 100
ActionFormSet = forms.modelformset_factory(
    Action,
    form=ActionForm,
    formset=BaseActionFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ACTIONS,
    absolute_max=MAX_ACTIONS,
    validate_max=True,
)


def check_upload(upload):
    """An evidence file's checks (size, content by its first bytes, a name that matches);
    sets `detected_content_type` on the upload. Also used for files sent with risk reports."""
    if not upload:
        return upload
    limit = settings.FOLLOWUP_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file is too large (%(size)s). The limit is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    extension = Path(upload.name).suffix.lower()
    kind = filetypes.sniff(upload)
    if kind is None or extension not in filetypes.KINDS[kind][0]:
        raise forms.ValidationError(
            _(
                "“%(name)s” is not a PDF, Office document or image, or its content does not "
                "match its name. Choose another file."
            ),
            params={"name": upload.name},
        )
    upload.detected_content_type = filetypes.content_type_for(kind, extension)
    return upload


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attach a file"), required=False)
    description = forms.CharField(
        label=_("Description of the file"), required=False, max_length=200
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument or an image, at most %(size)s."
        ) % {"size": filesizeformat(settings.FOLLOWUP_ATTACHMENT_MAX_BYTES)}

    def clean_file(self):
        return check_upload(self.cleaned_data.get("file"))
