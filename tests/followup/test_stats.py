"""The figures behind the dashboard and the consolidated report (followup/stats.py): units ×
areas, and the trend over the years in shares; drafts never count, readers count only what
they may open, and each function takes a fixed number of queries."""

import datetime
from collections import Counter

import pytest
from django.template import Context, Template
from django.utils import translation

from followup import stats
from followup.models import Answer, Attainment, Cycle, Question, Report
from responsibilities.access import access_of
from responsibilities.capabilities import RoleKind
from tests.factories import (
    AssignmentFactory,
    MunicipalityFactory,
    RoleFactory,
    UnitFactory,
    UserFactory,
)
from tests.followup.conftest import adopted_version

pytestmark = pytest.mark.django_db

MET, PARTLY, NOT_MET, NOT_ASSESSED = (
    Attainment.MET,
    Attainment.PARTLY_MET,
    Attainment.NOT_MET,
    Attainment.NOT_ASSESSED,
)


def cycle_of(version, year, units, by, extra_scale_question_on=None) -> Cycle:
    cycle = Cycle.create_for(
        version,
        year,
        by=by,
        opens_on=datetime.date(year, 1, 1),
        due_on=datetime.date(year, 2, 1),
        units=units,
    )
    if extra_scale_question_on:
        area = cycle.application_areas().get(text=extra_scale_question_on)
        Question.objects.create(
            cycle=cycle, area=area, text="Är övningarna utvärderade?", answer_type="scale"
        )
    cycle.open(by=by)
    return cycle


def fill(cycle, unit, status, levels) -> Report:
    """The unit's report with its scale questions answered in order (None: left blank)."""
    report = cycle.reports.get(unit=unit)
    scale = cycle.questions.filter(answer_type=Question.AnswerType.SCALE).order_by("position")
    Answer.objects.bulk_create(
        Answer(report=report, question=question, question_text=question.text, attainment=level)
        for question, level in zip(scale, levels, strict=True)
        if level
    )
    Report.objects.filter(pk=report.pk).update(status=status)
    report.status = status
    return report


@pytest.fixture
def world(db):
    """Three years of one programme, with different numbers of reports each year.

    2024 (version 1: Krisberedskap, Brandskydd): five approved reports.
    2025: version 1 has a cycle too (one approved report, all "not assessed"), but version 2
    (Krisberedskap, Informationssäkerhet) replaced it that year: two approved reports.
    2026 (version 2, with a second scale question on Krisberedskap): one approved, one
    submitted, one draft with answers."""
    municipality = MunicipalityFactory()
    council = UnitFactory(municipality=municipality, kind="council", name="KF")
    units = [UnitFactory(municipality=municipality, name=f"Sektor {n}") for n in range(5)]
    chief = UserFactory()
    AssignmentFactory(
        person=chief, role=RoleFactory(municipality=municipality, kind=RoleKind.SECURITY_CHIEF)
    )
    reader = UserFactory()
    AssignmentFactory(
        person=reader, role=RoleFactory(municipality=municipality, kind=RoleKind.COUNCIL)
    )
    old = adopted_version(municipality, council, ["Krisberedskap", "Brandskydd"])
    c2024 = cycle_of(old, 2024, units, chief)
    # Scale questions in order: Krisberedskap, Brandskydd, the overall assessment.
    for unit in units[:3]:
        fill(c2024, unit, Report.Status.APPROVED, [MET, MET, MET])
    for unit in units[3:]:
        fill(c2024, unit, Report.Status.REPORTED, [NOT_MET, NOT_MET, NOT_MET])
    old_2025 = cycle_of(old, 2025, units[:1], chief)
    fill(old_2025, units[0], Report.Status.APPROVED, [NOT_ASSESSED] * 3)

    new = adopted_version(
        municipality, council, ["Krisberedskap", "Informationssäkerhet"], programme=old.programme
    )
    c2025 = cycle_of(new, 2025, units[:2], chief)
    fill(c2025, units[0], Report.Status.APPROVED, [MET, MET, MET])
    fill(c2025, units[1], Report.Status.APPROVED, [PARTLY, PARTLY, PARTLY])
    c2026 = cycle_of(new, 2026, units[:3], chief, extra_scale_question_on="Krisberedskap")
    # Krisberedskap, Informationssäkerhet, the overall assessment, Krisberedskap's second.
    approved = fill(c2026, units[0], Report.Status.APPROVED, [MET, MET, MET, PARTLY])
    submitted = fill(c2026, units[1], Report.Status.SUBMITTED, [NOT_MET, NOT_MET, MET, None])
    draft = fill(c2026, units[2], Report.Status.DRAFT, [NOT_MET, NOT_MET, NOT_MET, NOT_MET])
    return {
        "cycle": Cycle.objects.with_programme().get(pk=c2026.pk),
        "c2025": c2025,
        "reports": [approved, submitted, draft],
        "units": units,
        "chief": chief,
        "reader": reader,
    }


