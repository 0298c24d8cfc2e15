"""Fill what 0010 added: every answer (and its history) answered the question as it reads
today (questions froze once answered until now, so that is the wording answered); a question's
wording dates from its cycle's creation; a report that has left its unit keeps its answers
with its latest submission (they have been frozen since), so its next review can show what
changed. Earlier submissions stay without answers: what they held is not known."""

import datetime

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

LEFT_THE_UNIT = ("submitted", "approved", "reported")


def stored(answer, answer_type):
    column = {
        "scale": "attainment",
        "text": "text",
        "yes_no": "yes_no",
        "number": "number",
        "date": "date",
    }[answer_type]
    value = getattr(answer, column)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is not None and answer_type == "number":
        return str(value)
    return value


def filled(value):
    return value not in (None, "") and not (isinstance(value, str) and not value.strip())


def fill(apps, schema_editor):
    Question = apps.get_model("followup", "Question")
    Cycle = apps.get_model("followup", "Cycle")
    Answer = apps.get_model("followup", "Answer")
    HistoricalAnswer = apps.get_model("followup", "HistoricalAnswer")
    Report = apps.get_model("followup", "Report")
    ReportEvent = apps.get_model("followup", "ReportEvent")

    wording = Question.objects.filter(pk=OuterRef("question_id")).values("text")[:1]
    Answer.objects.update(question_text=Subquery(wording))
    # A history row may outlive its question (an unanswered one, removed): left empty.
    HistoricalAnswer.objects.update(question_text=Coalesce(Subquery(wording), Value("")))
    created = Cycle.objects.filter(pk=OuterRef("cycle_id")).values("created_at")[:1]
    Question.objects.update(changed_at=Subquery(created))

    for report in Report.objects.filter(status__in=LEFT_THE_UNIT).iterator():
        event = (
            ReportEvent.objects.filter(report=report, to_status="submitted")
            .order_by("-at", "-pk")
            .first()
        )
        if event is None:
            continue
        answers = {}
        for answer in Answer.objects.filter(report=report).select_related("question"):
            value = stored(answer, answer.question.answer_type)
            if filled(value):
                answers[str(answer.question_id)] = value
        ReportEvent.objects.filter(pk=event.pk).update(answers=answers)


class Migration(migrations.Migration):
    dependencies = [("followup", "0010_answer_question_text")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
