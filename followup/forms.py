"""Forms of the follow-up: cycles and questions, the report form, review steps."""

import html
from pathlib import Path

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import F, Window
from django.db.models.functions import DenseRank
from django.template.defaultfilters import filesizeformat
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from followup import filetypes
from followup.models import Action, Answer, Attainment, Cycle, Question
from followup.models.cycles import ANSWERED_KEEPS_TYPE, NOT_REMOVABLE
from programmes.models import ProgrammeVersion, SectionItem
from programmes.references import ParagraphFormField, validate_not_future
from responsibilities.fields import DateInput, SensibleDateField
from responsibilities.models import OrganisationUnit, Role, User


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


class AreaQuestionForm(forms.ModelForm):
    """One question of an area's form. An answered question keeps its answer type (the field
    is shown as text and disabled) and cannot be removed."""

    class Meta:
        model = Question
        fields = ["text", "help_text", "answer_type", "required"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "maxlength": 300})}
        labels = {"text": _("Wording")}

    answered = 0  # reports that answered the question (set by the formset)
    commented = False  # review comments about it (set by the formset)

    @property
    def removable(self) -> bool:
        return not (self.answered or self.commented)

    def clean(self):
        data = super().clean()
        # A disabled field never takes the posted value; a type posted anyway (the question
        # was answered after the page was shown, or a forged post) is refused, not dropped.
        posted = self.data.get(self.add_prefix("answer_type"))
        if self.answered and posted is not None and posted != self.instance.answer_type:
            self.add_error(
                "answer_type",
                forms.ValidationError(ANSWERED_KEEPS_TYPE, params={"count": self.answered}),
            )
        if not self.removable and self.data.get(self.add_prefix("DELETE")):
            self.add_error(
                None,
                forms.ValidationError(
                    NOT_REMOVABLE, params={"question": self.instance.text, "count": self.answered}
                ),
            )
        return data


class BaseAreaQuestionFormSet(forms.BaseModelFormSet):
    """The questions of one application area (or the general ones), edited together: wording,
    guidance, answer type, required, order; new ones added, unanswered ones removed."""

    def __init__(self, *args, questions, answered, commented, **kwargs):
        self.questions = list(questions)
        self.answered = answered  # {question id: number of answers}
        self.commented = commented  # {question id} with review comments
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        return self.questions

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Only this area's questions can be named by a row.
        form.fields["id"].queryset = Question.objects.filter(pk__in=[q.pk for q in self.questions])
        form.fields["ORDER"].label = _("Position in the area")
        form.fields["ORDER"].min_value = 1
        form.fields["DELETE"].label = _("Remove the question")
        pk = form.instance.pk
        form.answered = self.answered.get(pk, 0) if pk else 0
        form.commented = bool(pk and pk in self.commented)
        if form.answered:
            form.fields["answer_type"].disabled = True
        if not form.removable:
            form.fields["DELETE"].disabled = True

    def errors_in_order(self) -> list[tuple[str, str]]:
        """(id of the field to go to, what is wrong) for the error summary, in page order."""
        errors = [(f"{self.prefix}-errors", str(error)) for error in self.non_form_errors()]
        for number, form in enumerate(self.forms, start=1):
            row = _("Question %(number)s") % {"number": number}
            for name, messages in form.errors.items():
                bound = form["text"] if name == "__all__" else form[name]
                label = row if name == "__all__" else f"{row}, {bound.label}"
                errors += [
                    (bound.auto_id, _("%(field)s: %(error)s") % {"field": label, "error": error})
                    for error in messages
                ]
        return errors


MAX_AREA_QUESTIONS = 50
AreaQuestionFormSet = forms.modelformset_factory(
    Question,
    form=AreaQuestionForm,
    formset=BaseAreaQuestionFormSet,
    extra=1,
    can_delete=True,
    can_order=True,
    max_num=MAX_AREA_QUESTIONS,
    absolute_max=MAX_AREA_QUESTIONS,
    validate_max=True,
)


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
        if not missing:
            del self.fields["without"]
            return
        without = self.fields["without"]
        if self.is_bound:  # what a post may name (the dashboard shows the form unbound only)
            without.queryset = OrganisationUnit.objects.filter(pk__in=[u.pk for u in missing])
        # Worked out only if the widget is rendered (the dashboard writes the options itself).
        without.choices = lambda: [(u.pk, u.name) for u in missing]

    def clean(self):
        data = super().clean()
        if self.missing and set(data.get("without") or []) != set(self.missing):
            self.add_error(
                "without",
                _("Tick every unit without an approved report to report without them."),
            )
        return data


