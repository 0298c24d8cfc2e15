"""Personal data (GDPR): a subject access export, and deactivation keeps the audit trail."""

import json

import pytest
from django.urls import reverse

from responsibilities.audit import AuditEvent, record
from responsibilities.models import User
from responsibilities.notifications import Notification

pytestmark = pytest.mark.django_db


def export_url(person, municipality="ale"):
    return reverse("manage:person_export", kwargs={"municipality": municipality, "pk": person.pk})


@pytest.fixture
def employee(demo):
    return User.objects.get(username="ale-medarbetare")


def test_the_export_holds_what_is_stored_about_the_person_and_no_secrets(client, employee):
    record(AuditEvent.Action.LOGIN, actor=employee, target="test")
    client.post("/konto/logga-in/", {"username": "ale-medarbetare", "password": "fel"})
    client.force_login(User.objects.get(username="ale-administrator"))
    response = client.get(export_url(employee))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["person"]["username"] == "ale-medarbetare"
    assert data["municipality"] == "Ale kommun" or data["municipality"]
    related = data["related"]
    assert related["responsibilities.assignment.person"], "the person's roles"
    events = related["responsibilities.auditevent.actor"]
    assert any(event["action"] == "login" for event in events)
    assert "ip_address" in events[0]
    body = response.content.decode()
    assert employee.password not in body and '"password"' not in body


def test_the_export_includes_notifications_and_history(client, employee):
    Notification.objects.create(recipient=employee, **_notification_fields())
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    data = json.loads(client.get(export_url(employee)).content)
    assert any(key.startswith("responsibilities.notification.") for key in data["related"])


def _notification_fields():
    fields = {f.name for f in Notification._meta.get_fields()}
    values = {"title": "Test", "message": "Test", "text": "Test", "url": "/", "link": "/"}
    return {name: value for name, value in values.items() if name in fields}


def test_the_export_is_audit_logged(client, employee):
    administrator = User.objects.get(username="ale-administrator")
    client.force_login(administrator)
    client.get(export_url(employee))
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_EXPORTED)
    assert (event.actor, event.target, event.municipality.slug) == (
        administrator,
        "ale-medarbetare",
        "ale",
    )


def test_only_people_administrators_of_the_municipality_export(client, employee):
    for username in (
        "ale-medarbetare",
        "ale-sektorchef",
        "ale-fortroendevald",
        "kalix-sakerhetschef",
    ):
        client.force_login(User.objects.get(username=username))
        assert client.get(export_url(employee)).status_code == 404, username
    client.logout()
    assert client.get(export_url(employee)).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_EXPORTED).exists()


def test_the_person_page_offers_the_export(client, employee):
    client.force_login(User.objects.get(username="ale-administrator"))
    page = client.get(
        reverse("manage:person_detail", kwargs={"municipality": "ale", "pk": employee.pk})
    )
    assert export_url(employee) in page.content.decode()


def test_deactivating_removes_access_and_keeps_the_audit_trail(client, employee):
    client.post("/konto/logga-in/", {"username": "ale-medarbetare", "password": "demo"})
    client.logout()
    logins = AuditEvent.objects.filter(actor=employee, action=AuditEvent.Action.LOGIN).count()
    assert logins >= 1
    client.force_login(User.objects.get(username="ale-administrator"))
    response = client.post(
        reverse("manage:person_edit", kwargs={"municipality": "ale", "pk": employee.pk}),
        {
            "first_name": employee.first_name,
            "last_name": employee.last_name,
            "email": employee.email,
            "username": employee.username,
        },
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert not employee.is_active
    client.logout()
    refused = client.post("/konto/logga-in/", {"username": "ale-medarbetare", "password": "demo"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert (
        AuditEvent.objects.filter(actor=employee, action=AuditEvent.Action.LOGIN).count() == logins
    )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERSON_DEACTIVATED, target="ale-medarbetare"
    ).exists()


def test_the_export_leaves_out_the_calendar_feed_token(client, employee):
    from responsibilities.notifications import CalendarFeed

    CalendarFeed.objects.create(person=employee, token="hemlig-token-123")
    client.force_login(User.objects.get(username="ale-administrator"))
    response = client.get(export_url(employee))
    assert "hemlig-token-123" not in response.content.decode()
    assert json.loads(response.content)["related"]["responsibilities.calendarfeed.person"]
