"""The follow-up start page and cycle management: create, units, questions, open, close."""

import html
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from followup.forms import (
    AreaQuestionFormSet,
    BoardReportForm,
    CycleCreateForm,
    CycleSettingsForm,
    ExecutiveBoardForm,
)
from followup.models import (
    Answer,
    Cycle,
    QuestionsChanged,
    QuestionsFrozen,
    Report,
    ReviewComment,
)
from followup.models.cycles import questions_version
from followup.models.reports import reader_lists
from followup.views.actions import may_keep_register
from followup.views.common import cycle_for, municipality_for, oversees
from responsibilities.access import access_for, unit_scope
from responsibilities.capabilities import Capability
from responsibilities.links import page_url
from responsibilities.models import OrganisationUnit
from responsibilities.statements import Statement, StatementPerShape


def own_reports(municipality_id, units, municipalities, *readers):
    """The reports the person may read (`Report.visible_by()`, from `reader_lists()`) of the
    units of the municipality they report for (`units`, `municipalities`: where they hold
    the capability to submit), the newest year first."""
    own = unit_scope(units, municipalities, "any").filter(municipality=municipality_id)
    return (
        Report.objects.visible_by(*readers)
        .filter(unit__in=own.values("pk"))
        .order_by("-cycle__year", "unit__path")
        .values(
            "pk",
            "status",
            year=F("cycle__year"),
            due_on=F("cycle__due_on"),
            unit_name=F("unit__name"),
        )
    )


def cycles_of(municipality_id):
    return Cycle.objects.for_municipality(municipality_id).values(
        "pk", "year", "status", "due_on", title=F("version__title")
    )


# The follow-up start page's queries, compiled once per process (the person's reports per
# shape of their lists).
OWN_REPORTS = StatementPerShape(own_reports, plain=1)
CYCLES = Statement(cycles_of, (-7_300_467_001,), (-7_300_467_003,))


OWN_ROW = (
    '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td>'
    '<td><span class="status status-{}">{}</span></td><td>{}</td></tr>'
)


def own_report_rows(rows, slug) -> SafeString:
    """The person's reports (values() rows) as the table's HTML rows: a unit's reports over
    many years make a long table, and a template's variables cost more per row. The values
    are plain text, escaped by the standard library's escape (which Django's wraps)."""
    statuses = {value: str(label) for value, label in Report.Status.choices}
    return SafeString(  # every value is escaped
        "\n".join(
            OWN_ROW.format(
                html.escape(page_url(slug, report["pk"], "followup:report")),  # one reverse()
                report["year"],  # an int
                html.escape(report["unit_name"]),
                html.escape(report["status"]),
                html.escape(statuses[report["status"]]),
                report["due_on"].isoformat(),  # the date filter's Y-m-d
            )
            for report in rows
        )
    )


@login_required
@require_safe
def index(request, municipality):
    """Cycles of the municipality for those who oversee them; the person's own units'
    reports over the years."""
    municipality = municipality_for(request, municipality)
    overseer = oversees(request, municipality)
    access = access_for(request)
    own_reports = OWN_REPORTS.fetch(
        municipality.pk, *access.id_lists(Capability.SUBMIT_FOLLOWUP), *reader_lists(access)
    )
    slug = municipality.slug
    if not overseer and not own_reports:
        raise Http404
    cycles = CYCLES.fetch(municipality.pk) if overseer else []
    manage = _("Manage %(year)s")
    cycle_statuses = {value: str(label) for value, label in Cycle.Status.choices}
    for cycle in cycles:
        cycle["url"] = page_url(slug, cycle["pk"], "followup:cycle")
        cycle["manage_url"] = page_url(slug, cycle["pk"], "followup:cycle_manage")
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
            "own_rows": own_report_rows(own_reports, slug),
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
    """An application area (None: the general questions) with its questions, how many
    reports answered each (an answered question keeps its type and stays) and which have
    review comments (those stay too)."""

    key: str
    area: object
    questions: list
    answered: dict  # {question id: number of reports that answered it}, of the whole cycle
    commented: set  # {question id} with review comments, of the whole cycle
    number: int = 0  # its place in the list, from 1
    previous: "QuestionGroup | None" = None
    next: "QuestionGroup | None" = None

    @property
    def title(self) -> str:
        return self.area.text if self.area is not None else _("General questions")

    @property
    def anchor(self) -> str:
        return f"fragor-{self.key}"

    @property
    def version(self) -> str:
        return questions_version(self.questions)

    @property
    def answered_count(self) -> int:
        return sum(1 for q in self.questions if q.pk in self.answered)

    @property
    def locked_count(self) -> int:
        """Questions that cannot be removed: answered, or commented on in a review."""
        return sum(1 for q in self.questions if q.pk in self.answered or q.pk in self.commented)

    def formset(self, data=None):
        return AreaQuestionFormSet(
            data,
            questions=self.questions,
            answered=self.answered,
            commented=self.commented,
            prefix=f"omrade-{self.key}",
        )