COMMENT_MAX = 5_000


# The reviewer's comment on one answer (ReturnForm's c<question id> fields).
QUESTION_COMMENT = forms.CharField(
    label=_("Comment on the answer to the unit"),
    widget=forms.Textarea(attrs={"rows": 3}),
    max_length=COMMENT_MAX,
    required=False,
)


class ReturnForm(forms.Form):
    """The review: an overall comment and a comment on any of the report's questions
    (fields c<question id>, sent with a return; the unit sees each beside its question)."""

    comment = forms.CharField(
        label=_("Comment to the unit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX,
        help_text=_(
            "When returning, say here or beside the questions what the unit should complete "
            "or change. Kept in the report's history and its PDF; the unit sees it."
        ),
        required=False,
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            # One field for all of them: a field holds no value or state of its own (the
            # bound field and cleaned_data do), and nothing here changes it per form, so the
            # copy Django makes of each declared field is not needed. Thirty copies were 7 %
            # of the report page's instructions (issue 16).
            self.fields[f"c{question.pk}"] = QUESTION_COMMENT

    def question_comments(self) -> dict:
        """{question: comment} for the questions commented on."""
        data = getattr(self, "cleaned_data", {})
        return {
            question: data[f"c{question.pk}"].strip()
            for question in self.questions
            if data.get(f"c{question.pk}", "").strip()
        }

    def check_approval(self):
        """Comments on questions travel with a return: an approval with some is refused."""
        if self.is_valid() and self.question_comments():
            self.add_error(
                None,
                _(
                    "Comments on questions are sent to the unit with a return. Return the "
                    "report, or empty the comments beside the questions to approve it."
                ),
            )
        return not self.errors

    def errors_in_order(self) -> list[tuple[str, str]]:
        errors = [("review", str(error)) for error in self.non_field_errors()]
        errors += [(self["comment"].auto_id, str(error)) for error in self["comment"].errors]
        for question in self.questions:
            bound = self[f"c{question.pk}"]
            errors += [(bound.auto_id, f"{question.text}: {error}") for error in bound.errors]
        return errors


class ReplyForm(forms.Form):
    """The unit's replies to the comments of the latest return (fields r<comment id>)."""

    def __init__(self, *args, comments=(), **kwargs):
        self.comments = list(comments)
        super().__init__(*args, initial={f"r{c.pk}": c.reply for c in self.comments}, **kwargs)
        for comment in self.comments:
            self.fields[f"r{comment.pk}"] = forms.CharField(
                label=_("Your reply to the comment"),
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=COMMENT_MAX,
                required=False,
            )

    def replies(self) -> dict[int, str]:
        """{comment id: reply} for the replies in the post (one left out is left as it is)."""
        return {
            comment.pk: self.cleaned_data.get(f"r{comment.pk}", "")
            for comment in self.comments
            if self.add_prefix(f"r{comment.pk}") in self.data
        }


YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


def field_for(question: Question, label=None) -> forms.Field:
    """The form field for a question, labelled with `label` (the wording the unit answered)
    or the question as it reads now; never required here (drafts may be incomplete)."""
    T = Question.AnswerType
    common = {
        "label": label or question.text,
        "required": False,
        "help_text": question.help_text,
    }
    if question.answer_type == T.SCALE:
        return forms.ChoiceField(choices=Attainment.choices, widget=forms.RadioSelect, **common)
    if question.answer_type == T.YES_NO:
        return forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    if question.answer_type == T.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if question.answer_type == T.DATE:
        return SensibleDateField(widget=DateInput(), **common)
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        # Django's own message prints the limit without the space a Swedish reader expects.
        error_messages={"max_length": _("At most 10,000 characters.")},
        **common,
    )


def to_form_value(answer: Answer):
    if answer.question.answer_type == Question.AnswerType.YES_NO:
        return {True: "yes", False: "no"}.get(answer.yes_no, "")
    return answer.value


class ReportAnswersForm(forms.Form):
    """One field per question given (the report form gives those of one part), named q<id>."""

    def __init__(self, *args, questions, answers, **kwargs):
        self.questions = list(questions)
        self.answers = {answer.question_id: answer for answer in answers}
        initial = {f"q{qid}": to_form_value(answer) for qid, answer in self.answers.items()}
        super().__init__(*args, initial=initial, **kwargs)
        for question in self.questions:
            answer = self.answers.get(question.pk)
            # A unit that has answered keeps the words it answered; the others see the
            # question as it reads now.
            label = answer.question_text if answer is not None and answer.is_filled else None
            self.fields[f"q{question.pk}"] = field_for(question, label)

    def values(self) -> list[tuple[Question, object]]:
        """(question, value in its answer column) for every question whose field is in the
        post, from the cleaned data. A field left out of the post is left as it is: only a
        forged post leaves out a field the page showed (a radio group without a choice has
        no saved answer to clear)."""
        values = []
        for question in self.questions:
            if self.add_prefix(f"q{question.pk}") not in self.data:
                continue
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
        fields = ["what", "area", "responsible_role", "owner", "starts_on", "due_on", "status"]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "starts_on": DateInput(),
            "due_on": DateInput(),
        }
        field_classes = {"starts_on": SensibleDateField, "due_on": SensibleDateField}

    # The roles and people that may be chosen (ids), set by the formset. A value kept from
    # before (e.g. a role chosen before the list was limited) stays until it is changed.
    allowed: dict[str, set[int]] = {}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("due_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The due date cannot be before the start."))
        role, owner = data.get("responsible_role"), data.get("owner")
        if (
            role
            and "responsible_role" in self.changed_data
            and role.pk not in self.allowed.get("responsible_role", ())
        ):
            self.add_error(
                "responsible_role", _("This role cannot own an action: choose another one.")
            )
        if owner and "owner" in self.changed_data and owner.pk not in self.allowed.get("owner", ()):
            self.add_error(
                "owner",
                _("Choose a person with a role in the unit or for the whole municipality."),
            )
        return data


