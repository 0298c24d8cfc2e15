"""The daily scans write each notification straight into its recipient's digest of the day
(notify_each with digest_day), instead of inserting it and then having collect_digests update
it: the same digests and e-mails as collecting them afterwards, each row written once. Also on
the embedded SQLite default (.ci/run)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup import reminders
from followup.models import Cycle
from responsibilities import notifications
from responsibilities.email_preferences import EmailPreferences
from responsibilities.models import Notification, User
from responsibilities.notifications import Digest, collect_digests, notify, resolve_notifications
from responsibilities.tasks import send_digests

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(day, hour, minute=0):
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), TZ)
    return time_machine.travel(moment, tick=False)


def person(username) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def overdue(demo):
    """A Monday 20 days or more after Ale's 2026 due date: reminders, escalations to the
    security chief and the committee, and action notices."""
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    day = cycle.due_on + datetime.timedelta(days=20)
    return day + datetime.timedelta(days=-day.weekday() % 7)


def daily_run(day):
    """The follow-up job at 06:10 (its place in the day), then the digests collected at 07:00:
    {username: sorted (kind, subject, period)} of the digests to send, and of what waits."""
    with at(day, 6, 10):
        reminders.run_daily()
    with at(day, 7), CaptureQueriesContext(connection) as queries:
        digest_ids = collect_digests()
    sent, waiting = {}, {}
    rows = Notification.objects.values_list(
        "recipient__username", "kind", "subject", "period", "digest_id"
    )
    for username, kind, subject, period, digest in rows:
        into = sent if digest in digest_ids else waiting
        into.setdefault(username, []).append((kind, subject, period))
    return (
        {k: sorted(v) for k, v in sent.items()},
        {k: sorted(v) for k, v in waiting.items()},
        [query["sql"] for query in queries],
    )


def collected_afterwards(monkeypatch, day):
    """daily_run() as it was before: the scans insert, collect_digests updates (rolled back)."""
    real = notifications.notify_each

    def without_digest(*args, digest_day=None, **kwargs):
        return real(*args, **kwargs)

    sid = transaction.savepoint()
    with monkeypatch.context() as patch:
        patch.setattr(reminders, "notify_each", without_digest)
        sent, waiting, queries = daily_run(day)
    transaction.savepoint_rollback(sid)
    assert any(query.startswith('UPDATE "responsibilities_notification"') for query in queries)
    return sent, waiting


def choose(username, summary):
    EmailPreferences.objects.create(person=person(username), summary=summary)


@pytest.mark.parametrize("weekday", ["monday", "tuesday"])
def test_the_scans_fill_the_same_digests_as_collecting_afterwards(overdue, monkeypatch, weekday):
    day = overdue + datetime.timedelta(days=weekday == "tuesday")
    # A weekly summary (Mondays), none, and a digest of the day already sent (a reminder at
    # once): each of these leaves the scans' notifications waiting.
    choose("ale-sakerhetschef", EmailPreferences.Summary.WEEKLY)
    choose("ale-bolags-vd", EmailPreferences.Summary.NEVER)
    Digest.objects.create(
        recipient=person("ale-sektorchef"), day=day, status=Digest.Status.SENT, attempts=1
    )
    # A digest of the day still pending for the weekly one (a reminder at once in the night,
    # not sent yet): on a Tuesday the scans' notifications still wait for Monday's.
    Digest.objects.create(recipient=person("ale-sakerhetschef"), day=day)
    expected = collected_afterwards(monkeypatch, day)
    sent, waiting, queries = daily_run(day)
    assert (sent, waiting) == expected
    # The digests took the scans' notifications as they were written: no row was updated.
    assert not [query for query in queries if query.startswith("UPDATE")]
    assert ("ale-sakerhetschef" in sent) == (weekday == "monday")
    assert "ale-sakerhetschef" in waiting or weekday == "monday"
    assert {"ale-bolags-vd", "ale-sektorchef"} <= set(waiting)
    assert not {"ale-bolags-vd", "ale-sektorchef"} & set(sent)
    assert {"ale-sektorchef-2", "kalix-sakerhetschef"} <= set(sent)  # the default: daily


def test_a_scan_moved_after_the_days_digests_brings_one_email_the_next_day(overdue):
    """An administrator may move the follow-up job after the digests: what it gives to a digest
    of that day goes into the next day's, and nobody gets two e-mails at once."""
    day, next_day = overdue + datetime.timedelta(days=1), overdue + datetime.timedelta(days=2)
    chief = person("ale-sektorchef")
    notify(chief, reminders.Notice.REPORT_DUE, "earlier", "1", "Tidig notis")
    with at(day, 7):
        send_digests()
    assert [m.to for m in mail.outbox] == [[chief.email]]  # the day's digest is sent
    mail.outbox = []
    with at(day, 9):
        reminders.run_daily()
    attached = Notification.objects.exclude(digest=None)
    assert attached.filter(digest__day=day).exclude(recipient=chief).exists()
    # Theirs had gone: what came after waits for the next day's.
    assert not attached.filter(recipient=chief, subject__startswith="report").exists()
    people = set(
        Notification.objects.filter(digest__day=None).values_list("recipient__email", flat=True)
    ) | set(attached.values_list("recipient__email", flat=True))
    with at(next_day, 7):
        send_digests()
        send_digests()
    receivers = sorted(to for message in mail.outbox for to in message.to)
    assert receivers == sorted(people - {""})  # one e-mail each
    assert chief.email in receivers
    # Everything went out in the next day's digests; those of the day before are left empty.
    assert not Notification.objects.filter(digest=None).exclude(subject="earlier").exists()
    assert set(
        Notification.objects.exclude(subject="earlier").values_list("digest__day", "digest__status")
    ) == {(next_day, Digest.Status.SENT)}
    assert not Digest.objects.filter(
        day=day, status=Digest.Status.PENDING, notifications__isnull=False
    )


def test_what_ends_before_the_digest_goes_is_not_in_it(overdue):
    day = overdue + datetime.timedelta(days=1)
    chief = person("ale-sektorchef")
    with at(day, 6, 10):
        reminders.run_daily()
    mine = list(Notification.objects.filter(recipient=chief).exclude(digest=None))
    assert len(mine) >= 2 and len({n.text for n in mine}) == len(mine)
    ended, kept = mine[0], mine[1:]
    with at(day, 6, 30):
        resolve_notifications(ended.subject, ended.kind)
    with at(day, 7):
        send_digests()
    (message,) = [m for m in mail.outbox if chief.email in m.to]
    assert ended.text not in message.body
    assert all(n.text in message.body for n in kept)


def test_a_new_choice_of_summary_applies_to_what_waits_for_the_days_digest(overdue):
    day = overdue + datetime.timedelta(days=1)  # a Tuesday
    with at(day, 6, 10):
        reminders.run_daily()
    chief = person("ale-sektorchef")
    assert Notification.objects.filter(recipient=chief).exclude(digest=None).exists()
    with at(day, 6, 30):
        EmailPreferences.of(chief).choose(
            followup_at_once=True, reminders_at_once=True, summary="weekly"
        )
    assert not Notification.objects.filter(recipient=chief).exclude(digest=None).exists()
    with at(day, 7):
        send_digests()
    assert chief.email not in [to for message in mail.outbox for to in message.to]
    with at(day + datetime.timedelta(days=6), 7):  # the next Monday
        send_digests()
    assert chief.email in [to for message in mail.outbox for to in message.to]
