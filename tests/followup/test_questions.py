"""Questions come from the programme and change while the cycle is open: an answered question
keeps its answer type, area and existence (its answers keep the wording they answered); a
closed cycle's questions no longer change. One form per application area."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from followup.models import Action, Cycle, Question, QuestionsFrozen
from followup.models.cycles import questions_version
from programmes.models import ProgrammeVersion
from responsibilities.audit import AuditEvent
from tests.followup.conftest import demo_report, user

pytestmark = pytest.mark.django_db
GENERAL = "allmanna"


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


def area_questions(cycle, area):
    return list(cycle.questions.filter(area=area).order_by("position"))


def test_an_areas_questions_are_added_reworded_reordered_and_removed_in_one_go(new_cycle):
    chief = user("ale-sakerhetschef")
    area = new_cycle.application_areas()[1]
    first, second, third, *rest = area_questions(new_cycle, area)
    first.text = "Ny formulering"
    added = Question(cycle=new_cycle, area=area, text="Antal övningar", answer_type="number")
    new_cycle.save_questions(
        by=chief, area=area, questions=[second, first, added, *rest], removed=[third]
    )
    after = area_questions(new_cycle, area)
    assert [q.text for q in after[:3]] == [second.text, "Ny formulering", "Antal övningar"]
    assert len(after) == 5 and third.pk not in {q.pk for q in after}
    # The areas stay in the programme's order, the general questions last, numbered 1…n.
    positions = list(new_cycle.questions.order_by("position").values_list("position", "area"))
    assert [p for p, _a in positions] == list(range(1, 32))
    assert positions[-1][1] is None and positions[5][1] == area.pk
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.QUESTION_CHANGED).exists()


def test_answered_questions_are_reworded_but_keep_their_type_area_and_existence(demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    question = cycle.questions.filter(answers__isnull=False).order_by("position").first()
    answered_text = question.text
    question.text = "Beskriv vad som har genomförts"
    question.save(by=user("ale-sakerhetschef"))
    assert question.answers.first().question_text == answered_text
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUESTION_CHANGED)
    assert event.actor.username == "ale-sakerhetschef" and event.detail["change"] == "changed"

    question.answer_type = Question.AnswerType.NUMBER
    with pytest.raises(QuestionsFrozen, match="har redan besvarat frågan"):
        question.save()
    question.refresh_from_db()
    with pytest.raises(QuestionsFrozen, match="kan inte tas bort"):
        question.delete()
    question.area = None
    with pytest.raises(QuestionsFrozen):
        question.save()
    question.refresh_from_db()
    assert question.answer_type != Question.AnswerType.NUMBER and question.area is not None

    # Unanswered questions (here a new one) change freely while the cycle is open.
    added = Question.objects.create(cycle=cycle, text="Ny fråga")
    added.answer_type = Question.AnswerType.DATE
    added.save()
    added.delete()
    assert cycle.questions.count() == 31


def test_saving_an_area_logs_what_changed_once_the_cycle_is_open(demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    area = cycle.application_areas()[0]
    questions = area_questions(cycle, area)
    questions[1].text = "Vad har ni genomfört under året?"
    added = Question(cycle=cycle, area=area, text="Antal övningar", answer_type="number")
    cycle.save_questions(by=user("ale-sakerhetschef"), area=area, questions=[*questions, added])
    logged = AuditEvent.objects.filter(action=AuditEvent.Action.QUESTION_CHANGED)
    assert sorted((e.detail["change"], e.detail["question"]) for e in logged) == [
        ("added", "Antal övningar"),
        ("changed", "Vad har ni genomfört under året?"),
    ]
    assert {e.actor.username for e in logged} == {"ale-sakerhetschef"}


def test_the_database_keeps_an_answered_questions_type_and_area(demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    question = cycle.questions.filter(answers__isnull=False).first()
    with pytest.raises(IntegrityError, match="question_answered"), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(answer_type="date")
    with pytest.raises(IntegrityError, match="question_answered"), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(area=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=question.pk).delete()
    Question.objects.filter(pk=question.pk).update(text="Omformulerad i databasen")
    unanswered = Question.objects.create(cycle=cycle, text="Ny fråga")
    Question.objects.filter(pk=unanswered.pk).update(answer_type="date", area=question.area)


def test_a_closed_cycles_questions_no_longer_change(demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2025)
    question = cycle.questions.filter(answers__isnull=True).first() or cycle.questions.first()
    for change in (
        question.save,
        question.delete,
        lambda: Question.objects.create(cycle=cycle, text="Ny"),
        lambda: cycle.save_questions(by=None, area=question.area, questions=[question]),
    ):
        with pytest.raises(QuestionsFrozen, match="Uppföljningen är stängd"):
            change()
    assert cycle.questions.count() == 31


def manage_url(cycle):
    return reverse("followup:cycle_manage", kwargs={"municipality": "ale", "pk": cycle.pk})


def questions_url(cycle):
    """Where pages shown before each area had its own page posted an area's form."""
    return reverse("followup:cycle_questions", kwargs={"municipality": "ale", "pk": cycle.pk})


