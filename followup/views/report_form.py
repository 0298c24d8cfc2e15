"""The unit fills in its report one part at a time (an application area, the general
questions, the action plan, the attachments), with the overview of every part above it. A
post holds one part: only that part's fields are read and saved, then the person goes where
the button said (the same part, the next, the previous, or the report when submitting)."""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from followup.forms import ActionFormSet, AttachmentForm, ReplyForm, ReportAnswersForm
from followup.insets import insets_for
from followup.models import Action, Attachment, InvalidTransition, Report, StaleRevision
from followup.models.reports import attach_questions, questions_and_answers
from followup.review import open_comments
from followup.views.common import login_required_keeping_input, pending_input, require
from followup.views.report_parts import (
    ACTIONS,
    answer_gaps,
    check_post,
    fill_part,
    form_errors,
    form_parts,
    is_place,
    part_at,
    part_from,
    part_kind,
    submission_gaps,
)
from responsibilities.access import access_for
from responsibilities.capabilities import Capability
from responsibilities.fields import query_int
from responsibilities.models import Role, action_owners_for
from responsibilities.statements import Statement

MAX_EXTRA_ROWS = 20
SUBMIT_REFUSED = "inskickning"  # in the address after a refused submission: show what is missing


class Intent(StrEnum):
    """Where a post of the form goes once its part is saved."""

    SAVE = "save"  # stay in the part
    NEXT = "next"
    PREVIOUS = "previous"
    SUBMIT = "submit"
    ADD_ACTION = "add_action"  # the action plan again, with one more empty row


@dataclass
class PartForms:
    """The forms of the part shown (none on the overview)."""

    answers: ReportAnswersForm | None = None
    replies: ReplyForm | None = None
    actions: object = None  # ActionFormSet
    attachment: AttachmentForm | None = None

    def all(self) -> list:
        found = (self.answers, self.replies, self.actions, self.attachment)
        return [form for form in found if form is not None]


def _report_row(pk: int, slug: str):
    """The report for the form (`for_form()`), by its key within the municipality's."""
    return (
        Report.objects.for_form()
        .filter(pk=pk, cycle__version__programme__municipality__slug=slug)
        .order_by()
    )


def _questions(cycle_id: int):
    return QUESTIONS.queryset.filter(cycle=cycle_id)


def _answers(report_id: int):
    return ANSWERS.queryset.filter(report=report_id)


# The report's row, the cycle's questions and the report's answers (without their questions:
# each answer is given the cycle's, attach_questions()), every one compiled once per process:
# the ORM's build and compile of them cost more than the rest of a part's view.
QUESTIONS, ANSWERS = questions_and_answers(joined=False)
_REPORT = Statement(_report_row, (-7_300_431_001, "-sample-a"), (-7_300_431_003, "-sample-b"))
_QUESTIONS = Statement(_questions, (-7_300_431_005,), (-7_300_431_007,))
_ANSWERS = Statement(_answers, (-7_300_431_009,), (-7_300_431_011,))
# The action plan and the files, for their own parts only (counted for the others).
ACTION_PLAN = Prefetch(
    "actions",
    queryset=Action.objects.select_related("responsible_role", "owner").order_by("position", "pk"),
)
FILES = Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk"))


def _prefetched(instance, name: str, rows: list) -> None:
    """`rows` as instance's prefetched `name` (a reverse foreign key), filled as
    prefetch_related() fills it: each row's own relation points back to the instance."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    for row in rows:
        setattr(row, manager.field.name, instance)
    queryset._result_cache, queryset._prefetch_done = rows, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _fetch(request, municipality, pk, key, *, actions=False) -> Report:
    """The report with what the part named by `key` shows (and its action plan with
    `actions`); 404 for a report the person may not read (as report_for())."""
    found = _REPORT.fetch(pk, municipality)
    if not found or not found[0].is_readable_by(access_for(request)):
        raise Http404
    report = found[0]
    _prefetched(report.cycle, "questions", _QUESTIONS.fetch(report.cycle_id))
    _prefetched(report, "answers", _ANSWERS.fetch(report.pk))
    attach_questions([report])
    kind = part_kind(key)
    more = [ACTION_PLAN] if actions or kind == "actions" else []
    more += [FILES] if kind == "attachments" else []
    if more:
        prefetch_related_objects([report], *more)
    report.prefetch_review_comments("question")
    return report


def _forms(request, report, part, data=None, files=None) -> PartForms:
    """The part's forms only: fields of other parts are neither shown nor read."""
    if part is None:
        return PartForms()
    if part.kind == "questions":
        ids = {question.pk for question in part.questions}
        comments = [comment for comment in open_comments(report) if comment.question_id in ids]
        return PartForms(
            answers=ReportAnswersForm(
                data, questions=part.questions, answers=report.answers.all(), prefix="answers"
            ),
            replies=ReplyForm(data, comments=comments, prefix="replies"),
        )
    if part.kind == "actions":
        actions = ActionFormSet(
            data,
            queryset=report.actions.all(),
            prefix="actions",
            roles=Role.objects.owning_actions().filter(
                municipality=report.cycle.version.programme.municipality_id
            ),
            owners=action_owners_for(report.unit).order_by("first_name", "last_name", "username"),
            areas=report.cycle.application_areas(),
            kept=report.actions.all(),
        )
        actions.extra = 1 + query_int(request, "rader", maximum=MAX_EXTRA_ROWS)
        return PartForms(actions=actions)
    return PartForms(attachment=AttachmentForm(data, files, prefix="attachment"))


