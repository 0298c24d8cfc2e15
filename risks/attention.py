"""The start page's risk panel (report in one click, follow one's own reports, the reports
waiting for a manager) and the "Report a risk" link on the programme page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from programmes import page_links
from responsibilities.access import access_for
from responsibilities.attention import Panel, register
from responsibilities.capabilities import Capability as C
from responsibilities.statements import StatementPerShape
from risks.models import RiskReport, handled_lists

WAITING_SHOWN = 10
# What the waiting panel shows of a report (its reference is made of the first three).
WAITING_COLUMNS = ("municipality__slug", "year", "number", "kind", "unit__name", "reported_at")


def _waiting(user_id, units, municipalities, lookup="in"):
    """The received reports the person may see (`RiskReport.visible_to()`, from
    `handled_lists()`) and did not make themselves, the oldest first."""
    return (
        RiskReport.objects.visible_by(user_id, units, municipalities, lookup)
        .filter(status=RiskReport.Status.RECEIVED)
        .exclude(reported_by=user_id)
        .select_related("municipality", "unit")
        .only(*WAITING_COLUMNS)
        .order_by("reported_at")[:WAITING_SHOWN]
    )


# `_waiting()` compiled once per process for each shape of the handler's lists (the ids one
# argument each; an empty list is no condition at all).
_WAITING = StatementPerShape(
    lambda user_id, units, municipalities: _waiting(user_id, units, municipalities, "any"),
    plain=1,
)


@register
def risk_panels(user, access):
    # From the rows Access has loaded: no query of its own.
    places = access.municipalities_within({C.REPORT_RISKS})
    if not places:
        return
    handled = {slug for slug, _name in access.municipalities_within({C.HANDLE_RISKS})}
    items = [(slug, name, slug in handled) for slug, name in places]
    yield Panel("risks/_attention_report.html", items, order=1)
    if access.anywhere(C.HANDLE_RISKS):
        waiting = _WAITING.fetch(user.pk, *handled_lists(user))
        if waiting:
            yield Panel("risks/_attention_waiting.html", waiting, order=4)


@page_links.register
def report_link(request, municipality):
    if not access_for(request).within(C.REPORT_RISKS, municipality):
        return []
    return [
        (
            _("Report a risk"),
            reverse("risks:report_new", kwargs={"municipality": municipality.slug}),
        )
    ]