def rows_of(table):
    return [
        (
            row.year,
            row.current,
            row.reports,
            [(share.count, share.total, share.percent) for share in row.tally.shares],
        )
        for row in table.rows
    ]


def test_columns_are_the_areas_in_order_and_the_overall_question_last(world):
    columns = stats.area_columns(world["cycle"])
    assert [(c.label, c.questions) for c in columns] == [
        ("Krisberedskap", 2),
        ("Informationssäkerhet", 1),
        ("Samlad bedömning av trygghets- och säkerhetsarbetet", 1),
    ]
    assert columns[0].anchor == f"area-{columns[0].area_id}"
    assert columns[-1].anchor == "area-general"


def test_the_general_column_is_named_after_its_one_question_and_absent_without_one(world):
    # Next year's cycle (nothing answered yet) with a second general scale question.
    cycle = cycle_of(world["cycle"].version, 2027, world["units"][:1], world["chief"])
    Question.objects.create(
        cycle=cycle, text="Är krisledningen övad?", answer_type="scale", position=99
    )
    columns = stats.area_columns(cycle)
    assert (columns[-1].area_id, columns[-1].text, columns[-1].questions) == (None, "", 2)
    with translation.override("en"):
        assert columns[-1].label == "General questions"
    Question.objects.filter(cycle=cycle, area=None, answer_type="scale").update(answer_type="text")
    assert [c.label for c in stats.area_columns(cycle)] == ["Krisberedskap", "Informationssäkerhet"]


def test_an_area_without_a_scale_question_is_a_column_that_was_not_asked(world):
    # The next year's cycle, its Informationssäkerhet question made a text question before
    # anyone answered it (an answered question keeps its type).
    cycle = cycle_of(
        world["cycle"].version, 2027, world["units"][:1], world["chief"], "Krisberedskap"
    )
    area = cycle.application_areas().get(text="Informationssäkerhet")
    Question.objects.filter(cycle=cycle, area=area, answer_type="scale").update(answer_type="text")
    columns = stats.area_columns(cycle)
    assert [c.questions for c in columns] == [2, 0, 1]
    # Krisberedskap, the overall assessment, Krisberedskap's second.
    report = fill(cycle, world["units"][0], Report.Status.SUBMITTED, [MET, MET, PARTLY])
    matrix = stats.unit_area_matrix(columns, [report], {report.pk})
    with translation.override("sv"):
        assert [cell.summary for cell in matrix.rows[0].cells] == [
            "1 av 2 uppfyllda",
            "Efterfrågas inte",
            "Uppfyllt",
        ]


def test_the_matrix_counts_what_the_reader_may_open_and_never_a_draft(
    world, django_assert_num_queries
):
    approved, submitted, draft = world["reports"]
    columns = stats.area_columns(world["cycle"])
    # Even a draft the reader could open (their own) does not count.
    with django_assert_num_queries(1):
        matrix = stats.unit_area_matrix(columns, world["reports"], {r.pk for r in world["reports"]})
    assert [row.cells is None for row in matrix.rows] == [False, False, True]
    assert matrix.counted == 2
    with translation.override("sv"):
        first, second = ([cell.summary for cell in row.cells] for row in matrix.rows[:2])
        assert first == ["1 av 2 uppfyllda", "Uppfyllt", "Uppfyllt"]
        assert matrix.rows[0].cells[0].details == ["Delvis uppfyllt: 1"]
        assert second == ["0 av 2 uppfyllda", "Ej uppfyllt", "Uppfyllt"]
        assert matrix.rows[1].cells[0].details == ["Ej uppfyllt: 1", "Ej besvarad: 1"]
    # Totals per area over the counted rows: Krisberedskap has three answers of four asked.
    kris = matrix.totals[0]
    assert (kris.counts, kris.total) == (Counter({MET: 1, PARTLY: 1, NOT_MET: 1}), 3)
    assert [(s.count, s.percent) for s in kris.shares] == [(1, 33), (1, 33), (1, 33), (0, 0)]
    assert [s.percent for s in matrix.totals[1].shares] == [50, 0, 50, 0]