def area_url(cycle, area):
    key = str(area.pk) if area is not None else GENERAL
    return reverse(
        "followup:cycle_area", kwargs={"municipality": "ale", "pk": cycle.pk, "area": key}
    )


def area_post(cycle, area, rows=None, extra=None, **changes):
    """What the browser posts for an area's form as it is shown, with `changes` (field
    name → value per row index, e.g. {"0-text": "…"}) and `extra` new rows."""
    key = str(area.pk) if area is not None else GENERAL
    prefix = f"omrade-{key}"
    questions = rows if rows is not None else area_questions(cycle, area)
    answered = set(cycle.questions.filter(answers__isnull=False).values_list("pk", flat=True))
    data = {"area": key}
    if rows is None:  # the version of the questions the page showed
        data["version"] = questions_version(questions)
    for index, question in enumerate(questions):
        data[f"{prefix}-{index}-id"] = str(question.pk)
        data[f"{prefix}-{index}-text"] = question.text
        data[f"{prefix}-{index}-help_text"] = question.help_text
        if question.pk not in answered:  # an answered question's type is not in the form
            data[f"{prefix}-{index}-answer_type"] = question.answer_type
        if question.required:
            data[f"{prefix}-{index}-required"] = "on"
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
    total = len(questions)
    for row in extra or []:
        data.update({f"{prefix}-{total}-{name}": value for name, value in row.items()})
        total += 1
    data.update({f"{prefix}-{name}": value for name, value in changes.items()})
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": str(len(questions)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "50",
        }
    )
    return data


def test_the_security_chief_edits_an_areas_questions_in_one_form(client, new_cycle):
    client.force_login(user("ale-sakerhetschef"))
    area = new_cycle.application_areas()[0]
    page = client.get(area_url(new_cycle, area)).content.decode()
    assert f"<h1>{area.text}</h1>" in page and "Område 1 av 6" in page
    assert f'name="omrade-{area.pk}-TOTAL_FORMS"' in page
    assert "omrade-allmanna" not in page  # one area's form on its page
    before = area_questions(new_cycle, area)
    data = area_post(
        new_cycle,
        area,
        extra=[{"text": "Hur många övningar har genomförts?", "answer_type": "number"}],
        **{"0-text": "Måluppfyllelse under året", "1-ORDER": "9", "2-DELETE": "on"},
    )
    response = client.post(area_url(new_cycle, area), data)
    assert response.status_code == 302
    assert response["Location"] == area_url(new_cycle, area)  # the same area again
    after = area_questions(new_cycle, area)
    assert [q.text for q in after] == [
        "Måluppfyllelse under året",
        before[3].text,
        before[4].text,
        before[1].text,
        "Hur många övningar har genomförts?",
    ]
    assert after[-1].answer_type == "number" and after[-1].area == area
    page = client.get(response["Location"]).content.decode()
    assert f"Frågorna för ”{area.text}” har sparats." in page


