"""Follow-up deadlines in the calendar feed (the unit's report due dates and its actions) and
in the municipality's year (the årshjul)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from followup.models import Action, Cycle, Report
from followup.reminders import report_url
from followup.views.common import OVERSEEING
from responsibilities.access import access_of, units_with
from responsibilities.calendar import Deadline, register, register_year
from responsibilities.capabilities import Capability


@register
def report_deadlines(person):
    units = units_with(person, Capability.SUBMIT_FOLLOWUP)
    reports = Report.objects.filter(unit__in=units, cycle__status=Cycle.Status.OPEN).select_related(
        "unit", "cycle__version__programme__municipality"
    )
    for report in reports:
        yield Deadline(
            uid=f"report-{report.pk}",
            date=report.cycle.due_on,
            title=_("Follow-up report due: %(unit)s") % {"unit": report.unit.name},
            url=report_url(report.cycle.version.programme.municipality.slug, report.pk),
        )
    actions = (
        Action.objects.filter(report__unit__in=units, due_on__isnull=False)
        .exclude(status__in=Action.FINISHED_STATES)
        .exclude(carried_to__isnull=False)
        .select_related("report__unit", "report__cycle__version__programme__municipality")
    )
    for action in actions:
        yield Deadline(
            uid=f"action-{action.pk}",
            date=action.due_on,
            title=_("Action due: %(what)s") % {"what": action.what[:80]},
            url=report_url(
                action.report.cycle.version.programme.municipality.slug, action.report_id
            ),
        )


def _year_titles(cycle) -> list[tuple[str, object]]:
    return [
        ("opens", cycle.opens_on, _("Follow-up %(year)s opens")),
        ("due", cycle.due_on, _("Follow-up %(year)s: reports due")),
        ("board", cycle.board_date, _("Follow-up %(year)s reported to the executive board")),
    ]


@register_year
def cycle_deadlines_in(municipality, year, viewer):
    """The cycles' dates (opens, due, reported to the executive board) and each unit's report
    to its committee. Two queries."""
    access = access_of(viewer)
    oversees = any(access.in_municipality(cap, municipality) for cap in OVERSEEING)
    cycles = (
        Cycle.objects.with_programme()
        .for_municipality(municipality)
        .filter(Q(opens_on__year=year) | Q(due_on__year=year) | Q(board_date__year=year))
    )
    if not access.in_municipality(Capability.MANAGE_CYCLES, municipality):
        cycles = cycles.exclude(status=Cycle.Status.DRAFT)  # plans only their managers see
    for cycle in cycles:
        url = reverse("followup:cycle", kwargs={"municipality": municipality.slug, "pk": cycle.pk})
        for key, date, title in _year_titles(cycle):
            if date is not None:
                yield Deadline(
                    uid=f"cycle-{cycle.pk}-{key}",
                    date=date,
                    title=title % {"year": cycle.year},
                    url=url if oversees else "",
                )
    # Each marked whether the viewer may open it (by visible_to), in the same query.
    reported = (
        Report.objects.filter(
            cycle__version__programme__municipality=municipality, committee_date__year=year
        )
        .annotate(readable=Exists(Report.objects.visible_to(viewer).filter(pk=OuterRef("pk"))))
        .select_related("unit", "cycle")
    )
    for report in reported:
        yield Deadline(
            uid=f"committee-{report.pk}",
            date=report.committee_date,
            title=_("Follow-up %(year)s of %(unit)s reported to the committee")
            % {"year": report.cycle.year, "unit": report.unit.name},
            url=report_url(municipality.slug, report.pk, "followup:report")
            if report.readable
            else "",
        )
