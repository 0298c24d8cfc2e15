"""A unit's report: read it, fill it in, submit it; return, approve and record it."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from followup.forms import (
    ActionFormSet,
    AttachmentForm,
    BoardReportForm,
    ReplyForm,
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
from followup.review import open_comments, report_items, review_round, submission_changes
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


def _detail_context(request, report, review_form=None):
    access = access_for(request)
    reviewer = access.in_municipality(Capability.REVIEW_FOLLOWUP, report.cycle.municipality)
    can_review = reviewer and report.status == Report.Status.SUBMITTED
    if can_review and review_form is None:
        review_form = ReturnForm(questions=report.cycle.questions.all())
    changes = submission_changes(report)
    # Comments on questions go with a return, which a closed cycle no longer allows.
    can_comment = can_review and report.cycle.is_open
    groups = report_items(report, changes=changes, review_form=review_form if can_comment else None)
    items = [item for _area, area_items in groups for item in area_items]
    latest = review_round(report)
    latest_comments = [c for item in items for c in item.comments if c.round == latest]
    return {
        "report": report,
        "municipality": report.cycle.municipality,
        "groups": groups,
        "reviewer": reviewer,
        "can_edit": report.is_editable and access.in_unit(Capability.SUBMIT_FOLLOWUP, report.unit),
        "can_review": can_review,
        "can_comment": can_comment,
        "can_record_committee": reviewer and report.status == Report.Status.APPROVED,
        "return_form": review_form,
        "review_errors": review_form.errors_in_order()
        if review_form and review_form.errors
        else [],
        "changed_items": [item for item in items if item.change],
        "changes_unknown": changes is None,
        "latest_comments": latest_comments,
        "replied_count": sum(1 for comment in latest_comments if comment.reply),
        # On a refused review: how many comments beside the questions are kept for it.
        "commented_count": len(review_form.question_comments())
        if review_form is not None and review_form.is_bound
        else 0,
        "committee_form": BoardReportForm(prefix="committee"),
        "missing": report.missing_answers() if report.is_editable else [],
        "changes": changes_of(report),
        "insets": insets_for("report", report=report),
    }


@login_required
@require_safe
def report_detail(request, municipality, pk):
    contents = Report.objects.with_contents(submitted_answers=True)
    report = report_for(request, municipality, pk, contents)
    return render(request, "followup/report_detail.html", _detail_context(request, report))


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
    replies = ReplyForm(data, comments=open_comments(report), prefix="replies")
    return answers, actions, attachment, replies


def _render_form(
    request, report, answers, actions, attachment, replies, status=200, *, saved=False
):
    """The form, part by part; `saved` when the answers were saved but the file refused."""
    parts = form_parts(report, answers, replies)
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
        "errors": form_errors(answers, actions, attachment, replies),
        "answers_saved": saved,
        "replies": replies,
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

    answers, actions, attachment, replies = _forms(request, report, request.POST, request.FILES)
    file_ok = attachment.is_valid()
    if not all([answers.is_valid(), actions.is_valid(), replies.is_valid()]):
        # The error summary at the top says it; no second message above it.
        return _render_form(request, report, answers, actions, attachment, replies, status=400)
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
            replies=replies.replies(),
            opened_at=_opened(request.POST.get("opened")),
        )
    except StaleRevision as error:
        messages.error(request, " ".join(error.messages))
        return _render_form(request, report, answers, actions, attachment, replies, status=409)
    except InvalidTransition as error:
        messages.info(request, " ".join(error.messages))
        return redirect("followup:report", municipality=municipality, pk=report.pk)

    if not file_ok:
        # Shown from what was saved (new action rows now have ids), the file's error beside it.
        report = report_for(request, municipality, pk, Report.objects.with_contents())
        answers, actions, _attachment, replies = _forms(request, report)
        return _render_form(
            request, report, answers, actions, attachment, replies, status=400, saved=True
        )

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
    """Return the report to the unit with an overall comment and comments on its answers, or
    approve it. Refused input is shown again on the report page, nothing lost."""
    contents = Report.objects.with_contents(submitted_answers=True)
    report = report_for(request, municipality, pk, contents)
    require(request, Capability.REVIEW_FOLLOWUP, municipality=report.cycle.municipality)
    if report.status != Report.Status.SUBMITTED:
        messages.error(request, _("The report is not waiting for review."))
        return redirect("followup:report", municipality=municipality, pk=report.pk)
    form = ReturnForm(request.POST, questions=report.cycle.questions.all())
    approve = request.POST.get("intent") == "approve"
    if form.is_valid() and (not approve or form.check_approval()):
        try:
            if approve:
                report.approve(by=request.user, comment=form.cleaned_data["comment"])
                messages.success(request, _("The report has been approved."))
            else:
                report.return_(
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                    question_comments=form.question_comments(),
                )
                messages.success(request, _("The report has been returned to the unit."))
            return redirect("followup:report", municipality=municipality, pk=report.pk)
        except InvalidTransition as error:
            messages.error(request, " ".join(error.messages))
            return redirect("followup:report", municipality=municipality, pk=report.pk)
        except ValidationError as error:
            form.add_error(None, error)
    context = _detail_context(request, report, review_form=form)
    return render(request, "followup/report_detail.html", context, status=400)


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
