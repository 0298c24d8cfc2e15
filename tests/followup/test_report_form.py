"""The sector chief fills in the report part by part: drafts, validation, action plan,
submission, session expiry."""

import pytest
from django.urls import reverse

from followup.models import Action, Answer, Question, Report
from tests.followup.conftest import answer_everything, user

pytestmark = pytest.mark.django_db

ACTIONS, ATTACHMENTS, GENERAL = "handlingsplan", "bilagor", "allmant"


def edit_url(report):
    return reverse("followup:report_edit", kwargs={"municipality": "ale", "pk": report.pk})


def part_key(question) -> str:
    """The `del` value of the question's part: its area's, or the general questions'."""
    return GENERAL if question.area_id is None else f"omrade-{question.area_id}"


def area_part(report, place: int) -> str:
    """The `del` value of the report's `place`th area part (1 the first, in question order)."""
    areas = report.cycle.questions.order_by("position").values_list("area_id", flat=True)
    return f"omrade-{list(dict.fromkeys(a for a in areas if a is not None))[place - 1]}"


def key_of(report, part):
    """A part given as its place among the areas (an int), as its key, or as None."""
    return area_part(report, part) if isinstance(part, int) else part


def part_questions(report, key) -> list[Question]:
    return [q for q in report.cycle.questions.order_by("position") if part_key(q) == key]


def form_data(report, part=None, **extra):
    """What the browser posts for one part of the report as it is saved, plus changes. `part`
    is a part's `del` value, an area's place (an int), or a question (for its part); None
    posts no part, as the overview's submit button does."""
    if isinstance(part, Question):
        part = part_key(part)
    part = key_of(report, part)
    data = {"revision": str(report.revision), "intent": "save"}
    if part is not None:
        data["del"] = part
    if part == ACTIONS:
        actions = list(report.actions.order_by("position", "pk"))
        for index, action in enumerate(actions):
            data[f"actions-{index}-id"] = str(action.pk)
            data[f"actions-{index}-what"] = action.what
            data[f"actions-{index}-status"] = action.status
            data[f"actions-{index}-due_on"] = action.due_on.isoformat() if action.due_on else ""
        data["actions-TOTAL_FORMS"] = data["actions-INITIAL_FORMS"] = str(len(actions))
        data["actions-MIN_NUM_FORMS"], data["actions-MAX_NUM_FORMS"] = "0", "1000"
    elif part not in (None, ATTACHMENTS):
        saved = {a.question_id: a for a in report.answers.select_related("question")}
        for question in part_questions(report, part):
            answer = saved.get(question.pk)
            radios = question.answer_type in ("scale", "yes_no")
            if answer is None or not answer.is_filled:
                if not radios:  # an empty field is posted; a radio group without a choice not
                    data[f"answers-q{question.pk}"] = ""
                continue
            value = answer.value
            if question.answer_type == "yes_no":
                value = "yes" if value else "no"
            data[f"answers-q{question.pk}"] = str(value)
    data.update(extra)
    return data


def first_open_text_question(report):
    answered = report.answers.values_list("question_id", flat=True)
    return report.cycle.questions.filter(answer_type="text").exclude(pk__in=answered).first()


