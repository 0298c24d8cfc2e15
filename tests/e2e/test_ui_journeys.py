"""Journeys across the roles: each persona's start page (Swedish and English), the council
member reading reports, the employee reading the programme after logging in, the navigation
on a 320 px phone. Screenshots of the key pages go to test-artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from responsibilities.models import User
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

# Headings of the attention panels each persona must (and must not) see.
START = {
    "ale-sakerhetschef": {
        "sv": (["Styrdokument att revidera", "Rapporter som väntar på din granskning"], []),
        "en": (["Governing documents to revise", "Reports waiting for your review"], []),
    },
    "ale-sektorchef": {
        "sv": (["Din enhets uppföljning"], ["Rapporter som väntar på din granskning"]),
        "en": (["Your unit's follow-up"], ["Reports waiting for your review"]),
    },
    "ale-fortroendevald": {
        "sv": (["Senast godkända uppföljningar"], ["Din enhets uppföljning"]),
        "en": (["Latest approved follow-up reports"], ["Your unit's follow-up"]),
    },
    "ale-medarbetare": {
        "sv": (["Din kommuns program"], ["Senast godkända uppföljningar"]),
        "en": (["Your municipality's programme"], ["Latest approved follow-up reports"]),
    },
}


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("persona", list(START))
def test_the_start_page_shows_what_needs_attention(new_page, demo, persona, language):
    User.objects.filter(username=persona).update(language=language)  # remembered per user
    page = new_page(language=language)
    log_in(page, persona)
    present, absent = START[persona][language]
    for heading in present:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    for heading in absent:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_have_count(0)
    current = page.locator(".site-nav [aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Start" if language == "sv" else "Start")
    assert_accessible(page)
    screenshot(page, f"start-{persona}-{language}")


def test_the_council_member_reads_the_approved_reports(page, demo):
    log_in(page, "ale-fortroendevald")
    panel = page.locator("section.attention").filter(
        has=page.get_by_role("heading", name="Senast godkända uppföljningar")
    )
    first = panel.get_by_role("link").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/uppfoljning/ale/rapport/\d+/$"))
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    assert name.split(",")[0] in page.content()
    expect(page.get_by_text("Utkast", exact=True)).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "report-council-member")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Uppföljning").click()
    page.wait_for_url("**/uppfoljning/ale/")
    expect(page.locator(".site-nav [aria-current]")).to_have_text("Uppföljning")
    assert_accessible(page)
    cycle_links = page.locator("main a[href*='/omgang/']")
    assert cycle_links.count() > 0  # the council member reads the dashboards too
    cycle_links.first.click()
    page.wait_for_url(re.compile(r"/omgang/\d+/$"))
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "dashboard-council-member")


def test_the_employee_reads_the_programme_after_logging_in(page, demo):
    log_in(page, "ale-medarbetare")
    panel = page.locator("section.attention").filter(
        has=page.get_by_role("heading", name="Din kommuns program")
    )
    panel.get_by_role("link").first.click()
    page.wait_for_url("**/ale/program/**")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Logga in")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "programme-employee")


def test_the_security_chief_finds_every_section_from_the_navigation(page, demo):
    log_in(page, "ale-sakerhetschef")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    for link, path in (
        ("Styrdokument", "/styrdokument/"),
        ("Uppföljning", "/uppfoljning/ale/"),
        ("Hantera", "/hantera/ale/"),
        ("Säkerhetslogg", "/sakerhetslogg/ale/"),
    ):
        nav.get_by_role("link", name=link, exact=True).click()
        page.wait_for_url(f"**{path}")
        expect(nav.locator("[aria-current]")).to_have_text(link)
        expect(page.locator("nav.breadcrumbs")).to_have_count(1)
    page.goto("/styrdokument/")
    screenshot(page, "editor-index-security-chief")


def test_the_navigation_fits_a_320_pixel_phone(new_page, demo):
    page = new_page(width=320)
    log_in(page, "ale-sakerhetschef")
    for path in ("/start/", "/uppfoljning/ale/", "/styrdokument/"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            screenshot(page, "overflow-320px")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px"
    page.goto("/start/")
    screenshot(page, "start-security-chief-320px")
