from django import template

register = template.Library()


@register.filter
def months(days: int) -> int:
    """Whole months in a number of days (30.44 days a month on average)."""
    return int(days // 30.44)
