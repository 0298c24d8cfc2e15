"""SMTP down: a password reset is queued and sent later, once. The database connection killed
in the middle of a request: a clean error page, nothing half-saved, and the step can be redone."""

import datetime
import smtplib

import psycopg
import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followup import reminders
from followup.models import Report, ReportEvent
from followup.reminders import Notice as FollowupNotice
from responsibilities import outbox
from responsibilities.models import Notification, QueuedTask, User
from tests.followup.conftest import answer_everything, demo_report
from tests.followup.test_report_form import edit_url, form_data
from tests.reliability.support import CLOSED_SMTP_PORT
from tests.services import require_postgresql

pytestmark = pytest.mark.django_db


def test_with_smtp_down_a_password_reset_says_sent_and_is_sent_once_smtp_is_back(
    client, demo, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        CLOSED_SMTP_PORT,
        1,
    )
    response = client.post(reverse("password_reset"), {"email": "ale-sektorchef@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    row = QueuedTask.objects.get(task=outbox.EMAIL_TASK)
    assert row.state == QueuedTask.State.PENDING and row.attempts == 1  # tried, refused
    assert "Connection" in row.last_error or "refused" in row.last_error

    later = timezone.now() + datetime.timedelta(seconds=outbox.backoff(1) + 1)
    with time_machine.travel(later):
        assert outbox.sweep(inline=True) == 0  # still down: tried again, waits longer
    row.refresh_from_db()
    assert row.state == QueuedTask.State.PENDING and row.attempts == 2
    assert row.not_before > later

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # SMTP is back
    with time_machine.travel(row.not_before + datetime.timedelta(seconds=1)):
        assert outbox.sweep(inline=True) == 1
        assert outbox.sweep(inline=True) == 0
    assert [m.to for m in mail.outbox] == [["ale-sektorchef@example.org"]]
    assert "/konto/nytt-losenord/" in mail.outbox[0].body


def test_an_smtp_error_that_persists_gives_up_after_the_maximum_attempts(demo, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    from django.core.mail import EmailMessage

    message = EmailMessage("Ämne", "Text", to=["a@example.org"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mail.EmailMultiAlternatives, "send", refuse)
        row = outbox.queue_email(message)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
            outbox.sweep(inline=True)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (QueuedTask.State.FAILED, 2)


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_killed_mid_request_loses_nothing_and_shows_a_clean_page(
    demo, monkeypatch
):
    require_postgresql()
    report = demo_report("Sektor utbildning")
    answer_everything(report)
    report.refresh_from_db()
    real = reminders.report_submitted
    killed = []

    def terminate_then_continue(report_id):
        if not killed:  # the first time only: the administrator's pg_terminate_backend
            pid = connection.connection.info.backend_pid
            settings = connection.settings_dict
            with psycopg.connect(
                host=settings["HOST"] or "127.0.0.1",
                port=settings["PORT"] or 5432,
                user=settings["USER"],
                dbname=settings["NAME"],
                autocommit=True,
            ) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)
        return real(report_id)

    monkeypatch.setattr(reminders, "report_submitted", terminate_then_continue)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="ale-sektorchef"))
    response = client.post(edit_url(report), form_data(report, intent="submit"))
    page = response.content.decode()
    assert killed
    assert response.status_code == 500
    assert "Något gick fel" in page and "Traceback" not in page
    # The step was one transaction: the report is still a draft, with no event and no notice.
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT
    assert not ReportEvent.objects.filter(report=report, to_status="submitted").exists()
    assert not Notification.objects.filter(kind=FollowupNotice.REPORT_SUBMITTED).exists()

    # The person sends it again: it goes through, and the reviewers are told.
    report.refresh_from_db()
    response = client.post(edit_url(report), form_data(report, intent="submit"))
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED
    assert Notification.objects.filter(kind=FollowupNotice.REPORT_SUBMITTED).exists()
