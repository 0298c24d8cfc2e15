"""Follow-up deadlines in the calendar feed (the unit's report due dates and its actions) and
in the municipality's year (the årshjul)."""

import datetime
import functools

from django.db.models import Q
from django.utils.translation import gettext as _

from followup.models import Action, Cycle, Report
from followup.models.reports import ReportUnit
from followup.views.common import OVERSEEING
from responsibilities.access import access_of, units_with
from responsibilities.calendar import Deadline, register, register_year
from responsibilities.capabilities import Capability
from responsibilities.links import page_url
from responsibilities.statements import Statement


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
            url=page_url(
                report.cycle.version.programme.municipality.slug, report.pk, "followup:report_edit"
            ),
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
            url=page_url(
                action.report.cycle.version.programme.municipality.slug,
                action.report_id,
                "followup:report_edit",
            ),
        )


# The dates of a cycle in the year, by the key of their uid.
CYCLE_DATES = (("opens", "opens_on"), ("due", "due_on"), ("board", "board_date"))


def _cycles_in(municipality_id, first, last, *, drafts):
    """The municipality's cycles with a date between `first` and `last`, as values() rows;
    without `drafts`, not those being prepared (plans only their managers see)."""
    cycles = Cycle.objects.for_municipality(municipality_id).filter(
        Q(opens_on__range=(first, last))
        | Q(due_on__range=(first, last))
        | Q(board_date__range=(first, last))
    )
    if not drafts:
        cycles = cycles.exclude(status=Cycle.Status.DRAFT)
    return cycles.values("pk", "year", *(field for _key, field in CYCLE_DATES))


def _reported_in(municipality_id, first, last):
    """The municipality's reports reported to their committee between `first` and `last`."""
    return Report.objects.filter(
        cycle__version__programme__municipality=municipality_id,
        committee_date__range=(first, last),
    ).values_list(
        "pk", "committee_date", "status", "unit", "unit__municipality", "cycle__year", "unit__name"
    )


# The årshjul's queries compiled once; the arguments a municipality and the year's first and
# last day (the ORM's `__year` written as the range it compiles to).
_SAMPLES = (
    (-7_300_437_001, datetime.date(1901, 2, 3), datetime.date(1901, 4, 5)),
    (-7_300_437_003, datetime.date(1902, 3, 5), datetime.date(1902, 6, 7)),
)
CYCLES = {
    drafts: Statement(functools.partial(_cycles_in, drafts=drafts), *_SAMPLES)
    for drafts in (False, True)
}
REPORTED = Statement(_reported_in, *_SAMPLES)


@register_year
def cycle_deadlines_in(municipality, year, viewer):
    """The cycles' dates (opens, due, reported to the executive board) and each unit's report
    to its committee, linked where the viewer may read it (`Report.readable_in()`, the rule
    of visible_to()). Two queries of rows; each title translated once."""
    access = access_of(viewer)
    oversees = any(access.in_municipality(cap, municipality) for cap in OVERSEEING)
    drafts = access.in_municipality(Capability.MANAGE_CYCLES, municipality)
    span = (municipality.pk, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    titles = {
        "opens": _("Follow-up %(year)s opens"),
        "due": _("Follow-up %(year)s: reports due"),
        "board": _("Follow-up %(year)s reported to the executive board"),
    }
    for cycle in CYCLES[drafts].fetch(*span):
        url = page_url(municipality.slug, cycle["pk"], "followup:cycle") if oversees else ""
        for key, field in CYCLE_DATES:
            if cycle[field] is not None:
                yield Deadline(
                    uid=f"cycle-{cycle['pk']}-{key}",
                    date=cycle[field],
                    title=titles[key] % {"year": cycle["year"]},
                    url=url,
                )
    title = _("Follow-up %(year)s of %(unit)s reported to the committee")
    for pk, date, status, unit, unit_municipality, cycle_year, unit_name in REPORTED.fetch(*span):
        readable = Report.readable_in(access, status, ReportUnit(unit, unit_municipality))
        yield Deadline(
            uid=f"committee-{pk}",
            date=date,
            title=title % {"year": cycle_year, "unit": unit_name},
            url=page_url(municipality.slug, pk, "followup:report") if readable else "",
        )