class BaseActionFormSet(forms.BaseModelFormSet):
    """The action plan. `roles` are the roles that may own actions, `owners` the people of the
    unit who may (from their assignments), `areas` the programme's application areas. The
    menus also hold the roles and owners the rows already have (`kept`), so that saving does
    not silently drop them; choosing one of those anew is refused."""

    def __init__(self, *args, roles, owners=(), areas=(), kept=(), **kwargs):
        roles, owners = list(roles), list(owners)
        kept = list(kept)
        self.allowed = {
            "responsible_role": {role.pk for role in roles},
            "owner": {person.pk for person in owners},
        }
        kept_roles = [a.responsible_role for a in kept if a.responsible_role_id]
        kept_owners = [a.owner for a in kept if a.owner_id]
        self.limits = {
            "responsible_role": self._limit(Role.objects, self._union(roles, kept_roles)),
            "owner": self._limit(User.objects, self._union(owners, kept_owners), label=str),
            "area": self._limit(SectionItem.objects, areas, label=lambda area: area.text),
        }
        super().__init__(*args, **kwargs)

    @staticmethod
    def _union(objects, more):
        seen = {obj.pk for obj in objects}
        return objects + [obj for obj in dict.fromkeys(more) if obj.pk not in seen]

    @staticmethod
    def _limit(manager, objects, label=str):
        objects = list(objects)
        choices = [("", "---------")] + [(obj.pk, label(obj)) for obj in objects]
        return manager.filter(pk__in=[obj.pk for obj in objects]), choices

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
        # One list for every row: the menus must not query per row.
        form.allowed = self.allowed
        for name, (queryset, choices) in self.limits.items():
            field = form.fields[name]
            field.queryset = queryset
            field.choices = choices


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


# The action register's filters as _field.html writes a select (ActionFilterForm.written()).
FIELD = """<div class="field{error_class}">
  <label for="{label_for}">{label}</label>
  {errors}<select name="{name}"{invalid} id="{id}">
  {options}
</select>
</div>"""
ERRORS = '<ul class="errorlist" id="{}">{}</ul>'
OPTION = '<option value="{}"{}>{}</option>'


