"""An employee reports a security flaw on a phone; the sector chief and the security chief are
told and handle it to closed with an action; it shows in the unit's yearly report, the
dashboard and the consolidated PDF; another sector's chief and another municipality get 404."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import Cycle, Report, ReportFile
from responsibilities import outbox
from risks.models import RiskReport
from tests.e2e.conftest import assert_accessible, log_in, screenshot
from tests.programmes.pdf_support import document_text

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = 390


def test_a_security_flaw_from_report_to_the_consolidated_pdf(
    new_page, demo, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The employee, on a phone: start page → "Rapportera en risk" → fill in → send.
    phone = new_page(width=PHONE)
    log_in(phone, "ale-medarbetare")
    assert_accessible(phone)
    phone.get_by_role("link", name="Rapportera en risk").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Rapportera en risk eller ett säkerhetsproblem"
    )
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE
    phone.get_by_label("Säkerhetsbrist").check()
    phone.get_by_label("Enhet").select_option(label="Sektor utbildning")
    phone.get_by_label("Plats").fill("Nödingeskolan, bakre entrén")
    phone.get_by_label("När (från)").fill("2026-11-30")
    phone.get_by_label("Tillämpningsområde").select_option(label="Informationssäkerhet")
    phone.get_by_label("Beskriv vad du upptäckte").fill("Serverskåpet i källaren står olåst.")
    phone.get_by_role("button", name="Skicka rapporten").click()
    expect(phone.get_by_text(re.compile(r"referensnumret ALE-2026-\d{4}"))).to_be_visible()
    report = RiskReport.objects.get(description="Serverskåpet i källaren står olåst.")
    assert_accessible(phone)
    screenshot(phone, "risk-receipt-phone")
    phone.get_by_role("link", name="Mina rapporter").first.click()
    expect(phone.get_by_role("link", name=report.reference)).to_be_visible()
    assert_accessible(phone)

    # The sector chief is told, starts, assesses and decides a measure.
    chief = new_page()
    log_in(chief, "ale-sektorchef")
    chief.get_by_role("link", name=re.compile("Notiser")).first.click()
    chief.get_by_role(
        "link", name=f"Ny riskrapport {report.reference} i Sektor utbildning."
    ).click()
    expect(chief.get_by_role("heading", level=1)).to_have_text(f"Riskrapport {report.reference}")
    assert_accessible(chief)
    chief.get_by_role("button", name="Påbörja bedömningen").click()
    chief.get_by_label("Sannolikhet").select_option("3")
    chief.get_by_label("Konsekvens").select_option("4")
    chief.get_by_role("button", name="Spara bedömningen").click()
    expect(chief.get_by_text("Bedömningen har sparats.")).to_be_visible()
    chief.get_by_label("Beslutad åtgärd").fill("Lås serverskåpet och byt kod")
    chief.get_by_label("Klart senast").fill("2027-01-15")
    chief.get_by_role("button", name="Besluta åtgärden").click()
    expect(chief.get_by_text("lagts in i enhetens handlingsplan")).to_be_visible()
    assert_accessible(chief)

    # The security chief is told too, and closes it with what was done.
    security = new_page()
    log_in(security, "ale-sakerhetschef")
    security.get_by_role("link", name=re.compile("Notiser")).first.click()
    expect(
        security.get_by_role("link", name=f"Ny riskrapport {report.reference} i Sektor utbildning.")
    ).to_be_visible()
    security.goto("/risker/ale/")
    assert_accessible(security)
    security.get_by_role("link", name=report.reference).click()
    security.get_by_label("Vad som gjordes").fill("Skåpet är låst och koden bytt.")
    security.get_by_role("button", name="Avsluta med vad som gjordes").click()
    expect(security.get_by_text("Rapporten har avslutats.")).to_be_visible()
    report.refresh_from_db()
    assert report.status == RiskReport.Status.CLOSED

    # In the unit's yearly report: the figures and the action in the plan.
    followup = Report.objects.get(unit__name="Sektor utbildning", cycle__year=2026)
    chief.goto(f"/uppfoljning/ale/rapport/{followup.pk}/")
    expect(chief.get_by_role("heading", name="Riskrapporter och riskregister 2026")).to_be_visible()
    expect(
        chief.get_by_role("rowheader", name=f"Lås serverskåpet och byt kod ({report.reference})")
    ).to_be_visible()
    assert_accessible(chief)

    # On the dashboard and in the consolidated PDF.
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    security.goto(f"/uppfoljning/ale/omgang/{cycle.pk}/")
    expect(security.get_by_role("heading", name="Riskbild")).to_be_visible()
    expect(security.locator("figure.risk-matrix svg")).to_be_visible()
    assert_accessible(security)
    security.goto("/uppfoljning/ale/rapporter/")
    security.locator(f"#file-board-{cycle.pk}-0").get_by_role(
        "button", name=re.compile("Skapa PDF")
    ).click()
    expect(security.get_by_text("PDF-filen är beställd")).to_be_visible()
    outbox.sweep(inline=True)  # as the worker would: whatever the request left owed
    row = ReportFile.objects.get(kind="board", cycle=cycle)
    assert row.status == ReportFile.Status.READY
    pdf = security.request.get(f"/uppfoljning/ale/rapporter/fil/{row.pk}/").body()
    text = document_text(pdf)
    assert "Riskbild" in text
    assert "Risker efter sannolikhet och konsekvens" in text

    # Another sector's chief and another municipality cannot see it.
    for username in ("ale-sektorchef-2", "kalix-sakerhetschef"):
        other = new_page()
        log_in(other, username)
        answer = other.goto(f"/risker/ale/rapport/{report.pk}/")
        assert answer.status == 404
        other.goto("/start/")
        expect(other.get_by_text(report.reference)).to_have_count(0)
