"""Follow-up reminders: who is told what and when, once per threshold, with a frozen clock."""

import datetime
from collections import defaultdict

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup import reminders
from followup.models import Action, Cycle, Report
from followup.reminders import Notice as FollowupNotice
from responsibilities.models import OrganisationUnit, Role, User
from responsibilities.notifications import Notification
from tests.factories import AssignmentFactory, UnitFactory

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()
K = FollowupNotice


def at(date):
    return time_machine.travel(datetime.datetime.combine(date, datetime.time(6), tzinfo=TZ))


@pytest.fixture
def cycle(demo):
    return Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)


def notes(kind, username=None):
    found = Notification.objects.filter(kind=kind)
    if username:
        found = found.filter(recipient__username=username)
    return sorted(found.values_list("recipient__username", "period"))


def test_units_are_reminded_at_each_threshold_once(cycle):
    due = cycle.due_on
    with at(due - datetime.timedelta(days=31)):
        reminders.scan_reports()
    assert notes(K.REPORT_DUE) == []
    for days in (30, 29, 7, 7, 1):
        with at(due - datetime.timedelta(days=days)):
            reminders.scan_reports()
    chief = notes(K.REPORT_DUE, "ale-sektorchef")
    assert chief == [
        ("ale-sektorchef", "due-1d"),
        ("ale-sektorchef", "due-30d"),
        ("ale-sektorchef", "due-7d"),
    ]
    # Sektor samhällsbyggnad has submitted: nothing for its chief.
    assert notes(K.REPORT_DUE, "ale-sektorchef-2") == []


def test_overdue_the_day_after_then_weekly_then_escalated(cycle):
    committee = OrganisationUnit.objects.get(name="Utbildningsnämnden")
    chair = AssignmentFactory(
        role=Role.objects.get(municipality=committee.municipality, kind="committee"),
        unit=committee,
    ).person
    due = cycle.due_on
    for days in (1, 2, 8, 13):
        with at(due + datetime.timedelta(days=days)):
            reminders.scan_reports()
    assert [p for _, p in notes(K.REPORT_OVERDUE, "ale-sektorchef")] == ["overdue-w0", "overdue-w1"]
    assert notes(K.REPORT_ESCALATED) == []
    for days in (14, 15):
        with at(due + datetime.timedelta(days=days)):
            reminders.scan_reports()
    escalated = {user for user, _ in notes(K.REPORT_ESCALATED)}
    assert {"ale-sakerhetschef", chair.username} <= escalated
    assert "ale-sektorchef" not in escalated
    chair_notes = Notification.objects.filter(kind=K.REPORT_ESCALATED, recipient=chair)
    assert [n.text for n in chair_notes] == [
        "Sektor utbildning har inte skickat in sin uppföljningsrapport, som skulle vara inne "
        f"{cycle.due_on.isoformat()} (14 dagar försenad)."
    ]


def test_the_escalation_threshold_is_set_per_cycle(cycle):
    Cycle.objects.filter(pk=cycle.pk).update(escalate_after_days=3, reminder_days="10")
    with at(cycle.due_on - datetime.timedelta(days=10)):
        reminders.scan_reports()
    with at(cycle.due_on + datetime.timedelta(days=3)):
        reminders.scan_reports()
    assert notes(K.REPORT_DUE, "ale-sektorchef") == [("ale-sektorchef", "due-10d")]
    assert ("ale-sakerhetschef", "escalated") in notes(K.REPORT_ESCALATED)


def test_a_report_is_escalated_only_once_it_is_overdue(cycle):
    Cycle.objects.filter(pk=cycle.pk).update(escalate_after_days=0)
    with at(cycle.due_on):
        reminders.scan_reports()
    assert notes(K.REPORT_ESCALATED) == []
    with at(cycle.due_on + datetime.timedelta(days=1)):
        reminders.scan_reports()
    assert ("ale-sakerhetschef", "escalated") in notes(K.REPORT_ESCALATED)


def test_people_no_longer_active_are_not_told(cycle):
    gone = ["ale-sektorchef", "ale-sakerhetschef"]
    User.objects.filter(username__in=gone).update(is_active=False)
    with at(cycle.due_on + datetime.timedelta(days=20)):
        for scan in SCANS:
            scan()
    assert Notification.objects.filter(kind=K.REPORT_OVERDUE).exists()
    assert not Notification.objects.filter(recipient__username__in=gone).exists()