def test_the_matrix_reads_its_answers_as_the_orm_reads_them(world):
    from django.db import connection

    # One SQL for any number of reports on PostgreSQL (the ids one array); elsewhere the ORM.
    assert bool(stats.SCALE_ANSWER_COUNTS.compiled()) == (connection.vendor == "postgresql")
    ids = [report.pk for report in world["reports"]]
    for chosen in (ids[:1], ids[:2], ids, [-1, *ids]):
        read = stats.SCALE_ANSWER_COUNTS.fetch(tuple(chosen))
        assert sorted(read, key=str) == sorted(stats.scale_answer_counts(chosen), key=str)
        assert read


def test_a_reader_counts_only_the_approved_reports(world):
    cycle = world["cycle"]
    readable = set(
        Report.objects.visible_to(world["reader"]).filter(cycle=cycle).values_list("pk", flat=True)
    )
    assert readable == {world["reports"][0].pk}
    matrix = stats.unit_area_matrix(stats.area_columns(cycle), world["reports"], readable)
    assert [row.cells is not None for row in matrix.rows] == [True, False, False]
    assert [tally.total for tally in matrix.totals] == [2, 1, 1]
    assert [s.percent for s in matrix.totals[2].shares] == [100, 0, 0, 0]


def test_the_trend_compares_years_with_different_report_counts_in_shares(
    world, django_assert_num_queries
):
    cycle = world["cycle"]
    columns = stats.area_columns(cycle)
    with django_assert_num_queries(2):
        trend = stats.attainment_trend(cycle, Report.objects.all(), columns)
    with translation.override("sv"):
        labels = [table.label for table in trend]
    assert labels == [
        "Samtliga bedömningar",
        "Krisberedskap",
        "Informationssäkerhet",
        "Brandskydd",  # an area of the earlier version only
        "Samlad bedömning av trygghets- och säkerhetsarbetet",
    ]
    # 2024: five reports, 15 answers; 2025: version 2's two reports (not version 1's "not
    # assessed" one), 6 answers; 2026: the approved report only (not the submitted, not the
    # draft).
    assert rows_of(trend[0]) == [
        (2024, False, 5, [(9, 15, 60), (0, 15, 0), (6, 15, 40), (0, 15, 0)]),
        (2025, False, 2, [(3, 6, 50), (3, 6, 50), (0, 6, 0), (0, 6, 0)]),
        (2026, True, 1, [(3, 4, 75), (1, 4, 25), (0, 4, 0), (0, 4, 0)]),
    ]
    kris, info, fire, general = trend[1:]
    assert rows_of(kris)[2] == (2026, True, 1, [(1, 2, 50), (1, 2, 50), (0, 2, 0), (0, 2, 0)])
    assert [row.tally.total for row in info.rows] == [0, 2, 1]
    assert [row.tally.total for row in fire.rows] == [5, 0, 0]
    assert [row.tally.total for row in general.rows] == [5, 2, 1]
    assert [row.reports for row in general.rows] == [5, 2, 1]


def test_the_trend_of_a_scope_counts_only_its_reports(world):
    """A committee's report: the units under it, in every year."""
    cycle = world["cycle"]
    scope = Report.objects.filter(unit__in=world["units"][3:])
    trend = stats.attainment_trend(cycle, scope, stats.area_columns(cycle))
    assert [(row.year, row.reports, row.tally.total) for row in trend[0].rows] == [
        (2024, 2, 6),
        (2026, 0, 0),  # this year is always shown, even without a report
    ]


