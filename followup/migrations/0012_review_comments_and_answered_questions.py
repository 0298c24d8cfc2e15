"""Comments on single questions of a returned report and the unit's replies (ReviewComment),
and the database rules that go with questions changing while the cycle is open:

- an answer's wording (question_text) is set, and is the report's content like its value: the
  frozen-report triggers of 0005 for answers are redrawn with it;
- an answered question keeps its answer type, area and cycle (its wording may change: the
  answers keep theirs);
- a sent comment stays as it was sent; its reply changes only while the report is with its
  unit (like the rest of the report's content).

Like 0005 and 0009, this holds for every writer, not only for the forms."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

frozen = importlib.import_module("followup.migrations.0005_submitted_report_frozen")

ANSWER = "followup_answer"
ANSWER_BEFORE = frozen.CONTENT[ANSWER]
ANSWER_AFTER = (*ANSWER_BEFORE, "question_text")
COMMENT = "followup_reviewcomment"
COMMENT_SENT = ("report_id", "question_id", "round", "body", "created_at")
COMMENT_REPLY = ("reply", "replied_at")
QUESTION = "followup_question"
QUESTION_KEPT = ("answer_type", "area_id", "cycle_id")
SENT_MESSAGE = "review_comment_sent: a sent review comment cannot change"
ANSWERED_MESSAGE = "question_answered: an answered question keeps its answer type and area"


def answered(row):
    return f"EXISTS (SELECT 1 FROM {ANSWER} WHERE question_id = {row}.id)"


def postgresql_answer(columns):
    closed, changed, message = frozen.closed, frozen.changed, frozen.MESSAGE
    yield f"""
    CREATE OR REPLACE FUNCTION {ANSWER}_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' AND {closed("NEW")} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
      END IF;
      IF TG_OP = 'UPDATE' AND ({closed("OLD")} OR {closed("NEW")})
         AND {changed(columns, "IS DISTINCT FROM")} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
      END IF;
      IF TG_OP = 'DELETE' THEN
        IF {closed("OLD")} THEN
          RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
        END IF;
        RETURN OLD;
      END IF;
      RETURN NEW;
    END $$;
    """


def sqlite_answer(columns):
    # Every trigger of the table: adding the check constraint rebuilt the table on SQLite and
    # lost them.
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{frozen.MESSAGE}'); END"
    for operation in ("insert", "update", "delete"):
        yield f"DROP TRIGGER IF EXISTS {ANSWER}_frozen_{operation}"
    yield (
        f"CREATE TRIGGER {ANSWER}_frozen_insert BEFORE INSERT ON {ANSWER} FOR EACH ROW "
        f"WHEN {frozen.closed('NEW')} {raise_}"
    )
    yield (
        f"CREATE TRIGGER {ANSWER}_frozen_update BEFORE UPDATE ON {ANSWER} FOR EACH ROW "
        f"WHEN ({frozen.closed('OLD')} OR {frozen.closed('NEW')}) "
        f"AND {frozen.changed(columns, 'IS NOT')} {raise_}"
    )
    yield (
        f"CREATE TRIGGER {ANSWER}_frozen_delete BEFORE DELETE ON {ANSWER} FOR EACH ROW "
        f"WHEN {frozen.closed('OLD')} AND {frozen.SQLITE_NOT_PURGING} {raise_}"
    )


def postgresql_new():
    closed, changed, message = frozen.closed, frozen.changed, frozen.MESSAGE
    yield f"""
    CREATE FUNCTION {COMMENT}_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' AND {closed("NEW")} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
      END IF;
      IF TG_OP = 'UPDATE' THEN
        IF {changed(COMMENT_SENT, "IS DISTINCT FROM")} THEN
          RAISE EXCEPTION '{SENT_MESSAGE}' USING ERRCODE = '23514';
        END IF;
        IF ({closed("OLD")} OR {closed("NEW")}) AND {changed(COMMENT_REPLY, "IS DISTINCT FROM")}
        THEN
          RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
        END IF;
      END IF;
      IF TG_OP = 'DELETE' THEN
        IF {closed("OLD")} THEN
          RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
        END IF;
        RETURN OLD;
      END IF;
      RETURN NEW;
    END $$;
    """
    yield (
        f"CREATE TRIGGER {COMMENT}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {COMMENT} "
        f"FOR EACH ROW EXECUTE FUNCTION {COMMENT}_frozen()"
    )
    yield f"""
    CREATE FUNCTION {QUESTION}_answered() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF {changed(QUESTION_KEPT, "IS DISTINCT FROM")} AND {answered("OLD")} THEN
        RAISE EXCEPTION '{ANSWERED_MESSAGE}' USING ERRCODE = '23514';
      END IF;
      RETURN NEW;
    END $$;
    """
    yield (
        f"CREATE TRIGGER {QUESTION}_answered BEFORE UPDATE ON {QUESTION} "
        f"FOR EACH ROW EXECUTE FUNCTION {QUESTION}_answered()"
    )


def sqlite_new():
    closed, changed = frozen.closed, frozen.changed
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{frozen.MESSAGE}'); END"
    yield (
        f"CREATE TRIGGER {COMMENT}_frozen_insert BEFORE INSERT ON {COMMENT} FOR EACH ROW "
        f"WHEN {closed('NEW')} {raise_}"
    )
    yield (
        f"CREATE TRIGGER {COMMENT}_sent BEFORE UPDATE ON {COMMENT} FOR EACH ROW "
        f"WHEN {changed(COMMENT_SENT, 'IS NOT')} "
        f"BEGIN SELECT RAISE(ABORT, '{SENT_MESSAGE}'); END"
    )
    yield (
        f"CREATE TRIGGER {COMMENT}_frozen_update BEFORE UPDATE ON {COMMENT} FOR EACH ROW "
        f"WHEN ({closed('OLD')} OR {closed('NEW')}) AND {changed(COMMENT_REPLY, 'IS NOT')} "
        f"{raise_}"
    )
    yield (
        f"CREATE TRIGGER {COMMENT}_frozen_delete BEFORE DELETE ON {COMMENT} FOR EACH ROW "
        f"WHEN {closed('OLD')} AND {frozen.SQLITE_NOT_PURGING} {raise_}"
    )
    yield (
        f"CREATE TRIGGER {QUESTION}_answered BEFORE UPDATE ON {QUESTION} FOR EACH ROW "
        f"WHEN {changed(QUESTION_KEPT, 'IS NOT')} AND {answered('OLD')} "
        f"BEGIN SELECT RAISE(ABORT, '{ANSWERED_MESSAGE}'); END"
    )


def vendor_of(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise RuntimeError(f"No frozen-report triggers for database vendor {vendor!r}")
    return vendor


def create_triggers(apps, schema_editor):
    if vendor_of(schema_editor) == "postgresql":
        statements = [*postgresql_answer(ANSWER_AFTER), *postgresql_new()]
    else:
        statements = [*sqlite_answer(ANSWER_AFTER), *sqlite_new()]
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    if vendor_of(schema_editor) == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS {COMMENT}_frozen ON {COMMENT}",
            f"DROP FUNCTION IF EXISTS {COMMENT}_frozen()",
            f"DROP TRIGGER IF EXISTS {QUESTION}_answered ON {QUESTION}",
            f"DROP FUNCTION IF EXISTS {QUESTION}_answered()",
            *postgresql_answer(ANSWER_BEFORE),
        ]
    else:
        names = [f"{COMMENT}_{name}" for name in ("frozen_insert", "sent", "frozen_update")]
        names += [f"{COMMENT}_frozen_delete", f"{QUESTION}_answered"]
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in names]
        statements += sqlite_answer(ANSWER_BEFORE)
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0011_fill_answer_wording"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.CheckConstraint(
                condition=models.Q(("question_text", ""), _negated=True),
                name="answer_keeps_the_question_answered",
            ),
        ),
        migrations.CreateModel(
            name="ReviewComment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("round", models.PositiveSmallIntegerField(verbose_name="review round")),
                ("body", models.TextField(verbose_name="comment")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="written"
                    ),
                ),
                ("reply", models.TextField(blank=True, verbose_name="reply")),
                ("replied_at", models.DateTimeField(blank=True, null=True, verbose_name="replied")),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="written by",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_comments",
                        to="followup.question",
                        verbose_name="question",
                    ),
                ),
                (
                    "replied_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="replied by",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_comments",
                        to="followup.report",
                        verbose_name="report",
                    ),
                ),
            ],
            options={
                "verbose_name": "review comment",
                "verbose_name_plural": "review comments",
                "ordering": ["report", "round", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("report", "question", "round"),
                        name="review_comment_once_per_question_and_round",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("body", ""), _negated=True),
                        name="review_comment_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("reply", ""), ("replied_at__isnull", False), _connector="OR"
                        ),
                        name="review_reply_with_its_time",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
