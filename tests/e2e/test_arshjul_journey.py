"""The security chief's year in Chromium: the årshjul on a wide screen and on a phone, then
"send a reminder now" on the follow-up dashboard."""

import pytest
from playwright.sync_api import expect

from followup.models import Cycle
from responsibilities.audit import AuditEvent
from responsibilities.models import Notification
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_the_security_chief_reads_the_year_and_reminds_the_units(new_page, demo):
    page = new_page(width=1280)
    log_in(page, "ale-sakerhetschef")
    page.get_by_role("link", name="Årshjul").first.click()
    page.wait_for_url("**/arshjul/ale/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Årshjul")
    february = page.get_by_role("region", name="Februari")
    expect(february.get_by_text("Uppföljning av krisberedskap till länsstyrelsen")).to_be_visible()
    expect(page.locator("[aria-current=date]")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "arshjul-1280")

    page.goto("/arshjul/ale/?ar=2027")  # the year after the 2026 election
    october = page.get_by_role("region", name="Oktober")
    expect(october.get_by_text("Risk- och sårbarhetsanalys (RSA)")).to_be_visible()
    page.get_by_role("link", name="Innevarande år").click()

    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate(PAGE_WIDTH) <= 390
    assert_accessible(page)
    screenshot(page, "arshjul-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    cycle = Cycle.objects.get(
        version__programme__municipality__slug="ale", status=Cycle.Status.OPEN
    )
    page.goto(f"/uppfoljning/ale/omgang/{cycle.pk}/")
    page.get_by_role("button", name="Skicka påminnelse nu").click()
    expect(page.get_by_text("En påminnelse skickades till")).to_be_visible()
    assert Notification.objects.filter(period__startswith="now:").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REMINDER_SENT).count() == 1
    assert_accessible(page)

    page.get_by_role("button", name="Skicka påminnelse nu").click()
    expect(page.get_by_text("Redan påminda i dag")).to_be_visible()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REMINDER_SENT).count() == 1