def question_groups(cycle) -> list[QuestionGroup]:
    """Every area's questions (the version's areas in the programme's order, also those
    without questions, then the general ones), with what is answered and commented: four
    queries, however many areas, questions and answers."""
    answered = dict(
        Answer.objects.filter(question__cycle=cycle)
        .values_list("question")
        .annotate(count=Count("pk"))
        .order_by()
    )
    commented = set(
        ReviewComment.objects.filter(question__cycle=cycle).values_list("question_id", flat=True)
    )
    groups = [
        QuestionGroup(
            str(area.pk) if area is not None else GENERAL, area, questions, answered, commented
        )
        for area, questions in cycle.question_groups()
    ]
    for number, group in enumerate(groups, start=1):
        group.number = number
        group.previous = groups[number - 2] if number > 1 else None
        group.next = groups[number] if number < len(groups) else None
    return groups


def _manage_context(request, cycle, settings_form=None):
    units = OrganisationUnit.objects.filter(municipality=cycle.municipality).order_by("path")
    frozen = cycle.questions_are_frozen()
    return {
        "cycle": cycle,
        "municipality": cycle.municipality,
        "settings_form": settings_form or CycleSettingsForm(instance=cycle, units=units),
        # The list of areas with their counts; each area's form is a page of its own.
        "groups": [] if frozen else question_groups(cycle),
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


def _area_url(cycle, group) -> str:
    return reverse(
        "followup:cycle_area",
        kwargs={"municipality": cycle.municipality.slug, "pk": cycle.pk, "area": group.key},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cycle_area(request, municipality, pk, area):
    """One application area's questions (or the general ones) on a page of their own, edited
    in one form and saved in one transaction."""
    cycle = cycle_for(request, municipality, pk, Capability.MANAGE_CYCLES)
    if cycle.questions_are_frozen():
        messages.error(request, _("The cycle is closed: its questions can no longer change."))
        return redirect("followup:cycle_manage", municipality=municipality, pk=cycle.pk)
    groups = question_groups(cycle)
    group = next((g for g in groups if g.key == area), None)
    if group is None:
        raise Http404
    if request.method == "POST":
        return _save_area(request, cycle, groups, group)
    return _render_area(request, cycle, groups, group, group.formset())


@login_required
@require_POST
def cycle_questions(request, municipality, pk):
    """An area's questions posted by a page shown before each area had a page of its own
    (the area named in the post): saved as from the area's page."""
    cycle = cycle_for(request, municipality, pk, Capability.MANAGE_CYCLES)
    if cycle.questions_are_frozen():
        messages.error(request, _("The cycle is closed: its questions can no longer change."))
        return redirect("followup:cycle_manage", municipality=municipality, pk=cycle.pk)
    groups = question_groups(cycle)
    group = next((g for g in groups if g.key == request.POST.get("area", "")), None)
    if group is None:
        raise Http404
    return _save_area(request, cycle, groups, group)


def _save_area(request, cycle, groups, group):
    """Save the area's posted form in one go; refused as a whole with the input kept: 400
    for what the form says is wrong, 409 when the questions changed since it was shown."""
    formset = group.formset(request.POST)
    status = 400
    if formset.is_valid():
        questions = []
        for form in formset.ordered_forms:
            question = form.save(commit=False)
            question.cycle, question.area = cycle, group.area
            questions.append(question)
        removed = [form.instance for form in formset.deleted_forms if form.instance.pk]
        try:
            cycle.save_questions(
                by=request.user,
                area=group.area,
                questions=questions,
                removed=removed,
                based_on=request.POST.get("version") or None,  # absent from older pages
            )
        except (QuestionsChanged, QuestionsFrozen) as error:
            # Changed, or answered, after this form was shown: nothing was saved.
            formset._non_form_errors.extend(error.messages)
            status = 409
        else:
            messages.success(
                request,
                _("The questions of “%(area)s” have been saved.") % {"area": group.title},
            )
            return redirect(_area_url(cycle, group))
    if status == 409:
        # The questions as they are now, to compare with what was typed.
        fresh = next(g for g in question_groups(cycle) if g.key == group.key)
        return _render_area(request, cycle, groups, fresh, formset, status, now=fresh.questions)
    return _render_area(request, cycle, groups, group, formset, status)


def _render_area(request, cycle, groups, group, formset, status=200, now=None):
    return render(
        request,
        "followup/cycle_area.html",
        {
            "cycle": cycle,
            "municipality": cycle.municipality,
            "groups": groups,
            "group": group,
            "formset": formset,
            "now": now,  # after a refusal because the questions changed
            "manage_url": reverse(
                "followup:cycle_manage",
                kwargs={"municipality": cycle.municipality.slug, "pk": cycle.pk},
            ),
        },
        status=status,
    )


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
