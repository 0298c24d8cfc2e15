""" "Send a reminder now": the security chief reminds the units that have not submitted, at
most once a day per unit, through the notifications and the outbox, in the audit log."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from followup.models import Cycle, Report
from followup.reminders import Notice, remind_now
from responsibilities.audit import AuditEvent
from responsibilities.models import Notification, QueuedTask
from tests.followup.conftest import user
from tests.reliability.support import broker_down  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
DAY = datetime.datetime(2026, 12, 6, 9, tzinfo=datetime.UTC)


def cycle(year=2026) -> Cycle:
    return Cycle.objects.get(version__programme__municipality__slug="ale", year=year)


def remind_url(c=None):
    c = c or cycle()
    return reverse("followup:cycle_remind", kwargs={"municipality": "ale", "pk": c.pk})


def dashboard_url(c=None):
    c = c or cycle()
    return reverse("followup:cycle", kwargs={"municipality": "ale", "pk": c.pk})


def waiting_units(c=None) -> set[str]:
    waiting = Report.objects.not_submitted().filter(cycle=c or cycle())
    return set(waiting.values_list("unit__name", flat=True))


def reminders():
    return Notification.objects.filter(period__startswith="now:")


@pytest.fixture
def chief(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    return client


@time_machine.travel(DAY, tick=False)
def test_it_reminds_the_units_that_have_not_submitted_and_logs_it(chief, mailoutbox):
    waiting = waiting_units()
    assert "Sektor utbildning" in waiting and "Sektor samhällsbyggnad" not in waiting
    response = chief.post(remind_url(), follow=True)
    assert response.redirect_chain[-1][0] == dashboard_url()
    page = response.content.decode()
    assert "En påminnelse skickades till" in page and "Sektor utbildning" in page
    sent = reminders()
    event = AuditEvent.objects.get(action=AuditEvent.Action.REMINDER_SENT)
    reminded = set(event.detail["reminded"])
    assert "Sektor utbildning" in reminded and reminded <= waiting
    subjects = {int(n.subject.removeprefix("report:")) for n in sent}
    assert set(Report.objects.filter(pk__in=subjects).values_list("unit__name", flat=True)) == (
        reminded
    )
    assert set(sent.values_list("period", flat=True)) == {"now:2026-12-06"}
    assert set(sent.values_list("kind", flat=True)) == {Notice.REPORT_DUE}
    assert sent.filter(recipient__username="ale-sektorchef").exists()
    assert not sent.filter(recipient__username="ale-sektorchef-2").exists()  # submitted
    assert event.actor.username == "ale-sakerhetschef"
    assert "Sektor utbildning" in event.detail["reminded"]
    assert event.municipality.slug == "ale"
    # The outbox e-mailed the reminded people their digest (Celery is eager in tests).
    assert "ale-sektorchef@example.org" in [to for m in mailoutbox for to in m.to]
    log = chief.get(reverse("audit_log", args=["ale"]), {"handelse": "reminder_sent"})
    log = log.content.decode()
    assert "Påminnelse om uppföljningen skickad" in log and "påminda: " in log


@time_machine.travel(DAY, tick=False)
def test_a_second_click_the_same_day_creates_nothing_and_says_so(chief):
    chief.post(remind_url(), follow=True)
    counts = (reminders().count(), AuditEvent.objects.count(), QueuedTask.objects.count())
    response = chief.post(remind_url(), follow=True)
    page = response.content.decode()
    assert "Redan påminda i dag, ingen ny påminnelse skickades" in page
    assert "En påminnelse skickades" not in page
    assert (reminders().count(), AuditEvent.objects.count(), QueuedTask.objects.count()) == counts


def test_the_next_day_the_units_can_be_reminded_again(chief):
    with time_machine.travel(DAY, tick=False):
        chief.post(remind_url())
    first = reminders().count()
    with time_machine.travel(DAY + datetime.timedelta(days=1), tick=False):
        chief.force_login(user("ale-sakerhetschef"))  # sessions end after a working day
        assert chief.post(remind_url()).status_code == 302
    assert reminders().count() == 2 * first > 0
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REMINDER_SENT).count() == 2


@time_machine.travel(DAY, tick=False)
def test_the_limit_is_per_unit_and_held_by_the_database(demo):
    chief = user("ale-sakerhetschef")
    reminded, already, _nobody = remind_now(cycle(), by=chief)
    assert "Sektor utbildning" in reminded and already == []
    again, already, _nobody = remind_now(cycle(), by=chief)
    assert again == [] and sorted(already) == sorted(reminded)
    # A unit not yet reminded today (its report returned meanwhile) is reminded alone.
    submitted = Report.objects.get(cycle=cycle(), unit__name="Sektor samhällsbyggnad")
    Report.objects.filter(pk=submitted.pk).update(status=Report.Status.RETURNED)
    third, already, _nobody = remind_now(cycle(), by=chief)
    assert third == ["Sektor samhällsbyggnad"]
    rows = reminders().values_list("recipient_id", "kind", "subject", "period")
    assert len(rows) == len(set(rows))


@time_machine.travel(DAY, tick=False)
def test_a_closed_cycle_is_not_reminded(chief):
    c = cycle(2025)
    response = chief.post(remind_url(c), follow=True)
    assert "Påminnelser kan bara skickas medan uppföljningen är öppen" in response.content.decode()
    assert not reminders().exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REMINDER_SENT).exists()


def test_only_the_security_chief_sees_the_button(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    assert "Skicka påminnelse nu" in client.get(dashboard_url()).content.decode()
    client.force_login(user("ale-fortroendevald"))
    page = client.get(dashboard_url()).content.decode()
    assert "Uppföljning 2026" in page and "Skicka påminnelse nu" not in page


@pytest.mark.parametrize("who", ["ale-fortroendevald", "ale-sektorchef", "kalix-sakerhetschef"])
def test_others_are_refused_and_nothing_changes(client, demo, who):
    client.force_login(user(who))
    assert client.post(remind_url()).status_code == 404
    assert not reminders().exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REMINDER_SENT).exists()


def test_it_is_post_only(chief):
    assert chief.get(remind_url()).status_code == 405
    assert not reminders().exists()


# No frozen clock here: the broker client's connection timeout needs time to pass.
@pytest.mark.usefixtures("broker_down")
def test_with_the_broker_down_the_reminder_waits_in_the_outbox(
    chief, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = chief.post(remind_url())
    assert response.status_code == 302
    assert reminders().filter(recipient__username="ale-sektorchef").exists()
    owed = QueuedTask.objects.get(task="responsibilities.send_digests_to")
    assert owed.state == QueuedTask.State.PENDING and owed.dispatched_at is None
    assert user("ale-sektorchef").pk in owed.args[0]
