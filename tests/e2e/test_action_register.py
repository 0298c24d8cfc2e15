"""The action register on a phone: the security chief filters the overdue actions and records
that one of them is done, without opening the yearly form."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followup.models import Action, Report
from tests.e2e.conftest import assert_accessible, log_in, screenshot
from tests.followup.conftest import reopened

pytestmark = pytest.mark.django_db(transaction=True)
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


@pytest.fixture
def overdue_action(demo):
    report = Report.objects.get(
        unit__name="Sektor samhällsbyggnad", unit__municipality__slug="ale", cycle__year=2025
    )
    with reopened(report.pk):
        return Action.objects.create(
            report=report,
            what="Se över inpasseringen till stadshuset",
            due_on=timezone.localdate() - datetime.timedelta(days=20),
            status=Action.Status.STARTED,
        )


def test_the_security_chief_updates_an_overdue_action_on_a_phone(new_page, overdue_action):
    page = new_page(width=390)
    log_in(page, "ale-sakerhetschef")
    page.goto("/uppfoljning/ale/")
    page.get_by_role("link", name="Åtgärdsregister", exact=False).click()
    expect(page.get_by_role("heading", name=re.compile("^Åtgärdsregister, "))).to_be_visible()

    page.get_by_label("Enhet", exact=True).select_option(label="Sektor samhällsbyggnad")
    page.get_by_label("Klart senast", exact=True).select_option(label="Försenade")
    page.get_by_role("button", name="Filtrera").click()
    table = page.get_by_role("table")
    expect(table.get_by_text("1 åtgärd")).to_be_visible()
    row = table.get_by_role("row").filter(has_text="Se över inpasseringen till stadshuset")
    expect(row.get_by_text("Förfallen", exact=True)).to_be_visible()  # in words, not only colour
    assert page.evaluate(PAGE_WIDTH) <= 390
    assert_accessible(page)

    row.get_by_role("link", name="Ändra status").click()
    expect(page.get_by_label(re.compile("^Ny status"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Ny status")).select_option(label="Genomförd")
    page.get_by_label("Anteckning", exact=True).fill("Nya kortläsare monterade i november.")
    page.get_by_role("button", name="Spara statusen").click()

    expect(page.get_by_text("är nu ”Genomförd”")).to_be_visible()
    # Back on the same filtered list: a done action is no longer overdue.
    expect(page.get_by_text("Inga åtgärder matchar filtren.")).to_be_visible()
    assert page.evaluate(PAGE_WIDTH) <= 390
    page.get_by_label("Klart senast", exact=True).select_option(label="Alla")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_text("Nya kortläsare monterade i november.")).to_be_visible()
    screenshot(page, "action-register")
    overdue_action.refresh_from_db()
    assert overdue_action.status == Action.Status.DONE
