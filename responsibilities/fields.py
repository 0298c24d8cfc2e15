"""Form fields with sensible limits, shared by every app's forms: one rule for dates, one for
text that must hold no control characters."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# C0 controls except tab, newline and carriage return, DEL and the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def validate_sensible_date(value):
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
        )


class DateInput(forms.DateInput):
    """The browser's date picker, limited to the same years as the field."""

    input_type = "date"

    def __init__(self, attrs=None):
        attrs = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat(), **(attrs or {})}
        super().__init__(attrs, format="%Y-%m-%d")


class SensibleDateField(forms.DateField):
    """Every date in the product: 1900–2100 (a year 9999 breaks calendars and sorting)."""

    widget = DateInput
    default_validators = [validate_sensible_date]


def strip_control_characters(value: str) -> str:
    """Text without NUL and other control characters (PostgreSQL refuses NUL in text)."""
    return CONTROL_CHARACTERS.sub("", value)


def query_text(request, name: str, max_length: int = 200) -> str:
    """A free-text query parameter (search), stripped of control characters and cut short."""
    return strip_control_characters(request.GET.get(name, ""))[:max_length].strip()


def parse_int(value, default: int = 0) -> int:
    """A non-negative whole number written in ASCII digits (not "²", "-1" or 40 digits that
    overflow a database integer); anything else is the default."""
    value = str(value if value is not None else "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        return default
    return int(value)


def query_int(request, name: str, default: int = 0, *, maximum: int) -> int:
    """A whole-number query parameter, strictly parsed (parse_int), at most `maximum`."""
    return min(parse_int(request.GET.get(name), default), maximum)
