"""The report form's parts (one per application area, the general questions, the action plan,
the attachments) and its error summary, built from prefetched data: no queries."""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _

GENERAL = "allmant"
ACTIONS = "handlingsplan"
ATTACHMENTS = "bilagor"


@dataclass
class Part:
    """One part of the form, with what the saved report has in it."""

    key: str  # the `del` value in addresses and posts
    anchor: str  # the section's id
    title: str
    kind: str  # "questions", "actions" or "attachments"
    items: list = field(default_factory=list)  # (question, bound field or None)
    total: int = 0
    answered: int = 0
    missing: int = 0  # required questions without a saved answer; actions without a due date
    next: "Part | None" = None

    @property
    def heading_id(self) -> str:
        return f"{self.anchor}-heading"


def form_parts(report, answers=None) -> list[Part]:
    """The parts in question order (areas kept together), then the action plan and the
    attachments; counts are of the saved report (uses its prefetched contents)."""
    filled = {answer.question_id for answer in report.answers.all() if answer.is_filled}
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
                items=[(q, answers[f"q{q.pk}"] if answers else None) for q in questions],
                total=len(questions),
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


def form_errors(answers, actions, attachment) -> list[tuple[str, str]]:
    """(id of the field to go to, what is wrong) for every error of the bound forms, in page
    order, each once: the error summary's links."""
    errors = []
    if answers.is_bound:
        for question in answers.questions:
            bound = answers[f"q{question.pk}"]
            # A radio group is reached through its first option.
            target = (
                f"{bound.auto_id}_0"
                if isinstance(bound.field.widget, forms.RadioSelect)
                else bound.auto_id
            )
            label = f"{question.area.text}: {question.text}" if question.area else question.text
            errors += [(target, _labelled(label, error)) for error in bound.errors]
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
