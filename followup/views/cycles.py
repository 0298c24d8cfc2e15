"""The follow-up start page and cycle management: create, units, questions, open, close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from followup.forms import (
    BoardReportForm,
    CycleCreateForm,
    CycleSettingsForm,
    ExecutiveBoardForm,
    QuestionForm,
)
from followup.models import Cycle, Question, Report
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
    own_reports = list(
        Report.objects.visible_to(request.user)
        .filter(unit__in=own_units)
        .select_related("cycle__version", "unit")
        .order_by("-cycle__year", "unit__path")
    )
    if not overseer and not own_reports:
        raise Http404
    cycles = (
        list(Cycle.objects.for_municipality(municipality).select_related("version"))
        if overseer
        else []
    )
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


def _manage_context(request, cycle, settings_form=None, question_form=None):
    units = OrganisationUnit.objects.filter(municipality=cycle.municipality).order_by("path")
    areas = list(cycle.application_areas())
    questions = list(cycle.questions.select_related("area").order_by("position"))
    return {
        "cycle": cycle,
        "municipality": cycle.municipality,
        "settings_form": settings_form or CycleSettingsForm(instance=cycle, units=units),
        "question_form": question_form or QuestionForm(cycle=cycle, areas=areas),
        "questions": questions,
        "frozen": cycle.questions_are_frozen(),
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


def _refuse_frozen(request, cycle) -> bool:
    if cycle.questions_are_frozen():
        messages.error(
            request, _("The questions can no longer change: reports have already answered them.")
        )
        return True
    return False


@login_required
@require_POST
def question_add(request, municipality, pk):
    cycle = cycle_for(request, municipality, pk, Capability.MANAGE_CYCLES)
    if _refuse_frozen(request, cycle):
        return redirect("followup:cycle_manage", municipality=municipality, pk=cycle.pk)
    form = QuestionForm(request.POST, cycle=cycle, areas=list(cycle.application_areas()))
    if not form.is_valid():
        return render(
            request,
            "followup/cycle_manage.html",
            _manage_context(request, cycle, question_form=form),
            status=400,
        )
    form.save()
    messages.success(request, _("The question has been added."))
    return redirect("followup:cycle_manage", municipality=municipality, pk=cycle.pk)


def _question(request, municipality, pk, question) -> tuple[Cycle, Question]:
    cycle = cycle_for(request, municipality, pk, Capability.MANAGE_CYCLES)
    return cycle, get_object_or_404(
        Question.objects.select_related("area"), pk=question, cycle=cycle
    )


@login_required
def question_edit(request, municipality, pk, question):
    cycle, question = _question(request, municipality, pk, question)
    if _refuse_frozen(request, cycle):
        return redirect("followup:cycle_manage", municipality=municipality, pk=cycle.pk)
    form = QuestionForm(
        request.POST or None, instance=question, cycle=cycle, areas=list(cycle.application_areas())
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The question has been saved."))
        return redirect("followup:cycle_manage", municipality=municipality, pk=cycle.pk)
    return render(
        request,
        "followup/question_edit.html",
        {"cycle": cycle, "municipality": cycle.municipality, "form": form, "question": question},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def question_delete(request, municipality, pk, question):
    cycle, question = _question(request, municipality, pk, question)
    if not _refuse_frozen(request, cycle):
        question.delete()
        messages.success(request, _("The question has been removed."))
    return redirect("followup:cycle_manage", municipality=municipality, pk=cycle.pk)


@login_required
@require_POST
def question_move(request, municipality, pk, question):
    cycle, question = _question(request, municipality, pk, question)
    if not _refuse_frozen(request, cycle):
        question.move(-1 if request.POST.get("direction") == "up" else 1)
    url = reverse("followup:cycle_manage", kwargs={"municipality": municipality, "pk": cycle.pk})
    return redirect(f"{url}#question-{question.pk}")


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
