"""Security events are logged: who, when, what, from where; the security chief reads them."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from responsibilities.audit import AuditEvent, purge_expired
from responsibilities.models import Assignment, User

pytestmark = pytest.mark.django_db
A = AuditEvent.Action


def test_logins_and_failed_logins_are_logged_with_the_address(client, demo):
    AuditEvent.objects.all().delete()  # loading the demo logged its assignments
    client.post("/konto/logga-in/", {"username": "ale-sektorchef", "password": "fel"})
    client.post("/konto/logga-in/", {"username": "ale-sektorchef", "password": "demo"})
    client.post("/konto/logga-ut/")
    actions = list(AuditEvent.objects.order_by("at").values_list("action", "actor_name"))
    assert actions == [
        (A.LOGIN_FAILED, "ale-sektorchef"),
        (A.LOGIN, "ale-sektorchef"),
        (A.LOGOUT, "ale-sektorchef"),
    ]
    assert AuditEvent.objects.first().ip_address == "127.0.0.1"


def test_assignment_changes_and_their_access_changes_are_logged(demo):
    assignment = Assignment.objects.get(person__username="ale-sektorchef")
    AuditEvent.objects.all().delete()
    assignment.end()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {A.ASSIGNMENT_ENDED, A.PERMISSIONS_CHANGED}
    assert AuditEvent.objects.filter(municipality__slug="ale").count() == 2


def test_deactivating_a_person_keeps_their_audit_trail(demo, client):
    client.post("/konto/logga-in/", {"username": "ale-sektorchef", "password": "demo"})
    person = User.objects.get(username="ale-sektorchef")
    person.is_active = False
    person.save()
    assert AuditEvent.objects.filter(actor=person, action=A.LOGIN).exists()
    assert AuditEvent.objects.filter(action=A.PERSON_DEACTIVATED, target="ale-sektorchef").exists()


def test_the_security_chief_reads_the_log_of_their_municipality_only(client, demo):
    client.post("/konto/logga-in/", {"username": "ale-sektorchef", "password": "demo"})
    client.post("/konto/logga-in/", {"username": "kalix-sektorchef", "password": "fel"})
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    page = client.get("/sakerhetslogg/ale/").content.decode()
    assert "ale-sektorchef" in page and "Loggade in" in page
    assert "kalix-sektorchef" not in page
    assert client.get("/sakerhetslogg/kalix/").status_code == 404


def test_old_events_are_purged_after_the_retention_period(demo, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    AuditEvent.objects.all().delete()
    AuditEvent.objects.create(action=A.LOGIN, actor_name="old")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        AuditEvent.objects.create(action=A.LOGIN, actor_name="new")
        assert purge_expired() >= 1
    assert list(AuditEvent.objects.values_list("actor_name", flat=True)) == ["new"]


def test_the_log_page_has_a_constant_number_of_queries(client, demo, django_assert_max_num_queries):
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    for _ in range(60):
        AuditEvent.objects.create(action=A.LOGIN_FAILED, actor_name="ale-sektorchef")
    with django_assert_max_num_queries(12):
        client.get("/sakerhetslogg/ale/")