def test_the_sector_chief_saves_a_draft(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = first_open_text_question(draft_report)
    key = part_key(question)
    response = client.post(
        edit_url(draft_report),
        form_data(draft_report, key, **{f"answers-q{question.pk}": "Övning genomförd i maj."}),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{edit_url(draft_report)}?del={key}#del-{key}"
    assert Answer.objects.get(report=draft_report, question=question).text == (
        "Övning genomförd i maj."
    )
    draft_report.refresh_from_db()
    assert draft_report.status == Report.Status.DRAFT and draft_report.revision == 1
    page = client.get(response["Location"]).content.decode()
    assert "Utkastet har sparats." in page
    assert "Övning genomförd i maj." in page


def test_invalid_answers_are_kept_and_nothing_is_saved(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = first_open_text_question(draft_report)
    scale = next(
        q for q in part_questions(draft_report, part_key(question)) if q.answer_type == "scale"
    )
    data = form_data(
        draft_report,
        question,
        **{f"answers-q{question.pk}": "Text som inte får försvinna", f"answers-q{scale.pk}": "x"},
    )
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Välj ett giltigt alternativ" in page
    assert "Text som inte får försvinna" in page
    assert f'name="del" value="{part_key(question)}"' in page  # the same part again
    assert not Answer.objects.filter(report=draft_report, question=question).exists()
    assert Report.objects.get(pk=draft_report.pk).revision == 0


def test_an_invalid_action_is_kept_and_nothing_is_saved(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    data = form_data(
        draft_report,
        ACTIONS,
        **{
            "actions-TOTAL_FORMS": "3",
            "actions-0-what": "Ändrad text som inte får försvinna",
            "actions-2-what": "Ny åtgärd",
            "actions-2-starts_on": "2026-12-01",
            "actions-2-due_on": "2026-01-01",
            "actions-2-status": "not_started",
        },
    )
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Slutdatum kan inte vara före startdatum." in page
    assert "Ändrad text som inte får försvinna" in page and "Ny åtgärd" in page
    assert draft_report.actions.count() == 2
    assert not draft_report.actions.filter(what__startswith="Ändrad").exists()


def test_action_rows_are_added_and_removed(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    role = draft_report.unit.municipality.roles.get(kind="security_officer")
    data = form_data(
        draft_report,
        ACTIONS,
        intent="add_action",
        **{
            "actions-TOTAL_FORMS": "3",
            "actions-0-DELETE": "on",
            "actions-2-what": "Uppdatera kontinuitetsplanen",
            "actions-2-responsible_role": str(role.pk),
            "actions-2-due_on": "2027-06-30",
            "actions-2-status": "not_started",
        },
    )
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft_report) + "?del=handlingsplan&rader=1#actions"
    assert sorted(draft_report.actions.values_list("what", flat=True)) == [
        "Uppdatera kontinuitetsplanen",
        "Utbilda rektorer i krisledning",
    ]
    page = client.get(response["Location"]).content.decode()
    assert 'name="actions-TOTAL_FORMS" value="4"' in page  # two saved rows and two empty ones


def test_submitting_an_incomplete_report_from_the_overview_lists_what_is_missing(
    client, draft_report
):
    client.force_login(user("ale-sektorchef"))
    response = client.post(edit_url(draft_report), form_data(draft_report, intent="submit"))
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft_report) + "?inskickning=1"
    assert Report.objects.get(pk=draft_report.pk).status == Report.Status.DRAFT
    page = client.get(response["Location"]).content.decode()
    start = page.index('id="form-errors"')
    summary = page[start : page.index("</div>", start)]
    assert "Rapporten har inte skickats in" in summary
    assert "Komplettera det här innan du skickar in:" in summary
    assert summary.count('<li><a href="?del=') == 6  # the six required questions missing
    assert "Utkastet har sparats." not in page  # no part was posted
    assert "6 obligatoriska frågor måste besvaras" in page


@pytest.mark.parametrize("part", [None, ATTACHMENTS])
def test_a_complete_report_is_submitted_and_leaves_the_form(client, draft_report, part):
    answer_everything(draft_report)
    client.force_login(user("ale-sektorchef"))
    response = client.post(edit_url(draft_report), form_data(draft_report, part, intent="submit"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "followup:report", kwargs={"municipality": "ale", "pk": draft_report.pk}
    )
    assert Report.objects.get(pk=draft_report.pk).status == Report.Status.SUBMITTED
    again = client.get(edit_url(draft_report))
    assert again.status_code == 302  # submitted: no longer editable


def test_an_edit_based_on_an_old_revision_is_refused_and_kept(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = first_open_text_question(draft_report)
    Report.objects.filter(pk=draft_report.pk).update(revision=5)
    response = client.post(
        edit_url(draft_report),
        form_data(
            draft_report, question, revision="0", **{f"answers-q{question.pk}": "Min version"}
        ),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Min version" in page and "Någon annan har sparat rapporten" in page
    assert not Answer.objects.filter(report=draft_report, question=question).exists()


def test_input_survives_an_expired_session(client, draft_report):
    question = first_open_text_question(draft_report)
    key = part_key(question)
    data = form_data(draft_report, key, **{f"answers-q{question.pk}": "Skrivet före utloggning"})
    url = f"{edit_url(draft_report)}?del={key}"
    response = client.post(url, data)  # the session has ended
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Answer.objects.filter(report=draft_report, question=question).exists()
    login = client.post(
        response["Location"], {"username": "ale-sektorchef", "password": "demo", "next": url}
    )
    assert login["Location"] == url
    page = client.get(url).content.decode()
    assert "Skrivet före utloggning" in page
    assert "inte sparat" in page
    assert f'name="del" value="{key}"' in page  # in its own part
    # Shown once; saving it is the person's choice.
    assert "Skrivet före utloggning" not in client.get(url).content.decode()


def test_someone_else_logging_in_does_not_get_the_input(client, draft_report):
    question = first_open_text_question(draft_report)
    data = form_data(draft_report, question, **{f"answers-q{question.pk}": "Hemligt utkast"})
    response = client.post(edit_url(draft_report), data)
    client.post(response["Location"], {"username": "ale-sektorchef-2", "password": "demo"})
    assert client.get(edit_url(draft_report)).status_code == 404


def test_carried_actions_are_shown_in_the_action_plan(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    page = client.get(edit_url(draft_report), {"del": ACTIONS}).content.decode()
    assert "Ta fram rutin för hot och våld i skolmiljö" in page
    assert "överförd" in page
    assert Action.objects.filter(report=draft_report, carried_from__isnull=False).count() == 2


@pytest.mark.parametrize("posted", [None, "partly_met", "bogus"])
def test_radio_groups_are_written_as_djangos_widget_would(demo, posted):
    from django.template import Context, Template

    from followup.forms import ReportAnswersForm

    question = Question.objects.filter(answer_type=Question.AnswerType.SCALE).first()
    data = None if posted is None else {f"answers-q{question.pk}": posted}
    form = ReportAnswersForm(data, questions=[question], answers=[], prefix="answers")
    form.is_valid()
    field = form[f"q{question.pk}"]
    html = Template("{% load report_form %}{% question_field question field %}").render(
        Context({"field": field, "question": question})
    )
    expected = "".join(
        f'<div class="choice">{choice.tag()} <label for="{choice.id_for_label}">'
        f"{choice.choice_label}</label></div>"
        for choice in field
    )
    assert f'<div class="choices">{expected}</div>' in html
    assert ("checked" in html) == (posted == "partly_met")
    assert ('aria-invalid="true"' in html) == (posted == "bogus")
