"""Which PDFs a report's steps make stale, by one rule (followup.models.files.depending_on),
whatever year the report is of: its unit's PDF, its cycle's consolidated PDFs (the board's and
the committees' above it) and, once it is approved, the consolidated PDFs of the later years,
whose trend counts it. A late approval of last year's report makes this year's board PDF stale
and, with REPORT_PDFS_AHEAD, owes it again; a file being made while a step happens is owed
again when it finishes."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from followup import tasks
from followup.models import Action, Cycle, Report, ReportFile
from followup.models.files import depending_on
from responsibilities import outbox
from tests.followup.conftest import demo_report, user
from tests.followup.report_pdf_support import ale_cycle, ask, download, unit
from tests.programmes.pdf_support import document_text, temporary_media
from tests.reliability.support import broker_down  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
media = pytest.fixture(temporary_media)
BOARD, COMMITTEE, UNIT = ReportFile.Kind.BOARD, ReportFile.Kind.COMMITTEE, ReportFile.Kind.UNIT
LATE = "Sektor arbetsliv och stöd"  # 2025: returned, resubmitted after the cycle closed
ITS_COMMITTEE = "Omsorgs- och arbetsmarknadsnämnden"
OTHER_COMMITTEE = "Utbildningsnämnden"


def made(kind, year, name=None, language="sv") -> ReportFile:
    """A file made before the step, level with its reports as they were."""
    return ReportFile.objects.create(
        kind=kind,
        cycle=ale_cycle(year),
        unit=unit(name) if name else None,
        language=language,
        status=ReportFile.Status.READY,
        content_key="0" * 64,
        file_path="followup/pdf/made.pdf",
        source_updated_at=timezone.now(),
        finished_at=timezone.now(),
    )


# Every file a test makes, named (kind, year, unit).
FILES = [
    (BOARD, 2025, None),
    (COMMITTEE, 2025, ITS_COMMITTEE),
    (COMMITTEE, 2025, OTHER_COMMITTEE),
    (UNIT, 2025, LATE),
    (UNIT, 2025, "Sektor utbildning"),
    (BOARD, 2026, None),
    (COMMITTEE, 2026, ITS_COMMITTEE),
    (COMMITTEE, 2026, OTHER_COMMITTEE),
    (UNIT, 2026, LATE),
]


def make_files() -> dict:
    return {name: made(*name) for name in FILES}


def stale(files) -> set:
    """The files (by name) a reader is told are stale, or that are being made again."""
    found = set()
    for name, row in files.items():
        row.refresh_from_db()
        if row.is_stale(None) or row.in_progress:
            found.add(name)
    return found


def resubmitted_late(year=2025) -> Report:
    """The returned 2025 report, submitted again in the last days of the cycle: it is
    approved after the cycle closed and after this year's PDFs were made."""
    cycle = ale_cycle(year)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.OPEN)
    report = demo_report(LATE, year)
    report.submit(by=user("ale-sakerhetschef"))
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    return demo_report(LATE, year)


def test_the_rule_names_the_files_that_show_a_report(demo):
    files = make_files()
    late = resubmitted_late()
    shown = set(ReportFile.objects.filter(depending_on(late)).values_list("pk", flat=True))
    # Submitted: its own PDF and its year's consolidated ones above it, nothing of 2026.
    assert {n for n, row in files.items() if row.pk in shown} == {
        (BOARD, 2025, None),
        (COMMITTEE, 2025, ITS_COMMITTEE),
        (UNIT, 2025, LATE),
    }
    # Approved: the later years' consolidated PDFs above it too (their trend counts it);
    # never another unit's PDF, a committee not above it, or the unit's report of 2026.
    late.status = Report.Status.APPROVED
    shown = set(ReportFile.objects.filter(depending_on(late)).values_list("pk", flat=True))
    assert {n for n, row in files.items() if row.pk in shown} == {
        (BOARD, 2025, None),
        (COMMITTEE, 2025, ITS_COMMITTEE),
        (UNIT, 2025, LATE),
        (BOARD, 2026, None),
        (COMMITTEE, 2026, ITS_COMMITTEE),
    }
    # This year's approved report shows in no earlier year's file.
    this_year = demo_report("Sektor samhällsbyggnad")
    this_year.status = Report.Status.APPROVED
    shown = set(ReportFile.objects.filter(depending_on(this_year)).values_list("pk", flat=True))
    assert not {n for n, row in files.items() if row.pk in shown and n[1] == 2025}


