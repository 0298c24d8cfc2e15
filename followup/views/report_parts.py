"""The report form's parts (one per application area, the general questions, the action plan,
the attachments), the overview's counts and the error summaries, built from what
Report.objects.for_form() loaded: no queries.

A part is named by what it holds, never by its place: an area's part by the area
(`omrade-<id>`), the others by fixed words. The security chief may add or empty an area while
a unit has the form open; a post names the part it was for and carries the fields of its
questions, and both are checked (`check_post`) before anything is saved."""

import re
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _

from followup.forms import YES_NO_CHOICES
from followup.models import Attainment, Question

GENERAL = "allmant"
ACTIONS = "handlingsplan"
ATTACHMENTS = "bilagor"
AREA = "omrade-"  # + the application area's id
# The fields of a question part that name a question or a review comment by id.
ANSWER_FIELD = re.compile(r"^answers-q(\d+)$")
REPLY_FIELD = re.compile(r"^replies-r(\d+)$")


def area_key(area_id) -> str:
    """The `del` value of an application area's part: stable however the parts change."""
    return f"{AREA}{area_id}"


@dataclass
class FormItem:
    """A question in the form: its field, the security chief's comments on it (oldest first)
    and the reply fields for those of the latest return."""

    question: object
    bound: object = None  # the answer field
    comments: list = field(default_factory=list)  # [(comment, reply field or None)]


@dataclass(eq=False)
class Part:
    """One part of the form, with what the saved report has in it."""

    key: str  # the `del` value in addresses and posts: what the part holds, never its place
    anchor: str  # the section's id
    title: str
    kind: str  # "questions", "actions" or "attachments"
    number: int = 0  # its place, from 1: shown ("Part 2 of 8"), never used to find it
    questions: list = field(default_factory=list)
    items: list = field(default_factory=list)  # FormItem, for the part shown
    total: int = 0
    comments: int = 0  # the latest return's comments on its questions (open for replies)
    answered: int = 0
    missing: int = 0  # required questions without a saved answer; actions without a due date
    previous: "Part | None" = None
    next: "Part | None" = None

    @property
    def heading_id(self) -> str:
        return f"{self.anchor}-heading"

    @property
    def query(self) -> str:
        return f"?del={self.key}"

    @property
    def href(self) -> str:
        """The part's page, scrolled to its heading."""
        return f"{self.query}#{self.anchor}"


def part_kind(key) -> str | None:
    """The kind of part a `del` value names, before the questions are loaded (what to load
    depends on it); None for no part (the overview)."""
    if not key:
        return None
    return {ACTIONS: "actions", ATTACHMENTS: "attachments"}.get(key, "questions")


def form_parts(report, open_comments=()) -> list[Part]:
    """The parts in question order (areas kept together), then the action plan and the
    attachments; counts are of the saved report. `open_comments` are the latest return's
    comments, which take replies while the report is open: each gets the address of its part
    (`form_href`) for the returned notice at the top of the page."""
    filled = {answer.question_id for answer in report.answers.all() if answer.is_filled}
    open_ids = {comment.pk for comment in open_comments}
    groups: dict = {}
    for question in report.cycle.questions.all():
        groups.setdefault(question.area, []).append(question)
    parts = []
    for area, questions in groups.items():
        if area is None:
            key, title = GENERAL, _("General questions")
        else:
            key, title = area_key(area.pk), area.text
        ids = {question.pk for question in questions}
        parts.append(
            Part(
                key=key,
                anchor=f"del-{key}",
                title=title,
                kind="questions",
                questions=questions,
                total=len(questions),
                comments=sum(comment.question_id in ids for comment in open_comments),
                answered=sum(q.pk in filled for q in questions),
                missing=sum(q.required and q.pk not in filled for q in questions),
            )
        )
    parts.append(
        Part(
            key=ACTIONS,
            anchor="actions",
            title=_("Action plan"),
            kind="actions",
            total=report.action_count,
            missing=report.undated_action_count,
        )
    )
    parts.append(
        Part(
            key=ATTACHMENTS,
            anchor="attachments",
            title=_("Attachments"),
            kind="attachments",
            total=report.attachment_count,
        )
    )
    part_of = {q.pk: part for part in parts for q in part.questions}
    for comment in report.review_comments.all():
        if comment.pk in open_ids and comment.question_id in part_of:
            comment.form_href = part_of[comment.question_id].query
    for number, part in enumerate(parts, start=1):
        part.number = number
        part.previous = parts[number - 2] if number > 1 else None
        part.next = parts[number] if number < len(parts) else None
    return parts


def part_from(value, parts) -> Part | None:
    """The part named by a `del` value (of a query or a post); anything else is no part."""
    return next((part for part in parts if part.key == value), None)


def is_place(value) -> bool:
    """A `del` value of the form's first version, which named an area's part by its place
    among the areas with questions ("?del=3" in a bookmark or an old page)."""
    return bool(value) and value.isascii() and value.isdigit()


def part_at(value, parts) -> Part | None:
    """The area part at the place an old `del` value names (1 the first area), if any."""
    areas = [part for part in parts if part.key.startswith(AREA)]
    place = int(value)
    return areas[place - 1] if 1 <= place <= len(areas) else None


@dataclass
class PostCheck:
    """What a post of the form holds, against the parts as they are now."""

    part: Part | None  # the part the post names, if it is still in the report
    fits: bool  # every question and comment field of the post belongs to that part
    home: Part | None  # the one part that holds every question the post answers, if any
    strays: list  # [(question text or "", comment text or "", value)] typed for no current field


