"""The report form's parts (one per application area, the general questions, the action plan,
the attachments) and its error summary, built from prefetched data: no queries."""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _

GENERAL = "allmant"
ACTIONS = "handlingsplan"
ATTACHMENTS = "bilagor"


@dataclass
class FormItem:
    """A question in the form: its field, the security chief's comments on it (oldest first)
    and the reply fields for those of the latest return."""

    question: object
    bound: object = None  # the answer field
    comments: list = field(default_factory=list)  # [(comment, reply field or None)]


@dataclass
class Part:
    """One part of the form, with what the saved report has in it."""

    key: str  # the `del` value in addresses and posts
    anchor: str  # the section's id
    title: str
    kind: str  # "questions", "actions" or "attachments"
    items: list = field(default_factory=list)  # FormItem
    total: int = 0
    comments: int = 0  # the latest return's comments on its questions
    answered: int = 0
    missing: int = 0  # required questions without a saved answer; actions without a due date
    next: "Part | None" = None

    @property
    def heading_id(self) -> str:
        return f"{self.anchor}-heading"


def form_parts(report, answers=None, replies=None) -> list[Part]:
    """The parts in question order (areas kept together), then the action plan and the
    attachments; counts are of the saved report (uses its prefetched contents)."""
    filled = {answer.question_id for answer in report.answers.all() if answer.is_filled}
    open_ids = {comment.pk for comment in (replies.comments if replies else [])}
    comments: dict = {}
    for comment in report.review_comments.all():
        reply = replies[f"r{comment.pk}"] if comment.pk in open_ids else None
        comments.setdefault(comment.question_id, []).append((comment, reply))
    groups: dict = {}
    for question in report.cycle.questions.all():
        groups.setdefault(question.area, []).append(question)
    parts, number = [], 0
    for area, questions in groups.items():
        if area is None:
            key, title = GENERAL, _("General questions")
        else:
            number += 1
            key, title = str(number), area.text
        parts.append(
            Part(
                key=key,
                anchor=f"del-{key}",
                title=title,
                kind="questions",
                items=[
                    FormItem(q, answers[f"q{q.pk}"] if answers else None, comments.get(q.pk, []))
                    for q in questions
                ],
                total=len(questions),
                comments=sum(
                    reply is not None for q in questions for _c, reply in comments.get(q.pk, [])
                ),
                answered=sum(q.pk in filled for q in questions),
                missing=sum(q.required and q.pk not in filled for q in questions),
            )
        )
    actions = report.actions.all()
    parts.append(
        Part(
            key=ACTIONS,
            anchor="actions",
            title=_("Action plan"),
            kind="actions",
            total=len(actions),
            missing=len([a for a in actions if not a.due_on]),
        )
    )
    parts.append(
        Part(
            key=ATTACHMENTS,
            anchor="attachments",
            title=_("Attachments"),
            kind="attachments",
            total=len(report.attachments.all()),
        )
    )
    for part, following in zip(parts, parts[1:], strict=False):
        part.next = following
    return parts


def part_from(data, parts) -> Part | None:
    """The part named by `del` in a query or a post; anything else is no part."""
    value = data.get("del")
    return next((part for part in parts if part.key == value), None)


def form_errors(answers, actions, attachment, replies=None) -> list[tuple[str, str]]:
    """(id of the field to go to, what is wrong) for every error of the bound forms, in page
    order, each once: the error summary's links."""
    errors = []
    # A reply's errors right after its question's (the reply field is beside the question).
    reply_errors: dict = {}
    if replies is not None and replies.is_bound:
        for comment in replies.comments:
            bound = replies[f"r{comment.pk}"]
            reply_errors.setdefault(comment.question_id, []).extend(
                (bound.auto_id, _labelled(bound.label, error)) for error in bound.errors
            )
    if answers.is_bound:
        for question in answers.questions:
            bound = answers[f"q{question.pk}"]
            # A radio group is reached through its first option.
            target = (
                f"{bound.auto_id}_0"
                if isinstance(bound.field.widget, forms.RadioSelect)
                else bound.auto_id
            )
            label = f"{question.area.text}: {bound.label}" if question.area else bound.label
            errors += [(target, _labelled(label, error)) for error in bound.errors]
            errors += reply_errors.get(question.pk, [])
    if actions.is_bound:
        errors += [("actions", str(error)) for error in actions.non_form_errors()]
        for number, form in enumerate(actions.forms, start=1):
            row = _("Action %(number)s") % {"number": number}
            for name, messages in form.errors.items():
                bound = form["what"] if name == "__all__" or form[name].is_hidden else form[name]
                label = row if name == "__all__" else f"{row}, {form[name].label}"
                errors += [(bound.auto_id, _labelled(label, error)) for error in messages]
    if attachment.is_bound:
        for name, messages in attachment.errors.items():
            bound = attachment[name]
            errors += [(bound.auto_id, _labelled(bound.label, error)) for error in messages]
    return errors


def _labelled(label, error) -> str:
    return _("%(field)s: %(error)s") % {"field": label, "error": error}
