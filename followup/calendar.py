"""Follow-up deadlines in the calendar feed: the unit's report due dates and its actions."""

from django.utils.translation import gettext as _

from followup.models import Action, Cycle, Report
from followup.reminders import report_url
from responsibilities.access import units_with
from responsibilities.calendar import Deadline, register
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
