"""A report moves draft → submitted → returned/approved → reported, and only that way."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from followup.models import Cycle, InvalidTransition, Report, ReportEvent
from programmes.models import ProgrammeVersion
from tests.factories import VersionFactory
from tests.followup.conftest import answer_everything, demo_report, user

pytestmark = pytest.mark.django_db
S = Report.Status


def test_it_refuses_to_submit_an_incomplete_report(draft_report):
    assert len(draft_report.missing_answers()) == 6
    with pytest.raises(ValidationError, match="6"):
        draft_report.submit(by=user("ale-sektorchef"))
    draft_report.refresh_from_db()
    assert draft_report.status == S.DRAFT
    assert not draft_report.events.exists()


def test_the_whole_chain_records_who_and_when(draft_report):
    chief, sector_chief = user("ale-sakerhetschef"), user("ale-sektorchef")
    answer_everything(draft_report)
    draft_report.submit(by=sector_chief)
    draft_report.return_(by=chief, comment="Komplettera krisberedskap.")
    assert draft_report.is_editable
    draft_report.submit(by=sector_chief)
    draft_report.approve(by=chief)
    draft_report.record_committee(by=chief, date=datetime.date(2026, 11, 10), paragraph="§ 88")
    draft_report.refresh_from_db()
    assert draft_report.status == S.REPORTED
    assert (draft_report.committee_date, draft_report.committee_paragraph) == (
        datetime.date(2026, 11, 10),
        "88",
    )
    steps = list(
        ReportEvent.objects.filter(report=draft_report).values_list(
            "from_status", "to_status", "by__username"
        )
    )
    assert steps == [
        (S.DRAFT, S.SUBMITTED, "ale-sektorchef"),
        (S.SUBMITTED, S.RETURNED, "ale-sakerhetschef"),
        (S.RETURNED, S.SUBMITTED, "ale-sektorchef"),
        (S.SUBMITTED, S.APPROVED, "ale-sakerhetschef"),
        (S.APPROVED, S.REPORTED, "ale-sakerhetschef"),
    ]
    assert draft_report.events.get(to_status=S.RETURNED).comment == "Komplettera krisberedskap."


@pytest.mark.parametrize(
    ("step", "kwargs"),
    [
        ("approve", {}),
        ("return_", {"comment": "x"}),
        ("record_committee", {"date": datetime.date(2026, 11, 1)}),
    ],
)
def test_a_draft_cannot_skip_submission(draft_report, step, kwargs):
    with pytest.raises(InvalidTransition):
        getattr(draft_report, step)(by=user("ale-sakerhetschef"), **kwargs)
    draft_report.refresh_from_db()
    assert draft_report.status == S.DRAFT


def test_illegal_steps_after_submission(submitted_report):
    chief = user("ale-sakerhetschef")
    with pytest.raises(InvalidTransition):
        submitted_report.submit(by=user("ale-sektorchef-2"))
    with pytest.raises(InvalidTransition):
        submitted_report.record_committee(by=chief, date=datetime.date(2026, 11, 1))
    with pytest.raises(ValidationError):
        submitted_report.return_(by=chief, comment="   ")
    submitted_report.approve(by=chief)
    with pytest.raises(InvalidTransition):
        submitted_report.approve(by=chief)
    with pytest.raises(InvalidTransition):
        submitted_report.return_(by=chief, comment="För sent")
    assert Report.objects.get(pk=submitted_report.pk).status == S.APPROVED


def test_a_stale_copy_cannot_move_a_report_twice(submitted_report):
    chief = user("ale-sakerhetschef")
    stale = Report.objects.get(pk=submitted_report.pk)
    submitted_report.approve(by=chief)
    with pytest.raises(InvalidTransition):
        stale.return_(by=chief, comment="Dubbelt")
    assert Report.objects.get(pk=submitted_report.pk).status == S.APPROVED


def test_a_closed_cycle_takes_no_submissions_but_approvals(demo):
    chief = user("ale-sakerhetschef")
    returned = demo_report("Sektor arbetsliv och stöd", 2025)
    assert returned.status == S.RETURNED and not returned.is_editable
    with pytest.raises(InvalidTransition):
        returned.submit(by=chief)
    # The 2026 cycle closes with a report still waiting: the review can still approve it.
    Cycle.objects.get(pk=demo_report("Sektor samhällsbyggnad").cycle_id).close(by=chief)
    waiting = demo_report("Sektor samhällsbyggnad")
    assert waiting.cycle.status == Cycle.Status.CLOSED and waiting.status == S.SUBMITTED
    waiting.approve(by=chief)
    assert Report.objects.get(pk=waiting.pk).status == S.APPROVED


def test_cycle_states(demo):
    chief = user("ale-sakerhetschef")
    current = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    with pytest.raises(InvalidTransition):
        current.open(by=chief)
    current.close(by=chief)
    with pytest.raises(InvalidTransition):
        current.close(by=chief)
    current.record_board_report(
        by=chief,
        date=datetime.date(2026, 3, 1),
        paragraph="12",
        without=current.units_without_approved_report(),
    )
    current.refresh_from_db()
    assert (current.status, current.board_paragraph, current.board_recorded_by) == (
        Cycle.Status.CLOSED,
        "12",
        chief,
    )


def test_only_an_adopted_version_gets_a_cycle(demo):
    draft = VersionFactory(status=ProgrammeVersion.Status.DRAFT)
    with pytest.raises(ValidationError):
        Cycle.create_for(
            draft,
            2026,
            by=None,
            opens_on=datetime.date(2026, 1, 1),
            due_on=datetime.date(2026, 2, 1),
        )


def test_named_constraints(demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    report = cycle.reports.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(cycle=cycle, unit=report.unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(
            version=cycle.version, year=2026, opens_on=cycle.opens_on, due_on=cycle.due_on
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(
            version=cycle.version,
            year=2030,
            opens_on=datetime.date(2030, 2, 1),
            due_on=datetime.date(2030, 1, 1),
        )
