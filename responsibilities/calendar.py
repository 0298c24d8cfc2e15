"""Deadlines: a person's as iCalendar, and a municipality's year (the årshjul). Apps above this
one register providers of both kinds in their ready(); the date rules stay in the models."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import icalendar
from django.conf import settings
from django.utils import translation

from responsibilities.fields import EARLIEST_DATE, LATEST_DATE
from responsibilities.statements import Statement


@dataclass(frozen=True)
class Deadline:
    uid: str
    date: datetime.date
    title: str
    url: str = ""


Provider = Callable[[object], Iterable[Deadline]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Register a function person -> deadlines (called from an app's ready())."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


YearProvider = Callable[[object, int, object], Iterable[Deadline]]
_year_providers: list[YearProvider] = []


def register_year(provider: YearProvider) -> YearProvider:
    """Register a function (municipality, year, viewer) -> the municipality's deadlines in
    that year. A deadline carries a link only where the viewer may open it."""
    if provider not in _year_providers:
        _year_providers.append(provider)
    return provider


def year_of(municipality, year: int, viewer) -> list[Deadline]:
    """Every deadline of the municipality in the year, by date (one query per provider)."""
    found = [d for provider in _year_providers for d in provider(municipality, year, viewer)]
    return sorted((d for d in found if d.date.year == year), key=lambda d: (d.date, d.title))


def deadlines_for(person) -> list[Deadline]:
    with translation.override(person.language or settings.LANGUAGE_CODE):
        found = [deadline for provider in _providers for deadline in provider(person)]
    return sorted(found, key=lambda d: (d.date, d.title))


def ics_for(person) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Trygghet och sakerhet//ale-safety//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Trygghet och säkerhet")
    stamp = datetime.datetime.now(tz=datetime.UTC)
    for deadline in deadlines_for(person):
        if not EARLIEST_DATE <= deadline.date <= LATEST_DATE:
            continue  # stored before dates were limited (e.g. 9999-12-31): not a real date
        event = icalendar.Event()
        event.add("uid", f"{deadline.uid}@ale-safety")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.date)
        event.add("dtend", deadline.date + datetime.timedelta(days=1))
        event.add("summary", deadline.title)
        if deadline.url:
            event.add("url", settings.SITE_URL + deadline.url)
        cal.add_component(event)
    return cal.to_ical()


@register
def yearly_deadlines(person):
    """The municipality's recurring dates, for people who manage follow-up cycles."""
    from responsibilities.capabilities import Capability
    from responsibilities.deadlines import recipients_by_municipality
    from responsibilities.notifications import YearlyDeadline

    today = datetime.date.today()
    deadlines = list(YearlyDeadline.objects.all())
    managers = recipients_by_municipality(
        Capability.MANAGE_CYCLES, {d.municipality_id for d in deadlines}
    )
    for deadline in deadlines:
        date = deadline.next_date(today)
        if date and person.pk in managers.get(deadline.municipality_id, []):
            yield Deadline(uid=f"yearly-{deadline.pk}-{date}", date=date, title=deadline.name)


def _yearly_deadlines_of(municipality_id):
    from responsibilities.notifications import YearlyDeadline

    return YearlyDeadline.objects.filter(municipality=municipality_id)


# Compiled once: every visit of the årshjul reads them.
_YEARLY = Statement(_yearly_deadlines_of, (-7_300_439_001,), (-7_300_439_003,))


@register_year
def yearly_deadlines_in(municipality, year, viewer):
    """The municipality's recurring dates (county board, RSA) that fall in the year."""
    for deadline in _YEARLY.fetch(municipality.pk):
        date = deadline.date_in(year)
        if date is not None:
            yield Deadline(uid=f"yearly-{deadline.pk}-{date}", date=date, title=deadline.name)
