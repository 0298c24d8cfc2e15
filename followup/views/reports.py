"""A unit's report: read it, fill it in, submit it; return, approve and record it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from followup.forms import (
    ActionFormSet,
    AttachmentForm,
    BoardReportForm,
    ReportAnswersForm,
    ReturnForm,
)
from followup.history import changes_of
from followup.insets import insets_for
from followup.models import (
    Attachment,
    InvalidTransition,
    Report,
    StaleRevision,
)
from followup.views.common import (
    login_required_keeping_input,
    pending_input,
    report_for,
    require,
)
from followup.views.report_form import form_errors, form_parts, part_from
from responsibilities.access import access_for
from responsibilities.capabilities import Capability
from responsibilities.fields import query_int
from responsibilities.models import Role, action_owners_for

MAX_EXTRA_ROWS = 20


def answers_by_area(report):
    """[(area or None, [(question, answer or None)])] in question order."""
    answers = {answer.question_id: answer for answer in report.answers.all()}
    groups: dict = {}
    for question in report.cycle.questions.all():
        groups.setdefault(question.area, []).append((question, answers.get(question.pk)))
    return list(groups.items())


@login_required
@require_safe
def report_detail(request, municipality, pk):
    report = report_for(request, municipality, pk, Report.objects.with_contents())
    access = access_for(request)
    reviewer = access.in_municipality(Capability.REVIEW_FOLLOWUP, report.cycle.municipality)
    context = {
        "report": report,
        "municipality": report.cycle.municipality,
        "groups": answers_by_area(report),
        "can_edit": report.is_editable and access.in_unit(Capability.SUBMIT_FOLLOWUP, report.unit),
        "can_review": reviewer and report.status == Report.Status.SUBMITTED,
        "can_record_committee": reviewer and report.status == Report.Status.APPROVED,
        "return_form": ReturnForm(),
        "committee_form": BoardReportForm(prefix="committee"),
        "missing": report.missing_answers() if report.is_editable else [],
        "changes": changes_of(report),
        "insets": insets_for("report", report=report),
    }
    return render(request, "followup/report_detail.html", context)


def _forms(request, report, data=None, files=None):
    roles = Role.objects.owning_actions().filter(
        municipality=report.cycle.version.programme.municipality_id
    )
    extra_rows = query_int(request, "rader", maximum=MAX_EXTRA_ROWS)
    actions = ActionFormSet(
        data,
        queryset=report.actions.all(),
        prefix="actions",
        roles=roles,
        owners=action_owners_for(report.unit).order_by("first_name", "last_name", "username"),
        areas=report.cycle.application_areas(),
        kept=report.actions.all(),
    )
    actions.extra = 1 + extra_rows
    answers = ReportAnswersForm(
        data,
        questions=report.cycle.questions.all(),
        answers=report.answers.all(),
        prefix="answers",
    )
    attachment = AttachmentForm(data, files, prefix="attachment")
    return answers, actions, attachment


def _render_form(request, report, answers, actions, attachment, status=200, *, saved=False):
    """The form, part by part; `saved` when the answers were saved but the file refused."""
    parts = form_parts(report, answers)
    current = part_from(request.POST if request.method == "POST" else request.GET, parts)
    context = {
        "report": report,
        "municipality": report.cycle.municipality,
        "answers": answers,
        "actions": actions,
        "attachment_form": attachment,
        "parts": parts,
        "current_part": current,
        "missing": report.missing_answers(),
        # What apps above know about the unit's year (e.g. its risk reports), to answer from.
        "insets": insets_for("report", report=report),
        "errors": form_errors(answers, actions, attachment),
        "answers_saved": saved,
    }
    return render(request, "followup/report_form.html", context, status=status)


def _int(value) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required_keeping_input
def report_edit(request, municipality, pk):
    report = report_for(request, municipality, pk, Report.objects.with_contents())
    require(request, Capability.SUBMIT_FOLLOWUP, unit=report.unit)
    if not report.is_editable:
        messages.info(request, _("This report cannot be changed in its current state."))
        return redirect("followup:report", municipality=municipality, pk=report.pk)

    if request.method != "POST":
        restored = pending_input(request)
        if restored is not None:
            messages.warning(
                request, _("Your input from before the login is shown below. It is not saved yet.")
            )
            forms = _forms(request, report, restored)
            for form in forms:
                form.is_valid()
            return _render_form(request, report, *forms)
        return _render_form(request, report, *_forms(request, report))

    answers, actions, attachment = _forms(request, report, request.POST, request.FILES)
    file_ok = attachment.is_valid()
    if not all([answers.is_valid(), actions.is_valid()]):
        # The error summary at the top says it; no second message above it.
        return _render_form(request, report, answers, actions, attachment, status=400)
    try:
        # A refused file never holds back the answers: they are saved without it.
        report.save_draft(
            by=request.user,
            based_on=_int(request.POST.get("revision")),
            answers=answers.values(),
            actions=actions.save(commit=False),
            deleted_actions=actions.deleted_objects,
            upload=attachment.cleaned_data.get("file") if file_ok else None,
            description=attachment.cleaned_data.get("description", "") if file_ok else "",
            remove_attachments=[
                v for v in request.POST.getlist("remove_attachment") if v.isdigit()
            ],
        )
    except StaleRevision as error:
        messages.error(request, " ".join(error.messages))
        return _render_form(request, report, answers, actions, attachment, status=409)
    except InvalidTransition as error:
        messages.info(request, " ".join(error.messages))
        return redirect("followup:report", municipality=municipality, pk=report.pk)

    if not file_ok:
        # Shown from what was saved (new action rows now have ids), the file's error beside it.
        report = report_for(request, municipality, pk, Report.objects.with_contents())
        answers, actions, _attachment = _forms(request, report)
        return _render_form(request, report, answers, actions, attachment, status=400, saved=True)

    intent = request.POST.get("intent", "save")
    here = redirect("followup:report_edit", municipality=municipality, pk=report.pk)
    if intent == "add_action":
        messages.success(request, _("The draft has been saved."))
        rows = min(query_int(request, "rader", maximum=MAX_EXTRA_ROWS) + 1, MAX_EXTRA_ROWS)
        here["Location"] += f"?rader={rows}#actions"
        return here
    if intent == "submit":
        report = report_for(request, municipality, pk, Report.objects.with_contents())
        try:
            report.submit(by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return here
        messages.success(request, _("The report has been submitted to the security chief."))
        return redirect("followup:report", municipality=municipality, pk=report.pk)
    messages.success(request, _("The draft has been saved."))
    part = part_from(request.POST, form_parts(report))
    if part is not None:
        here["Location"] += f"?del={part.key}#{part.anchor}"
    return here


@login_required
@require_POST
def report_review(request, municipality, pk):
    """Return the report to the unit with a comment, or approve it."""
    report = report_for(request, municipality, pk)
    require(request, Capability.REVIEW_FOLLOWUP, municipality=report.cycle.municipality)
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        if request.POST.get("intent") == "approve":
            report.approve(by=request.user, comment=form.cleaned_data.get("comment", ""))
            messages.success(request, _("The report has been approved."))
        else:
            report.return_(by=request.user, comment=form.cleaned_data.get("comment", ""))
            messages.success(request, _("The report has been returned to the unit."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("followup:report", municipality=municipality, pk=report.pk)


@login_required
@require_POST
def report_committee(request, municipality, pk):
    """Record that the approved report was reported to the unit's committee."""
    report = report_for(request, municipality, pk)
    require(request, Capability.REVIEW_FOLLOWUP, municipality=report.cycle.municipality)
    form = BoardReportForm(request.POST, prefix="committee")
    if not form.is_valid():
        messages.error(request, _("Enter the date of the committee meeting."))
    else:
        try:
            report.record_committee(
                by=request.user,
                date=form.cleaned_data["date"],
                paragraph=form.cleaned_data["paragraph"],
            )
            messages.success(request, _("The committee report has been recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("followup:report", municipality=municipality, pk=report.pk)


@login_required
@require_safe
def attachment_download(request, municipality, pk, attachment):
    """An attached file, only for those who may read its report."""
    report = report_for(request, municipality, pk)
    item = get_object_or_404(Attachment, pk=attachment, report=report)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
