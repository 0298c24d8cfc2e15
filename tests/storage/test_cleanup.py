"""The clean-up deletes stored files no row refers to any more (old PDF renderings, evidence of
deleted attachments), only once they are older than the grace period, and says what it freed."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from followup.models import Attachment, ReportFile
from programmes import pdf
from programmes.cleanup import clean_up
from programmes.models import ProgrammeVersion, Section
from programmes.tasks import clean_up_files
from tests.followup.conftest import demo_report
from tests.programmes.pdf_support import temporary_media
from tests.storage_support import stored_names

pytestmark = pytest.mark.django_db
media = pytest.fixture(temporary_media)


@pytest.fixture
def files(demo, media, monkeypatch):
    """What rows refer to, and what nothing refers to any more."""
    monkeypatch.setattr(pdf, "write_pdf", lambda html: b"%PDF-1.7 current programme")
    version = pdf.versions_for_pdf().get(
        programme__municipality__slug="ale",
        programme__slug="trygghet-och-sakerhet",
        status="adopted",
    )
    report = demo_report("Sektor utbildning")
    evidence = Attachment.objects.create(
        report=report,
        file=ContentFile(b"%PDF kept evidence", name="protokoll.pdf"),
        original_name="protokoll.pdf",
        content_type="application/pdf",
        size=18,
    )
    deleted = Attachment.objects.create(
        report=report,
        file=ContentFile(b"%PDF deleted evidence", name="gammal.pdf"),
        original_name="gammal.pdf",
        content_type="application/pdf",
        size=21,
    )
    Attachment.objects.filter(pk=deleted.pk).delete()  # as a cascade does: the file stays
    board = ReportFile.objects.create(
        kind=ReportFile.Kind.BOARD,
        cycle=report.cycle,
        language="sv",
        status=ReportFile.Status.READY,
        content_key="1" * 64,
        file_path=default_storage.save(f"followup/pdf/{'1' * 64}.pdf", ContentFile(b"%PDF b")),
    )
    return {
        "kept": sorted(
            [pdf.render_version(version, language="sv").name, evidence.file.name, board.file_path]
        ),
        "orphans": {
            default_storage.save(f"pdf/{'0' * 64}.pdf", ContentFile(b"%PDF old draft")): 14,
            deleted.file.name: 21,
            default_storage.save(f"followup/pdf/{'2' * 64}.pdf", ContentFile(b"%PDF older")): 10,
        },
    }


def test_files_younger_than_the_grace_period_stay(files):
    everything = sorted([*files["kept"], *files["orphans"]])
    freed = clean_up(grace_hours=1)
    assert (freed["files"], freed["bytes"]) == (0, 0)
    assert stored_names() == everything


def test_unreferenced_files_go_and_referenced_ones_stay(files):
    freed = clean_up(grace_hours=0)
    assert stored_names() == files["kept"]
    assert freed["files"] == 3
    assert freed["bytes"] == sum(files["orphans"].values())
    assert freed["folders"]["pdf"] == {"files": 1, "bytes": 14}
    assert freed["folders"]["followup"] == {"files": 2, "bytes": 31}
    assert clean_up(grace_hours=0)["files"] == 0  # a second run finds nothing more


def test_an_older_rendering_of_a_changed_draft_goes(demo, media, monkeypatch):
    monkeypatch.setattr(pdf, "write_pdf", lambda html: html[-40:].encode())
    adopted = ProgrammeVersion.objects.get(programme__slug="sakerhetspolicy")
    draft = ProgrammeVersion.objects.create(
        programme=adopted.programme, number=adopted.number + 1, title="Säkerhetspolicy 2027"
    )
    section = Section.objects.create(
        version=draft, kind="background", position=1, heading="Bakgrund", body="<p>Ett.</p>"
    )
    before = pdf.render_version(pdf.versions_for_pdf().get(pk=draft.pk), language="sv")
    section.body = "<p>Två.</p>"
    section.save()
    after = pdf.render_version(pdf.versions_for_pdf().get(pk=draft.pk), language="sv")
    assert before.name != after.name
    clean_up(grace_hours=0)
    assert stored_names("pdf") == [after.name]


def test_a_dry_run_deletes_nothing(files):
    freed = clean_up(grace_hours=0, dry_run=True)
    assert freed["files"] == 3
    assert stored_names() == sorted([*files["kept"], *files["orphans"]])


def test_the_command_says_what_it_freed(files):
    out = io.StringIO()
    call_command("clean_up_files", "--grace-hours", "0", stdout=out)
    assert "Freed 3 files, 45 bytes." in out.getvalue()
    assert "followup/: 2 files, 31 bytes" in out.getvalue()
    assert stored_names() == files["kept"]


def test_the_daily_task_is_scheduled_and_returns_what_it_freed(files, settings):
    task = PeriodicTask.objects.get(task="programmes.clean_up_files")
    assert task.enabled and task.crontab.hour == "3"
    settings.STORAGE_CLEANUP_GRACE_HOURS = 0
    assert clean_up_files.delay().get()["files"] == 3
