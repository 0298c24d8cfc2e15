import pytest

from followup.reminders import Notice as FollowupNotice
from responsibilities.models import User
from responsibilities.notifications import CalendarFeed, Notification, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def sara(demo, client):
    person = User.objects.get(username="ale-sakerhetschef")
    client.force_login(person)
    return person


def test_the_bell_shows_the_unread_count_and_marks_read(client, sara):
    notify(sara, FollowupNotice.REPORT_DUE, "a", "1", "Follow-up report due")
    notify(sara, FollowupNotice.REPORT_DUE, "b", "1", "Follow-up report due")
    assert "(2 olästa)" in client.get("/start/").content.decode()
    page = client.get("/konto/notiser/").content.decode()
    assert "Uppföljningsrapport ska lämnas in" in page
    first = Notification.objects.filter(recipient=sara).first()
    client.post("/konto/notiser/las/", {"notification": first.pk})
    assert "(1 oläst)" in client.get("/start/").content.decode()
    client.post("/konto/notiser/las/")
    assert "oläst" not in client.get("/start/").content.decode()


def test_nobody_marks_another_persons_notifications(client, sara):
    other = User.objects.get(username="ale-sektorchef")
    notify(other, FollowupNotice.REPORT_DUE, "a", "1", "Follow-up report due")
    note = Notification.objects.get(recipient=other)
    client.post("/konto/notiser/las/", {"notification": note.pk})
    note.refresh_from_db()
    assert note.read_at is None
    assert client.post("/konto/notiser/las/", {"notification": "x"}).status_code == 404


def test_the_calendar_feed_has_a_secret_revocable_address(client, sara):
    client.post("/konto/kalender/", {"action": "create"})
    feed = CalendarFeed.objects.get(person=sara, revoked_at=None)
    client.logout()
    response = client.get(f"/kalender/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert "Uppföljning av krisberedskap till länsstyrelsen" in body
    client.force_login(sara)
    client.post("/konto/kalender/", {"action": "revoke"})
    assert client.get(f"/kalender/{feed.token}.ics").status_code == 404
    assert client.get("/kalender/fel.ics").status_code == 404
