"""Demo follow-up: Ale's closed 2025 cycle and open 2026 cycle, Kalix's open 2026 cycle.

Idempotent: a cycle that exists (same version and year) is left as it is, so work done in the
browser survives a second run. Built through the same model methods the pages use.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from followup.models import Action, Answer, Attainment, Cycle, Question, Report, ReportEvent
from programmes.models import ProgrammeVersion
from responsibilities.capabilities import RoleKind
from responsibilities.models import Municipality, Role, User


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _adopted(municipality: Municipality) -> ProgrammeVersion | None:
    return (
        ProgrammeVersion.objects.filter(
            programme__municipality=municipality, status=ProgrammeVersion.Status.ADOPTED
        )
        .order_by("programme__slug")
        .first()
    )


def _fill(report: Report, levels: list[str], *, complete=True, note="") -> None:
    """Answers for the report's questions: `levels` per application area in order."""
    questions = list(report.cycle.questions.select_related("area").order_by("position"))
    areas = list(dict.fromkeys(q.area_id for q in questions if q.area_id))
    answers = []
    for question in questions:
        index = areas.index(question.area_id) if question.area_id else None
        if not complete and index is not None and index >= 2:
            continue  # a draft half done: the first two areas answered
        answer = Answer.to(question, report=report)
        T = Question.AnswerType
        if question.answer_type == T.SCALE:
            answer.attainment = levels[index % len(levels)] if index is not None else levels[0]
        elif question.answer_type == T.YES_NO:
            # Sektor samhällsbyggnad has no säkerhetsombud: the demo's staffing gap.
            gap = "säkerhetsombud" in question.text and report.unit.name == "Sektor samhällsbyggnad"
            answer.yes_no = not gap
        elif question.answer_type == T.TEXT:
            if not question.required and not complete:
                continue
            area = f"inom området {question.area.text}" if question.area else "i verksamheten"
            answer.text = f"{note}Arbetet {area} har följt årets plan."
        else:
            continue
        answers.append(answer)
    Answer.objects.bulk_create(answers)


def _actions(report: Report, roles: dict, rows) -> None:
    Action.objects.bulk_create(
        Action(
            report=report,
            what=what,
            responsible_role=roles.get(role),
            starts_on=start,
            due_on=due,
            status=status,
            position=position,
        )
        for position, (what, role, start, due, status) in enumerate(rows)
    )


