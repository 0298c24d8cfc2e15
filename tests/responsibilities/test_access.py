"""Access rights follow from assignments: granted, scoped, and revoked at once."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from responsibilities.access import Access, access_of, end_expired_assignments, units_with
from responsibilities.capabilities import Capability as C
from responsibilities.models import (
    Assignment,
    Municipality,
    MunicipalityPermission,
    OrganisationUnit,
    UnitPermission,
    User,
)
from responsibilities.tasks import end_expired_assignments_task
from tests.factories import AssignmentFactory, RoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def access(username) -> Access:
    return Access(User.objects.get(username=username))


def unit(name, municipality="ale"):
    return OrganisationUnit.objects.get(name=name, municipality__slug=municipality)


def test_the_security_chief_holds_municipality_wide_capabilities(demo):
    chief = access("ale-sakerhetschef")
    ale = Municipality.objects.get(slug="ale")
    kalix = Municipality.objects.get(slug="kalix")
    assert chief.in_municipality(C.EDIT_PROGRAMME, ale)
    assert chief.in_municipality(C.REVIEW_FOLLOWUP, ale)
    assert chief.in_unit(C.REVIEW_FOLLOWUP, unit("Sektor samhällsbyggnad"))
    assert not chief.in_municipality(C.EDIT_PROGRAMME, kalix)
    assert not chief.in_unit(C.REVIEW_FOLLOWUP, unit("Teknisk förvaltning", "kalix"))


def test_a_sector_chief_holds_their_unit_and_its_sub_units_only(demo):
    chief = access("ale-sektorchef")
    assert chief.in_unit(C.SUBMIT_FOLLOWUP, unit("Sektor utbildning"))
    assert chief.in_unit(C.SUBMIT_FOLLOWUP, unit("Förskoleenheten Nödinge"))
    assert not chief.in_unit(C.SUBMIT_FOLLOWUP, unit("Sektor samhällsbyggnad"))
    assert not chief.in_municipality(C.SUBMIT_FOLLOWUP, unit("Sektor utbildning").municipality)
    assert not chief.anywhere(C.EDIT_PROGRAMME)


def test_readers_and_employees_hold_no_write_capability(demo):
    for username in ("ale-fortroendevald", "ale-medarbetare"):
        person = access(username)
        for capability in (C.EDIT_PROGRAMME, C.ADOPT_PROGRAMME, C.SUBMIT_FOLLOWUP, C.MANAGE_CYCLES):
            assert not person.anywhere(capability), (username, capability)
    assert access("ale-fortroendevald").anywhere(C.READ_REPORTS)
    assert not access("ale-medarbetare").anywhere(C.READ_REPORTS)


def test_ending_an_assignment_removes_access_at_once(demo):
    assignment = Assignment.objects.get(person__username="ale-sektorchef")
    assignment.end()
    assert not access("ale-sektorchef").anywhere(C.SUBMIT_FOLLOWUP)
    assert not UnitPermission.objects.filter(user=assignment.person).exists()


def test_deleting_an_assignment_removes_access(demo):
    Assignment.objects.get(person__username="ale-sakerhetschef").delete()
    assert not MunicipalityPermission.objects.filter(user__username="ale-sakerhetschef").exists()


def test_a_second_role_keeps_what_the_first_also_gave(demo):
    person = User.objects.get(username="ale-sektorchef")
    officer = RoleFactory(
        municipality=unit("Sektor utbildning").municipality, kind="security_officer"
    )
    extra = AssignmentFactory(person=person, role=officer, unit=unit("Sektor utbildning"))
    Assignment.objects.get(person=person, role__kind="sector_chief").end()
    assert access("ale-sektorchef").in_unit(C.SUBMIT_FOLLOWUP, unit("Sektor utbildning"))
    extra.end()
    assert not access("ale-sektorchef").anywhere(C.SUBMIT_FOLLOWUP)


def test_a_new_sub_unit_is_covered_by_the_chief_above_it(demo):
    new = UnitFactory(
        municipality=unit("Sektor utbildning").municipality,
        parent=unit("Sektor utbildning"),
        kind="unit",
    )
    assert access("ale-sektorchef").in_unit(C.SUBMIT_FOLLOWUP, new)


def test_a_person_in_two_municipalities_sees_each_separately(demo):
    person = User.objects.get(username="ale-sektorchef")
    kalix_unit = unit("Socialförvaltningen", "kalix")
    AssignmentFactory(
        person=person,
        role=RoleFactory(municipality=kalix_unit.municipality, kind="sector_chief"),
        unit=kalix_unit,
    )
    both = access("ale-sektorchef")
    assert both.in_unit(C.SUBMIT_FOLLOWUP, kalix_unit)
    assert both.in_unit(C.SUBMIT_FOLLOWUP, unit("Sektor utbildning"))
    assert not both.in_unit(C.SUBMIT_FOLLOWUP, unit("Teknisk förvaltning", "kalix"))
    assert both.municipality_ids == {
        kalix_unit.municipality_id,
        unit("Sektor utbildning").municipality_id,
    }


def test_deactivating_a_person_removes_their_access(demo):
    person = User.objects.get(username="ale-sakerhetschef")
    person.is_active = False
    person.save()
    assert not access("ale-sakerhetschef").anywhere(C.EDIT_PROGRAMME)


def test_the_daily_task_ends_expired_assignments(demo):
    assignment = Assignment.objects.get(person__username="ale-sektorchef-2")
    assignment.ends_on = datetime.date(2026, 12, 31)
    assignment.save()
    with time_machine.travel(
        datetime.datetime(2027, 1, 2, 1, tzinfo=timezone.get_current_timezone())
    ):
        assert end_expired_assignments_task() == 1
        assert end_expired_assignments() == 0  # a second run changes nothing
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert not access("ale-sektorchef-2").anywhere(C.SUBMIT_FOLLOWUP)
    assert access("ale-sektorchef").anywhere(C.SUBMIT_FOLLOWUP)


def test_a_future_assignment_gives_nothing_until_it_starts(demo):
    person = UserFactory()
    AssignmentFactory(
        person=person,
        role=RoleFactory(municipality=Municipality.objects.get(slug="ale"), kind="security_chief"),
        starts_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert not Access(person).anywhere(C.EDIT_PROGRAMME)


def test_unit_lists_are_one_query_however_many_units(demo, django_assert_num_queries):
    chief = User.objects.get(username="ale-sakerhetschef")
    for index in range(30):
        UnitFactory(municipality=Municipality.objects.get(slug="ale"), name=f"Extra {index}")
    assert access_of(chief).municipality_ids  # the two queries of the request, done once
    with django_assert_num_queries(1):
        names = list(units_with(chief, C.REVIEW_FOLLOWUP).values_list("name", flat=True))
    assert "Extra 29" in names and "Teknisk förvaltning" not in names


def test_access_checks_cost_two_queries_per_request(demo, django_assert_num_queries):
    person = access("ale-sektorchef")
    units = list(OrganisationUnit.objects.all())
    with django_assert_num_queries(2):
        for each in units:
            person.in_unit(C.SUBMIT_FOLLOWUP, each)
