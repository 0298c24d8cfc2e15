"""With the broker down (Redis at a closed port, Celery not eager): every step of the
follow-up loop, an adoption, PDF requests and a password reset succeed with the normal page;
the notifications exist at once; what needs a worker waits in the outbox and is delivered once
when the sweep runs after the broker is back."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from followup.models import Cycle, Report, ReportFile
from followup.reminders import Notice as FollowupNotice
from programmes import pdf
from programmes.models import Programme, ProgrammeVersion
from responsibilities import outbox
from responsibilities.models import Notification, OrganisationUnit, QueuedTask, User
from responsibilities.tasks import send_digests
from tests.followup.conftest import answer_everything, demo_report
from tests.followup.test_report_form import form_data
from tests.reliability.support import broker_down  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
K = FollowupNotice  # the follow-up's notification kinds
ALE = "ale"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROGRAMME_PDF_WAIT_SECONDS = 0.3  # no worker will answer
    return settings.MEDIA_ROOT


def person(username):
    return User.objects.get(username=username)


def notes(kind, username=None):
    rows = Notification.objects.filter(kind=kind)
    if username:
        rows = rows.filter(recipient__username=username)
    return rows.count()


class Browser:
    """A client that runs on-commit callbacks (the dispatch to the broker) on every request,
    and fails the test on any 5xx."""

    def __init__(self, client, capture):
        self.client, self.capture = client, capture

    def as_(self, username):
        self.client.force_login(person(username))
        return self

    def post(self, url, data=None, expect=302):
        with self.capture(execute=True):
            response = self.client.post(url, data or {})
        assert response.status_code == expect, response.content[:500]
        return response

    def get(self, url, expect=200):
        with self.capture(execute=True):
            response = self.client.get(url)
        assert response.status_code == expect, response.content[:500]
        return response


@pytest.fixture
def browser(client, django_capture_on_commit_callbacks, broker_down, media):  # noqa: F811
    client.raise_request_exception = False
    return Browser(client, django_capture_on_commit_callbacks)


def url(name, **kwargs):
    return reverse(f"followup:{name}", kwargs={"municipality": ALE, **kwargs})


def test_the_follow_up_loop_and_an_adoption_work_and_deliver_once_the_broker_is_back(
    browser, demo, media, caplog
):
    report = demo_report("Sektor utbildning")
    answer_everything(report)
    report.refresh_from_db()

    # Submit: the reviewers' notification is committed with the step.
    browser.as_("ale-sektorchef").post(
        url("report_edit", pk=report.pk), form_data(report, intent="submit")
    )
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert notes(K.REPORT_SUBMITTED, "ale-sakerhetschef") == 1

    # Return, resubmit, approve.
    browser.as_("ale-sakerhetschef").post(
        url("report_review", pk=report.pk), {"intent": "return", "comment": "Komplettera."}
    )
    assert notes(K.REPORT_RETURNED, "ale-sektorchef") == 1
    report.refresh_from_db()
    browser.as_("ale-sektorchef").post(
        url("report_edit", pk=report.pk), form_data(report, intent="submit")
    )
    assert notes(K.REPORT_SUBMITTED, "ale-sakerhetschef") == 2
    browser.as_("ale-sakerhetschef").post(url("report_review", pk=report.pk), {"intent": "approve"})

    # Committee and board.
    browser.post(
        url("report_committee", pk=report.pk),
        {"committee-date": "2026-11-10", "committee-paragraph": "§ 7"},
    )
    report.refresh_from_db()
    assert report.status == Report.Status.REPORTED
    # The other units have no approved report yet: the board is told without them, explicitly.
    missing = Cycle.objects.get(pk=report.cycle_id).units_without_approved_report()
    browser.post(
        url("cycle_board", pk=report.cycle_id),
        {
            "board-date": "2026-11-20",
            "board-paragraph": "§ 9",
            "board-without": [unit.pk for unit in missing],
        },
    )
    assert Cycle.objects.get(pk=report.cycle_id).board_date == datetime.date(2026, 11, 20)

    # PDFs asked for (by the security chief): the rows wait, the page says so.
    browser.as_("ale-sakerhetschef").post(
        url("reports_request"), {"kind": "board", "cycle": report.cycle_id}
    )
    browser.post(
        url("reports_request"), {"kind": "unit", "cycle": report.cycle_id, "unit": report.unit_id}
    )
    assert "left for the sweep" in caplog.text  # the broker was really tried, and failed
    files = ReportFile.objects.filter(cycle=report.cycle_id)
    assert sorted(files.values_list("kind", "status")) == [("board", "queued"), ("unit", "queued")]
    page = browser.get(url("reports")).content.decode()
    assert page.count("Väntar på att skapas") >= 2

    # A new cycle opened: the units are told at once.
    chief = person("ale-sakerhetschef")
    cycle = Cycle.objects.get(pk=report.cycle_id)
    new = Cycle.create_for(
        cycle.version,
        2027,
        by=chief,
        opens_on=datetime.date(2027, 11, 1),
        due_on=datetime.date(2028, 1, 31),
    )
    browser.as_("ale-sakerhetschef").post(url("cycle_status", pk=new.pk), {"intent": "open"})
    assert notes(K.CYCLE_OPENED, "ale-sektorchef") >= 1

    # Adoption of a new revision, and the first reader of its PDF.
    programme = Programme.objects.get(municipality__slug=ALE, slug="trygghet-och-sakerhet")
    draft = programme.start_revision(by=chief)
    council = OrganisationUnit.objects.get(municipality__slug=ALE, kind="council")
    browser.post(
        reverse("programmes:adopt", kwargs={"municipality": ALE, "slug": programme.slug}),
        {
            "adopting_body": council.pk,
            "decision_date": "2026-11-25",
            "paragraph": "12",
            "case_number": "KS 2026/1",
            "revision_due": "2030-12-31",
        },
    )
    draft.refresh_from_db()
    assert draft.status == ProgrammeVersion.Status.ADOPTED
    pending = browser.get(
        reverse("programmes:public_pdf", kwargs={"municipality": ALE, "slug": programme.slug}),
        expect=202,
    )
    assert "PDF-filen förbereds" in pending.content.decode()
    assert pending["Retry-After"] == "5"

    # A password reset: "sent" means queued.
    browser.client.logout()
    browser.post(reverse("password_reset"), {"email": "ale-sektorchef@example.org"})
    # And the morning digest.
    with browser.capture(execute=True):
        send_digests()
    assert mail.outbox == []
    owed = list(QueuedTask.objects.filter(state=QueuedTask.State.PENDING))
    owed_tasks = [row.task for row in owed]
    assert owed_tasks.count("followup.render_report_file") == 2
    assert owed_tasks.count("programmes.render_programme_pdf") == 2  # adoption, first reader
    # The reset, and one mail per notice of a step that asks someone to act (sent at once).
    mailed_at_once = Notification.objects.exclude(emailed_at=None).count()
    assert mailed_at_once >= 3  # submitted (twice, to the reviewers), returned, approved
    assert owed_tasks.count(outbox.EMAIL_TASK) == 1 + mailed_at_once
    digests = owed_tasks.count("responsibilities.send_digest")
    assert digests >= 3

    # The broker is back: the sweep delivers everything, once.
    assert outbox.sweep(inline=True) == len(owed)
    assert list(QueuedTask.objects.exclude(state="done").values_list("task", "last_error")) == []
    assert sorted(files.values_list("status", flat=True)) == ["ready", "ready"]
    version = pdf.versions_for_pdf().get(pk=draft.pk)
    for language in ("sv", "en"):
        assert pdf.version_target(version, language=language).exists
    resets = [
        m
        for m in mail.outbox
        if "ale-sektorchef@example.org" in m.to and "/konto/nytt-losenord/" in m.body
    ]
    assert len(resets) == 1
    assert len(mail.outbox) == 1 + mailed_at_once + digests
    assert len({tuple(m.to) for m in mail.outbox if m.extra_headers.get("Message-ID")}) == digests

    assert outbox.sweep(inline=True) == 0
    send_digests()
    assert len(mail.outbox) == 1 + mailed_at_once + digests
    browser.get(
        reverse("programmes:public_pdf", kwargs={"municipality": ALE, "slug": programme.slug})
    )


def test_a_file_left_waiting_without_any_queued_task_is_made_by_the_sweep(browser, demo, media):
    """E.g. one asked for before the outbox existed: the reader could wait for ever."""
    import time_machine
    from django.utils import timezone

    cycle = Report.objects.filter(unit__municipality__slug=ALE, status="approved").first().cycle
    row = ReportFile.objects.create(kind="board", cycle=cycle, language="sv")
    assert not QueuedTask.objects.filter(task="followup.render_report_file").exists()
    assert outbox.sweep(inline=True) == 0  # just asked for: not stuck yet
    reports_page = f"{url('reports')}?ar={cycle.year}"  # the page shows one year at a time
    page = browser.as_("ale-sakerhetschef").get(reports_page).content.decode()
    assert "Försök igen" not in page
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        page = browser.get(reports_page).content.decode()
        assert "Försök igen" in page  # the security chief may ask again
        assert outbox.sweep(inline=True) == 1
    row.refresh_from_db()
    assert row.status == ReportFile.Status.READY
