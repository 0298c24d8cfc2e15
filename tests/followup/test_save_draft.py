"""Report.save_draft: one transaction under a row lock, refused for a report that is not open
or that someone saved meanwhile; a submitted report frozen in the database."""

import pytest
from django.db import IntegrityError, transaction

from followup.models import Action, Answer, InvalidTransition, Report, StaleRevision
from tests.followup.conftest import user

pytestmark = pytest.mark.django_db


def text_question(report):
    answered = report.answers.values_list("question_id", flat=True)
    return report.cycle.questions.filter(answer_type="text").exclude(pk__in=answered).first()


def test_it_saves_answers_and_actions_and_bumps_the_revision(draft_report):
    question = text_question(draft_report)
    before = draft_report.actions.count()
    draft_report.save_draft(
        by=user("ale-sektorchef"),
        based_on=draft_report.revision,
        answers=[(question, "Övning i maj.")],
        actions=[Action(what="Ny åtgärd")],
    )
    assert Answer.objects.get(report=draft_report, question=question).text == "Övning i maj."
    new = draft_report.actions.get(what="Ny åtgärd")
    assert new.position == before
    assert Report.objects.get(pk=draft_report.pk).revision == 1 == draft_report.revision


def test_it_refuses_an_edit_based_on_an_older_revision_and_saves_nothing(draft_report):
    Report.objects.filter(pk=draft_report.pk).update(revision=3)
    question = text_question(draft_report)
    with pytest.raises(StaleRevision):
        draft_report.save_draft(
            by=user("ale-sektorchef"), based_on=2, answers=[(question, "Min version")]
        )
    assert not Answer.objects.filter(report=draft_report, question=question).exists()
    assert Report.objects.get(pk=draft_report.pk).revision == 3


def test_it_refuses_a_report_that_is_no_longer_open(submitted_report):
    question = submitted_report.cycle.questions.filter(answer_type="text").first()
    with pytest.raises(InvalidTransition) as refused:
        submitted_report.save_draft(
            by=user("ale-sektorchef"),
            based_on=submitted_report.revision,
            answers=[(question, "Sent ändrat")],
        )
    assert not isinstance(refused.value, StaleRevision)
    assert Report.objects.get(pk=submitted_report.pk).revision == submitted_report.revision


def test_it_refuses_an_action_of_another_report(draft_report, submitted_report):
    foreign = submitted_report.actions.first() or Action(report=submitted_report, what="x")
    foreign.report_id = submitted_report.pk
    with pytest.raises(InvalidTransition):
        draft_report.save_draft(
            by=user("ale-sektorchef"), based_on=draft_report.revision, actions=[foreign]
        )
    assert Report.objects.get(pk=draft_report.pk).revision == draft_report.revision


def test_it_checks_the_state_under_the_lock(draft_report):
    # The object in hand is stale: the saved row was submitted meanwhile.
    Report.objects.filter(pk=draft_report.pk).update(status=Report.Status.SUBMITTED)
    assert draft_report.status == Report.Status.DRAFT
    with pytest.raises(InvalidTransition):
        draft_report.save_draft(by=user("ale-sektorchef"), based_on=draft_report.revision)


def frozen():
    return pytest.raises(IntegrityError, match="submitted_report_frozen")


def test_the_database_freezes_a_submitted_report(submitted_report):
    answer = submitted_report.answers.select_related("question").first()
    with frozen(), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(text="Ändrat i efterhand", attainment="")
    with frozen(), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).delete()
    with frozen(), transaction.atomic():
        Action.objects.create(report=submitted_report, what="Smugglad åtgärd")
    with frozen(), transaction.atomic():
        Report.objects.filter(pk=submitted_report.pk).update(revision=99)
    with frozen(), transaction.atomic():
        Report.objects.filter(pk=submitted_report.pk).delete()


def test_returning_the_report_opens_it_again(submitted_report):
    submitted_report.return_(by=user("ale-sakerhetschef"), comment="Komplettera.")
    Action.objects.create(report=submitted_report, what="Efter retur")
    assert submitted_report.actions.filter(what="Efter retur").exists()
