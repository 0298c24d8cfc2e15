"""Notifications are created once per (recipient, kind, subject, period) and e-mailed in one
daily digest per person, exactly once."""

import datetime
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from followup.reminders import Notice as FollowupNotice
from programmes.models import ProgrammeVersion
from programmes.revision import Notice as RevisionNotice
from programmes.revision import scan_revisions
from responsibilities import outbox
from responsibilities.deadlines import notify_yearly_deadlines
from responsibilities.models import QueuedTask, User
from responsibilities.notifications import Digest, Notification, collect_digests, notify
from responsibilities.tasks import send_digest, send_digests
from tests.services import require_postgresql

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(*args):
    return time_machine.travel(datetime.datetime(*args, 8, tzinfo=TZ), tick=False)


def chief():
    return User.objects.get(username="ale-sakerhetschef")


def test_every_kind_is_shown_by_its_label(demo, client):
    """Each app registers its kinds: the list shows "Åtgärd är försenad", not action_overdue
    (the follow-up's kinds were shown by their codes)."""
    from responsibilities.notifications import notification_kinds
    from risks.routing import Notice as RiskNotice

    kinds = dict(notification_kinds())
    for notice in (FollowupNotice, RevisionNotice, RiskNotice, Notification.Kind):
        assert {value: kinds.get(value) for value in notice.values} == dict(notice.choices)
    notify(chief(), FollowupNotice.ACTION_OVERDUE, "action:1", "overdue", "Hej")
    client.force_login(chief())
    page = client.get("/konto/notiser/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Åtgärd är försenad" in page and "action_overdue" not in page


def test_notify_is_once_and_only_once(demo):
    assert notify(chief(), FollowupNotice.REPORT_DUE, "report:1", "30d", "Hej")
    assert not notify(chief(), FollowupNotice.REPORT_DUE, "report:1", "30d", "Hej")
    assert notify(chief(), FollowupNotice.REPORT_DUE, "report:1", "7d", "Hej")
    assert Notification.objects.count() == 2


def test_the_revision_scan_flags_ale_once_per_threshold(demo):
    # Ale's revision date (2024) and Kalix's review (revised when needed, adopted 2007).
    with at(2026, 11, 21):
        assert scan_revisions() == 2
        scan_revisions()
    notes = Notification.objects.filter(kind=RevisionNotice.REVISION_OVERDUE)
    assert sorted(n.recipient.username for n in notes) == [
        "ale-sakerhetschef",
        "kalix-sakerhetschef",
    ]
    assert "2024-12-31" in notes.get(recipient__username="ale-sakerhetschef").text
    assert "2011-09-17" in notes.get(recipient__username="kalix-sakerhetschef").text


def test_the_revision_scan_warns_within_the_window_then_when_overdue(demo):
    version = ProgrammeVersion.objects.get(programme__slug="sakerhetspolicy")
    ProgrammeVersion.objects.filter(pk=version.pk).update(revision_due=datetime.date(2027, 6, 1))
    with at(2026, 5, 1):
        scan_revisions()
    assert not Notification.objects.filter(recipient__username="kalix-sakerhetschef").exists()
    with at(2026, 7, 1):
        scan_revisions()
    with at(2027, 6, 2):
        scan_revisions()
        scan_revisions()
    kinds = Notification.objects.filter(recipient__username="kalix-sakerhetschef").values_list(
        "kind", "period"
    )
    assert sorted(kinds) == [("revision_due", "due-12m"), ("revision_overdue", "overdue")]


def test_the_revision_scan_has_a_constant_number_of_queries(demo, django_assert_max_num_queries):
    # The versions, their recipients, the notices already there and the new ones.
    with at(2026, 11, 21), django_assert_max_num_queries(4):
        scan_revisions()


def test_yearly_deadlines_remind_the_security_chief_before_the_date(demo):
    with at(2027, 1, 10):
        notify_yearly_deadlines()
    assert not Notification.objects.filter(kind="yearly_date").exists()
    with at(2027, 1, 20):
        notify_yearly_deadlines()
        notify_yearly_deadlines()
    with at(2027, 2, 10):
        notify_yearly_deadlines()
    ale = Notification.objects.filter(kind="yearly_date", recipient__username="ale-sakerhetschef")
    assert sorted(ale.values_list("period", flat=True)) == ["30d", "7d"]
    assert "2027-02-15" in ale.first().text


def test_the_rsa_date_comes_only_the_year_after_an_election(demo):
    with at(2026, 10, 20):
        notify_yearly_deadlines()
    assert not Notification.objects.filter(subject__contains="2026-10-31").exists()
    with at(2027, 10, 20):
        notify_yearly_deadlines()
    assert Notification.objects.filter(subject__contains="2027-10-31").exists()


def test_one_digest_per_person_in_their_language(demo):
    sara = chief()
    sara.language = "en"
    sara.save()
    notify(
        sara,
        FollowupNotice.REPORT_DUE,
        "a",
        "1",
        "“%(name)s” is due on %(date)s.",
        {"name": "RSA", "date": "2027-10-31"},
    )
    notify(sara, FollowupNotice.REPORT_DUE, "b", "1", "Follow-up report due")
    sven = User.objects.get(username="ale-sektorchef")
    notify(
        sven,
        FollowupNotice.REPORT_DUE,
        "c",
        "1",
        "“%(name)s” is due on %(date)s.",
        {"name": "RSA", "date": "2027-10-31"},
    )
    send_digests()
    send_digests()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ale-sakerhetschef@example.org",
        "ale-sektorchef@example.org",
    ]
    english = next(m for m in mail.outbox if m.to[0].startswith("ale-sakerhetschef"))
    swedish = next(m for m in mail.outbox if m.to[0].startswith("ale-sektorchef"))
    assert "“RSA” is due on 2027-10-31." in english.body
    assert "”RSA” ska vara klart senast 2027-10-31." in swedish.body
    assert swedish.alternatives[0].mimetype == "text/html"
    assert "nya notiser" in swedish.subject or "ny notis" in swedish.subject


