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


@pytest.fixture
def make_municipality(db):
    """make_municipality(units=N): a municipality with N sectors, an adopted programme with
    three application areas, an open cycle, a security chief and a sector chief of the first
    sector. Every other report submitted with answers, so dashboards have data."""

    def build(units=5):
        municipality = MunicipalityFactory()
        council = UnitFactory(municipality=municipality, kind="council", name="KF")
        sectors = [UnitFactory(municipality=municipality) for _ in range(units)]
        version = VersionFactory(programme__municipality=municipality)
        areas = SectionFactory(version=version, kind=Section.Kind.APPLICATION_AREAS)
        for text in ("Krisberedskap", "Informationssäkerhet", "Brandskydd"):
            ItemFactory(section=areas, text=text)
        version.adopt(by=None, adopting_body=council)
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
        cycle = Cycle.create_for(
            version,
            2026,
            by=chief,
            opens_on=datetime.date(2026, 1, 1),
            due_on=datetime.date(2026, 2, 1),
        )
        cycle.open(by=chief)
        reports = cycle.reports.select_related("cycle").exclude(unit=sectors[0]).order_by("pk")
        for index, report in enumerate(reports, 1):
            # The first sector's report stays a draft: the sector chief's form is measured on it.
            if index % 2:
                answer_everything(report, [Attainment.MET, Attainment.NOT_MET][index % 4 // 2])
                Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)
        return {
            "municipality": municipality,
            "cycle": cycle,
            "chief": chief,
            "sector_chief": sector_chief,
            "report": cycle.reports.get(unit=sectors[0]),
        }

    return build


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
