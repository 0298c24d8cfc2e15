"""Risk-register reviews in the municipality's year (the årshjul), for those who may open them."""

from django.utils.translation import gettext as _

from responsibilities.access import access_of
from responsibilities.calendar import Deadline, register_year
from responsibilities.capabilities import Capability
from responsibilities.links import page_url
from risks.models import RiskEntry


@register_year
def review_deadlines_in(municipality, year, viewer):
    access = access_of(viewer)
    if access.in_municipality(Capability.HANDLE_RISKS, municipality):
        # Handling the municipality's risks, the person sees every entry of it (what
        # visible_to() gives them here, without building its subqueries).
        entries = RiskEntry.objects.all()
    else:
        entries = RiskEntry.objects.visible_to(viewer)
    entries = (
        entries.active()
        .filter(municipality=municipality, review_on__year=year)
        .only("title", "review_on", "confidential", "owner", "municipality")
    )
    title = _("Risk review: %(title)s")
    for entry in entries:
        if not entry.title_shown_to(viewer, access):
            continue  # its page is not found for this viewer: the year does not name it
        yield Deadline(
            uid=f"risk-{entry.pk}",
            date=entry.review_on,
            title=title % {"title": entry.title},
            url=page_url(municipality.slug, entry.pk, "risks:entry"),
        )
