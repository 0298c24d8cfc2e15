"""A unit's report: read it; return, approve and record it (the form is in report_form)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from followup.forms import BoardReportForm, ReturnForm
from followup.history import changes_of
from followup.insets import insets_for
from followup.models import Attachment, InvalidTransition, Report
from followup.models.reports import PAGE_COMMENT_RELATIONS, page_report
from followup.review import report_items, submission_changes
from followup.views.common import readable, report_for, require
from responsibilities.access import access_for
from responsibilities.capabilities import Capability


def _detail_context(request, report, review_form=None):
    access = access_for(request)
    reviewer = access.in_municipality(Capability.REVIEW_FOLLOWUP, report.cycle.municipality)
    can_review = reviewer and report.status == Report.Status.SUBMITTED
    if can_review and review_form is None:
        review_form = ReturnForm(questions=report.cycle.questions.all())
    changes = submission_changes(report)
    # Comments on questions go with a return, which a closed cycle no longer allows.
    can_comment = can_review and report.cycle.is_open
    can_record_committee = reviewer and report.status == Report.Status.APPROVED
    groups = report_items(report, changes=changes, review_form=review_form if can_comment else None)
    items = [item for _area, area_items in groups for item in area_items]
    latest = report.latest_round
    latest_comments = [c for item in items for c in item.comments if c.round == latest]
    return {
        "report": report,
        "municipality": report.cycle.municipality,
        "groups": groups,
        "reviewer": reviewer,
        "can_edit": report.is_editable and access.in_unit(Capability.SUBMIT_FOLLOWUP, report.unit),
        "can_review": can_review,
        "can_comment": can_comment,
        "can_record_committee": can_record_committee,
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
        "committee_form": BoardReportForm(prefix="committee") if can_record_committee else None,
        "missing": report.missing_answers() if report.is_editable else [],
        "changes": changes_of(report),
        "insets": insets_for("report", report=report),
    }


@login_required
@require_safe
def report_detail(request, municipality, pk):
    report = readable(request, page_report(pk, municipality))
    report.prefetch_review_comments(*PAGE_COMMENT_RELATIONS)
    return render(request, "followup/report_detail.html", _detail_context(request, report))


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
