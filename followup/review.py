"""A report's answers as the report page shows them: the wording each unit answered, the
security chief's comments beside their questions with the unit's replies, and what changed
since the previous submission. Built from prefetched data (Report.objects.with_contents())."""

from dataclasses import dataclass, field

from followup.models import Report
from followup.models.reports import display


@dataclass(frozen=True)
class ReviewField:
    """What the page writes of the reviewer's comment field on one answer, read from the
    bound field once (the template would ask the bound field for each of them, per question)."""

    name: str
    id: str
    label: str
    value: str
    errors: list
    max_length: int

    @classmethod
    def of(cls, bound_field):
        value = bound_field.value()
        return cls(
            name=bound_field.html_name,
            id=bound_field.auto_id,
            label=bound_field.label,
            value="" if value is None else value,
            # The form's errors read directly: BoundField.errors builds an empty ErrorList
            # for each field without any.
            errors=list(bound_field.form.errors.get(bound_field.name, ())),
            max_length=bound_field.field.max_length,
        )


@dataclass
class Item:
    """One question of a report, with its answer and what the review says about it."""

    question: object
    answer: object = None
    comments: list = field(default_factory=list)  # ReviewComment, oldest round first
    change: tuple | None = None  # (before, now) as shown, since the previous submission
    review_field: ReviewField | None = None  # the reviewer's comment field, while reviewing
    is_answered: bool = field(init=False)
    wording: str = field(init=False)  # as the unit answered it (as it reads now if unanswered)
    reworded: bool = field(init=False)

    def __post_init__(self):
        # Worked out here, once: a cached_property takes a lock on its first read, and each
        # of these is read for every question of the page.
        self.is_answered = self.answer is not None and self.answer.is_filled
        self.wording = self.answer.question_text if self.is_answered else self.question.text
        self.reworded = self.is_answered and self.answer.question_text != self.question.text


def comments_by_question(report) -> dict[int, list]:
    comments: dict[int, list] = {}
    for comment in report.review_comments.all():
        comments.setdefault(comment.question_id, []).append(comment)
    return comments


def open_comments(report) -> list:
    """The latest return's comments, which the unit may reply to while the report is open."""
    return report.latest_review_comments if report.is_editable else []


def submission_changes(report) -> dict | None:
    """{question id: (before, now)} as shown, between the two latest submissions, while the
    report waits for review; None when the earlier submission's answers were not kept."""
    if report.status != Report.Status.SUBMITTED:
        return {}
    changes = report.submission_changes()
    if changes is None:
        return None
    types = {question.pk: question.answer_type for question in report.cycle.questions.all()}
    return {
        pk: (display(types[pk], before), display(types[pk], now))
        for pk, (before, now) in changes.items()
        if pk in types
    }


def report_items(report, *, changes=None, review_form=None) -> list[tuple]:
    """[(area or None, [Item])] in question order, areas kept together."""
    answers = {answer.question_id: answer for answer in report.answers.all()}
    comments = comments_by_question(report)
    groups: dict = {}
    for question in report.cycle.questions.all():
        groups.setdefault(question.area, []).append(
            Item(
                question=question,
                answer=answers.get(question.pk),
                comments=comments.get(question.pk, []),
                change=(changes or {}).get(question.pk),
                review_field=ReviewField.of(review_form[f"c{question.pk}"])
                if review_form
                else None,
            )
        )
    return list(groups.items())
