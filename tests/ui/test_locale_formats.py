"""Dates read as each language writes them; the site has its own icon; `make run` links
point at the address it serves."""

import datetime
import re

from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.utils import formats, translation

from ale_safety.management.commands.runlocal import site_environment


def test_it_writes_english_dates_day_month_year():
    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 11, 18)) == "18 November 2026"


def test_it_writes_swedish_dates_as_swedish():
    with translation.override("sv"):
        assert formats.date_format(datetime.date(2026, 11, 18)) == "18 november 2026"


def test_templates_in_english_write_day_month_year():
    template = Template("{{ day|date }} · {{ moment|date:'DATETIME_FORMAT' }}")
    context = Context(
        {"day": datetime.date(2026, 11, 18), "moment": datetime.datetime(2026, 11, 18, 14, 5)}
    )
    with translation.override("en"):
        assert template.render(context) == "18 November 2026 · 18 November 2026, 14:05"


def test_every_page_names_an_icon_that_exists(client, demo):
    html = client.get("/").content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert href.endswith("favicon.svg")
    assert finders.find("favicon.svg")


def test_make_run_links_point_at_the_port_it_serves():
    env = site_environment({"PATH": "/bin"}, "127.0.0.1", "8111")
    assert env["SITE_URL"] == "http://127.0.0.1:8111"
    assert env["PATH"] == "/bin"


def test_an_explicit_site_url_wins_over_host_and_port():
    env = site_environment({"SITE_URL": "https://trygghet.ale.se"}, "0.0.0.0", "8000")
    assert env["SITE_URL"] == "https://trygghet.ale.se"


def test_an_ipv6_host_is_bracketed():
    assert site_environment({}, "::1", "8000")["SITE_URL"] == "http://[::1]:8000"