class ActionFilterForm(forms.Form):
    """The action register's filters (a GET form): the units, areas and owners to choose from
    are those of the actions the person may see (`choice_rows()`'s rows), the years those of
    the municipality's cycles (`years_of()`)."""

    class Due(models.TextChoices):
        ALL = "", _("All")
        OVERDUE = "overdue", _("Overdue")
        SOON = "soon", _("Due within 30 days")

    SOON_DAYS = 30

    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, empty_value=None, required=False)
    area = forms.TypedChoiceField(
        label=_("Application area"), coerce=int, empty_value=None, required=False
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)
    due = forms.ChoiceField(label=_("Due"), choices=Due.choices, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, choice_rows, years, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        units, areas, owners = self._choices_of(choice_rows)
        self.fields["unit"].choices = everything + units
        self.fields["area"].choices = everything + areas
        self.fields["status"].choices = everything + list(Action.Status.choices)
        self.fields["owner"].choices = everything + owners
        self.fields["year"].choices = everything + [(y, str(y)) for y in years]

    @staticmethod
    def choice_rows(actions):
        """The units, areas and owners of the actions, in one query: their distinct
        combinations, each list in the database's order (its collation) by a rank per list
        (units by path, areas by text, owners by name)."""
        return (
            actions.order_by()
            .values_list(
                "report__unit",
                "report__unit__name",
                "area",
                "area__text",
                "owner",
                "owner__first_name",
                "owner__last_name",
                "owner__username",
            )
            .annotate(
                unit_rank=Window(DenseRank(), order_by=F("report__unit__path").asc()),
                area_rank=Window(DenseRank(), order_by=[F("area__text").asc(), F("area").asc()]),
                owner_rank=Window(
                    DenseRank(),
                    order_by=[
                        F("owner__first_name").asc(),
                        F("owner__last_name").asc(),
                        F("owner__username").asc(),
                    ],
                ),
            )
            .distinct()
        )

    @staticmethod
    def years_of(municipality_id):
        """The years of the municipality's cycles, the newest first."""
        return (
            Cycle.objects.for_municipality(municipality_id)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )

    @staticmethod
    def _choices_of(rows) -> tuple[list, list, list]:
        units, areas, owners = {}, {}, {}
        for unit, name, area, text, owner, first, last, username, *ranks in rows:
            units[unit] = (ranks[0], name)
            if area is not None:
                areas[area] = (ranks[1], text)
            if owner is not None and owner not in owners:
                person = User(first_name=first, last_name=last, username=username)
                owners[owner] = (ranks[2], str(person))

        def ordered(found):
            return [(pk, label) for pk, (_rank, label) in sorted(found.items(), key=lambda i: i[1])]

        return ordered(units), ordered(areas), ordered(owners)

    def filter(self, actions, today):
        """The actions narrowed by the valid filters (an invalid one is shown, not applied)."""
        data = self.cleaned_data if self.is_valid() else self._valid_part()
        narrowing = {
            "unit": "report__unit",
            "area": "area",
            "status": "status",
            "owner": "owner",
            "year": "report__cycle__year",
        }
        for name, lookup in narrowing.items():
            if data.get(name) not in (None, ""):
                actions = actions.filter(**{lookup: data[name]})
        if data.get("due") == self.Due.OVERDUE:
            actions = actions.overdue(today)
        elif data.get("due") == self.Due.SOON:
            actions = actions.due_within(self.SOON_DAYS, today)
        return actions

    def _valid_part(self):
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def written(self) -> str:
        """The filters written out as _field.html and Django's Select widget write them (the
        widget's templates render a template per option, the field's a node per attribute);
        test_actions.py keeps them equal. The labels and options are plain or lazy text, never
        safe HTML: the standard library's escape (which Django's wraps) serves."""
        fields = []
        for field in self:
            chosen = set(field.field.widget.format_value(field.value()))
            options = []
            for value, label in field.field.choices:
                shown = str(value)
                selected = " selected" if shown in chosen else ""
                options.append(OPTION.format(html.escape(shown), selected, html.escape(str(label))))
            error_class = errors = invalid = ""
            if field.errors:
                error_id = html.escape(f"{field.auto_id}_error")
                error_class = " field-error"
                errors = ERRORS.format(
                    error_id, "".join(f"<li>{conditional_escape(e)}</li>" for e in field.errors)
                )
                invalid = f' aria-invalid="true" aria-describedby="{error_id}"'
            fields.append(
                FIELD.format(
                    error_class=error_class,
                    label_for=html.escape(field.id_for_label),
                    label=html.escape(str(field.label)),
                    errors=errors,
                    name=html.escape(field.html_name),
                    invalid=invalid,
                    id=html.escape(field.auto_id),
                    options="\n".join(options),
                )
            )
        return mark_safe("\n".join(fields))  # noqa: S308 - every value is escaped


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Action.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, at most 300 characters: what was done, or why it is delayed."),
    )
