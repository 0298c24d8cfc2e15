"""The wording a unit answered (Answer.question_text), when a question's wording last changed,
and the answers kept with each submission (ReportEvent.answers). Filled by 0011."""

import importlib

import django.utils.timezone
from django.db import migrations, models


def redraw_answer_triggers(apps, schema_editor):
    """Backwards only, after the column is gone: removing it rebuilt the table on SQLite and
    lost the frozen-report triggers of 0005 (0012 redraws them going forwards)."""
    later = importlib.import_module("followup.migrations.0012_review_comments_and_answered_questions")
    if schema_editor.connection.vendor == "sqlite":
        for sql in later.sqlite_answer(later.ANSWER_BEFORE):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("followup", "0009_action_status_changes_after_submission")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, redraw_answer_triggers),
        migrations.AddField(
            model_name="answer",
            name="question_text",
            field=models.CharField(
                default="", max_length=300, verbose_name="question as answered"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalanswer",
            name="question_text",
            field=models.CharField(
                default="", max_length=300, verbose_name="question as answered"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="question",
            name="changed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="wording changed"
            ),
        ),
        migrations.AddField(
            model_name="reportevent",
            name="answers",
            field=models.JSONField(blank=True, null=True, verbose_name="answers as submitted"),
        ),
    ]