def _ale(municipality: Municipality) -> None:
    version = _adopted(municipality)
    if version is None or Cycle.objects.filter(version=version).exists():
        return
    chief = User.objects.get(username="ale-sakerhetschef")
    roles = {role.kind: role for role in Role.objects.filter(municipality=municipality)}
    people = {
        "Sektor utbildning": User.objects.get(username="ale-sektorchef"),
        "Sektor samhällsbyggnad": User.objects.get(username="ale-sektorchef-2"),
    }

    # 2025: closed; most approved, one returned, one never submitted.
    last = Cycle.create_for(
        version,
        2025,
        by=chief,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2026, 1, 31),
    )
    last.open(by=chief)
    plan = {
        "Sektor kommunstyrelsen": (Report.Status.REPORTED, [Attainment.MET, Attainment.PARTLY_MET]),
        "Sektor utbildning": (
            Report.Status.REPORTED,
            [Attainment.PARTLY_MET, Attainment.MET, Attainment.NOT_MET],
        ),
        "Sektor arbetsliv och stöd": (
            Report.Status.RETURNED,
            [Attainment.NOT_ASSESSED, Attainment.PARTLY_MET],
        ),
        "Sektor samhällsbyggnad": (
            Report.Status.APPROVED,
            [Attainment.MET, Attainment.NOT_MET, Attainment.PARTLY_MET],
        ),
        "Ale bostadsbolag AB": (Report.Status.APPROVED, [Attainment.MET]),
        "Ale energibolag AB": (Report.Status.DRAFT, []),
    }
    for report in last.reports.select_related("unit", "cycle"):
        status, levels = plan.get(report.unit.name, (Report.Status.DRAFT, []))
        if status == Report.Status.DRAFT:
            continue
        _fill(report, levels)
        if report.unit.name == "Sektor utbildning":
            _actions(
                report,
                roles,
                [
                    (
                        "Genomföra utrymningsövning på samtliga skolor",
                        RoleKind.MANAGER,
                        datetime.date(2025, 2, 1),
                        datetime.date(2025, 10, 31),
                        Action.Status.DONE,
                    ),
                    (
                        "Ta fram rutin för hot och våld i skolmiljö",
                        RoleKind.SECURITY_OFFICER,
                        datetime.date(2025, 3, 1),
                        datetime.date(2026, 6, 30),
                        Action.Status.STARTED,
                    ),
                    (
                        "Utbilda rektorer i krisledning",
                        RoleKind.SECTOR_CHIEF,
                        None,
                        datetime.date(2026, 12, 31),
                        Action.Status.NOT_STARTED,
                    ),
                ],
            )
        by = people.get(report.unit.name)
        report.submit(by=by)
        if status == Report.Status.RETURNED:
            report.return_(
                by=chief,
                comment="Måluppfyllelsen för krisberedskap är inte bedömd. "
                "Komplettera med en bedömning och beskriv genomförda övningar.",
            )
            continue
        report.approve(by=chief)
        if status == Report.Status.REPORTED:
            report.record_committee(by=chief, date=datetime.date(2026, 3, 12), paragraph="24")
    last.close(by=chief)
    # Two units had no approved report when the board was told: listed on purpose.
    last.record_board_report(
        by=chief,
        date=datetime.date(2026, 4, 22),
        paragraph="58",
        without=last.units_without_approved_report(),
    )
    # The history as it happened in early 2026, not at load time.
    Cycle.objects.filter(pk=last.pk).update(
        opened_at=_at(datetime.date(2025, 11, 1)),
        closed_at=_at(datetime.date(2026, 2, 15)),
        board_recorded_at=_at(datetime.date(2026, 4, 23)),
    )
    for to_status, day in (
        (Report.Status.SUBMITTED, datetime.date(2026, 1, 28)),
        (Report.Status.RETURNED, datetime.date(2026, 2, 5)),
        (Report.Status.APPROVED, datetime.date(2026, 2, 10)),
        (Report.Status.REPORTED, datetime.date(2026, 3, 13)),
    ):
        ReportEvent.objects.filter(report__cycle=last, to_status=to_status).update(at=_at(day))
    Report.objects.filter(cycle=last, submitted_at__isnull=False).update(
        submitted_at=_at(datetime.date(2026, 1, 28))
    )
    Report.objects.filter(cycle=last, approved_at__isnull=False).update(
        approved_at=_at(datetime.date(2026, 2, 10))
    )

    # 2026: open; Sektor utbildning's draft half done (with last year's unfinished actions
    # carried over), Sektor samhällsbyggnad submitted and waiting for review.
    current = Cycle.create_for(
        version,
        2026,
        by=chief,
        opens_on=datetime.date(2026, 11, 1),
        due_on=datetime.date(2027, 1, 31),
    )
    current.open(by=chief)
    Cycle.objects.filter(pk=current.pk).update(opened_at=_at(datetime.date(2026, 11, 1)))
    for report in current.reports.select_related("unit", "cycle"):
        if report.unit.name == "Sektor utbildning":
            _fill(report, [Attainment.PARTLY_MET, Attainment.MET], complete=False)
        elif report.unit.name == "Sektor samhällsbyggnad":
            _fill(
                report,
                [Attainment.MET, Attainment.PARTLY_MET, Attainment.PARTLY_MET, Attainment.MET],
            )
            report.submit(by=people["Sektor samhällsbyggnad"])
            ReportEvent.objects.filter(report=report).update(at=_at(datetime.date(2026, 11, 18)))
            Report.objects.filter(pk=report.pk).update(
                submitted_at=_at(datetime.date(2026, 11, 18))
            )


def _kalix(municipality: Municipality) -> None:
    version = _adopted(municipality)
    if version is None or Cycle.objects.filter(version=version).exists():
        return
    chief = User.objects.get(username="kalix-sakerhetschef")
    cycle = Cycle.create_for(
        version,
        2026,
        by=chief,
        opens_on=datetime.date(2026, 11, 1),
        due_on=datetime.date(2027, 1, 31),
    )
    cycle.open(by=chief)
    Cycle.objects.filter(pk=cycle.pk).update(opened_at=_at(datetime.date(2026, 11, 1)))


@transaction.atomic
def load(municipalities: dict[str, Municipality]) -> None:
    _ale(municipalities["ale"])
    _kalix(municipalities["kalix"])
