"""Decision references as data: the minute's § number, the case number (Dnr), the date.

A § is stored as the bare number ("187") and shown as "§ 187"; a Dnr is kept as the
municipality writes it ("KS 2019/41"); a decision date never lies in the future.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PARAGRAPH = re.compile(r"[0-9]{1,5}(?: ?[a-z])?")
# Letters, digits, spaces and the separators municipalities use: "KS 2019/41", "2019.123".
CASE_NUMBER = re.compile(r"[0-9A-Za-zÅÄÖåäöÉé][0-9A-Za-zÅÄÖåäöÉé .,:/()_-]*")
# What a source document writes where the number was never filled in (Kalix: "Dnr: XX").
PLACEHOLDERS = re.compile(r"x+|\?+|-+|–+|0+|saknas|nn", re.IGNORECASE)


def normalise_paragraph(value) -> str:
    """ "§ 187", "§187", " 187 " and "187" all give "187"; "§ 12 A" gives "12 a"."""
    text = " ".join(str(value or "").replace("§", " ").split())
    return text.lower()


def validate_paragraph(value):
    if value and not PARAGRAPH.fullmatch(value):
        raise ValidationError(
            _("Enter the § number of the minutes as a number, e.g. 187."), code="paragraph"
        )


def format_paragraph(value) -> str:
    """The one way a § number is shown: "§ 187" (empty stays empty)."""
    value = normalise_paragraph(value)
    return f"§ {value}" if value else ""


def normalise_case_number(value) -> str:
    """Spaces tidied and a typed "Dnr:" prefix dropped: it is part of how it is shown."""
    text = " ".join(str(value or "").split())
    return re.sub(r"^dnr\.?:?\s*", "", text, flags=re.IGNORECASE)


def validate_case_number(value):
    if value and not CASE_NUMBER.fullmatch(value):
        raise ValidationError(
            _("Enter the case number as the municipality writes it, e.g. KS 2019/41."),
            code="case_number",
        )


def is_placeholder_case_number(value) -> bool:
    """True for a Dnr a source left to be completed, like Kalix's "XX"."""
    return bool(value) and bool(PLACEHOLDERS.fullmatch(value.strip()))


def validate_not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(
            _("The decision date cannot be in the future: enter the date of the meeting."),
            code="future_date",
        )


class ParagraphFormField(forms.CharField):
    """A § number field: accepts "§ 187", "§187" or "187" and cleans to "187"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("The minute's paragraph, e.g. 187."))
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_paragraph(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        validate_paragraph(value)


class CaseNumberFormField(forms.CharField):
    def to_python(self, value):
        return normalise_case_number(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        validate_case_number(value)


class ParagraphField(models.CharField):
    """A § number of minutes, stored as the number without the sign."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_paragraph])
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = normalise_paragraph(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ParagraphFormField, **kwargs})


def paragraph_without_sign(field: str, name: str) -> models.CheckConstraint:
    """The invariant in the database: a stored § number never carries the sign."""
    return models.CheckConstraint(condition=~models.Q(**{f"{field}__contains": "§"}), name=name)
