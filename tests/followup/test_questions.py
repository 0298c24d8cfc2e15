"""Questions come from the programme, can be edited before use, and freeze once answered."""

import datetime

import pytest
from django.urls import reverse

from followup.models import Action, Cycle, Question, QuestionsFrozen
from programmes.models import ProgrammeVersion
from tests.followup.conftest import demo_report, user

pytestmark = pytest.mark.django_db


def ale_version():
    return ProgrammeVersion.objects.get(
        programme__municipality__slug="ale", status=ProgrammeVersion.Status.ADOPTED
    )


@pytest.fixture
def new_cycle(demo):
    return Cycle.create_for(
        ale_version(),
        2027,
        by=user("ale-sakerhetschef"),
        opens_on=datetime.date(2027, 11, 1),
        due_on=datetime.date(2028, 1, 31),
    )


def test_default_questions_follow_the_programme(new_cycle, demo):
    questions = list(new_cycle.questions.select_related("area").order_by("position"))
    areas = [q.area.text for q in questions if q.area and q.answer_type == "scale"]
    assert areas[1] == "Skydd mot olyckor samt systematiskt brandskyddsarbete (SBA)"
    assert len(areas) == 5
    assert len(questions) == 5 * 5 + 6
    general = [q.text for q in questions if q.area is None]
    assert "Är tjänsten som säkerhetsombud bemannad?" in general
    assert "Behöver programmet revideras?" in general
    assert sorted(new_cycle.units.values_list("name", flat=True)) == [
        "Ale bostadsbolag AB",
        "Ale energibolag AB",
        "Sektor arbetsliv och stöd",
        "Sektor kommunstyrelsen",
        "Sektor samhällsbyggnad",
        "Sektor utbildning",
    ]
    kalix = Cycle.objects.get(version__programme__municipality__slug="kalix")
    assert kalix.questions.filter(area__isnull=False).count() == 0
    assert kalix.questions.count() == 6


def test_questions_can_be_added_reworded_reordered_and_removed_before_use(new_cycle):
    first, second = new_cycle.questions.order_by("position")[:2]
    first.move(+1)
    assert list(new_cycle.questions.order_by("position")[:2]) == [second, first]
    first.text = "Ny formulering"
    first.save()
    added = Question.objects.create(cycle=new_cycle, text="Antal övningar", answer_type="number")
    assert added.position == 32
    added.delete()
    assert new_cycle.questions.count() == 31


def test_questions_freeze_once_a_report_has_answers(demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    question = cycle.questions.first()
    for change in (
        question.save,
        question.delete,
        lambda: question.move(1),
        lambda: Question.objects.create(cycle=cycle, text="Ny"),
    ):
        with pytest.raises(QuestionsFrozen):
            change()
    assert cycle.questions.count() == 31


def test_the_pages_refuse_frozen_questions(client, demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    question = cycle.questions.order_by("position").first()
    client.force_login(user("ale-sakerhetschef"))
    kwargs = {"municipality": "ale", "pk": cycle.pk, "question": question.pk}
    response = client.post(
        reverse("followup:question_edit", kwargs=kwargs),
        {"text": "Ändrad", "answer_type": "text"},
        follow=True,
    )
    assert "kan inte längre ändras" in response.content.decode()
    client.post(reverse("followup:question_delete", kwargs=kwargs))
    question.refresh_from_db()
    assert question.text != "Ändrad"
    manage = client.get(
        reverse("followup:cycle_manage", kwargs={"municipality": "ale", "pk": cycle.pk})
    )
    assert "Lägg till fråga" not in manage.content.decode()


def test_the_security_chief_edits_questions_in_the_browser_forms(client, new_cycle):
    client.force_login(user("ale-sakerhetschef"))
    kwargs = {"municipality": "ale", "pk": new_cycle.pk}
    response = client.post(
        reverse("followup:question_add", kwargs=kwargs),
        {"text": "Hur många övningar har genomförts?", "answer_type": "number", "required": "on"},
    )
    assert response.status_code == 302
    added = new_cycle.questions.get(text="Hur många övningar har genomförts?")
    assert added.required and added.area is None
    client.post(
        reverse("followup:question_move", kwargs={**kwargs, "question": added.pk}),
        {"direction": "up"},
    )
    added.refresh_from_db()
    assert added.position == 31
    bad = client.post(reverse("followup:question_add", kwargs=kwargs), {"text": ""})
    assert bad.status_code == 400
    assert "Detta fält måste fyllas i." in bad.content.decode()


def test_unfinished_actions_carry_over_to_next_year(draft_report):
    carried = list(draft_report.actions.select_related("carried_from__report__cycle"))
    assert [a.what for a in carried] == [
        "Ta fram rutin för hot och våld i skolmiljö",
        "Utbilda rektorer i krisledning",
    ]
    assert all(a.carried_from.report.cycle.year == 2025 for a in carried)
    assert [a.status for a in carried] == [Action.Status.STARTED, Action.Status.NOT_STARTED]


def test_carry_over_takes_the_latest_earlier_report_only(draft_report, new_cycle):
    draft_report.actions.filter(what__startswith="Utbilda").update(status=Action.Status.DONE)
    Action.objects.create(report=draft_report, what="Nytt 2026", status=Action.Status.DELAYED)
    new_cycle.open(by=user("ale-sakerhetschef"))
    next_year = demo_report("Sektor utbildning", 2027)
    assert sorted(next_year.actions.values_list("what", flat=True)) == [
        "Nytt 2026",
        "Ta fram rutin för hot och våld i skolmiljö",
    ]
    assert demo_report("Sektor samhällsbyggnad", 2027).actions.count() == 0
