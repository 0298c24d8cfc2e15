"""The sector chief fills in the report: drafts, validation, action plan, session expiry."""

import pytest
from django.urls import reverse

from followup.models import Action, Answer, Report
from tests.followup.conftest import answer_everything, user

pytestmark = pytest.mark.django_db


def edit_url(report):
    return reverse("followup:report_edit", kwargs={"municipality": "ale", "pk": report.pk})


def form_data(report, **extra):
    """What the browser posts for the report as it is saved, plus changes."""
    data = {
        "revision": str(report.revision),
        "intent": "save",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
    }
    actions = list(report.actions.order_by("position", "pk"))
    for index, action in enumerate(actions):
        data[f"actions-{index}-id"] = str(action.pk)
        data[f"actions-{index}-what"] = action.what
        data[f"actions-{index}-status"] = action.status
        data[f"actions-{index}-due_on"] = action.due_on.isoformat() if action.due_on else ""
    data["actions-TOTAL_FORMS"] = data["actions-INITIAL_FORMS"] = str(len(actions))
    for answer in report.answers.select_related("question"):
        value = answer.value
        if answer.question.answer_type == "yes_no":
            value = "yes" if value else "no"
        data[f"answers-q{answer.question_id}"] = str(value)
    data.update(extra)
    return data


def first_open_text_question(report):
    answered = report.answers.values_list("question_id", flat=True)
    return report.cycle.questions.filter(answer_type="text").exclude(pk__in=answered).first()


def test_the_sector_chief_saves_a_draft(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = first_open_text_question(draft_report)
    response = client.post(
        edit_url(draft_report),
        form_data(draft_report, **{f"answers-q{question.pk}": "Övning genomförd i maj."}),
    )
    assert response.status_code == 302
    assert Answer.objects.get(report=draft_report, question=question).text == (
        "Övning genomförd i maj."
    )
    draft_report.refresh_from_db()
    assert draft_report.status == Report.Status.DRAFT and draft_report.revision == 1
    page = client.get(edit_url(draft_report)).content.decode()
    assert "Utkastet har sparats." in page
    assert "Övning genomförd i maj." in page


def test_invalid_input_is_kept_and_nothing_is_saved(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = first_open_text_question(draft_report)
    data = form_data(
        draft_report,
        **{
            f"answers-q{question.pk}": "Text som inte får försvinna",
            "actions-TOTAL_FORMS": "3",
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
    assert "Text som inte får försvinna" in page and "Ny åtgärd" in page
    assert not Answer.objects.filter(report=draft_report, question=question).exists()
    assert draft_report.actions.count() == 2


def test_action_rows_are_added_and_removed(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    role = draft_report.unit.municipality.roles.get(kind="security_officer")
    data = form_data(
        draft_report,
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
    assert response["Location"].endswith("?rader=1#actions")
    assert sorted(draft_report.actions.values_list("what", flat=True)) == [
        "Uppdatera kontinuitetsplanen",
        "Utbilda rektorer i krisledning",
    ]
    page = client.get(response["Location"]).content.decode()
    assert 'name="actions-TOTAL_FORMS" value="4"' in page  # two saved rows and two empty ones


def test_submitting_an_incomplete_report_lists_what_is_missing(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    response = client.post(edit_url(draft_report), form_data(draft_report, intent="submit"))
    assert response.status_code == 302
    page = client.get(edit_url(draft_report)).content.decode()
    assert "(6 saknas)" in page
    assert "6 obligatoriska frågor måste besvaras" in page
    assert Report.objects.get(pk=draft_report.pk).status == Report.Status.DRAFT


def test_a_complete_report_is_submitted_and_leaves_the_form(client, draft_report):
    answer_everything(draft_report)
    client.force_login(user("ale-sektorchef"))
    response = client.post(edit_url(draft_report), form_data(draft_report, intent="submit"))
    assert response.status_code == 302
    assert Report.objects.get(pk=draft_report.pk).status == Report.Status.SUBMITTED
    again = client.get(edit_url(draft_report))
    assert again.status_code == 302  # submitted: no longer editable


def test_an_edit_based_on_an_old_revision_is_refused_and_kept(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = first_open_text_question(draft_report)
    Report.objects.filter(pk=draft_report.pk).update(revision=5)
    response = client.post(
        edit_url(draft_report),
        form_data(draft_report, revision="0", **{f"answers-q{question.pk}": "Min version"}),
    )
    assert response.status_code == 409
    assert "Min version" in response.content.decode()
    assert not Answer.objects.filter(report=draft_report, question=question).exists()


def test_input_survives_an_expired_session(client, draft_report):
    question = first_open_text_question(draft_report)
    data = form_data(draft_report, **{f"answers-q{question.pk}": "Skrivet före utloggning"})
    response = client.post(edit_url(draft_report), data)  # the session has ended
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Answer.objects.filter(report=draft_report, question=question).exists()
    login = client.post(
        response["Location"],
        {"username": "ale-sektorchef", "password": "demo", "next": edit_url(draft_report)},
    )
    assert login["Location"] == edit_url(draft_report)
    page = client.get(edit_url(draft_report)).content.decode()
    assert "Skrivet före utloggning" in page
    assert "inte sparat" in page
    # Shown once; saving it is the person's choice.
    assert "Skrivet före utloggning" not in client.get(edit_url(draft_report)).content.decode()


def test_someone_else_logging_in_does_not_get_the_input(client, draft_report):
    question = first_open_text_question(draft_report)
    data = form_data(draft_report, **{f"answers-q{question.pk}": "Hemligt utkast"})
    response = client.post(edit_url(draft_report), data)
    client.post(response["Location"], {"username": "ale-sektorchef-2", "password": "demo"})
    assert client.get(edit_url(draft_report)).status_code == 404


def test_carried_actions_are_shown_in_the_form(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    page = client.get(edit_url(draft_report)).content.decode()
    assert "Ta fram rutin för hot och våld i skolmiljö" in page
    assert "överförd" in page
    assert Action.objects.filter(report=draft_report, carried_from__isnull=False).count() == 2


@pytest.mark.parametrize("posted", [None, "partly_met", "bogus"])
def test_radio_groups_are_written_as_djangos_widget_would(demo, posted):
    from django.template.loader import render_to_string

    from followup.forms import ReportAnswersForm
    from followup.models import Question

    question = Question.objects.filter(answer_type=Question.AnswerType.SCALE).first()
    data = None if posted is None else {f"answers-q{question.pk}": posted}
    form = ReportAnswersForm(data, questions=[question], answers=[], prefix="answers")
    form.is_valid()
    field = form[f"q{question.pk}"]
    html = render_to_string("followup/_question_field.html", {"field": field, "question": question})
    expected = "".join(
        f'<div class="choice">{choice.tag()} <label for="{choice.id_for_label}">'
        f"{choice.choice_label}</label></div>"
        for choice in field
    )
    assert f'<div class="choices">{expected}</div>' in html
    assert ("checked" in html) == (posted == "partly_met")
    assert ('aria-invalid="true"' in html) == (posted == "bogus")
