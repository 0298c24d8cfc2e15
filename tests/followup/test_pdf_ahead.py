"""Report PDFs made ahead for readers: the steps that change a report's content for its readers
(approval, reporting to the committee, to the board) owe its files in their own transaction,
through the outbox; only the security chief asks for a file by hand."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from followup.models import ReportFile
from responsibilities import outbox
from tests.followup.conftest import demo_report, user
from tests.followup.report_pdf_support import ale_cycle, unit
from tests.programmes.pdf_support import temporary_media
from tests.reliability.support import broker_down  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
media = pytest.fixture(temporary_media)
LANGUAGES = {"sv", "en"}


@pytest.fixture
def ahead(settings):
    settings.REPORT_PDFS_AHEAD = True


def files_of(cycle):
    return {
        (row.kind, row.unit.name if row.unit else None, row.language): row.status
        for row in ReportFile.objects.filter(cycle=cycle).select_related("unit")
    }


def test_it_queues_the_unit_committee_and_board_files_on_approval_with_the_broker_down(
    client,
    demo,
    media,
    ahead,
    broker_down,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    report = demo_report("Sektor samhällsbyggnad")
    with django_capture_on_commit_callbacks(execute=True):
        report.approve(by=user("ale-sakerhetschef"))
    expected = {
        (kind, name, language): ReportFile.Status.QUEUED
        for kind, name in [
            ("unit", "Sektor samhällsbyggnad"),
            ("committee", "Samhällsbyggnadsnämnden"),
            ("board", None),
        ]
        for language in LANGUAGES
    }
    assert files_of(report.cycle) == expected
    owed = outbox.QueuedTask.objects.filter(task="followup.render_report_file")
    assert owed.filter(state=outbox.QueuedTask.State.PENDING, dispatched_at=None).count() == 6

    # The sweep runs what the broker never delivered: every file is made, once.
    outbox.sweep(inline=True)
    assert set(owed.values_list("state", flat=True)) == {outbox.QueuedTask.State.DONE}
    assert set(files_of(report.cycle).values()) == {ReportFile.Status.READY}

    client.force_login(user("ale-fortroendevald"))
    page = client.get(reverse("followup:reports", args=["ale"]) + "?ar=2026").content.decode()
    committee = unit("Samhällsbyggnadsnämnden").pk
    for anchor in (
        f"file-unit-{report.cycle_id}-{report.unit_id}",
        f"file-committee-{report.cycle_id}-{committee}",
        f"file-board-{report.cycle_id}-0",
    ):
        row = page.split(f'id="{anchor}"')[1].split("</tr>")[0]
        assert "Klar" in row and "Ladda ner PDF" in row, anchor
    assert "Skapa PDF" not in page and "Skapa om" not in page


def test_the_files_are_owed_in_the_steps_own_transaction(demo, ahead, broker_down):  # noqa: F811
    report = demo_report("Sektor samhällsbyggnad")
    renders = outbox.QueuedTask.objects.filter(task="followup.render_report_file")
    with pytest.raises(RuntimeError), transaction.atomic():
        report.approve(by=user("ale-sakerhetschef"))
        # Written with the step, before anything commits or any broker is asked.
        assert ReportFile.objects.filter(cycle=report.cycle).count() == 6
        assert renders.count() == 6
        raise RuntimeError("the step's transaction fails after the approval")
    assert not ReportFile.objects.filter(cycle=report.cycle).exists()
    assert not renders.exists()


def test_reporting_to_the_committee_and_the_board_queues_the_files_again(
    demo,
    ahead,
    broker_down,  # noqa: F811
):
    cycle = ale_cycle(2025)
    approved = demo_report("Sektor samhällsbyggnad", year=2025)
    approved.record_committee(by=user("ale-sakerhetschef"), date=datetime.date(2026, 3, 20))
    assert {k for k in files_of(cycle) if k[2] == "sv"} == {
        ("unit", "Sektor samhällsbyggnad", "sv"),
        ("committee", "Samhällsbyggnadsnämnden", "sv"),
        ("board", None, "sv"),
    }
    # The board's file asked again by the board step is still one row per language.
    cycle.board_date = None
    cycle.save(update_fields=["board_date"])
    cycle.record_board_report(
        by=user("ale-sakerhetschef"),
        date=datetime.date(2026, 4, 1),
        without=cycle.units_without_approved_report(),
    )
    assert ReportFile.objects.filter(cycle=cycle, kind="board").count() == len(LANGUAGES)


def test_nothing_is_queued_before_the_report_is_approved(demo, ahead, broker_down):  # noqa: F811
    report = demo_report("Sektor samhällsbyggnad")
    report.return_(by=user("ale-sakerhetschef"), comment="Komplettera.")
    assert not ReportFile.objects.filter(cycle=report.cycle).exists()


def test_a_council_member_cannot_ask_for_a_file(client, demo, media):
    client.force_login(user("ale-fortroendevald"))
    queued = outbox.QueuedTask.objects.count()
    response = client.post(
        reverse("followup:reports_request", args=["ale"]),
        {"kind": "board", "cycle": ale_cycle().pk},
    )
    assert response.status_code == 404
    assert not ReportFile.objects.exists()
    assert outbox.QueuedTask.objects.count() == queued


def test_the_security_chief_sees_the_button_and_a_council_member_does_not(client, demo):
    page = reverse("followup:reports", args=["ale"]) + "?ar=2025"
    client.force_login(user("ale-sakerhetschef"))
    assert "Skapa PDF" in client.get(page).content.decode()
    client.force_login(user("ale-fortroendevald"))
    shown = client.get(page).content.decode()
    assert "Skapa PDF" not in shown and "Inte skapad" in shown


def test_the_units_committees_are_its_ancestors_only(demo, ahead, broker_down):  # noqa: F811
    report = demo_report("Sektor samhällsbyggnad")
    report.approve(by=user("ale-sakerhetschef"))
    committees = ReportFile.objects.filter(cycle=report.cycle, kind="committee")
    assert set(committees.values_list("unit", flat=True)) == {unit("Samhällsbyggnadsnämnden").pk}