def test_the_scan_has_a_constant_number_of_queries(cycle):
    def count():
        with at(cycle.due_on + datetime.timedelta(days=20)), CaptureQueriesContext(connection) as q:
            reminders.scan_reports()
        return len(q)

    few = count()
    for index in range(40):
        unit = UnitFactory(municipality=cycle.municipality, name=f"Sektor extra {index}")
        Report.objects.create(cycle=cycle, unit=unit)
    assert count() == few


def test_submission_tells_the_reviewers_and_return_tells_the_unit(
    cycle, django_capture_on_commit_callbacks
):
    report = Report.objects.get(cycle=cycle, unit__name="Sektor samhällsbyggnad")
    assert reminders.report_submitted(report.pk) >= 1
    assert reminders.report_submitted(report.pk) == 1  # a second run adds nothing new
    assert notes(K.REPORT_SUBMITTED) == [("ale-sakerhetschef", notes(K.REPORT_SUBMITTED)[0][1])]
    chief = User.objects.get(username="ale-sakerhetschef")
    with django_capture_on_commit_callbacks(execute=True):
        report.return_(by=chief, comment="Komplettera risker.")
    returned = Notification.objects.filter(kind=K.REPORT_RETURNED)
    # Everyone who reports for the unit: its chief and its security officer.
    assert {n.recipient.username for n in returned} == {"ale-sektorchef-2", "ale-handlaggare-sam"}
    assert all("Komplettera risker." in n.text for n in returned)