def test_a_late_approval_makes_this_years_consolidated_files_stale(client, demo):
    files = make_files()
    late = resubmitted_late()
    assert stale(files) == {
        (BOARD, 2025, None),
        (COMMITTEE, 2025, ITS_COMMITTEE),
        (UNIT, 2025, LATE),
    }
    for row in files.values():  # made again after the submission
        ReportFile.objects.filter(pk=row.pk).update(rendered_changes=row.source_changes)
    assert stale(files) == set()

    late.approve(by=user("ale-sakerhetschef"))
    assert stale(files) == {
        (BOARD, 2025, None),
        (COMMITTEE, 2025, ITS_COMMITTEE),
        (UNIT, 2025, LATE),
        (BOARD, 2026, None),
        (COMMITTEE, 2026, ITS_COMMITTEE),
    }
    # The reader is told on the reports page of 2026, and the security chief may ask again.
    client.force_login(user("ale-fortroendevald"))
    page = client.get(reverse("followup:reports", args=["ale"]) + "?ar=2026").content.decode()
    board = page.split(f'id="file-board-{ale_cycle(2026).pk}-0"')[1].split("</tr>")[0]
    assert "Rapporterna har ändrats sedan filen skapades." in board
    other = unit(OTHER_COMMITTEE).pk
    row = page.split(f'id="file-committee-{ale_cycle(2026).pk}-{other}"')[1].split("</tr>")[0]
    assert "Klar" in row and "har ändrats" not in row


def test_a_late_approval_owes_this_years_board_file_again_and_it_counts_the_report(
    client,
    demo,
    media,
    settings,
    django_capture_on_commit_callbacks,
    broker_down,  # noqa: F811
):
    this_year = ale_cycle(2026)
    demo_report("Sektor samhällsbyggnad").approve(by=user("ale-sakerhetschef"))
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the file asked for is made at once
    board = ask(client, django_capture_on_commit_callbacks, year=2026)
    assert board.status == ReportFile.Status.READY, board.error
    before = document_text(download(client, board))
    assert "2025 4 63 % (15 av 24)" in before  # four approved reports of 2025 in its trend
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REPORT_PDFS_AHEAD = True

    late = resubmitted_late()
    late.approve(by=user("ale-sakerhetschef"))
    board.refresh_from_db()
    assert board.status == ReportFile.Status.QUEUED
    owed = outbox.QueuedTask.objects.filter(
        task="followup.render_report_file", state=outbox.QueuedTask.State.PENDING
    )
    assert owed.filter(key=f"report_file:{board.pk}").exists()
    # The year's other files wait for nothing: only those that show the report.
    assert ReportFile.objects.filter(cycle=this_year).exclude(pk=board.pk).count() == 0

    tasks.render_report_file(board.pk)  # what the worker does with the owed task
    board.refresh_from_db()
    assert board.status == ReportFile.Status.READY and not board.is_stale(None)
    after = document_text(download(client, board))
    assert "2025 5 " in after and "2025 4 " not in after


def test_a_file_being_made_during_a_step_is_owed_again_when_it_finishes(
    demo,
    settings,
    broker_down,  # noqa: F811
):
    settings.REPORT_PDFS_AHEAD = True
    board = made(BOARD, 2026)
    ReportFile.objects.filter(pk=board.pk).update(status=ReportFile.Status.QUEUED)
    board.refresh_from_db()
    assert board.claim()  # a worker starts it, reading the reports as they are

    late = resubmitted_late()
    late.approve(by=user("ale-sakerhetschef"))
    board.refresh_from_db(fields=["status", "source_changes"])
    assert board.status == ReportFile.Status.RUNNING  # left to its worker

    assert board.finish(content_key="1" * 64, file_path="x.pdf", source_updated_at=None) is False
    board.refresh_from_db()
    assert board.status == ReportFile.Status.QUEUED
    assert outbox.QueuedTask.objects.filter(
        key=f"report_file:{board.pk}", state=outbox.QueuedTask.State.PENDING
    ).exists()


@pytest.mark.parametrize("step", ["return", "action"])
def test_other_steps_make_their_own_years_files_stale_only(demo, step):
    files = make_files()
    chief = user("ale-sakerhetschef")
    if step == "return":
        late = resubmitted_late()
        ReportFile.objects.update(rendered_changes=F("source_changes"))  # made again since
        assert stale(files) == set()
        Cycle.objects.filter(pk=late.cycle_id).update(status=Cycle.Status.OPEN)
        late.cycle.status = Cycle.Status.OPEN
        late.return_(by=chief, comment="Komplettera igen.")
        # Not approved before or after: nothing of 2026 shows it.
        expected = {(BOARD, 2025, None), (COMMITTEE, 2025, ITS_COMMITTEE), (UNIT, 2025, LATE)}
    else:
        # An approved report's action, updated between the cycles: its year's PDFs list it.
        action = Action.objects.get(
            report__unit__name="Sektor utbildning",
            report__cycle__year=2025,
            status=Action.Status.DONE,
        )
        action.update_status(by=chief, status=Action.Status.CANCELLED, note="Ersatt.")
        expected = {
            (BOARD, 2025, None),
            (COMMITTEE, 2025, OTHER_COMMITTEE),  # Utbildningsnämnden is above the unit
            (UNIT, 2025, "Sektor utbildning"),
            # Approved: the later year's consolidated files are in the rule too.
            (BOARD, 2026, None),
            (COMMITTEE, 2026, OTHER_COMMITTEE),
        }
    assert stale(files) == expected


def test_the_date_rule_still_holds_for_a_draft_saved_after_its_file(demo):
    # A unit's own file (asked for by the security chief) of a report changed without a step.
    row = made(UNIT, 2026, "Sektor utbildning")
    assert not row.is_stale(timezone.now() - datetime.timedelta(minutes=1))
    assert row.is_stale(timezone.now() + datetime.timedelta(minutes=1))
