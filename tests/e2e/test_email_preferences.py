"""A person on a phone finds the e-mail choices from the start page, turns reminders off and
chooses a weekly summary, saves, and sees the choice kept; the page passes axe before and after."""

import pytest
from playwright.sync_api import expect

from responsibilities.email_preferences import EmailPreferences
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_chooses_a_weekly_summary_on_a_phone(new_page, demo):
    page = new_page(width=390)
    log_in(page, "ale-sektorchef")
    page.get_by_role("link", name="Välj vad du får med e-post").click()
    page.wait_for_url("**/konto/e-post/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vad du får med e-post")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    assert_accessible(page)

    page.get_by_label("Påminnelser som säkerhetschefen skickar").uncheck()
    page.get_by_label("Varje vecka, på måndagar").check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/konto/e-post/")
    expect(page.locator("main")).to_contain_text("Dina val för e-post har sparats.")
    expect(page.get_by_label("Varje vecka, på måndagar")).to_be_checked()
    expect(page.get_by_label("Påminnelser som säkerhetschefen skickar")).not_to_be_checked()
    expect(page.get_by_label("Uppföljningsrapporter att granska eller åtgärda")).to_be_checked()
    assert_accessible(page)
    screenshot(page, "email-preferences-390px")

    prefs = EmailPreferences.objects.get(person__username="ale-sektorchef")
    assert (prefs.followup_at_once, prefs.reminders_at_once, prefs.summary) == (
        True,
        False,
        EmailPreferences.Summary.WEEKLY,
    )
