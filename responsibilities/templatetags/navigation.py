"""The signed-in main menu of base.html, written here rather than by template tags per link:
on every signed-in page, its `{% url %}`, `{% translate %}` and `{% if %}` tags per link cost a
fifth of what a simple page does in all (issue 16; 1.7 of 7.3 million instructions). The
markup is the one the template wrote; each link's address is reversed once per process."""

import functools

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

PAGE = ' aria-current="page"'
SECTION = ' aria-current="true"'


@functools.lru_cache(maxsize=4096)
def _url(prefix: str, name: str, *args) -> str:
    """reverse() once per (script prefix, view, arguments): the menu's links never change."""
    return conditional_escape(reverse(name, args=args))


def _link(url: str, current: str, label, extra: str = "") -> str:
    return f'<li><a href="{url}"{extra}{current}>{label}</a></li>'


def _places(prefix, places, name: str, label, section: str, here: str, municipality: str) -> str:
    """One link per municipality (its name after the label when there are several)."""
    several = len(places) > 1
    return "".join(
        _link(
            _url(prefix, name, slug),
            SECTION if here == section and municipality == slug else "",
            conditional_escape(label) + (f" {conditional_escape(place)}" if several else ""),
        )
        for slug, place in places
    )


@register.simple_tag(takes_context=True)
def signed_in_menu(context):
    """The menu's links from Start to Notifications for the signed-in person: what their
    roles open (`access`), the current section marked (`nav_section`, `nav_municipality`) and
    the unread count (`unread_notifications`)."""
    access = context["access"]
    here = context.get("nav_section", "")
    municipality = context.get("nav_municipality", "")
    prefix = get_script_prefix()
    items = [
        _link(
            _url(prefix, "start"), PAGE if here == "start" else "", conditional_escape(_("Start"))
        )
    ]
    if access.edits_programmes:
        items.append(
            _link(
                _url(prefix, "programmes:index"),
                SECTION if here == "styrdokument" else "",
                conditional_escape(_("Governing documents")),
            )
        )
    items.append(
        _places(
            prefix,
            access.follows_up,
            "followup:index",
            _("Follow-up"),
            "uppfoljning",
            here,
            municipality,
        )
    )
    administers = access.administers
    items.append(
        _places(prefix, administers, "manage:overview", _("Manage"), "hantera", here, municipality)
    )
    items.append(
        _places(
            prefix, administers, "audit_log", _("Security log"), "sakerhetslogg", here, municipality
        )
    )
    count = context["unread_notifications"]
    count = count() if callable(count) else count
    unread = ""
    if count:
        text = ngettext("(%(counter)s unread)", "(%(counter)s unread)", count)
        unread = format_html(' <span class="count">{}</span>', text % {"counter": localize(count)})
    items.append(
        _link(
            _url(prefix, "notifications"),
            PAGE if here == "konto" and municipality == "notiser" else "",
            conditional_escape(_("Notifications")) + unread,
            ' class="bell"',
        )
    )
    # Every value above is escaped (names, addresses) or the project's own translated text.
    return mark_safe("\n            ".join(item for item in items if item))  # noqa: S308