def _render(request, report, parts, part, forms, status=200, *, saved=False, gaps=(), strays=()):
    """The overview and the part (or the overview alone). `saved`: the part was saved but its
    file refused; `gaps`: what kept the report from being submitted; `strays`: input of a
    refused post that fits no field shown (see _conflict)."""
    if part is not None and part.kind == "questions":
        fill_part(part, report, forms.answers, forms.replies)
    context = {
        "report": report,
        "municipality": report.cycle.municipality,
        "parts": parts,
        "part": part,
        "answers": forms.answers,
        "replies": forms.replies,
        "actions": forms.actions,
        "attachment_form": forms.attachment,
        # The overview's completeness check.
        "missing": answer_gaps(report, parts) if part is None else [],
        "plan": part_from(ACTIONS, parts),
        # What apps above know about the unit's year (e.g. its risk reports), to answer from.
        "insets": insets_for("report", report=report)
        if part is None or part.kind == "questions"
        else [],
        "errors": form_errors(forms.answers, forms.actions, forms.attachment, forms.replies),
        "gaps": gaps,
        "strays": strays,
        "answers_saved": saved,
        # Input shown again but not saved (refused, or kept over a login).
        "unsaved": not saved and any(form.is_bound for form in forms.all()),
        # Answers to questions reworded after this are refused (Report.save_draft).
        "opened": timezone.now().timestamp(),
    }
    return render(request, "followup/report_form.html", context, status=status)


def _int(value) -> int | None:
    return int(value) if value and value.isdigit() else None


def _opened(value) -> datetime.datetime | None:
    """When the form was shown (a timestamp it carries); None when missing or nonsense."""
    try:
        return datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


@login_required_keeping_input
def report_edit(request, municipality, pk):
    posted = request.method == "POST"
    restored = None if posted else pending_input(request)
    data = request.POST if posted else restored
    key = (data if data is not None else request.GET).get("del")
    # After a refused submission: what is missing, in every part (the action plan's rows too).
    refused = not posted and request.GET.get(SUBMIT_REFUSED) == "1"
    report = _fetch(request, municipality, pk, key, actions=refused)
    require(request, Capability.SUBMIT_FOLLOWUP, unit=report.unit)
    if not report.is_editable:
        messages.info(request, _("This report cannot be changed in its current state."))
        return redirect("followup:report", municipality=municipality, pk=report.pk)
    comments = open_comments(report)
    parts = form_parts(report, comments)

    if posted:
        return _save(request, report, parts, check_post(request.POST, parts, comments))
    if restored is not None and key:
        # Kept over a login: shown again, unsaved, in the part it belongs to.
        check = check_post(restored, parts, comments)
        if not check.fits:
            return _conflict(request, report, parts, check, restored, status=200)
        messages.warning(
            request, _("Your input from before the login is shown below. It is not saved yet.")
        )
        forms = _forms(request, report, check.part, restored)
        for form in forms.all():
            form.is_valid()
        return _render(request, report, parts, check.part, forms)
    part = part_from(key, parts)
    placed = part_at(key, parts) if part is None and is_place(key) else None
    if placed is not None:
        # An address of the form's first version ("?del=3", the third area): to the area's.
        query = request.GET.copy()
        query["del"] = placed.key
        return redirect(f"{request.path}?{query.urlencode()}")
    if part is None and key:
        messages.warning(request, PART_GONE_GET)
    gaps = submission_gaps(report, parts) if refused else ()
    return _render(request, report, parts, part, _forms(request, report, part), gaps=gaps)


# Shown when an address or a post names a part the report no longer has, or a post's fields
# are not those of the part it names: never a "saved" for what was not saved.
PART_GONE_GET = _lazy(
    "The part of the report you asked for is no longer in it: the security chief may have "
    "changed the questions. Here are the report's parts as they are now."
)
PART_GONE = _lazy(
    "Nothing was saved: the part of the report this form was for is no longer in it (the "
    "security chief may have removed its questions). What you typed is shown below: enter it "
    "where it belongs and save again."
)
PART_CHANGED = _lazy(
    "Nothing was saved: the questions of this part changed while you had the form open. What "
    "you typed is kept below: check it and save again."
)
PART_MOVED = _lazy(
    "Nothing was saved: the parts of the report changed while you had the form open. Your "
    "input belongs to the part “%(part)s” and is shown there below: check it and save again."
)