def test_an_invalid_area_form_saves_nothing_and_says_why_beside_the_field(client, new_cycle):
    client.force_login(user("ale-sakerhetschef"))
    area = new_cycle.application_areas()[0]
    before = list(new_cycle.questions.order_by("position").values_list("pk", "text", "position"))
    response = client.post(
        area_url(new_cycle, area),
        area_post(new_cycle, area, **{"0-text": "Ändrad", "1-text": ""}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Frågorna sparades inte" in page
    assert f'href="#id_omrade-{area.pk}-1-text"' in page
    assert "Fråga 2, Formulering: Detta fält måste fyllas i." in page
    assert "Ändrad</textarea>" in page
    after = list(new_cycle.questions.order_by("position").values_list("pk", "text", "position"))
    assert after == before


def test_the_page_refuses_what_an_answered_question_must_keep(client, demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    client.force_login(user("ale-sakerhetschef"))
    question = cycle.questions.filter(answers__isnull=False).order_by("position").first()
    area = question.area
    index = [q.pk for q in area_questions(cycle, area)].index(question.pk)
    page = client.get(area_url(cycle, area)).content.decode()
    assert "Besvarad av 2 rapporter: de behåller formuleringen de svarade på." in page
    before = list(cycle.questions.order_by("position").values_list("pk", "text", "answer_type"))
    refusals = [
        ({f"{index}-answer_type": "date"}, "Svarstyp: Rapporter har redan besvarat frågan (2)"),
        ({f"{index}-DELETE": "on"}, "kan inte tas bort: rapporter har besvarat den (2)"),
    ]
    for change, message in refusals:
        response = client.post(
            area_url(cycle, area), area_post(cycle, area, **{f"{index}-text": "Nytt"}, **change)
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    after = list(cycle.questions.order_by("position").values_list("pk", "text", "answer_type"))
    assert after == before


def test_a_closed_cycles_page_shows_the_questions_read_only(client, demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2025)
    client.force_login(user("ale-sakerhetschef"))
    page = client.get(manage_url(cycle)).content.decode()
    assert "Uppföljningen är stängd: dess frågor kan inte längre ändras." in page
    assert "Spara frågorna" not in page
    question = cycle.questions.order_by("position").first()
    response = client.post(
        questions_url(cycle), area_post(cycle, question.area, **{"0-text": "Ändrad"}), follow=True
    )
    assert "Uppföljningen är stängd" in response.content.decode()
    question.refresh_from_db()
    assert question.text != "Ändrad"


def test_the_manage_page_lists_the_areas_with_their_counts_not_their_forms(client, demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    client.force_login(user("ale-sakerhetschef"))
    page = client.get(manage_url(cycle)).content.decode()
    assert "TOTAL_FORMS" not in page and "<textarea" not in page
    areas = page[
        page.index('id="question-areas"') : page.index("</ul>", page.index('id="question-areas"'))
    ]
    entries = [
        (href, name, " ".join(re.sub(r"<[^>]+>", "", counts).split()))
        for href, name, counts in re.findall(
            r'<a href="([^"]+)">([^<]+)</a>\s*<span class="meta">(.*?)</span>', areas, re.S
        )
    ]
    crisis = cycle.application_areas().get(text="Krisberedskap")
    assert len(entries) == 6
    assert entries[2] == (
        area_url(cycle, crisis),
        "Krisberedskap",
        "5 frågor, 5 besvarade av rapporter, 5 kan inte tas bort",
    )
    assert entries[-1][:2] == (area_url(cycle, None), "Övergripande frågor")
    # Every entry leads to its area's form.
    for href, name, _counts in entries:
        assert f"<h1>{name}</h1>" in client.get(href).content.decode()


def test_a_save_from_a_page_shown_before_someone_elses_is_refused_and_kept(client, demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    area = cycle.application_areas().get(text="Krisberedskap")
    client.force_login(user("ale-sakerhetschef"))
    shown = area_post(cycle, area, **{"1-text": "Min formulering"})  # the page as shown
    # Meanwhile someone else rewords another question of the area (another tab, a colleague).
    theirs = area_questions(cycle, area)
    theirs[2].text = "Kollegans formulering"
    cycle.save_questions(by=user("ale-sakerhetschef"), area=area, questions=theirs)
    before = list(cycle.questions.order_by("position").values_list("pk", "text"))
    events = AuditEvent.objects.count()
    response = client.post(area_url(cycle, area), shown)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Någon annan har sparat frågorna för det här området efter att du öppnade sidan." in page
    assert "Min formulering</textarea>" in page  # what was typed is kept
    now = page[page.index("Frågorna för området som de är nu") :]
    assert "Kollegans formulering" in now[: now.index("</details>")]
    assert list(cycle.questions.order_by("position").values_list("pk", "text")) == before
    assert AuditEvent.objects.count() == events  # nothing logged: nothing changed
    # Saving again from the refused page (it carries the version it showed) is deliberate.
    version = re.search(r'name="version" value="([0-9a-f]+)"', page)[1]
    again = area_post(cycle, area, **{"1-text": "Min formulering"})
    assert again["version"] == version
    assert client.post(area_url(cycle, area), again).status_code == 302
    assert area_questions(cycle, area)[1].text == "Min formulering"


def test_the_area_page_of_an_unknown_area_or_a_closed_cycle(client, demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    kalix = Cycle.objects.get(version__programme__municipality__slug="kalix")
    client.force_login(user("ale-sakerhetschef"))
    for key in ("999999", "x", "omrade-1"):
        url = reverse(
            "followup:cycle_area", kwargs={"municipality": "ale", "pk": cycle.pk, "area": key}
        )
        assert client.get(url).status_code == 404
    # Another municipality's cycle under Ale's address: not found either.
    url = reverse(
        "followup:cycle_area", kwargs={"municipality": "ale", "pk": kalix.pk, "area": GENERAL}
    )
    assert client.get(url).status_code == 404
    closed = Cycle.objects.get(version__programme__municipality__slug="ale", year=2025)
    response = client.get(area_url(closed, None), follow=True)
    assert response.redirect_chain[-1][0] == manage_url(closed)
    assert (
        "Uppföljningen är stängd: dess frågor kan inte längre ändras." in response.content.decode()
    )


def test_a_post_from_a_page_of_the_previous_version_is_saved_as_from_the_area_page(
    client, new_cycle
):
    client.force_login(user("ale-sakerhetschef"))
    area = new_cycle.application_areas()[0]
    data = area_post(new_cycle, area, **{"0-text": "Från en gammal sida"})
    del data["version"]  # those pages did not carry one
    response = client.post(questions_url(new_cycle), data)
    assert response.status_code == 302 and response["Location"] == area_url(new_cycle, area)
    assert area_questions(new_cycle, area)[0].text == "Från en gammal sida"


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
