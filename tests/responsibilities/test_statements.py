"""Statements compiled once per process (responsibilities/statements.py) read what the ORM
reads, and fall back to the ORM when the compiled SQL cannot be trusted."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from responsibilities.backends import _PERSON, ModelBackend
from responsibilities.models import Municipality, User
from responsibilities.notifications import _UNREAD, Notification, notify, unread_count
from responsibilities.statements import Statement

pytestmark = pytest.mark.django_db


def test_the_signed_in_person_is_read_as_the_orm_reads_them(demo):
    assert _PERSON.compiled()  # the fast path is the one in use
    for person in User.objects.all():
        read = ModelBackend().get_user(person.pk)
        expected = User.objects.get(pk=person.pk)
        assert read is not None and read._state.db == "default" and not read._state.adding
        for field in User._meta.concrete_fields:
            assert getattr(read, field.attname) == getattr(expected, field.attname), field
    person.last_login = timezone.now()  # a datetime column, converted as the ORM converts it
    person.save(update_fields=["last_login"])
    assert ModelBackend().get_user(person.pk).last_login == person.last_login
    assert ModelBackend().get_user(-1) is None
    assert ModelBackend().get_user("not a number") is None
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert ModelBackend().get_user(person.pk) is None  # deactivated: signed out


def test_a_signed_in_page_reads_the_person_through_the_backend(demo, client):
    person = User.objects.get(username="ale-medarbetare")
    client.force_login(person, backend="responsibilities.backends.ModelBackend")
    assert client.session[SESSION_KEY] == str(person.pk)
    response = client.get("/start/")
    assert response.status_code == 200
    assert response.wsgi_request.user == person


def test_the_bell_counts_what_the_orm_counts(demo):
    assert _UNREAD.compiled()
    person = User.objects.get(username="ale-sakerhetschef")
    for index in range(3):
        notify(person, Notification.Kind.YEARLY_DATE, f"test:{index}", "2026", "Hej")
    mine = Notification.objects.filter(recipient=person)
    mine.filter(subject="test:0").update(read_at=timezone.now())
    mine.filter(subject="test:1").update(resolved_at=timezone.now())
    for someone in User.objects.all():
        expected = Notification.objects.filter(
            recipient=someone, read_at=None, resolved_at=None
        ).count()
        assert unread_count(someone) == expected
    assert unread_count(person) >= 1
    nobody = User.objects.create(username="ingen-notis")
    assert unread_count(nobody) == 0


def test_a_query_whose_sql_depends_on_its_arguments_goes_through_the_orm(demo):
    def by_name(name):
        # No condition at all for an empty name: the SQL differs between the samples.
        return Municipality.objects.filter(Q(name=name) if name else Q()).values_list("slug")

    statement = Statement(by_name, ("",), ("Sampleville",))
    assert statement.compiled() is None
    assert statement.fetch("Ale kommun") == list(by_name("Ale kommun"))


def test_a_sample_value_that_is_also_a_constant_of_the_query_is_refused(demo):
    def slugs(pk):
        return Municipality.objects.filter(Q(pk__gte=pk) | Q(pk=-7_300_417_101)).values_list(
            "slug", flat=True
        )

    statement = Statement(slugs, (-7_300_417_101,), (-7_300_417_103,))
    assert statement.compiled() is None  # the sample is ambiguous: never substituted wrongly
    assert statement.fetch(0) == list(slugs(0))


def test_flat_rows(demo):
    def slugs(pk):
        return (
            Municipality.objects.filter(pk__gte=pk).order_by("slug").values_list("slug", flat=True)
        )

    statement = Statement(slugs, (-7_300_417_101,), (-7_300_417_103,))
    assert statement.compiled()
    assert statement.fetch(0) == list(slugs(0))
    ale = Municipality.objects.get(slug="ale")
    assert statement.fetch(ale.pk) == list(slugs(ale.pk))


def test_any_of_a_list_reads_what_in_reads(demo):
    from followup.models import Report
    from responsibilities.models import OrganisationUnit

    units = sorted(OrganisationUnit.objects.values_list("pk", flat=True))
    for chosen in ([], units[:1], units[:3], units, [-1, *units[1:2]]):
        assert list(
            OrganisationUnit.objects.filter(pk__any=chosen).order_by("pk").values_list("pk")
        ) == list(OrganisationUnit.objects.filter(pk__in=chosen).order_by("pk").values_list("pk"))
        # A foreign key's column too.
        assert set(Report.objects.filter(unit__any=chosen).values_list("pk", flat=True)) == set(
            Report.objects.filter(unit__in=chosen).values_list("pk", flat=True)
        )


def test_a_list_is_one_argument_of_a_statement_on_postgresql(demo):
    from django.db import connection

    from responsibilities.models import OrganisationUnit

    def names(pks):
        return (
            OrganisationUnit.objects.filter(pk__any=pks)
            .order_by("pk")
            .values_list("name", flat=True)
        )

    statement = Statement(names, ((-7_300_417_101,),), ((-7_300_417_103, -7_300_417_105),))
    units = sorted(OrganisationUnit.objects.values_list("pk", flat=True))
    # One SQL for lists of any length on PostgreSQL; elsewhere IN (…) of its length: the ORM.
    assert bool(statement.compiled()) == (connection.vendor == "postgresql")
    for chosen in ((), tuple(units[:1]), tuple(units[:4]), tuple(units)):
        assert statement.fetch(chosen) == list(names(chosen))


def test_the_start_pages_roles_are_read_as_the_orm_reads_them(demo):
    import datetime as dt

    from responsibilities.views.account import _ROLES, _roles

    assert _ROLES.compiled()
    today = timezone.localdate()
    for person in User.objects.all():
        for day in (today, today - dt.timedelta(days=400), today + dt.timedelta(days=400)):
            assert _ROLES.fetch(person.pk, day) == list(_roles(person.pk, day)), (person, day)
    assert any(_ROLES.fetch(person.pk, today) for person in User.objects.all())


def test_model_rows_with_related_models_and_annotations_are_read_as_the_orm_reads_them(demo):
    from django.db.models import Count

    from followup.models import Question

    def questions(cycle_id):
        # A nullable relation (the general questions have no area) and a join two deep.
        return (
            Question.objects.filter(cycle=cycle_id)
            .select_related("area", "cycle__version")
            .annotate(answered=Count("answers"))
            .order_by("position")
        )

    statement = Statement(questions, (-7_300_417_107,), (-7_300_417_109,))
    assert statement.compiled()
    read_some = False
    for cycle_id in Question.objects.values_list("cycle", flat=True).distinct():
        read, expected = statement.fetch(cycle_id), list(questions(cycle_id))
        assert read == expected
        for got, want in zip(read, expected, strict=True):
            assert got._state.db == "default" and not got._state.adding
            assert got.answered == want.answered
            for instance, other in ((got, want), (got.cycle.version, want.cycle.version)):
                for field in type(instance)._meta.concrete_fields:
                    assert getattr(instance, field.attname) == getattr(other, field.attname)
            assert Question.area.is_cached(got) and got.area == want.area
            assert (got.area and got.area.text) == (want.area and want.area.text)
            read_some = read_some or (got.area is None) or got.answered > 0
    assert read_some


def test_a_query_that_selects_nothing_goes_through_the_orm_without_a_query(
    demo, django_assert_num_queries
):
    def in_units(unit_ids):
        return Municipality.objects.filter(pk__in=[]).filter(pk__gte=unit_ids).values_list("slug")

    statement = Statement(in_units, (-7_300_417_101,), (-7_300_417_103,))
    assert statement.compiled() is None
    with django_assert_num_queries(0):
        assert statement.fetch(0) == []


def test_a_statement_per_shape_of_its_lists_reads_what_the_orm_reads(
    demo, django_assert_num_queries
):
    """One statement per shape (which lists of ids are empty), each list one argument: the
    rows of the ORM's query for every combination; with every list empty the ORM's (no
    query)."""
    from django.db import connection

    from responsibilities.models import OrganisationUnit
    from responsibilities.statements import StatementPerShape

    def names(first_id, unit_ids, municipality_ids):
        where = Q(pk__in=[])
        for field, ids in (("pk", unit_ids), ("municipality", municipality_ids)):
            if ids:
                where |= Q(**{f"{field}__any": ids})
        return (
            OrganisationUnit.objects.filter(where, pk__gte=first_id)
            .order_by("pk")
            .values_list("name", flat=True)
        )

    statement = StatementPerShape(names, plain=1)
    units = sorted(OrganisationUnit.objects.values_list("pk", flat=True))
    ale, kalix = (Municipality.objects.get(slug=slug).pk for slug in ("ale", "kalix"))
    seen = 0
    for first in (units[0], units[len(units) // 2]):
        for unit_ids in ((), tuple(units[:1]), tuple(units[-3:])):
            for municipality_ids in ((), (kalix,), (ale, kalix)):
                expected = list(names(first, unit_ids, municipality_ids))
                rows = statement.fetch(first, unit_ids, municipality_ids)
                assert rows == expected, (first, unit_ids, municipality_ids)
                seen += len(rows)
    assert seen
    with django_assert_num_queries(0):
        assert statement.fetch(units[0], (), ()) == []
    postgresql = connection.vendor == "postgresql"
    assert len(statement._statements) == 3
    assert all(bool(s.compiled()) == postgresql for s in statement._statements.values())


def _prepared(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_on_postgresql_a_statement_is_prepared_once_per_connection_and_counted(
    demo, django_assert_num_queries
):
    """PostgreSQL parses a compiled statement once per connection and, after five runs, keeps
    a generic plan instead of planning every request; the statement still passes Django's
    cursor wrapper (query logging, the tests' counts)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    person = User.objects.get(username="ale-sakerhetschef")
    before = _prepared(connection)
    with django_assert_num_queries(1):
        first = unread_count(person)
    prepared = _prepared(connection) - before
    assert [sql for sql in prepared if '"responsibilities_notification"' in sql], prepared
    assert all("$1" in sql for sql in prepared)  # bound on the server
    for _ in range(7):  # past PostgreSQL's five custom plans: the same answer
        with django_assert_num_queries(1):
            assert unread_count(person) == first
    assert _prepared(connection) - before == prepared  # prepared once, reused
    with CaptureQueriesContext(connection) as logged:  # logged with its values in place
        unread_count(person)
    assert (
        f'"responsibilities_notification"."recipient_id" = {person.pk} AND '
        in logged.captured_queries[0]["sql"]
    ), logged.captured_queries
    # The ORM's own queries are bound on the client and never prepared.
    list(Notification.objects.filter(recipient=person, read_at=None).values_list("pk"))
    assert _prepared(connection) - before == prepared


def test_without_prepared_statements_a_statement_reads_the_same_unprepared(demo):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    person = User.objects.get(username="ale-sakerhetschef")
    expected = unread_count(person)
    options = connection.settings_dict["OPTIONS"]
    threshold = options.pop("prepare_threshold", None)
    try:
        before = _prepared(connection)
        notify(person, Notification.Kind.YEARLY_DATE, "test:unprepared", "2026", "Hej")
        assert unread_count(person) == expected + 1
        assert _prepared(connection) == before
    finally:
        if threshold is not None:
            options["prepare_threshold"] = threshold
