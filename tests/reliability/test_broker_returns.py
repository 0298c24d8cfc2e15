"""With a real redis-server of our own and a real worker with beat: work asked for while Redis
was down arrives once Redis is back, without anyone doing anything; a worker killed in the
middle of sending an e-mail neither loses nor (within the documented bound) repeats it."""

import pytest
from django.urls import reverse

from followup.models import Report, ReportFile
from followup.reminders import Notice as FollowupNotice
from programmes import pdf
from programmes.models import ProgrammeVersion
from responsibilities.models import Notification, QueuedTask, User
from responsibilities.outbox import EMAIL_TASK
from tests.followup.conftest import demo_report
from tests.reliability.support import (
    RedisServer,
    mails_in,
    reset_broker_connections,
    start_worker,
    stop_worker,
    sweep_every_second,
    wait_for,
)
from tests.services import require_postgresql

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


@pytest.fixture
def own_redis(settings):
    require_postgresql()
    server = RedisServer()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = server.url
    reset_broker_connections()
    yield server
    server.stop()
    reset_broker_connections()


def test_what_was_asked_while_redis_was_down_arrives_when_it_is_back(
    client, demo, own_redis, settings, tmp_path
):
    settings.MEDIA_ROOT = media = tmp_path / "media"
    settings.PROGRAMME_PDF_WAIT_SECONDS = 0.3
    mail_dir = tmp_path / "mail"
    client.raise_request_exception = False
    sweep_every_second()

    # Redis is down (never started): every step answers normally.
    report = demo_report("Sektor samhällsbyggnad")  # submitted, waiting for review
    chief = User.objects.get(username="ale-sakerhetschef")
    client.force_login(chief)
    response = client.post(
        reverse("followup:report_review", kwargs={"municipality": "ale", "pk": report.pk}),
        {"intent": "return", "comment": "Komplettera riskerna."},
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).status == Report.Status.RETURNED
    assert Notification.objects.filter(kind=FollowupNotice.REPORT_RETURNED).exists()
    # Only the security chief asks for a report PDF by hand.
    response = client.post(
        reverse("followup:reports_request", kwargs={"municipality": "ale"}),
        {"kind": "board", "cycle": report.cycle_id},
    )
    assert response.status_code == 302
    public_pdf = reverse(
        "programmes:public_pdf", kwargs={"municipality": "ale", "slug": "trygghet-och-sakerhet"}
    )
    assert client.get(public_pdf).status_code == 202
    client.logout()
    response = client.post(reverse("password_reset"), {"email": "ale-sektorchef@example.org"})
    assert response.status_code == 302
    # The board PDF, the programme PDF, the reset mail, and the return mailed at once to each
    # of the unit's people.
    returned = Notification.objects.filter(kind=FollowupNotice.REPORT_RETURNED)
    told = sorted(returned.values_list("recipient__email", flat=True))
    assert told
    assert QueuedTask.objects.filter(state=QueuedTask.State.PENDING).count() == 3 + len(told)

    # Redis comes back; a worker with beat runs. Nobody does anything else.
    own_redis.start()
    worker = start_worker(own_redis.url, mail_dir=mail_dir, media_root=media, beat=True)
    try:
        assert wait_for(
            lambda: not QueuedTask.objects.exclude(state=QueuedTask.State.DONE).exists(),
            timeout=300,
        ), list(QueuedTask.objects.values_list("task", "state", "last_error"))
    finally:
        stop_worker(worker)
    assert ReportFile.objects.get(kind="board", cycle=report.cycle_id).status == "ready"
    adopted = pdf.versions_for_pdf().get(
        programme__slug="trygghet-och-sakerhet", status=ProgrammeVersion.Status.ADOPTED
    )
    assert pdf.version_target(adopted, language="sv").exists
    # Each mail once: the reset link and the return's notices.
    assert sorted(m["To"] for m in mails_in(mail_dir)) == sorted(
        ["ale-sektorchef@example.org", *told]
    )
    assert client.get(public_pdf)["Content-Type"] == "application/pdf"


def test_a_worker_killed_while_sending_an_email_sends_it_once_after_restart(
    client, demo, own_redis, tmp_path
):
    mail_dir = tmp_path / "mail"
    sweep_every_second()
    own_redis.start()
    response = client.post(reverse("password_reset"), {"email": "ale-sektorchef@example.org"})
    assert response.status_code == 302
    emails = QueuedTask.objects.filter(task=EMAIL_TASK)
    assert emails.get().dispatched_at is not None  # handed to the running broker at once

    worker = start_worker(own_redis.url, mail_dir=mail_dir, slow_email_seconds=30, beat=True)
    try:
        assert wait_for(lambda: emails.get().state == QueuedTask.State.RUNNING)
    finally:
        stop_worker(worker, kill=True)  # mid-send: claimed, nothing written yet
    assert mails_in(mail_dir) == []

    worker = start_worker(own_redis.url, mail_dir=mail_dir, beat=True)
    try:
        assert wait_for(lambda: emails.get().state == QueuedTask.State.DONE, timeout=180), (
            emails.values_list("state", "attempts", "last_error").get()
        )
        wait_for(lambda: False, timeout=4)  # a late redelivery would show up as a duplicate
    finally:
        stop_worker(worker)
    assert [m["To"] for m in mails_in(mail_dir)] == ["ale-sektorchef@example.org"]
    assert emails.get().args == []  # the sent reset link is not kept
