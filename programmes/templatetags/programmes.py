from django import template

from programmes.references import format_paragraph

register = template.Library()


@register.filter
def months(days: int) -> int:
    """Whole months in a number of days (30.44 days a month on average)."""
    return int(days // 30.44)


@register.filter
def paragraph(value) -> str:
    """A § number as the minutes write it: "§ 187" (whatever was typed or stored)."""
    return format_paragraph(value)