def test_opening_a_cycle_tells_every_reporting_unit(cycle, django_capture_on_commit_callbacks):
    chief = User.objects.get(username="ale-sakerhetschef")
    new = Cycle.create_for(
        cycle.version,
        2027,
        by=chief,
        opens_on=datetime.date(2027, 11, 1),
        due_on=datetime.date(2028, 1, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        new.open(by=chief)
    told = {user for user, _ in notes(K.CYCLE_OPENED)}
    assert {"ale-sektorchef", "ale-sektorchef-2", "ale-bolags-vd"} <= told
    assert "ale-medarbetare" not in told and "kalix-sektorchef" not in told


def test_actions_are_reminded_before_due_and_flagged_when_overdue(cycle):
    report = Report.objects.get(cycle=cycle, unit__name="Sektor utbildning")
    today = timezone.localdate()
    soon = Action.objects.create(
        report=report, what="Öva utrymning", due_on=today + datetime.timedelta(days=5)
    )
    late = Action.objects.create(
        report=report, what="Ny rutin", due_on=today - datetime.timedelta(days=2)
    )
    Action.objects.create(report=report, what="Klar", due_on=today, status=Action.Status.DONE)
    reminders.scan_actions()
    reminders.scan_actions()
    mine = Notification.objects.filter(recipient__username="ale-sektorchef")
    assert mine.filter(kind=K.ACTION_DUE, subject=f"action:{soon.pk}").count() == 1
    assert mine.filter(kind=K.ACTION_OVERDUE, subject=f"action:{late.pk}").count() == 1
    assert not mine.filter(
        subject__in=[f"action:{a.pk}" for a in Action.objects.filter(what="Klar")]
    ).exists()
    # An action carried over to this year's report is reminded once, by its latest copy.
    originals = Action.objects.filter(carried_to__report=report)
    assert originals.exists()
    assert not Notification.objects.filter(
        subject__in=[f"action:{a.pk}" for a in originals]
    ).exists()


def test_the_calendar_feed_holds_the_report_and_revision_deadlines(client, cycle):
    from responsibilities.calendar import deadlines_for

    sven = [d.title for d in deadlines_for(User.objects.get(username="ale-sektorchef"))]
    assert "Uppföljningsrapport ska lämnas in: Sektor utbildning" in sven
    sara = [d.title for d in deadlines_for(User.objects.get(username="ale-sakerhetschef"))]
    assert any(t.startswith("Revision senast: Program för trygghet") for t in sara)
    assert not any("Sektor utbildning" in t for t in sara)


def statements(function, *args):
    with CaptureQueriesContext(connection) as queries:
        function(*args)
    return [q["sql"].split()[0].upper() for q in queries]


SCANS = (reminders.announce_open_cycles, reminders.scan_reports, reminders.scan_actions)


def test_a_second_scan_of_the_same_day_writes_nothing(cycle):
    with at(cycle.due_on + datetime.timedelta(days=20)):
        for scan in SCANS:
            before = set(Notification.objects.values_list("pk", flat=True))
            told = scan()
            written = set(Notification.objects.values_list("pk", flat=True)) - before
            assert told == len(written) > 0
            # The same day again: every notice is there already, nothing is inserted.
            assert scan() == 0
            assert set(Notification.objects.values_list("pk", flat=True)) == before | written
    assert notes(K.CYCLE_OPENED) and notes(K.REPORT_OVERDUE) and notes(K.ACTION_OVERDUE)
    assert notes(K.REPORT_ESCALATED)


def more_units_with_people(cycle, count):
    """`count` more reporting units in the cycle, each with a sector chief, and each with an
    overdue action: every scan has more rows to write."""
    role = Role.objects.get(municipality=cycle.municipality, kind="sector_chief")
    for index in range(count):
        unit = UnitFactory(
            municipality=cycle.municipality,
            parent=cycle.municipality.units.get(kind="executive_board"),
        )
        AssignmentFactory(role=role, unit=unit, person__username=f"extra-chief-{index}")
        report = Report.objects.create(cycle=cycle, unit=unit)
        Action.objects.create(report=report, what=f"Åtgärd {index}", due_on=cycle.due_on)


# notify_each: two statements on PostgreSQL (SET LOCAL jit = off, then the INSERT) and on
# SQLite (the digests, then the notices).
SCAN_QUERIES = [3, 8, 3]


def queries_and_told(day):
    """Each scan's queries and notifications written on the day, from no notifications."""
    Notification.objects.all().delete()
    counts, told = [], []
    with at(day):
        for scan in SCANS:
            with CaptureQueriesContext(connection) as queries:
                told.append(scan())
            counts.append(len(queries))
    return counts, told


def daily_queries(day):
    Notification.objects.all().delete()
    with at(day), CaptureQueriesContext(connection) as queries:
        reminders.run_daily()
    return len(queries)


def test_each_scan_makes_the_same_queries_for_one_unit_and_many(cycle):
    """At most four queries for the reports (the cycles, the units' reminders, escalation to
    the chief and to the committee), one for the actions and one for the cycles opened, and in
    each the reporting permission's id, however many units, reports, actions and people there
    are. (Each notice's INSERT is two statements: on PostgreSQL a SET that turns JIT off before
    it, on SQLite the digests it goes to, then the notices.)"""
    day = cycle.due_on + datetime.timedelta(days=20)
    few, told_few = queries_and_told(day)
    assert few == SCAN_QUERIES
    more_units_with_people(cycle, 30)
    many, told_many = queries_and_told(day)
    assert many == few
    # The extra units are told: 30 more opened, overdue (plus the chief's escalation) and
    # action notices.
    assert [m - f for m, f in zip(told_many, told_few, strict=True)] == [30, 60, 30]


def test_each_scan_makes_the_same_queries_for_one_cycle_and_many(cycle):
    """Cycles at different stages (one escalated, one a week overdue) are decided in Python
    and written in the same queries."""
    day = cycle.due_on + datetime.timedelta(days=20)
    few, told_few = queries_and_told(day)
    daily_few = daily_queries(day)
    chief = User.objects.get(username="ale-sakerhetschef")
    later = Cycle.create_for(
        cycle.version,
        2027,
        by=chief,
        opens_on=cycle.opens_on,
        due_on=cycle.due_on + datetime.timedelta(days=10),
    )
    later.open(by=chief)
    many, told_many = queries_and_told(day)
    assert many == few == SCAN_QUERIES
    # The daily job runs the three scans: cycles opened are no longer announced one by one.
    assert daily_queries(day) == daily_few == sum(few)
    assert told_many[0] > told_few[0] and told_many[1] > told_few[1]
    overdue = Notification.objects.filter(kind=K.REPORT_OVERDUE)
    subjects = {f"report:{pk}" for pk in later.reports.values_list("pk", flat=True)}
    assert {n.period for n in overdue if n.subject in subjects} == {"overdue-w1"}
    assert {n.period for n in overdue if n.subject not in subjects} == {"overdue-w2"}
    assert not Notification.objects.filter(kind=K.REPORT_ESCALATED, subject__in=subjects)


def test_a_notice_written_by_the_database_is_the_one_python_writes(cycle):
    """notify_about_reports() (SQL) and _row() (Python, for single events) give the same
    subject, message and link for a report."""
    report = Report.objects.filter(cycle=cycle).select_related("unit").first()
    row = reminders.report_rows(Report.objects.filter(pk=report.pk))[0]
    person = User.objects.get(username="ale-sakerhetschef")
    text = reminders.OVERDUE_TEXT
    reminders.notify_about_reports(
        Report.objects.filter(pk=report.pk),
        person.pk,
        kind=K.REPORT_OVERDUE,
        period="sql",
        text=text,
        year=F("cycle__year"),
    )
    written = Notification.objects.get(period="sql")
    expected = reminders._row(person.pk, K.REPORT_OVERDUE, row, "sql", text, year=row["year"])
    assert written.recipient_id == person.pk and written.kind == K.REPORT_OVERDUE
    assert written.subject == expected["subject"] and written.url == expected["url"]
    assert written.message == {"text": text, "params": expected["params"]}
    assert (
        written.text == f"Uppföljningsrapporten för {report.unit.name} skulle ha varit inne "
        f"{cycle.due_on.isoformat()}."
    )


def test_the_scans_tell_the_people_unit_people_names(cycle):
    """The set-based join (to_reporters) and unit_people() read one rule: the same people
    for every report."""
    reports, recipient = reminders.to_reporters(Report.objects.filter(cycle=cycle))
    joined = defaultdict(set)
    for unit_id, person_id in reports.values_list("unit_id", recipient):
        joined[unit_id].add(person_id)
    unit_ids = set(Report.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
    people = {u: set(p) for u, p in reminders.unit_people(unit_ids).items()}
    assert joined == people and len(people) > 3
    # The scans compare the grant's permission with its id (the planner's estimate comes from
    # the column's statistics), not through a join on the codename.
    assert "auth_permission" not in str(reports.query)


def _jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def test_on_postgresql_the_scans_write_without_jit_compilation(cycle):
    """The scans' INSERT … SELECT reads every candidate of the installation: on a large one
    its estimated cost passes `jit_above_cost`, and compiling it would cost more than it
    saves (bench/NOTES.md). notify_each() turns JIT off before it, for its transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT compilation is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
    with at(cycle.due_on + datetime.timedelta(days=20)), CaptureQueriesContext(connection) as q:
        told = reminders.scan_reports() + reminders.scan_actions()
    assert told
    sql = [query["sql"] for query in q.captured_queries]
    writes = [i for i, text in enumerate(sql) if text.startswith(("INSERT", "WITH"))]
    assert len(writes) >= 2
    for i in writes:
        assert sql[i - 1] == "SET LOCAL jit = off", sql[i - 1]
    assert _jit() == "off"  # still, in the transaction the rows were written in


def test_open_cycles_are_announced_in_a_constant_number_of_queries(cycle):
    def count():
        Notification.objects.filter(kind=K.CYCLE_OPENED).delete()
        return len(statements(reminders.announce_open_cycles))

    few = count()
    chief = User.objects.get(username="ale-sakerhetschef")
    later = Cycle.create_for(
        cycle.version, 2027, by=chief, opens_on=cycle.opens_on, due_on=cycle.due_on
    )
    later.open(by=chief)
    assert count() == few <= 5


def test_report_links_are_the_ones_reverse_gives(cycle):
    from django.urls import reverse

    report = Report.objects.filter(cycle=cycle).first()
    for name in ("followup:report_edit", "followup:report"):
        expected = reverse(name, kwargs={"municipality": "ale", "pk": report.pk})
        assert reminders.report_url("ale", report.pk, name) == expected
