"""Each person chooses what is e-mailed to them: steps and reminders at once (on or off), and a
summary daily, weekly (Mondays) or never. Notifications are always shown in the service; every
e-mail links to the page where the choice is made."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.reminders import Notice
from responsibilities.email_preferences import EmailPreferences
from responsibilities.models import Notification, User
from responsibilities.notifications import collect_digests, notify
from responsibilities.tasks import send_digests, send_digests_to
from tests.notifications.test_mail_at_once import COMMENT, return_report

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()
PAGE = f"{settings.SITE_URL}/konto/e-post/"
MONDAY = datetime.date(2026, 12, 7)


def at(day: datetime.date, hour=8):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), TZ), tick=False)


def person(username) -> User:
    return User.objects.get(username=username)


def choose(username, **choices) -> EmailPreferences:
    return EmailPreferences.objects.create(person=person(username), **choices)


def mails_to(username):
    address = person(username).email
    return [m for m in mail.outbox if address in m.to]


def note(username, subject, text="Follow-up report due"):
    assert notify(person(username), Notice.REPORT_DUE, subject, "1", text)


def test_someone_who_turned_steps_off_gets_no_mail_at_once_but_sees_it_and_gets_the_digest(
    client, demo
):
    choose("ale-sektorchef-2", followup_at_once=False)
    report = return_report(client)
    notices = Notification.objects.filter(
        kind=Notice.REPORT_RETURNED, subject=f"report:{report.pk}"
    )
    mine = notices.get(recipient__username="ale-sektorchef-2")
    assert mine.emailed_at is None
    assert mails_to("ale-sektorchef-2") == []
    others = notices.exclude(recipient__username="ale-sektorchef-2")
    assert others.exists() and all(n.emailed_at for n in others)  # the others still get it
    assert len(mail.outbox) == others.count()

    client.force_login(person("ale-sektorchef-2"))
    page = client.get("/konto/notiser/").content.decode()
    assert COMMENT in page  # in the bell all the same

    mail.outbox.clear()
    send_digests()
    digest = mails_to("ale-sektorchef-2")
    assert len(digest) == 1 and COMMENT in digest[0].body
    assert not [m for m in mail.outbox if COMMENT in m.body and m is not digest[0]]


def test_every_mail_at_once_ends_with_the_page_and_says_where_to_unsubscribe(client, demo):
    return_report(client)
    assert mail.outbox
    for message in mail.outbox:
        assert message.body.rstrip().endswith(f"Välj vad du får med e-post: {PAGE}")
        assert message.extra_headers["List-Unsubscribe"] == f"<{PAGE}>"
        assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_digest_ends_with_the_page_and_says_where_to_unsubscribe(demo):
    note("ale-sakerhetschef", "a")
    send_digests()
    (message,) = mail.outbox
    assert message.body.rstrip().endswith(f"Välj vad du får med e-post: {PAGE}")
    assert f'<a href="{PAGE}">' in message.alternatives[0].content
    assert message.extra_headers["List-Unsubscribe"] == f"<{PAGE}>"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "högst en gång om dagen" in message.body


def test_a_weekly_digest_comes_on_mondays_with_the_weeks_notifications(demo):
    choose("ale-sakerhetschef", summary=EmailPreferences.Summary.WEEKLY)
    tuesday = MONDAY - datetime.timedelta(days=6)
    for offset in range(6):  # Tuesday to Sunday: one notification a day, the run each day
        day = tuesday + datetime.timedelta(days=offset)
        with at(day, 7):
            note("ale-sakerhetschef", f"weekly-{offset}", f"Påminnelse {offset}")
            note("ale-sektorchef", f"daily-{offset}")
        with at(day):
            send_digests()
    assert mails_to("ale-sakerhetschef") == []
    assert len(mails_to("ale-sektorchef")) == 6  # the default stays daily
    with at(MONDAY):
        send_digests()
        send_digests()
    (weekly,) = mails_to("ale-sakerhetschef")
    assert [f"Påminnelse {i}" in weekly.body for i in range(6)] == [True] * 6
    assert "en gång i veckan, på måndagar" in weekly.body
    with at(MONDAY + datetime.timedelta(days=1)):
        note("ale-sakerhetschef", "after")
        send_digests()
    assert len(mails_to("ale-sakerhetschef")) == 1


def test_never_sends_no_digest_and_choosing_one_again_starts_from_then(demo):
    prefs = choose("ale-sakerhetschef", summary=EmailPreferences.Summary.NEVER)
    with at(MONDAY):
        note("ale-sakerhetschef", "old", "Gammal notis")
        send_digests()
    assert mail.outbox == []
    with at(MONDAY + datetime.timedelta(days=1)):
        prefs.choose(followup_at_once=True, reminders_at_once=True, summary="daily")
    with at(MONDAY + datetime.timedelta(days=1), 9):
        note("ale-sakerhetschef", "new", "Något nytt")
    with at(MONDAY + datetime.timedelta(days=2)):
        send_digests()
    (message,) = mail.outbox
    assert "Något nytt" in message.body
    assert "Gammal notis" not in message.body  # it stays in the bell
    assert Notification.objects.get(subject="old").digest is None


def test_a_reminder_sent_now_respects_the_choice_of_reminders_at_once(demo):
    choose("ale-sektorchef", reminders_at_once=False)
    note("ale-sektorchef", "a")
    note("ale-sektorchef-2", "b")
    send_digests_to([person("ale-sektorchef").pk, person("ale-sektorchef-2").pk])
    assert mails_to("ale-sektorchef") == []
    assert len(mails_to("ale-sektorchef-2")) == 1
    with at(timezone.localdate() + datetime.timedelta(days=1)):
        send_digests()
    assert len(mails_to("ale-sektorchef")) == 1  # it waited for the daily digest


def test_a_reminder_sent_now_to_someone_without_a_summary_brings_only_the_days_news(demo):
    choose("ale-sektorchef", summary=EmailPreferences.Summary.NEVER)
    with at(MONDAY):
        note("ale-sektorchef", "last-week", "Gammal notis")
    with at(MONDAY + datetime.timedelta(days=3)):
        note("ale-sektorchef", "today", "Dagens påminnelse")
    with at(MONDAY + datetime.timedelta(days=3), 10):
        send_digests_to([person("ale-sektorchef").pk])
    (message,) = mail.outbox
    assert "Dagens påminnelse" in message.body and "Gammal notis" not in message.body


def test_choices_cost_no_query_per_person(demo):
    def count():
        with CaptureQueriesContext(connection) as queries:
            collect_digests()
        return len(queries)

    note("ale-sakerhetschef", "a")
    few = count()
    for i, someone in enumerate(User.objects.all()):
        summary = list(EmailPreferences.Summary)[i % 3]
        EmailPreferences.objects.create(person=someone, summary=summary)
        notify(someone, Notice.REPORT_DUE, "b", "1", "Follow-up report due")
    assert count() == few
