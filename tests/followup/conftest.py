"""Fixtures for the follow-up: the demo's reports, and a municipality of any size."""

import datetime
from contextlib import contextmanager

import pytest

from followup.models import Answer, Attainment, Cycle, Question, Report
from programmes.models import Section
from responsibilities.capabilities import RoleKind
from responsibilities.models import User
from tests.factories import (
    AssignmentFactory,
    ItemFactory,
    MunicipalityFactory,
    RoleFactory,
    SectionFactory,
    UnitFactory,
    UserFactory,
    VersionFactory,
)


def user(username) -> User:
    return User.objects.get(username=username)


def demo_report(unit_name, year=2026) -> Report:
    return Report.objects.select_related("cycle", "unit").get(
        unit__name=unit_name, unit__municipality__slug="ale", cycle__year=year
    )


def answer_everything(report: Report, level=Attainment.MET) -> None:
    """Answer every question of the report (keeping answers it already has)."""
    answered = set(report.answers.values_list("question_id", flat=True))
    answers = []
    for question in report.cycle.questions.exclude(pk__in=answered):
        answer = Answer.to(question, report=report)
        T = Question.AnswerType
        if question.answer_type == T.SCALE:
            answer.attainment = level
        elif question.answer_type == T.YES_NO:
            answer.yes_no = True
        elif question.answer_type == T.NUMBER:
            answer.number = 1
        elif question.answer_type == T.DATE:
            answer.date = datetime.date(2026, 1, 1)
        else:
            answer.text = "Klart."
        answers.append(answer)
    Answer.objects.bulk_create(answers)


@pytest.fixture
def draft_report(demo) -> Report:
    """ale-sektorchef's 2026 draft (Sektor utbildning)."""
    return demo_report("Sektor utbildning")


@pytest.fixture
def submitted_report(demo) -> Report:
    """ale-sektorchef-2's 2026 report, submitted and waiting for review."""
    return demo_report("Sektor samhällsbyggnad")


AREAS = ["Krisberedskap", "Informationssäkerhet", "Brandskydd"]


def answer_reports(reports, levels) -> None:
    """Answer every question of the reports (all of one cycle, without answers yet) in one
    insert; the scale questions of the i-th report at levels[i % len(levels)]."""
    reports = list(reports)
    if not reports:
        return
    questions = list(reports[0].cycle.questions.all())
    answers = []
    T = Question.AnswerType
    for index, report in enumerate(reports):
        for question in questions:
            answer = Answer(report=report, question=question, question_text=question.text)
            if question.answer_type == T.SCALE:
                answer.attainment = levels[index % len(levels)]
            elif question.answer_type == T.YES_NO:
                answer.yes_no = True
            elif question.answer_type == T.TEXT:
                answer.text = "Klart."
            answers.append(answer)
    Answer.objects.bulk_create(answers)


def adopted_version(municipality, council, areas, programme=None):
    """A programme version with these application areas, adopted (superseding the last)."""
    version = VersionFactory(
        **({"programme": programme} if programme else {"programme__municipality": municipality})
    )
    section = SectionFactory(version=version, kind=Section.Kind.APPLICATION_AREAS)
    for text in areas:
        ItemFactory(section=section, text=text)
    version.adopt(by=None, adopting_body=council)
    return version


def open_cycle(version, year, by) -> Cycle:
    cycle = Cycle.create_for(
        version,
        year,
        by=by,
        opens_on=datetime.date(year, 1, 1),
        due_on=datetime.date(year, 2, 1),
    )
    cycle.open(by=by)
    return cycle


@pytest.fixture
def make_municipality(db):
    """make_municipality(units=N, years=Y, areas=A): a municipality with N sectors, an adopted
    programme with A application areas, an open 2026 cycle, a security chief and a sector
    chief of the first sector. Every other 2026 report submitted with answers, so dashboards
    have data. With Y > 1, the Y - 1 years before 2026 have cycles whose reports are all
    approved; the older half of them follow an earlier version of the programme."""

    def build(units=5, years=1, areas=3):
        municipality = MunicipalityFactory()
        council = UnitFactory(municipality=municipality, kind="council", name="KF")
        sectors = [UnitFactory(municipality=municipality) for _ in range(units)]
        texts = (AREAS + [f"Område {n}" for n in range(4, areas + 1)])[:areas]
        chief = UserFactory()
        AssignmentFactory(
            person=chief, role=RoleFactory(municipality=municipality, kind=RoleKind.SECURITY_CHIEF)
        )
        sector_chief = UserFactory()
        AssignmentFactory(
            person=sector_chief,
            role=RoleFactory(municipality=municipality, kind=RoleKind.SECTOR_CHIEF),
            unit=sectors[0],
        )
        earlier = list(range(2027 - years, 2026))
        older = earlier[: (len(earlier) + 1) // 2]
        version = None
        if older:
            version = adopted_version(municipality, council, texts)
            for year in older:
                approved_cycle(version, year, chief)
        version = adopted_version(
            municipality, council, texts, programme=version.programme if version else None
        )
        for year in earlier[len(older) :]:
            approved_cycle(version, year, chief)
        cycle = open_cycle(version, 2026, chief)
        reports = cycle.reports.select_related("cycle").exclude(unit=sectors[0]).order_by("pk")
        # The first sector's report stays a draft: the sector chief's form is measured on it.
        submitted = [report for index, report in enumerate(reports, 1) if index % 2]
        answer_reports(submitted, [Attainment.MET, Attainment.MET, Attainment.NOT_MET])
        Report.objects.filter(pk__in=[r.pk for r in submitted]).update(
            status=Report.Status.SUBMITTED
        )
        return {
            "municipality": municipality,
            "cycle": cycle,
            "chief": chief,
            "sector_chief": sector_chief,
            "report": cycle.reports.get(unit=sectors[0]),
        }

    return build


def approved_cycle(version, year, by) -> Cycle:
    """A year's cycle whose every report is answered and approved."""
    cycle = open_cycle(version, year, by)
    reports = cycle.reports.select_related("cycle").order_by("pk")
    answer_reports(reports, [Attainment.MET, Attainment.PARTLY_MET])
    reports.update(status=Report.Status.APPROVED)
    return cycle


@contextmanager
def reopened(report_id):
    """Set up evidence on a report that has left its unit: the database freezes its content,
    so open it for the setup and put its state back afterwards."""
    saved = Report.objects.filter(pk=report_id).values("status", "committee_date").get()
    Report.objects.filter(pk=report_id).update(status=Report.Status.RETURNED, committee_date=None)
    try:
        yield
    finally:
        Report.objects.filter(pk=report_id).update(**saved)