@pytest.mark.parametrize("person", ["chief", "reader", "sector chief", "outsider"])
def test_the_trend_read_by_a_persons_access_is_that_of_their_visible_reports(world, person):
    """The dashboard's trend (statements, the rule of `visible_to()` applied in Python) is
    the one of the reports the person may read, for every kind of reader."""
    if person == "sector chief":
        user = UserFactory()
        AssignmentFactory(
            person=user,
            unit=world["units"][1],
            role=RoleFactory(
                municipality=world["units"][1].municipality, kind=RoleKind.SECTOR_CHIEF
            ),
        )
    elif person == "outsider":
        user = UserFactory()
    else:
        user = world[person]
    # Counted per status for those who read by status alone, per report for a unit's chief.
    assert Report.reads_by_status(access_of(user)) == (person != "sector chief")
    for cycle in (world["cycle"], Cycle.objects.with_programme().get(pk=world["c2025"].pk)):
        columns = stats.area_columns(cycle)
        expected = stats.attainment_trend(cycle, Report.objects.visible_to(user), columns)
        actual = stats.attainment_trend(cycle, None, columns, access_of(user))
        assert [(t.label, rows_of(t)) for t in actual] == [(t.label, rows_of(t)) for t in expected]


def test_the_trend_reads_past_answers_once_and_again_when_a_report_is_approved(
    world, django_assert_num_queries
):
    """For a reader of every approved report (the security chief), the answers counted are
    kept in the shared cache under the number of approved reports of each cycle: the next
    view reads only the reports per cycle and status, and an approval shows at once."""
    cycle, chief = world["cycle"], world["chief"]
    columns = stats.area_columns(cycle)
    access = access_of(chief)
    assert Report.reads_all_approved(access, cycle.municipality.pk)
    first = stats.attainment_trend(cycle, None, columns, access)
    with django_assert_num_queries(1):  # the reports per cycle and status
        again = stats.attainment_trend(cycle, None, columns, access)
    assert [rows_of(t) for t in again] == [rows_of(t) for t in first]

    world["reports"][1].approve(by=chief)
    after = stats.attainment_trend(cycle, None, columns, access_of(chief))
    expected = stats.attainment_trend(cycle, Report.objects.visible_to(chief), columns)
    assert (
        [rows_of(t) for t in after] == [rows_of(t) for t in expected] != [rows_of(t) for t in first]
    )
    assert [(row.year, row.reports) for row in after[0].rows][-1] == (2026, 2)


def test_an_earlier_cycle_ends_its_trend_at_its_own_year(world):
    c2025 = Cycle.objects.with_programme().get(pk=world["c2025"].pk)
    trend = stats.attainment_trend(c2025, Report.objects.all(), stats.area_columns(c2025))
    assert [(row.year, row.current) for row in trend[0].rows] == [(2024, False), (2025, True)]


@pytest.mark.parametrize(
    ("count", "total", "percent"), [(3, 5, 60), (2, 3, 67), (1, 8, 13), (1, 3, 33), (0, 0, None)]
)
def test_shares_are_whole_percent_rounded_half_up(count, total, percent):
    assert stats.Share(Attainment.MET, count, total).percent == percent


@pytest.mark.parametrize(("language", "text"), [("sv", "60\u00a0%"), ("en", "60%")])
def test_a_percentage_is_written_as_the_language_writes_it(language, text):
    template = Template("{% load programmes %}{{ value|percent }}|{{ none|percent }}")
    with translation.override(language):
        assert template.render(Context({"value": 60, "none": None})) == f"{text}|–"


def test_last_years_statuses_are_those_of_its_newest_versions_cycle(
    world, django_assert_num_queries
):
    # 2025 had two cycles: version 1's (one approved report) and version 2's (two approved).
    with django_assert_num_queries(1):
        year, counts = stats.previous_status_counts(world["cycle"])
    assert (year, counts) == (2025, Counter({Report.Status.APPROVED: 2}))
    # 2025's year before has one cycle; the first year, 2024, has none before it.
    assert stats.previous_status_counts(Cycle.objects.get(pk=world["c2025"].pk)) == (
        2024,
        Counter({Report.Status.APPROVED: 3, Report.Status.REPORTED: 2}),
    )
    first = Cycle.objects.filter(year=2024).get()
    assert stats.previous_status_counts(first) == (None, Counter())
