"""Access rights follow from assignments: granted, scoped, and revoked at once."""

import datetime

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from responsibilities.access import (
    Access,
    access_of,
    end_expired_assignments,
    municipality_for,
    units_with,
)
from responsibilities.capabilities import Capability
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
    assert chief.in_municipality(Capability.EDIT_PROGRAMME, ale)
    assert chief.in_municipality(Capability.REVIEW_FOLLOWUP, ale)
    assert chief.in_unit(Capability.REVIEW_FOLLOWUP, unit("Sektor samhällsbyggnad"))
    assert not chief.in_municipality(Capability.EDIT_PROGRAMME, kalix)
    assert not chief.in_unit(Capability.REVIEW_FOLLOWUP, unit("Teknisk förvaltning", "kalix"))


def test_a_sector_chief_holds_their_unit_and_its_sub_units_only(demo):
    chief = access("ale-sektorchef")
    assert chief.in_unit(Capability.SUBMIT_FOLLOWUP, unit("Sektor utbildning"))
    assert chief.in_unit(Capability.SUBMIT_FOLLOWUP, unit("Förskoleenheten Nödinge"))
    assert not chief.in_unit(Capability.SUBMIT_FOLLOWUP, unit("Sektor samhällsbyggnad"))
    assert not chief.in_municipality(
        Capability.SUBMIT_FOLLOWUP, unit("Sektor utbildning").municipality
    )
    assert not chief.anywhere(Capability.EDIT_PROGRAMME)


def test_readers_and_employees_hold_no_write_capability(demo):
    for username in ("ale-fortroendevald", "ale-medarbetare"):
        person = access(username)
        for capability in (
            Capability.EDIT_PROGRAMME,
            Capability.ADOPT_PROGRAMME,
            Capability.SUBMIT_FOLLOWUP,
            Capability.MANAGE_CYCLES,
        ):
            assert not person.anywhere(capability), (username, capability)
    assert access("ale-fortroendevald").anywhere(Capability.READ_REPORTS)
    assert not access("ale-medarbetare").anywhere(Capability.READ_REPORTS)


def test_ending_an_assignment_removes_access_at_once(demo):
    assignment = Assignment.objects.get(person__username="ale-sektorchef")
    assignment.end()
    assert not access("ale-sektorchef").anywhere(Capability.SUBMIT_FOLLOWUP)
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
    assert access("ale-sektorchef").in_unit(Capability.SUBMIT_FOLLOWUP, unit("Sektor utbildning"))
    extra.end()
    assert not access("ale-sektorchef").anywhere(Capability.SUBMIT_FOLLOWUP)


def test_a_new_sub_unit_is_covered_by_the_chief_above_it(demo):
    new = UnitFactory(
        municipality=unit("Sektor utbildning").municipality,
        parent=unit("Sektor utbildning"),
        kind="unit",
    )
    assert access("ale-sektorchef").in_unit(Capability.SUBMIT_FOLLOWUP, new)


def test_a_person_in_two_municipalities_sees_each_separately(demo):
    person = User.objects.get(username="ale-sektorchef")
    kalix_unit = unit("Socialförvaltningen", "kalix")
    AssignmentFactory(
        person=person,
        role=RoleFactory(municipality=kalix_unit.municipality, kind="sector_chief"),
        unit=kalix_unit,
    )
    both = access("ale-sektorchef")
    assert both.in_unit(Capability.SUBMIT_FOLLOWUP, kalix_unit)
    assert both.in_unit(Capability.SUBMIT_FOLLOWUP, unit("Sektor utbildning"))
    assert not both.in_unit(Capability.SUBMIT_FOLLOWUP, unit("Teknisk förvaltning", "kalix"))
    assert both.municipality_ids == {
        kalix_unit.municipality_id,
        unit("Sektor utbildning").municipality_id,
    }


def test_deactivating_a_person_removes_their_access(demo):
    person = User.objects.get(username="ale-sakerhetschef")
    person.is_active = False
    person.save()
    assert not access("ale-sakerhetschef").anywhere(Capability.EDIT_PROGRAMME)


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
    assert not access("ale-sektorchef-2").anywhere(Capability.SUBMIT_FOLLOWUP)
    assert access("ale-sektorchef").anywhere(Capability.SUBMIT_FOLLOWUP)


