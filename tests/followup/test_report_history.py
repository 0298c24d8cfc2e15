"""A report's history reads as a clerk would write it: which answer and action changed, how."""

import pytest
from django.urls import reverse

from followup import history
from followup.models import Attainment, Question
from tests.followup.conftest import user
from tests.followup.test_report_form import edit_url, form_data

pytestmark = pytest.mark.django_db


def test_answer_and_action_changes_are_told_in_words(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    scale = draft_report.cycle.questions.filter(answer_type=Question.AnswerType.SCALE).first()
    role = draft_report.unit.municipality.roles.get(kind="security_officer")
    client.post(
        edit_url(draft_report),
        form_data(draft_report, scale, **{f"answers-q{scale.pk}": Attainment.NOT_MET}),
    )
    draft_report.refresh_from_db()
    client.post(
        edit_url(draft_report),
        form_data(draft_report, scale, **{f"answers-q{scale.pk}": Attainment.MET}),
    )
    draft_report.refresh_from_db()
    new = draft_report.actions.count()
    client.post(
        edit_url(draft_report),
        form_data(
            draft_report,
            "handlingsplan",
            **{
                "actions-TOTAL_FORMS": str(new + 1),
                f"actions-{new}-what": "Uppdatera kontinuitetsplanen",
                f"actions-{new}-responsible_role": str(role.pk),
                f"actions-{new}-due_on": "2027-06-30",
                f"actions-{new}-status": "not_started",
            },
        ),
    )
    page = client.get(
        reverse("followup:report", kwargs={"municipality": "ale", "pk": draft_report.pk})
    ).content.decode()
    assert "Svaret ändrades" in page and scale.text in page
    assert "<del>Ej uppfyllt</del> → <ins>Uppfyllt</ins>" in page
    assert "Åtgärden lades till" in page and role.name in page and "Ej påbörjad" in page
    assert "partly_met" not in page and "not_started" not in page
    # The union ran from its SQL compiled once (not the ORM fallback), and reads what the ORM
    # reads: answers and actions, in order.
    assert history._UNION.compiled() is not None
    rows = history._UNION.fetch(draft_report.pk)
    assert {row[0] for row in rows} == {"answer", "action"}
    assert rows == list(history._union(draft_report.pk))