def test_a_notification_after_todays_digest_waits_for_tomorrow(demo):
    notify(chief(), FollowupNotice.REPORT_DUE, "a", "1", "Follow-up report due")
    send_digests()
    notify(chief(), FollowupNotice.REPORT_DUE, "b", "1", "Follow-up report due")
    send_digests()
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        send_digests()
    assert len(mail.outbox) == 2


def test_running_the_digest_twice_sends_once(demo):
    notify(chief(), FollowupNotice.REPORT_DUE, "a", "1", "Follow-up report due")
    digest_id = collect_digests()[0]
    assert send_digest(digest_id) is True
    assert send_digest(digest_id) is False
    assert len(mail.outbox) == 1


def test_an_smtp_failure_is_retried_later_and_sent_once(demo, monkeypatch):
    notify(chief(), FollowupNotice.REPORT_DUE, "a", "1", "Follow-up report due")
    calls = []
    real_send = mail.EmailMultiAlternatives.send

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("try again")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky)
    send_digests()  # the first try fails: the digest waits, claim given back
    assert mail.outbox == []
    assert Digest.objects.get().status == Digest.Status.PENDING
    queued = QueuedTask.objects.get(task="responsibilities.send_digest")
    assert queued.state == QueuedTask.State.PENDING and "try again" in queued.last_error
    assert outbox.sweep(inline=True) == 0  # not before its backoff
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        assert outbox.sweep(inline=True) == 1
        assert outbox.sweep(inline=True) == 0
    assert len(calls) == 2
    assert len(mail.outbox) == 1
    message_id = mail.outbox[0].extra_headers["Message-ID"]
    assert message_id.startswith(f"<digest-{Digest.objects.get().pk}-")
    assert Digest.objects.get().status == Digest.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_email(demo):
    require_postgresql()
    notify(chief(), FollowupNotice.REPORT_DUE, "a", "1", "Follow-up report due")
    digest_id = collect_digests()[0]
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(send_digest(digest_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1


def updates_collecting(people, subject):
    from django.test.utils import CaptureQueriesContext

    for person in people:
        notify(person, FollowupNotice.REPORT_DUE, subject, "1", "Follow-up report due")
    with CaptureQueriesContext(connection) as queries:
        digest_ids = collect_digests()
    assert not Notification.objects.filter(digest=None).exists()
    assert sorted(digest_ids) == sorted(
        Digest.objects.filter(recipient__in=people).values_list("pk", flat=True)
    )
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]


def test_collecting_attaches_by_id(demo, monkeypatch):
    """The notifications read are attached by their ids in UPDATEs of the notification table
    alone (no join for the planner to misjudge), as many as a limit on a statement's
    parameters takes (SQLite's), and every one is attached."""
    monkeypatch.setattr(connection.features, "max_query_params", 6)
    updates = updates_collecting(list(User.objects.filter(is_active=True)[:7]), "b")
    assert len(updates) == 3  # 7 notifications, 3 per statement
    assert all(" IN (SELECT" not in sql and " JOIN " not in sql for sql in updates)


def test_collecting_attaches_in_one_statement_on_postgresql(demo):
    """On PostgreSQL the ids are one array: one UPDATE however many (in parts, each part
    could be planned as a scan of everything undelivered)."""
    require_postgresql()
    (update,) = updates_collecting(list(User.objects.filter(is_active=True)), "b")
    assert "= ANY(" in update and " JOIN " not in update


def test_collecting_digests_takes_the_same_queries_for_many_people(demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            collect_digests()
        return len(queries)

    notify(chief(), FollowupNotice.REPORT_DUE, "a", "1", "Follow-up report due")
    few = count()
    Digest.objects.all().delete()
    for person in User.objects.all():
        notify(person, FollowupNotice.REPORT_DUE, "b", "1", "Follow-up report due")
    assert count() == few
    assert Digest.objects.count() == User.objects.filter(is_active=True).count()
    assert not Notification.objects.filter(digest=None).exists()
