"""Inputs with limits: dates 1900–2100 everywhere, strict numbers in the address, control
characters in searches, concurrent creation of a calendar address; the iCal feed survives a
date stored before the limits."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse

from followup.models import Action, Report
from responsibilities.calendar import ics_for
from responsibilities.fields import SensibleDateField, parse_int
from responsibilities.models import CalendarFeed, User
from tests.followup.conftest import demo_report
from tests.followup.test_report_form import edit_url, form_data
from tests.services import require_postgresql

pytestmark = pytest.mark.django_db
OUT_OF_RANGE = "Ange ett datum mellan år 1900 och 2100."


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("value", ["9999-12-31", "1899-12-31", "2101-01-01"])
def test_the_shared_date_field_refuses_dates_outside_1900_to_2100(value):
    field = SensibleDateField()
    with pytest.raises(Exception) as error:
        field.clean(value)
    assert OUT_OF_RANGE in str(error.value)
    assert field.clean("2100-12-31") == datetime.date(2100, 12, 31)
    assert field.widget.attrs["max"] == "2100-12-31"


def test_an_action_due_9999_is_refused_with_a_swedish_message_and_nothing_is_saved(client, demo):
    report = demo_report("Sektor utbildning")
    login(client, "ale-sektorchef")
    before = Action.objects.filter(report=report).count()
    data = form_data(
        report,
        "handlingsplan",
        **{
            "actions-TOTAL_FORMS": str(before + 1),
            f"actions-{before}-what": "Öva utrymning",
            f"actions-{before}-status": "not_started",
            f"actions-{before}-due_on": "9999-12-31",
        },
    )
    response = client.post(edit_url(report), data)
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
    assert Action.objects.filter(report=report).count() == before


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ("followup.forms.CycleSettingsForm", "due_on"),
        ("followup.forms.ActionForm", "due_on"),
        ("followup.forms.BoardReportForm", "date"),
        ("programmes.forms.AdoptionRecordForm", "decision_date"),
        ("responsibilities.forms.AssignmentForm", "ends_on"),
    ],
)
def test_every_date_field_is_the_shared_one(form, field):
    from django.utils.module_loading import import_string

    form_class = import_string(form)
    assert isinstance(form_class.base_fields[field], SensibleDateField)


def test_the_calendar_feed_skips_a_date_stored_before_the_limits(demo):
    report = demo_report("Sektor utbildning")
    Action.objects.create(report=report, what="Evig", due_on=datetime.date(9999, 12, 31))
    Action.objects.create(report=report, what="Snart", due_on=datetime.date(2027, 1, 15))
    feed = ics_for(User.objects.get(username="ale-sektorchef")).decode()
    assert "99991231" not in feed
    assert "DTSTART;VALUE=DATE:20270115" in feed


@pytest.mark.parametrize("value", ["²", "-3", "1e3", "9" * 40, "١", " 2"])
def test_numbers_in_the_address_are_parsed_strictly(value):
    assert parse_int(value, 0) == (2 if value == " 2" else 0)


def test_rader_with_a_superscript_two_saves_the_draft_and_shows_the_form(client, demo):
    report = demo_report("Sektor utbildning")
    login(client, "ale-sektorchef")
    assert client.get(edit_url(report) + "?del=handlingsplan&rader=²").status_code == 200
    response = client.post(
        edit_url(report) + "?rader=²", form_data(report, "handlingsplan", intent="add_action")
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?del=handlingsplan&rader=1#actions")
    assert Report.objects.get(pk=report.pk).revision == report.revision + 1


@pytest.mark.parametrize("name", ["manage:person_list", "manage:assignment_list"])
@pytest.mark.parametrize("query", ["%00", "a%00b", "%1b%5b31m", "%c2%85"])
def test_control_characters_in_a_search_are_stripped(client, demo, name, query):
    login(client, "ale-sakerhetschef")
    response = client.get(reverse(name, args=["ale"]) + f"?q={query}&role=99999999999999999999")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_requests_for_a_calendar_address_leave_one_and_no_error(demo, client):
    require_postgresql()
    person = User.objects.get(username="ale-sektorchef")
    statuses = []

    def create():
        from django.test import Client

        browser = Client(raise_request_exception=False)
        browser.force_login(person)
        statuses.append(
            browser.post(reverse("calendar_settings"), {"action": "create"}).status_code
        )
        connection.close()

    threads = [threading.Thread(target=create) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 10
    assert CalendarFeed.objects.filter(person=person, revoked_at=None).count() == 1