def _at(day: datetime.date):
    """Travel to the middle of a day in the municipality's time zone."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone()),
        tick=False,
    )


START = datetime.date(2027, 3, 1)
END = datetime.date(2027, 6, 30)


@pytest.fixture
def dated_sector_chief(demo):
    """A new person made sector chief of Sektor utbildning from START to END, saved weeks
    before START; nothing is saved after that."""
    person = UserFactory()
    with _at(START - datetime.timedelta(days=20)):
        AssignmentFactory(
            person=person,
            role=RoleFactory(municipality=Municipality.objects.get(slug="ale")),
            unit=unit("Sektor utbildning"),
            starts_on=START,
            ends_on=END,
        )
    return person


@pytest.mark.parametrize(
    ("day", "holds"),
    [
        (START - datetime.timedelta(days=1), False),
        (START, True),
        (END, True),
        (END + datetime.timedelta(days=1), False),
    ],
)
def test_an_assignment_gives_its_rights_from_its_first_day_to_its_last(
    dated_sector_chief, day, holds
):
    # No save, no sweep: the date alone decides, for Access and for the list querysets.
    with _at(day):
        assert holds == Access(dated_sector_chief).in_unit(
            Capability.SUBMIT_FOLLOWUP, unit("Sektor utbildning")
        )
        assert holds == Access(dated_sector_chief).in_unit(
            Capability.SUBMIT_FOLLOWUP, unit("Förskoleenheten Nödinge")
        )
        assert holds == units_with(dated_sector_chief, Capability.SUBMIT_FOLLOWUP).exists()


def test_a_municipality_wide_assignment_starts_on_its_first_day(demo):
    person = UserFactory()
    with _at(START - datetime.timedelta(days=3)):
        AssignmentFactory(
            person=person,
            role=RoleFactory(
                municipality=Municipality.objects.get(slug="ale"), kind="security_chief"
            ),
            starts_on=START,
        )
        assert not Access(person).anywhere(Capability.EDIT_PROGRAMME)
    with _at(START):
        assert Access(person).in_municipality(
            Capability.EDIT_PROGRAMME, Municipality.objects.get(slug="ale")
        )


def test_the_daily_sweep_ends_the_assignment_and_removes_its_rows(dated_sector_chief):
    with _at(END + datetime.timedelta(days=1)):
        assert end_expired_assignments() == 1
        assert end_expired_assignments() == 0
    assert not UnitPermission.objects.filter(user=dated_sector_chief).exists()
    assert Assignment.objects.get(person=dated_sector_chief).ended_at is not None


def test_the_daily_sweep_grants_a_later_period_after_a_gap(dated_sector_chief):
    later = datetime.date(2027, 9, 1)
    with _at(START):
        AssignmentFactory(
            person=dated_sector_chief,
            role=RoleFactory(municipality=Municipality.objects.get(slug="ale")),
            unit=unit("Sektor utbildning"),
            starts_on=later,
        )
    with _at(later):
        end_expired_assignments()
        assert Access(dated_sector_chief).in_unit(
            Capability.SUBMIT_FOLLOWUP, unit("Sektor utbildning")
        )
    with _at(later - datetime.timedelta(days=1)):
        assert not Access(dated_sector_chief).anywhere(Capability.SUBMIT_FOLLOWUP)


def test_two_adjacent_assignments_give_one_unbroken_period(dated_sector_chief):
    with _at(START):
        AssignmentFactory(
            person=dated_sector_chief,
            role=RoleFactory(municipality=Municipality.objects.get(slug="ale")),
            unit=unit("Sektor utbildning"),
            starts_on=END + datetime.timedelta(days=1),
        )
    with _at(END + datetime.timedelta(days=40)):
        assert Access(dated_sector_chief).in_unit(
            Capability.SUBMIT_FOLLOWUP, unit("Sektor utbildning")
        )


def test_the_sweep_is_one_transaction(dated_sector_chief, monkeypatch):
    # A crash while revoking leaves the assignment unended, so the next run tries again.
    import responsibilities.access as access_module

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(access_module, "sync_permissions_of", crash)
    with _at(END + datetime.timedelta(days=1)), pytest.raises(RuntimeError):
        end_expired_assignments()
    assert Assignment.objects.get(person=dated_sector_chief).ended_at is None
    monkeypatch.undo()
    with _at(END + datetime.timedelta(days=1)):
        assert end_expired_assignments() == 1
    assert not UnitPermission.objects.filter(user=dated_sector_chief).exists()


def _expiring_sector_chiefs(count):
    ale = Municipality.objects.get(slug="ale")
    people = []
    with _at(START):
        for _ in range(count):
            person = UserFactory()
            AssignmentFactory(
                person=person,
                role=RoleFactory(municipality=ale),
                unit=unit("Sektor utbildning"),
                starts_on=START,
                ends_on=END,
            )
            people.append(person)
    return people


def test_the_sweep_costs_the_same_queries_for_one_person_as_for_many(
    demo, django_assert_num_queries
):
    # Ending 1 or 12 people's assignments: one batch, the same statements (issue 16).
    def queries_for(count):
        people = _expiring_sector_chiefs(count)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with _at(END + datetime.timedelta(days=1)), CaptureQueriesContext(connection) as ctx:
            assert end_expired_assignments() == count
        for person in people:
            assert not UnitPermission.objects.filter(user=person).exists()
            assert not Access(person).anywhere(Capability.SUBMIT_FOLLOWUP)
        return len(ctx.captured_queries)

    assert queries_for(1) == queries_for(12)


def test_many_people_are_synced_as_each_one_alone_would_be(demo):
    from responsibilities.access import sync_permissions, sync_permissions_of

    people = _expiring_sector_chiefs(3) + list(User.objects.filter(is_active=True)[:20])

    def rows():
        return {
            (model.__name__, r.user_id, r.content_object_id, r.permission.codename)
            + (r.valid_from, r.valid_until)
            for model in (UnitPermission, MunicipalityPermission)
            for r in model.objects.filter(user__in=people).select_related("permission")
        }

    def clear():
        UnitPermission.objects.filter(user__in=people).delete()
        MunicipalityPermission.objects.filter(user__in=people).delete()

    with _at(START):
        expected = rows()
        clear()
        for person in people:
            sync_permissions(person)
        assert rows() == expected  # one by one: what the signals wrote
        clear()
        assert sync_permissions_of(people) == {p.pk for p in people if p.assignments.exists()}
        assert rows() == expected
        assert sync_permissions_of(people) == set()


def test_moving_a_unit_away_takes_it_from_the_chief_above_its_old_place(demo):
    moved = unit("Förskoleenheten Nödinge")
    moved.parent = unit("Sektor samhällsbyggnad")
    moved.save()
    assert not access("ale-sektorchef").in_unit(Capability.SUBMIT_FOLLOWUP, moved)
    assert access("ale-sektorchef").in_unit(Capability.SUBMIT_FOLLOWUP, unit("Sektor utbildning"))


def test_unit_lists_are_one_query_however_many_units(demo, django_assert_num_queries):
    chief = User.objects.get(username="ale-sakerhetschef")
    for index in range(30):
        UnitFactory(municipality=Municipality.objects.get(slug="ale"), name=f"Extra {index}")
    assert access_of(chief).municipality_ids  # the query of the request, done once
    with django_assert_num_queries(1):
        names = list(units_with(chief, Capability.REVIEW_FOLLOWUP).values_list("name", flat=True))
    assert "Extra 29" in names and "Teknisk förvaltning" not in names


def test_access_checks_cost_one_query_per_request(demo, django_assert_num_queries):
    person = access("ale-sektorchef")
    units = list(OrganisationUnit.objects.all())
    with django_assert_num_queries(1):
        for each in units:
            person.in_unit(Capability.SUBMIT_FOLLOWUP, each)


D = datetime.date


@pytest.mark.parametrize(
    ("periods", "first"),
    [
        ([(D(2027, 1, 1), D(2027, 3, 31)), (D(2027, 4, 1), None)], (D(2027, 1, 1), None)),
        ([(D(2027, 1, 1), None), (D(2027, 6, 1), D(2027, 12, 31))], (D(2027, 1, 1), None)),
        (
            [(D(2027, 1, 1), D(2027, 3, 31)), (D(2027, 4, 1), D(2027, 4, 30))],
            (D(2027, 1, 1), D(2027, 4, 30)),
        ),
        (
            [(D(2027, 1, 1), D(2027, 3, 31)), (D(2027, 4, 2), D(2027, 4, 30))],
            (D(2027, 1, 1), D(2027, 3, 31)),
        ),
        (
            [(D(2027, 1, 1), D(2027, 6, 30)), (D(2027, 3, 1), D(2027, 4, 30))],
            (D(2027, 1, 1), D(2027, 6, 30)),
        ),
        (
            [(D(2027, 6, 1), D(2027, 6, 30)), (D(2027, 1, 1), D(2027, 1, 31))],
            (D(2027, 1, 1), D(2027, 1, 31)),
        ),
    ],
)
def test_a_grant_covers_the_first_unbroken_run_of_periods(periods, first):
    from responsibilities.access import _first_period

    assert _first_period(periods) == first


def test_a_municipality_wide_role_held_in_a_unit_still_covers_the_municipality(demo):
    person = UserFactory()
    AssignmentFactory(
        person=person,
        role=RoleFactory(municipality=Municipality.objects.get(slug="ale"), kind="security_chief"),
        unit=unit("Sektor utbildning"),
    )
    assert Access(person).in_municipality(
        Capability.EDIT_PROGRAMME, Municipality.objects.get(slug="ale")
    )
    assert Access(person).in_unit(Capability.EDIT_PROGRAMME, unit("Förskoleenheten Nödinge"))


def test_sync_says_whether_it_changed_anything(demo):
    from responsibilities.access import sync_permissions

    person = User.objects.get(username="ale-sektorchef")
    assert sync_permissions(person) is False  # already in step
    extra = Assignment.objects.create(
        person=person,
        role=RoleFactory(
            municipality=unit("Sektor utbildning").municipality, kind="security_officer"
        ),
        unit=unit("Sektor samhällsbyggnad"),
    )
    UnitPermission.objects.filter(
        user=person, content_object=unit("Sektor samhällsbyggnad")
    ).delete()
    assert sync_permissions(person) is True  # rows only added
    assert sync_permissions(person) is False
    Assignment.objects.filter(pk=extra.pk).update(
        ends_on=timezone.localdate() + datetime.timedelta(days=9)
    )
    assert sync_permissions(person) is True  # rows only re-dated
    Assignment.objects.filter(pk=extra.pk)._raw_delete("default")  # no signal: sync by hand
    assert sync_permissions(person) is True  # rows only removed


def test_unit_ids_lists_the_units_of_unit_roles_only(demo):
    subtree = set(unit("Sektor utbildning").subtree().values_list("id", flat=True))
    assert access("ale-sektorchef").unit_ids(Capability.SUBMIT_FOLLOWUP) == subtree
    assert access("ale-sektorchef").unit_ids(Capability.EDIT_PROGRAMME) == set()
    assert access("ale-sakerhetschef").unit_ids(Capability.REVIEW_FOLLOWUP) == set()


def test_within_a_municipality_by_a_municipal_or_a_unit_role(demo):
    ale = Municipality.objects.get(slug="ale")
    assert access("ale-sakerhetschef").within(Capability.REVIEW_FOLLOWUP, ale)
    assert access("ale-sektorchef").within(Capability.SUBMIT_FOLLOWUP, ale)
    assert not access("ale-sektorchef").within(Capability.REVIEW_FOLLOWUP, ale)
    assert not access("kalix-sakerhetschef").within(Capability.REVIEW_FOLLOWUP, ale)


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (START - datetime.timedelta(days=1), Assignment.State.UPCOMING),
        (START, Assignment.State.ACTIVE),
        (END, Assignment.State.ACTIVE),
        (END + datetime.timedelta(days=1), Assignment.State.ENDED),
    ],
)
def test_an_assignment_states_where_it_stands_by_the_calendar(dated_sector_chief, day, state):
    assignment = Assignment.objects.get(person=dated_sector_chief)
    with _at(day):
        assert assignment.state == state
        assert assignment.is_active == (state == Assignment.State.ACTIVE)


def test_an_ended_assignment_is_ended_before_its_end_date(dated_sector_chief):
    assignment = Assignment.objects.get(person=dated_sector_chief)
    with _at(START + datetime.timedelta(days=5)):
        assignment.end()
        assert assignment.state == Assignment.State.ENDED and not assignment.is_active
    open_ended = Assignment.objects.get(person__username="ale-sektorchef")
    assert open_ended.ends_on is None and open_ended.state == Assignment.State.ACTIVE


def test_the_active_assignments_of_a_day(dated_sector_chief):
    mine = Assignment.objects.filter(person=dated_sector_chief)
    assert not mine.active(START - datetime.timedelta(days=1)).exists()
    assert mine.active(START).exists() and mine.active(END).exists()
    assert not mine.active(END + datetime.timedelta(days=1)).exists()
    with _at(START):
        assert mine.active().exists()
    assert mine.current_or_upcoming(START - datetime.timedelta(days=30)).exists()


def test_the_municipality_in_the_address_comes_from_the_grants(demo, rf, django_assert_num_queries):
    ale = Municipality.objects.get(slug="ale")
    request = rf.get("/")
    request.user = User.objects.get(username="ale-sakerhetschef")
    with django_assert_num_queries(1):  # the person's grants, which name it
        found = municipality_for(request, "ale", Capability.REVIEW_FOLLOWUP)
        assert (found.pk, found.slug, found.name) == (ale.pk, "ale", ale.name)
    with django_assert_num_queries(1):  # any other field: the rest of the row, at once
        assert (found.contact_name, found.phone, found.email) == (
            ale.contact_name,
            ale.phone,
            ale.email,
        )
        assert found.opening_hours == ale.opening_hours
    assert [m.slug for m in access_of(request.user).municipalities()] == ["ale"]
    with pytest.raises(Http404):  # no role there: 404, as for an address that does not exist
        municipality_for(request, "kalix")
    with pytest.raises(Http404):
        municipality_for(request, "nowhere")
    with pytest.raises(Http404):  # a role, but not this capability for the whole municipality
        sector_chief = rf.get("/")
        sector_chief.user = User.objects.get(username="ale-sektorchef")
        municipality_for(sector_chief, "ale", Capability.REVIEW_FOLLOWUP)
    assert municipality_for(sector_chief, "ale", Capability.SUBMIT_FOLLOWUP, or_a_unit=True) == ale


def test_the_compiled_grants_statement_reads_what_the_orm_query_reads(demo, dated_sector_chief):
    """Access runs `grants_query()` compiled once per process, with the person and the date put
    in their places: the same rows as the ORM query, for everyone, on every day."""
    from responsibilities.access import GRANTS, grants_query

    assert GRANTS.compiled()  # the samples were found: the fast path is the one in use
    people = list(User.objects.all())
    for day in (START - datetime.timedelta(days=1), START, END, timezone.localdate()):
        for person in people:
            expected = sorted(grants_query(person.pk, day), key=repr)
            assert sorted(GRANTS.fetch(person.pk, day), key=repr) == expected, (person, day)
    assert any(GRANTS.fetch(dated_sector_chief.pk, START))
    assert not GRANTS.fetch(dated_sector_chief.pk, START - datetime.timedelta(days=1))


def test_access_loads_its_grants_in_one_query(demo, django_assert_num_queries):
    person = User.objects.get(username="ale-sakerhetschef")
    with django_assert_num_queries(1):
        assert Access(person).anywhere(Capability.EDIT_PROGRAMME)
