"""The follow-up start page and cycle management: create, units, questions, open, close."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from followup.forms import (
    AreaQuestionFormSet,
    BoardReportForm,
    CycleCreateForm,
    CycleSettingsForm,
    ExecutiveBoardForm,
)
from followup.models import Answer, Cycle, QuestionsFrozen, Report, ReviewComment
from followup.reminders import report_url
from followup.views.actions import may_keep_register
from followup.views.common import cycle_for, municipality_for, oversees
from responsibilities.access import access_for, units_with
from responsibilities.capabilities import Capability
from responsibilities.models import OrganisationUnit


@login_required
@require_safe
def index(request, municipality):
    """Cycles of the municipality for those who oversee them; the person's own units'
    reports over the years."""
    municipality = municipality_for(request, municipality)
    overseer = oversees(request, municipality)
    own_units = units_with(request.user, Capability.SUBMIT_FOLLOWUP).filter(
        municipality=municipality
    )
    statuses = {value: str(label) for value, label in Report.Status.choices}
    own_reports = list(
        Report.objects.visible_to(request.user)
        .filter(unit__in=own_units)
        .order_by("-cycle__year", "unit__path")
        .values(
            "pk",
            "status",
            year=F("cycle__year"),
            due_on=F("cycle__due_on"),
            unit_name=F("unit__name"),
        )
    )
    slug = municipality.slug
    for report in own_reports:  # values() rows; one reverse() for all the rows
        report["url"] = report_url(slug, report["pk"], "followup:report")
        report["status_label"] = statuses[report["status"]]
        report["due"] = report["due_on"].isoformat()  # the date filter's Y-m-d
    if not overseer and not own_reports:
        raise Http404
    cycles = (
        list(
            Cycle.objects.for_municipality(municipality).values(
                "pk", "year", "status", "due_on", title=F("version__title")
            )
        )
        if overseer
        else []
    )
    manage = _("Manage %(year)s")
    cycle_statuses = {value: str(label) for value, label in Cycle.Status.choices}
    for cycle in cycles:
        cycle["url"] = report_url(slug, cycle["pk"], "followup:cycle")
        cycle["manage_url"] = report_url(slug, cycle["pk"], "followup:cycle_manage")
        cycle["manage"] = manage % {"year": cycle["year"]}
        cycle["status_label"] = cycle_statuses[cycle["status"]]
        cycle["due"] = cycle["due_on"].isoformat()
    return render(
        request,
        "followup/index.html",
        {
            "municipality": municipality,
            "cycles": cycles,
            "own_reports": own_reports,
            "can_manage": access_for(request).in_municipality(
                Capability.MANAGE_CYCLES, municipality
            ),
            "can_read_reports": access_for(request).in_municipality(
                Capability.READ_REPORTS, municipality
            ),
            "keeps_register": may_keep_register(request, municipality),
        },
    )


@login_required
def cycle_create(request, municipality):
    municipality = municipality_for(request, municipality)
    if not access_for(request).in_municipality(Capability.MANAGE_CYCLES, municipality):
        raise Http404
    form = CycleCreateForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        cycle = Cycle.create_for(
            form.cleaned_data["version"],
            form.cleaned_data["year"],
            by=request.user,
            opens_on=form.cleaned_data["opens_on"],
            due_on=form.cleaned_data["due_on"],
        )
        messages.success(request, _("The cycle has been created with the default questions."))
        return redirect("followup:cycle_manage", municipality=municipality.slug, pk=cycle.pk)
    return render(
        request,
        "followup/cycle_create.html",
        {"municipality": municipality, "form": form},
        status=400 if form.errors else 200,
    )


GENERAL = "allmanna"  # the general questions' key in the posts and addresses


@dataclass
class QuestionGroup:
    """An application area (None: the general questions) and the form of its questions."""

    key: str
    area: object
    formset: object

    @property
    def title(self) -> str:
        return self.area.text if self.area is not None else _("General questions")

    @property
    def anchor(self) -> str:
        return f"fragor-{self.key}"


def question_groups(cycle, data=None, bound=None) -> list[QuestionGroup]:
    """Every area's question form (the one keyed `bound` bound to `data`), with how many
    reports answered each question and which have review comments: four queries."""
    answered = dict(
        Answer.objects.filter(question__cycle=cycle)
        .values_list("question")
        .annotate(count=Count("pk"))
        .order_by()
    )
    commented = set(
        ReviewComment.objects.filter(question__cycle=cycle).values_list("question_id", flat=True)
    )
    groups = []
    for area, questions in cycle.question_groups():
        key = str(area.pk) if area is not None else GENERAL
        formset = AreaQuestionFormSet(
            data if key == bound else None,
            questions=questions,
            answered=answered,
            commented=commented,
            prefix=f"omrade-{key}",
        )
        groups.append(QuestionGroup(key, area, formset))
    return groups


def _manage_context(request, cycle, settings_form=None, groups=None):
    units = OrganisationUnit.objects.filter(municipality=cycle.municipality).order_by("path")
    frozen = cycle.questions_are_frozen()
    return {
        "cycle": cycle,
        "municipality": cycle.municipality,
        "settings_form": settings_form or CycleSettingsForm(instance=cycle, units=units),
        "groups": groups if groups is not None else ([] if frozen else question_groups(cycle)),
        "questions": (
            list(cycle.questions.select_related("area").order_by("position")) if frozen else []
        ),
        "frozen": frozen,
        "board_form": BoardReportForm(
            prefix="board", initial={"date": cycle.board_date, "paragraph": cycle.board_paragraph}
        ),
    }


@login_required
def cycle_manage(request, municipality, pk):
    cycle = cycle_for(request, municipality, pk, Capability.MANAGE_CYCLES)
    if request.method == "POST":
        units = OrganisationUnit.objects.filter(municipality=cycle.municipality).order_by("path")
        form = CycleSettingsForm(request.POST, instance=cycle, units=units)
        if form.is_valid():
            form.save()
            messages.success(request, _("The cycle's settings have been saved."))
            return redirect("followup:cycle_manage", municipality=municipality, pk=cycle.pk)
        return render(
            request,
            "followup/cycle_manage.html",
            _manage_context(request, cycle, settings_form=form),
            status=400,
        )
    return render(request, "followup/cycle_manage.html", _manage_context(request, cycle))


@login_required
@require_POST
def cycle_questions(request, municipality, pk):
    """Save the questions of one application area (or the general ones) in one go."""
    cycle = cycle_for(request, municipality, pk, Capability.MANAGE_CYCLES)
    here = reverse("followup:cycle_manage", kwargs={"municipality": municipality, "pk": cycle.pk})
    if cycle.questions_are_frozen():
        messages.error(request, _("The cycle is closed: its questions can no longer change."))
        return redirect(here)
    groups = question_groups(cycle, request.POST, request.POST.get("area", ""))
    group = next((g for g in groups if g.formset.is_bound), None)
    if group is None:
        raise Http404
    formset = group.formset
    if formset.is_valid():
        questions = []
        for form in formset.ordered_forms:
            question = form.save(commit=False)
            question.cycle, question.area = cycle, group.area
            questions.append(question)
        removed = [form.instance for form in formset.deleted_forms if form.instance.pk]
        try:
            cycle.save_questions(
                by=request.user, area=group.area, questions=questions, removed=removed
            )
        except QuestionsFrozen as error:
            # Answered meanwhile (after this form was read): nothing was saved.
            formset._non_form_errors.extend(error.messages)
        else:
            messages.success(
                request,
                _("The questions of “%(area)s” have been saved.") % {"area": group.title},
            )
            return redirect(f"{here}#{group.anchor}")
    context = _manage_context(request, cycle, groups=groups)
    context["bound_group"] = group
    return render(request, "followup/cycle_manage.html", context, status=400)


@login_required
@require_POST
def cycle_status(request, municipality, pk):
    """Open or close the cycle."""
    cycle = cycle_for(request, municipality, pk, Capability.MANAGE_CYCLES)
    try:
        with transaction.atomic():
            if request.POST.get("intent") == "close":
                cycle.close(by=request.user)
                messages.success(request, _("The cycle has been closed."))
            else:
                cycle.open(by=request.user)
                messages.success(
                    request, _("The cycle is open: every reporting unit now has a draft report.")
                )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("followup:cycle_manage", municipality=municipality, pk=cycle.pk)


@login_required
@require_POST
def cycle_board(request, municipality, pk):
    """Record that the cycle was reported to the executive board (date, §)."""
    cycle = cycle_for(request, municipality, pk, Capability.REVIEW_FOLLOWUP)
    form = ExecutiveBoardForm(
        request.POST, prefix="board", missing=cycle.units_without_approved_report()
    )
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        try:
            cycle.record_board_report(
                by=request.user,
                date=form.cleaned_data["date"],
                paragraph=form.cleaned_data["paragraph"],
                without=form.cleaned_data.get("without"),
            )
            messages.success(request, _("The executive board report has been recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("followup:cycle", municipality=municipality, pk=cycle.pk)
