"""Risk-register reviews in the municipality's year (the årshjul), for those who may open them."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from responsibilities.access import access_of
from responsibilities.calendar import Deadline, register_year
from responsibilities.links import page_url
from responsibilities.statements import Statement
from risks.models import RiskEntry, handled_lists


def _entries_in(municipality_id, first, last):
    """The municipality's entries in the register to review between `first` and `last`."""
    return (
        RiskEntry.objects.active()
        .filter(municipality=municipality_id, review_on__range=(first, last))
        .only("title", "review_on", "confidential", "owner", "municipality")
    )


def _visible_in(municipality_id, first, last, user_id, units):
    """Those of `_entries_in()` that visible_to() gives a person who does not handle the
    municipality's risks: their own and those of the units they manage (handled_lists())."""
    return _entries_in(municipality_id, first, last).filter(Q(owner=user_id) | Q(unit__any=units))


# Compiled once: every visit of the årshjul reads them. The arguments a municipality and the
# year's first and last day (the ORM's `__year` written as the range it compiles to).
_FIRST = (-7_300_441_001, datetime.date(1901, 2, 3), datetime.date(1901, 4, 5))
_SECOND = (-7_300_441_003, datetime.date(1902, 3, 5), datetime.date(1902, 6, 7))
ENTRIES = Statement(_entries_in, _FIRST, _SECOND)
VISIBLE = Statement(
    _visible_in, (*_FIRST, -7_300_441_005, (-7_300_441_007,)), (*_SECOND, -7_300_441_009, ())
)


@register_year
def review_deadlines_in(municipality, year, viewer):
    access = access_of(viewer)
    span = (municipality.pk, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    units, municipalities = handled_lists(viewer)
    if municipality.pk in municipalities:
        # Handling the municipality's risks, the person sees every entry of it.
        entries = ENTRIES.fetch(*span)
    else:
        entries = VISIBLE.fetch(*span, viewer.pk, units)
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
