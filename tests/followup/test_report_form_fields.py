"""The report form's answer and reply fields are written by a filter (widget_html), not by
Django's widget templates: the markup must stay the one Django writes, in every state."""

from types import SimpleNamespace

import pytest

from followup.forms import ReplyForm, ReportAnswersForm
from followup.models import Question
from followup.templatetags.report_form import widget_html

T = Question.AnswerType
AWKWARD = "a <b> & \"c\" 'd'"


def _question(answer_type, help_text=""):
    return Question(pk=7, answer_type=answer_type, text=f"Q {AWKWARD}", help_text=help_text)


@pytest.mark.parametrize("answer_type", [T.TEXT, T.NUMBER, T.DATE, T.SCALE, T.YES_NO])
@pytest.mark.parametrize("help_text", ["", f"Help {AWKWARD}"])
@pytest.mark.parametrize(
    "posted", [None, "", AWKWARD, "12.5", "abc", "2024-02-30", "2024-05-01", "x" * 10_001]
)
def test_answer_fields_as_django_writes_them(answer_type, help_text, posted):
    question = _question(answer_type, help_text)
    data = None if posted is None else {f"answers-q{question.pk}": posted}
    form = ReportAnswersForm(data, questions=[question], answers=[], prefix="answers")
    form.is_valid()
    bound = form[f"q{question.pk}"]
    assert str(widget_html(bound)) == str(bound)


@pytest.mark.parametrize(("language", "message"), [("sv", "Högst 10 000 tecken."), ("en", None)])
def test_a_too_long_text_answer_gives_the_limit_as_it_is_written(language, message):
    from django.utils import translation

    question = _question(T.TEXT)
    with translation.override(language):
        form = ReportAnswersForm(
            {"answers-q7": "x" * 10_001}, questions=[question], answers=[], prefix="answers"
        )
        assert form.errors["q7"] == [message or "At most 10,000 characters."]


@pytest.mark.parametrize("posted", [None, "", AWKWARD, "y" * 5_000])
@pytest.mark.parametrize("saved", ["", AWKWARD])
def test_reply_fields_as_django_writes_them(posted, saved):
    comment = SimpleNamespace(pk=3, reply=saved)
    data = None if posted is None else {"replies-r3": posted}
    form = ReplyForm(data, comments=[comment], prefix="replies")
    form.is_valid()
    bound = form["r3"]
    assert str(widget_html(bound)) == str(bound)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("posted", [None, {"board-date": "", "board-paragraph": AWKWARD}])
def test_the_board_forms_fields_as_the_field_template_writes_them(language, posted):
    from django.template.loader import render_to_string
    from django.utils import translation

    from followup.forms import ExecutiveBoardForm
    from followup.templatetags.report_form import field_html

    with translation.override(language):
        form = ExecutiveBoardForm(posted, prefix="board", missing=[])
        form.is_valid()
        for name in ("date", "paragraph"):
            bound = form[name]
            assert str(field_html(bound)) == render_to_string("_field.html", {"field": bound})
