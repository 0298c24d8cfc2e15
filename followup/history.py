"""A report's changes in words: which answers and actions changed, how, by whom and when."""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Value
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from followup.models import Action, Answer, Attainment, Question
from responsibilities.models import Role, User
from responsibilities.statements import Statement

# One save of the form writes many rows within moments: shown as one entry.
SAME_SAVE = datetime.timedelta(seconds=5)
SENTENCES = {
    Answer: {
        "+": _("The answer was given"),
        "~": _("The answer was changed"),
        "-": _("The answer was removed"),
    },
    Action: {
        "+": _("The action was added"),
        "~": _("The action was changed"),
        "-": _("The action was removed"),
    },
}
ACTION_FIELDS = ("what", "responsible_role_id", "starts_on", "due_on", "status", "status_note")
LIMIT = 200


@dataclass
class Change:
    sentence: str
    subject: str
    fields: list  # (label, old, new)


@dataclass
class Entry:
    when: object
    who: object
    changes: list = field(default_factory=list)


def _text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.date):
        return formats.date_format(value, "Y-m-d")
    return str(value)


def _answer_value(record, question) -> str:
    column = Answer.FIELD_FOR_TYPE[question.answer_type]
    value = getattr(record, column)
    if question.answer_type == Question.AnswerType.SCALE and value:
        return str(Attainment(value).label)
    return _text(value)


def _answer_changes(records, questions):
    previous, changes = {}, []
    for record in records:
        question = questions.get(record.question_id)
        before = previous.get(record.id)
        previous[record.id] = record
        if question is None:
            continue
        old = _answer_value(before, question) if before is not None else ""
        new = _answer_value(record, question) if record.history_type != "-" else ""
        if old != new:
            # The words the unit answered (kept with the answer's history since 0010).
            subject = record.question_text or question.text
            change = Change(SENTENCES[Answer][record.history_type], subject, [])
            change.fields.append(("", old, new))
            changes.append((record, change))
    return changes


def _action_value(record, name, roles) -> str:
    value = getattr(record, name)
    if name == "responsible_role_id":
        return roles.get(value, "")
    if name == "status":
        return str(Action.Status(value).label) if value else ""
    return _text(value)


def _action_changes(records, roles):
    previous, changes = {}, []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        fields = []
        for name in ACTION_FIELDS:
            old = _action_value(before, name, roles) if before is not None else ""
            new = _action_value(record, name, roles) if record.history_type != "-" else ""
            if old != new:
                label = Action._meta.get_field(name.removesuffix("_id")).verbose_name
                fields.append((label, old, new))
        if fields or record.history_type == "-":
            changes.append(
                (record, Change(SENTENCES[Action][record.history_type], record.what[:120], fields))
            )
    return changes


# The columns of each history that the changes are made of.
ANSWER_COLUMNS = ("question_id", "question_text", "attainment", "text", "yes_no", "number", "date")
ACTION_COLUMNS = (*ACTION_FIELDS, "responsible_role__name")
COMMON_COLUMNS = ("id", "history_id", "history_date", "history_type", "history_user_id")
USER_COLUMNS = ("history_user__first_name", "history_user__last_name", "history_user__username")


def _field(model, column):
    """The model field behind a column (a foreign key's: the field it points to)."""
    if column == "responsible_role__name":
        return Role._meta.get_field("name")
    field = model._meta.get_field(column.removesuffix("_id"))
    return field.target_field if field.is_relation else field


# The historical models, taken once: `Model.history` builds a manager class per access.
HISTORICAL = {Answer: Answer.history.model, Action: Action.history.model}


def _history(model, kind, report_id):
    """One history's rows for the union: the answers' columns first, then the actions', the
    other kind's as typed NULLs."""
    own = ANSWER_COLUMNS if model is Answer else ACTION_COLUMNS
    other = Action if model is Answer else Answer
    blanks = {
        f"blank_{column}": Value(None, output_field=_field(other, column))
        for column in (ACTION_COLUMNS if model is Answer else ANSWER_COLUMNS)
    }
    columns = {column: column for column in own} | {name[6:]: name for name in blanks}
    return (
        HISTORICAL[model]
        .objects.filter(report_id=report_id)
        .order_by()
        .annotate(kind=Value(kind), **blanks)
        .values_list(
            "kind",
            *COMMON_COLUMNS,
            *USER_COLUMNS,
            *(columns[column] for column in (*ANSWER_COLUMNS, *ACTION_COLUMNS)),
        )
    )


def _union(report_id):
    return (
        _history(Answer, "answer", report_id)
        .union(_history(Action, "action", report_id), all=True)
        .order_by("history_date", "history_id")
    )


# The union compiled once per process: building and compiling its two halves in the ORM cost
# more than running it (issue 16).
_UNION = Statement(_union, (-7_300_417_013,), (-7_300_417_015,))


def _records(report) -> tuple[list, list]:
    """The answers' and the actions' history records of the report, oldest first: one query
    (a union of the two), with the names of the people and roles it shows."""
    rows = _UNION.fetch(report.pk)
    names = ("kind", *COMMON_COLUMNS, "first_name", "last_name", "username")
    names += (*ANSWER_COLUMNS, *ACTION_FIELDS, "role_name")
    people: dict = {}
    answers, actions = [], []
    for row in rows:
        record = SimpleNamespace(**dict(zip(names, row, strict=True)))
        record.history_user = (
            people.setdefault(
                record.history_user_id,
                User(
                    pk=record.history_user_id,
                    first_name=record.first_name,
                    last_name=record.last_name,
                    username=record.username,
                ),
            )
            if record.history_user_id is not None
            else None
        )
        (answers if record.kind == "answer" else actions).append(record)
    return answers, actions


def changes_of(report) -> list[Entry]:
    """Newest first, one entry per save; one query (both histories together)."""
    questions = {q.pk: q for q in report.cycle.questions.all()}
    answers, actions = _records(report)
    roles = {r.responsible_role_id: r.role_name or "" for r in actions if r.responsible_role_id}
    changes = _answer_changes(answers, questions) + _action_changes(actions, roles)
    changes.sort(key=lambda pair: (pair[0].history_date, pair[0].history_id))
    entries: list[Entry] = []
    for record, change in changes:
        last = entries[-1] if entries else None
        if (
            last is not None
            and last.who == record.history_user
            and record.history_date - last.when <= SAME_SAVE
        ):
            last.changes.append(change)
        else:
            entries.append(Entry(record.history_date, record.history_user, [change]))
    entries.reverse()
    return entries[:LIMIT]
