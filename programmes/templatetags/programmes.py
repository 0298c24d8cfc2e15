import re

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext

from programmes.filekinds import file_kind as kind_of_file
from programmes.references import format_paragraph

register = template.Library()

MIME_TYPE = re.compile(r"(application|image|text|audio|video|font)/[\w.+-]+(;.*)?")


@register.filter
def months(days: int) -> int:
    """Whole months in a number of days (30.44 days a month on average)."""
    return int(days // 30.44)


@register.filter
def paragraph(value) -> str:
    """A § number as the minutes write it: "§ 187" (whatever was typed or stored)."""
    return format_paragraph(value)


@register.filter
def file_kind(value, name="") -> str:
    """A file's kind in words: `{{ item.content_type|file_kind:item.original_name }}` or, with
    only a stored name, `{{ document.file.name|file_kind }}`."""
    value = str(value or "")
    if MIME_TYPE.fullmatch(value):
        return kind_of_file(value, name or "")
    return kind_of_file("", value or name or "")


@register.filter
def percent(value) -> str:
    """A whole percentage as the reader's language writes it: "60 %" in Swedish (with a
    no-break space), "60%" in English; "–" when there is none."""
    if value is None or value == "":
        return "–"
    return pgettext("a percentage", "%(number)s%%") % {"number": number_format(value)}
