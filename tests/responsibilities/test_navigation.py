"""The signed-in main menu (responsibilities/templatetags/navigation.py) writes what base.html's
tags per link wrote, for every combination of roles, places, sections and unread counts."""

import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

# The menu as base.html wrote it with a tag per link (before issue 16's round eight).
TEMPLATE_MENU = """{% load i18n %}
<li><a href="{% url 'start' %}"{% if nav_section == "start" %} aria-current="page"{% endif %}>{% translate "Start" %}</a></li>
{% for slug, name in access.edits_programmes %}{% if forloop.first %}<li><a href="{% url 'programmes:index' %}"{% if nav_section == "styrdokument" %} aria-current="true"{% endif %}>{% translate "Governing documents" %}</a></li>{% endif %}{% endfor %}
{% with places=access.follows_up %}{% for slug, name in places %}<li><a href="{% url 'followup:index' municipality=slug %}"{% if nav_section == "uppfoljning" and nav_municipality == slug %} aria-current="true"{% endif %}>{% translate "Follow-up" %}{% if places|length > 1 %} {{ name }}{% endif %}</a></li>{% endfor %}{% endwith %}
{% with places=access.administers %}{% for slug, name in places %}<li><a href="{% url 'manage:overview' slug %}"{% if nav_section == "hantera" and nav_municipality == slug %} aria-current="true"{% endif %}>{% translate "Manage" %}{% if places|length > 1 %} {{ name }}{% endif %}</a></li>{% endfor %}
{% for slug, name in places %}<li><a href="{% url 'audit_log' slug %}"{% if nav_section == "sakerhetslogg" and nav_municipality == slug %} aria-current="true"{% endif %}>{% translate "Security log" %}{% if places|length > 1 %} {{ name }}{% endif %}</a></li>{% endfor %}{% endwith %}
{% with count=unread_notifications %}
<li><a href="{% url 'notifications' %}" class="bell"{% if nav_section == "konto" and nav_municipality == "notiser" %} aria-current="page"{% endif %}>{% translate "Notifications" %}{% if count %} <span class="count">{% blocktranslate count counter=count %}({{ counter }} unread){% plural %}({{ counter }} unread){% endblocktranslate %}</span>{% endif %}</a></li>
{% endwith %}"""  # noqa: E501 - the template's lines as they were

MENU = Template("{% load navigation %}{% signed_in_menu %}")
ALE = ("ale", "Ale kommun")
KALIX = ("kalix", "Kalix <kommun> & co")  # a name that must be escaped

ROLES = {
    "employee": SimpleNamespace(edits_programmes=[], follows_up=[], administers=[]),
    "reader": SimpleNamespace(edits_programmes=[], follows_up=[ALE], administers=[]),
    "security chief": SimpleNamespace(edits_programmes=[ALE], follows_up=[ALE], administers=[ALE]),
    "two municipalities": SimpleNamespace(
        edits_programmes=[ALE, KALIX], follows_up=[ALE, KALIX], administers=[ALE, KALIX]
    ),
}
HERE = [
    ("start", ""),
    ("styrdokument", ""),
    ("uppfoljning", "ale"),
    ("uppfoljning", "kalix"),
    ("hantera", "kalix"),
    ("sakerhetslogg", "ale"),
    ("konto", "notiser"),
    ("konto", "installningar"),
]


def rendered(template, role, section, municipality, unread):
    context = {
        "access": ROLES[role],
        "nav_section": section,
        "nav_municipality": municipality,
        "unread_notifications": lambda: unread,  # as the context processor gives it
    }
    return re.sub(r"\s*\n\s*", "", template.render(Context(context)))


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("unread", [0, 1, 2, 1234])
@pytest.mark.parametrize(("section", "municipality"), HERE)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_menu_writes_what_the_template_wrote(role, section, municipality, unread, language):
    with translation.override(language):
        menu = rendered(MENU, role, section, municipality, unread)
        assert menu == rendered(Template(TEMPLATE_MENU), role, section, municipality, unread)
    assert "<kommun>" not in menu


def test_the_menu_marks_the_section_and_names_the_municipalities():
    with translation.override("sv"):
        menu = rendered(MENU, "two municipalities", "hantera", "kalix", 2)
    assert (
        '<a href="/hantera/kalix/" aria-current="true">Hantera Kalix &lt;kommun&gt; &amp; co'
        in (menu)
    )
    assert '<a href="/hantera/ale/">Hantera Ale kommun</a>' in menu
    assert '<span class="count">(2 olästa)</span>' in menu
    assert menu.count("aria-current") == 1