def _conflict(request, report, parts, check, data, status=409):
    """A post (or input kept over a login) that does not fit the parts as they are now:
    nothing is saved. The input is shown again in the part that holds its questions (or the
    one it named), what fits no field listed apart, with a message saying why."""
    shown = check.home or check.part
    if shown is None:
        message = PART_GONE
    elif check.part is not None and shown is check.part:
        message = PART_CHANGED
    else:
        message = PART_MOVED % {"part": shown.title}
    messages.error(request, message)
    forms = _forms(request, report, shown, data) if shown is not None else PartForms()
    for form in forms.all():
        if form is not forms.attachment:
            form.is_valid()  # its errors beside its fields, as after any refused post
    return _render(request, report, parts, shown, forms, status=status, strays=check.strays)


def _save(request, report, parts, check):
    """Save the posted part (only its fields), then go where the intent says."""
    municipality, pk = report.cycle.municipality.slug, report.pk
    overview = reverse("followup:report_edit", kwargs={"municipality": municipality, "pk": pk})
    intent = request.POST.get("intent", Intent.SAVE)
    if not request.POST.get("del"):
        if intent == Intent.SUBMIT:
            return _submit(request, report, None)
        messages.warning(
            request,
            _("Nothing was saved: the form did not say which part of the report it holds."),
        )
        return redirect(overview)
    if not check.fits:
        return _conflict(request, report, parts, check, request.POST)
    part = check.part

    forms = _forms(request, report, part, request.POST, request.FILES)
    file_ok = forms.attachment is None or forms.attachment.is_valid()
    valid = [form.is_valid() for form in forms.all() if form is not forms.attachment]
    if not all(valid):
        # The error summary at the top says it; no second message above it.
        return _render(request, report, parts, part, forms, status=400)
    upload = forms.attachment.cleaned_data.get("file") if forms.attachment and file_ok else None
    try:
        # A refused file never holds back the rest of the part: it is saved without it.
        report.save_draft(
            by=request.user,
            based_on=_int(request.POST.get("revision")),
            answers=forms.answers.values() if forms.answers else (),
            replies=forms.replies.replies() if forms.replies else None,
            actions=forms.actions.save(commit=False) if forms.actions else (),
            deleted_actions=forms.actions.deleted_objects if forms.actions else (),
            upload=upload,
            description=forms.attachment.cleaned_data.get("description", "") if upload else "",
            remove_attachments=[v for v in request.POST.getlist("remove_attachment") if v.isdigit()]
            if forms.attachment
            else (),
            opened_at=_opened(request.POST.get("opened")),
        )
    except StaleRevision as error:
        messages.error(request, " ".join(error.messages))
        return _render(request, report, parts, part, forms, status=409)
    except InvalidTransition as error:
        messages.info(request, " ".join(error.messages))
        return redirect("followup:report", municipality=municipality, pk=pk)

    if not file_ok:
        # Shown from what was saved, the file's error beside its field.
        report = _fetch(request, municipality, pk, part.key)
        parts = form_parts(report, open_comments(report))
        refused = PartForms(attachment=forms.attachment)
        part = part_from(part.key, parts)
        return _render(request, report, parts, part, refused, status=400, saved=True)
    if intent == Intent.SUBMIT:
        return _submit(request, report, part)
    messages.success(request, _("The draft has been saved."))
    if intent == Intent.ADD_ACTION and part.kind == "actions":
        rows = min(query_int(request, "rader", maximum=MAX_EXTRA_ROWS) + 1, MAX_EXTRA_ROWS)
        return redirect(f"{overview}{part.query}&rader={rows}#{part.anchor}")
    going = {Intent.NEXT: part.next, Intent.PREVIOUS: part.previous}.get(intent, part)
    return redirect(overview + going.href if going is not None else overview)


def _submit(request, report, part):
    """Submit the saved report. Refused, the person is sent back to the part (or the
    overview) to see what is missing in every part, each linking to its field."""
    municipality, pk = report.cycle.municipality.slug, report.pk
    report = _fetch(request, municipality, pk, None, actions=True)
    try:
        report.submit(by=request.user)
    except ValidationError as error:
        if part is not None:
            messages.success(request, _("The draft has been saved."))
        parts = form_parts(report, open_comments(report))
        if not submission_gaps(report, parts):  # changed meanwhile: the check's own words
            messages.error(request, " ".join(error.messages))
        here = reverse("followup:report_edit", kwargs={"municipality": municipality, "pk": pk})
        query = f"{part.query}&" if part is not None else "?"
        return redirect(f"{here}{query}{SUBMIT_REFUSED}=1")
    except InvalidTransition as error:
        messages.info(request, " ".join(error.messages))
        return redirect("followup:report", municipality=municipality, pk=pk)
    messages.success(request, _("The report has been submitted to the security chief."))
    return redirect("followup:report", municipality=municipality, pk=pk)
