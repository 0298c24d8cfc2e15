"""Risk-register reviews in the municipality's year (the årshjul), for those who may open them."""

from django.urls import reverse
from django.utils.translation import gettext as _

from responsibilities.access import access_of
from responsibilities.calendar import Deadline, register_year
from risks.models import RiskEntry


@register_year
def review_deadlines_in(municipality, year, viewer):
    access = access_of(viewer)
    entries = (
        RiskEntry.objects.visible_to(viewer)
        .active()
        .filter(municipality=municipality, review_on__year=year)
    )
    for entry in entries:
        if not entry.title_shown_to(viewer, access):
            continue  # its page is not found for this viewer: the year does not name it
        yield Deadline(
            uid=f"risk-{entry.pk}",
            date=entry.review_on,
            title=_("Risk review: %(title)s") % {"title": entry.title},
            url=reverse("risks:entry", kwargs={"municipality": municipality.slug, "pk": entry.pk}),
        )