def check_post(data, parts, comments) -> PostCheck:
    """Check a post against the parts as they are now: the part it names (an old post naming
    a place counts only if its fields prove which area it was for) and whether its answer and
    reply fields are that part's. `comments` are the open review comments (replies)."""
    value = data.get("del")
    part = part_from(value, parts)
    old = part is None and is_place(value)
    if old:
        part = part_at(value, parts)
    part_of = {q.pk: p for p in parts for q in p.questions}
    question_of = {q.pk: q for p in parts for q in p.questions}
    comment_of = {comment.pk: comment for comment in comments}
    # (question id or None, comment or None, value) of every answer and reply in the post
    posted = []
    for name in data:
        if match := ANSWER_FIELD.match(name):
            posted.append((int(match[1]), None, data.get(name, "")))
        elif match := REPLY_FIELD.match(name):
            comment = comment_of.get(int(match[1]))
            posted.append((comment.question_id if comment else None, comment, data.get(name, "")))
    homes = {part_of.get(question) for question, _comment, _value in posted}
    home = homes.pop() if len(homes) == 1 else None
    fits = part is not None and all(part_of.get(q) is part for q, _c, _v in posted)
    if old:  # a place proves nothing by itself: the fields must show the area
        fits = fits and bool(posted)
    shown = home or part
    choices = {**dict(Attainment.choices), **dict(YES_NO_CHOICES)}
    strays = [
        (
            question_of[q].text if q in question_of else "",
            comment.body if comment else "",
            choices.get(text, text) if comment is None else text,
        )
        for q, comment, text in posted
        if text.strip() and (shown is None or part_of.get(q) is not shown)
    ]
    return PostCheck(part=part, fits=fits, home=home, strays=strays)


def fill_part(part, report, answers, replies) -> None:
    """The part's items: its questions with their fields and review comments."""
    open_ids = {comment.pk for comment in replies.comments}
    comments: dict = {}
    for comment in report.review_comments.all():
        reply = replies[f"r{comment.pk}"] if comment.pk in open_ids else None
        comments.setdefault(comment.question_id, []).append((comment, reply))
    part.items = [
        FormItem(question, answers[f"q{question.pk}"], comments.get(question.pk, []))
        for question in part.questions
    ]


def answer_target(bound) -> str:
    """The id to go to for an answer field: a radio group is reached through its first option."""
    if isinstance(bound.field.widget, forms.RadioSelect):
        return f"{bound.auto_id}_0"
    return bound.auto_id


def form_errors(answers=None, actions=None, attachment=None, replies=None) -> list:
    """(address of the field to go to, what is wrong) for every error of the part's bound
    forms, in page order, each once: the error summary's links."""
    errors = []
    # A reply's errors right after its question's (the reply field is beside the question).
    reply_errors: dict = {}
    if replies is not None and replies.is_bound:
        for comment in replies.comments:
            bound = replies[f"r{comment.pk}"]
            reply_errors.setdefault(comment.question_id, []).extend(
                (f"#{bound.auto_id}", _labelled(bound.label, error)) for error in bound.errors
            )
    if answers is not None and answers.is_bound:
        for question in answers.questions:
            bound = answers[f"q{question.pk}"]
            target = f"#{answer_target(bound)}"
            errors += [(target, _labelled(bound.label, error)) for error in bound.errors]
            errors += reply_errors.get(question.pk, [])
    if actions is not None and actions.is_bound:
        errors += [("#actions", str(error)) for error in actions.non_form_errors()]
        for number, form in enumerate(actions.forms, start=1):
            row = _("Action %(number)s") % {"number": number}
            for name, messages in form.errors.items():
                bound = form["what"] if name == "__all__" or form[name].is_hidden else form[name]
                label = row if name == "__all__" else f"{row}, {form[name].label}"
                errors += [(f"#{bound.auto_id}", _labelled(label, error)) for error in messages]
    if attachment is not None and attachment.is_bound:
        for name, messages in attachment.errors.items():
            bound = attachment[name]
            errors += [(f"#{bound.auto_id}", _labelled(bound.label, error)) for error in messages]
    return errors


def answer_gaps(report, parts) -> list:
    """(address of the field, "part: question") for every required question without a saved
    answer, across every part (uses the prefetched questions and answers)."""
    part_of = {q.pk: part for part in parts for q in part.questions}
    radios = (Question.AnswerType.SCALE, Question.AnswerType.YES_NO)
    gaps = []
    for question in report.missing_answers():
        part = part_of[question.pk]
        target = f"id_answers-q{question.pk}{'_0' if question.answer_type in radios else ''}"
        gaps.append((f"{part.query}#{target}", f"{part.title}: {question.text}"))
    return gaps


def submission_gaps(report, parts) -> list:
    """(address of the field to go to, what is missing) for what keeps the saved report from
    being submitted: the required answers missing in every part, then the actions without a
    due date (uses the prefetched actions too)."""
    gaps = answer_gaps(report, parts)
    plan = part_from(ACTIONS, parts)
    undated = {action.pk for action in report.incomplete_actions()}
    for index, action in enumerate(report.actions.all()):
        if action.pk in undated:
            message = _("%(part)s: action %(number)s has no due date") % {
                "part": plan.title,
                "number": index + 1,
            }
            gaps.append((f"{plan.query}#id_actions-{index}-due_on", message))
    return gaps


def _labelled(label, error) -> str:
    return _("%(field)s: %(error)s") % {"field": label, "error": error}
