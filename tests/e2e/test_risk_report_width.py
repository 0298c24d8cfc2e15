"""A risk report's page fits a phone whatever was typed: a long address or word in a value
wraps instead of making the page scroll sideways."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import log_in
from tests.risks.conftest import make_report, user

pytestmark = pytest.mark.django_db(transaction=True)
URL = "https://example.org/" + "fastighetsforvaltningen/" * 8
WORD = "Brandskyddsdokumentationsgenomgångsprotokollsanteckningar" * 2


@pytest.mark.parametrize("width", [320, 390])
def test_long_words_in_a_report_wrap_on_a_phone(new_page, demo, width):
    report = make_report(place=URL[:200], immediate_action=f"{WORD} {URL}")
    report.add_comment(by=user("ale-medarbetare"), text=URL)
    page = new_page(width=width)
    log_in(page, "ale-medarbetare")
    page.goto(reverse("risks:report", kwargs={"municipality": "ale", "pk": report.pk}))
    assert page.get_by_text(WORD).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
