"""The årshjul: every deadline of a municipality in one year, month by month."""

import datetime
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from responsibilities import calendar
from responsibilities.access import municipality_for
from responsibilities.fields import EARLIEST_DATE, LATEST_DATE

YEAR_PARAMETER = "ar"


def chosen_year(request, today) -> int:
    """?ar=YYYY, four ASCII digits within the product's dates; absent: this year; else 404."""
    raw = request.GET.get(YEAR_PARAMETER)
    if raw is None:
        return today.year
    if not re.fullmatch(r"[0-9]{4}", raw) or not (
        EARLIEST_DATE.year <= int(raw) <= LATEST_DATE.year
    ):
        raise Http404
    return int(raw)


def months_of(year: int, deadlines, today) -> list[dict]:
    """Twelve months, each with its deadlines and, in today's month, where today falls. Each
    entry carries its date as the page writes it (Y-m-d and "j F"), each date formatted once."""
    days = {}

    def entry(deadline, date, is_today):
        if date not in days:
            days[date] = (date.isoformat(), date_format(date, "j F"))  # isoformat is Y-m-d
        iso, day = days[date]
        return {"deadline": deadline, "is_today": is_today, "iso": iso, "day": day}

    by_month = [[] for _number in range(12)]
    for deadline in deadlines:
        date = deadline.date
        by_month[date.month - 1].append(entry(deadline, date, date == today))
    months = []
    for number, entries in enumerate(by_month, start=1):
        first = datetime.date(year, number, 1)
        is_current = (year, number) == (today.year, today.month)
        if is_current and not any(e["is_today"] for e in entries):
            # No deadline today: a line says where today falls among the month's dates.
            position = sum(1 for e in entries if e["deadline"].date < today)
            entries.insert(position, entry(None, today, True))
        months.append(
            {
                "first": first,
                # date_format(first, "F")'s name, without a date formatter per month.
                "name": capfirst(str(MONTHS[number])),
                "entries": entries,
                "is_current": is_current,
            }
        )
    return months


@login_required
@require_safe
def year_calendar(request, municipality):
    municipality = municipality_for(request, municipality)
    today = timezone.localdate()
    year = chosen_year(request, today)
    deadlines = calendar.year_of(municipality, year, request.user)
    return render(
        request,
        "responsibilities/year_calendar.html",
        {
            "municipality": municipality,
            "year": year,
            "today": today,
            "months": months_of(year, deadlines, today),
            "count": len(deadlines),
            "previous_year": year - 1 if year > EARLIEST_DATE.year else None,
            "next_year": year + 1 if year < LATEST_DATE.year else None,
        },
    )
