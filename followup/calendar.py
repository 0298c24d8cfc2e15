"""Follow-up deadlines in the calendar feed (the unit's report due dates and its actions) and
in the municipality's year (the årshjul)."""

from django.db.models import BooleanField, ExpressionWrapper, F, Q, Value
from django.utils.translation import gettext as _

from followup.models import Action, Cycle, Report
from followup.models.reports import readable_by
from followup.views.common import OVERSEEING
from responsibilities.access import access_of, units_with
from responsibilities.calendar import Deadline, register, register_year
from responsibilities.capabilities import Capability
from responsibilities.links import page_url


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


# Held for the whole municipality, each lets the person read every report of it that has
# been reported to its committee (Report.READERS; a committee date is only on a REPORTED
# report, by the constraint report_committee_date_only_when_reported).
READS_REPORTED = tuple(
    capability
    for capability, _by_unit, states in Report.READERS
    if states is None or Report.Status.REPORTED in states
)


def readable_to(access, municipality):
    """Whether the viewer may open a report reported to its committee, as an expression on
    the row: visible_to()'s rule (readable_by), without its subqueries (building them cost
    more than the rest of the årshjul's query); for those who read every such report of the
    municipality, only that it is the municipality's."""
    if any(access.in_municipality(cap, municipality) for cap in READS_REPORTED):
        return ExpressionWrapper(Q(unit__municipality=municipality), output_field=BooleanField())
    units, municipalities, readable = readable_by(access)
    if not (units or municipalities):
        return Value(False)
    return ExpressionWrapper(readable, output_field=BooleanField())


# The dates of a cycle in the year, by the key of their uid.
CYCLE_DATES = (("opens", "opens_on"), ("due", "due_on"), ("board", "board_date"))


@register_year
def cycle_deadlines_in(municipality, year, viewer):
    """The cycles' dates (opens, due, reported to the executive board) and each unit's report
    to its committee. Two queries of values() rows; each title translated once."""
    access = access_of(viewer)
    oversees = any(access.in_municipality(cap, municipality) for cap in OVERSEEING)
    cycles = Cycle.objects.for_municipality(municipality).filter(
        Q(opens_on__year=year) | Q(due_on__year=year) | Q(board_date__year=year)
    )
    if not access.in_municipality(Capability.MANAGE_CYCLES, municipality):
        cycles = cycles.exclude(status=Cycle.Status.DRAFT)  # plans only their managers see
    titles = {
        "opens": _("Follow-up %(year)s opens"),
        "due": _("Follow-up %(year)s: reports due"),
        "board": _("Follow-up %(year)s reported to the executive board"),
    }
    for cycle in cycles.values("pk", "year", *(field for _key, field in CYCLE_DATES)):
        url = page_url(municipality.slug, cycle["pk"], "followup:cycle") if oversees else ""
        for key, field in CYCLE_DATES:
            if cycle[field] is not None:
                yield Deadline(
                    uid=f"cycle-{cycle['pk']}-{key}",
                    date=cycle[field],
                    title=titles[key] % {"year": cycle["year"]},
                    url=url,
                )
    # Each marked whether the viewer may open it (by visible_to), in the same query.
    reported = (
        Report.objects.filter(
            cycle__version__programme__municipality=municipality, committee_date__year=year
        )
        .annotate(readable=readable_to(access, municipality))
        .values(
            "pk",
            "committee_date",
            "readable",
            cycle_year=F("cycle__year"),
            unit_name=F("unit__name"),
        )
    )
    title = _("Follow-up %(year)s of %(unit)s reported to the committee")
    for report in reported:
        yield Deadline(
            uid=f"committee-{report['pk']}",
            date=report["committee_date"],
            title=title % {"year": report["cycle_year"], "unit": report["unit_name"]},
            url=page_url(municipality.slug, report["pk"], "followup:report")
            if report["readable"]
            else "",
        )
