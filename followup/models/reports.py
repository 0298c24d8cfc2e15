"""A unit's yearly report: its answers, its action plan, its evidence and its history."""

import datetime
import functools
import uuid
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import (
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from followup.models.compiled import CompiledPrefetch
from followup.models.cycles import Cycle, InvalidTransition, Question
from followup.models.files import queue_report_files, report_changed
from programmes.models import SectionItem
from programmes.references import (
    ParagraphField,
    normalise_paragraph,
    paragraph_without_sign,
    validate_not_future,
)
from responsibilities.access import access_of, unit_scope
from responsibilities.audit import AuditEvent
from responsibilities.audit import record as audit
from responsibilities.capabilities import Capability
from responsibilities.models import OrganisationUnit, Role
from responsibilities.statements import Statement


class Attainment(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class StaleRevision(InvalidTransition):
    """Raised when an edit is based on an older revision than the one saved."""


def questions_and_answers(*, joined=True) -> tuple[Prefetch, Prefetch]:
    """The prefetches of a report's questions (in order) and answers, as every report page
    and the form read them. Not `joined`: the answers without their question's columns, given
    the cycle's prefetched questions once fetched (ReportQuerySet._prefetch_related_objects)."""
    answers = Answer.objects.order_by("question__position")
    return (
        Prefetch(
            "cycle__questions",
            queryset=Question.objects.select_related("area").order_by("position"),
        ),
        # The answer's question for its type (Answer.value); the area is the cycle's.
        Prefetch("answers", queryset=answers.select_related("question") if joined else answers),
    )


def attach_questions(reports) -> None:
    """Give each prefetched answer that lacks it its question from the report's cycle's
    prefetched questions (the same rows, so no query per answer later)."""
    for report in reports:
        answers = getattr(report, "_prefetched_objects_cache", {}).get("answers")
        cycle = report.cycle if Report.cycle.is_cached(report) else None
        questions = getattr(cycle, "_prefetched_objects_cache", {}).get("questions")
        if answers is None or questions is None:
            continue
        by_id = {question.pk: question for question in questions}
        for answer in answers:
            if not Answer.question.is_cached(answer) and answer.question_id in by_id:
                answer.question = by_id[answer.question_id]


class ReportUnit(NamedTuple):
    """A unit as a values() row gives it: what `Report.readable_in()` needs, and its name."""

    pk: int
    municipality_id: int
    name: str = ""


def reader_grants(access) -> list[tuple]:
    """For each of `Report.READERS` in order: its states, and the units and the municipalities
    (sorted ids; empty where none) where the person holds its capability."""
    return [
        (
            states,
            tuple(sorted(access.unit_ids(capability))) if by_unit else (),
            tuple(sorted(access.municipality_ids_with(capability))),
        )
        for capability, by_unit, states in Report.READERS
    ]


def reader_lists(access) -> tuple[tuple, ...]:
    """Which reports the person's Access lets them read (`Report.READERS`), as sorted lists
    of ids: the units and the municipalities they read anything of, then each of
    `reader_grants()`'s units and municipalities (`ReportQuerySet.visible_by()`)."""
    grants = reader_grants(access)
    readers = [ids for _states, *lists in grants for ids in lists]
    units = {unit for _states, unit_ids, _municipality_ids in grants for unit in unit_ids}
    municipalities = {
        pk for _states, _unit_ids, municipality_ids in grants for pk in municipality_ids
    }
    return (tuple(sorted(units)), tuple(sorted(municipalities)), *readers)


def grants_of(readers) -> list[tuple]:
    """`reader_grants()` again from its lists (units, municipalities for each of READERS)."""
    return [
        (states, unit_ids, municipality_ids)
        for (_capability, _by_unit, states), unit_ids, municipality_ids in zip(
            Report.READERS, readers[::2], readers[1::2], strict=True
        )
    ]


def readable_where(grants, prefix: str = "", lookup: str = "in") -> Q:
    """Which of the reports of its units and municipalities the grants (`reader_grants()`)
    let the person read, as a condition on the report at `prefix` (e.g. "report__"), each
    empty list left out; nothing readable: a condition no row meets. With the lookup "any"
    each list is one parameter (a `Statement` per shape of the grants)."""
    readable = Q(pk__in=[])
    for states, unit_ids, municipality_ids in grants:
        if not (unit_ids or municipality_ids):
            continue
        where = Q()
        for field, ids in (("unit", unit_ids), ("unit__municipality", municipality_ids)):
            if ids or lookup == "in":  # an empty `__in` leaves itself out of the SQL
                where |= Q(**{f"{prefix}{field}__{lookup}": ids})
        if states is not None:
            where &= Q(**{f"{prefix}status__in": states})
        readable |= where
    return readable


# What the report page shows of a review comment (with_contents()).
PAGE_COMMENT_RELATIONS = ("author", "replied_by", "question")


# What every report page shows of the report itself.
REPORT_RELATIONS = ("unit", "cycle__version__programme__municipality")


def contents(*, submitted_answers=False) -> list[Prefetch]:
    """The prefetches of with_contents() but the review comments."""
    events = ReportEvent.objects.select_related("by").order_by("at", "pk")
    return [
        *questions_and_answers(joined=False),
        Prefetch(
            "actions",
            queryset=Action.objects.select_related("responsible_role", "owner").order_by(
                "position", "pk"
            ),
        ),
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        Prefetch("events", queryset=events if submitted_answers else events.defer("answers")),
    ]


def review_comments_of(*related):
    """A report's review comments, oldest round first, with the relations named."""
    from followup.models.reviews import ReviewComment

    return ReviewComment.objects.select_related(*related).order_by("round", "pk")


def _column(model, field: str) -> str:
    """A column of `model`'s table, quoted, for the raw counts of for_form()."""
    quote = connection.ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"


def _count_of(model, condition: str = "", *params) -> RawSQL:
    """How many rows of `model` belong to the report (and meet `condition`): a correlated
    subquery written out, as the ORM would write it, without the ORM's cost of building and
    compiling a Subquery on every request (the form shows these counts on every part)."""
    where = f"{_column(model, 'report')} = {_column(Report, 'id')}"
    if condition:
        where += f" AND {condition}"
    table = connection.ops.quote_name(model._meta.db_table)
    # Safe: the SQL holds only the models' own table and column names (quoted) and the
    # fixed conditions of for_form(); values go in as parameters.
    return RawSQL(  # noqa: S611
        f"SELECT COUNT(*) FROM {table} WHERE {where}",  # noqa: S608
        params,
        output_field=models.IntegerField(),
    )


class ReportQuerySet(models.QuerySet):
    def _prefetch_related_objects(self):
        super()._prefetch_related_objects()
        attach_questions(self._result_cache)

    def visible_to(self, user):
        """Reports the person may read (`Report.READERS`).

        From the person's Access (loaded once per request): first the units the person may
        read anything of, as literal ids (an index lookup, then the reports by their unit
        index), then which of those reports each grant lets them read."""
        if not user.is_authenticated:
            return self.none()
        lists = reader_lists(access_of(user))
        if not (lists[0] or lists[1]):
            return self.none()
        return self.visible_by(*lists, lookup="in")

    def visible_by(self, units, municipalities, *readers, lookup="any"):
        """`visible_to()` from `reader_lists()`. With the lookup "any" each list is one
        parameter, left out where empty, so that it is compiled once per shape of the lists
        (StatementPerShape); with "in", literal ids."""
        scope = unit_scope(units, municipalities, lookup)
        return self.filter(unit__in=scope.values("pk")).filter(
            readable_where(grants_of(readers), "", lookup)
        )

    def for_municipality(self, municipality):
        return self.filter(cycle__version__programme__municipality=municipality)

    def with_contents(self, *, submitted_answers=False, review_comments=True):
        """Reports with everything the report pages and PDFs show, in a fixed number of
        queries. With `submitted_answers`, the events keep the answers each submission
        submitted (for Report.submission_changes(), then without a query of its own). Without
        `review_comments`, the caller fetches them (Report.prefetch_review_comments()). One
        report by its key: `page_report()`, the same compiled once."""
        return self.select_related(*REPORT_RELATIONS).prefetch_related(
            *contents(submitted_answers=submitted_answers),
            *(
                [Prefetch("review_comments", queryset=review_comments_of(*PAGE_COMMENT_RELATIONS))]
                if review_comments
                else []
            ),
        )

    def for_form(self):
        """Reports with what the form shows of them in their own row: the unit, the cycle
        with its programme, and how many actions (and undated ones), files and returns each
        has (the returns' comments take replies: Report.prefetch_review_comments("question")).
        The form reads the questions, answers, actions and files its part shows itself
        (views.report_form), with queries compiled once."""
        return self.select_related("unit", "cycle__version__programme__municipality").annotate(
            action_count=_count_of(Action),
            undated_action_count=_count_of(Action, f"{_column(Action, 'due_on')} IS NULL"),
            attachment_count=_count_of(Attachment),
            return_count=_count_of(
                ReportEvent, f"{_column(ReportEvent, 'to_status')} = %s", Report.Status.RETURNED
            ),
        )

    def not_submitted(self):
        """Reports still waiting for their unit (drafts and returned ones)."""
        return self.filter(status__in=Report.OPEN_STATES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.not_submitted().filter(cycle__status=Cycle.Status.OPEN, cycle__due_on__lt=today)

    def create_for(self, cycle, units):
        """Draft reports for the units, with each unit's unfinished actions carried over from
        its latest earlier report of the same programme."""
        self.bulk_create([Report(cycle=cycle, unit=unit) for unit in units])
        reports = {
            report.unit_id: report
            for report in Report.objects.filter(cycle=cycle, unit__in=[u.pk for u in units])
        }
        earlier = (
            Action.objects.filter(
                report__unit__in=list(reports),
                report__cycle__version__programme=cycle.version.programme_id,
                report__cycle__year__lt=cycle.year,
            )
            .exclude(status__in=Action.FINISHED_STATES)
            .select_related("report__cycle")
            .order_by("-report__cycle__year", "position")
        )
        latest_year: dict[int, int] = {}
        carried = []
        for action in earlier:
            unit_id = action.report.unit_id
            year = latest_year.setdefault(unit_id, action.report.cycle.year)
            if year != action.report.cycle.year:
                continue
            carried.append(
                Action(
                    report=reports[unit_id],
                    what=action.what,
                    responsible_role_id=action.responsible_role_id,
                    owner_id=action.owner_id,
                    area_id=action.area_id,
                    starts_on=action.starts_on,
                    due_on=action.due_on,
                    status=action.status,
                    carried_from=action,
                    position=action.position,
                )
            )
        Action.objects.bulk_create(carried)
        return list(reports.values())


class ReportStatus(models.TextChoices):
    """Where a report stands in its review chain."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    REPORTED = "reported", _("Reported to committee")


class Report(models.Model):
    """One unit's follow-up report for one cycle."""

    Status = ReportStatus

    OPEN_STATES = (Status.DRAFT, Status.RETURNED)
    APPROVED_STATES = (Status.APPROVED, Status.REPORTED)
    SENT_STATES = tuple(s for s in ReportStatus if s != ReportStatus.DRAFT)

    # Who reads which reports, stated once for lists (`visible_to()`, in SQL) and for one
    # report (`is_readable_by()`, from the person's Access): the capability, whether a unit
    # role gives it (else only a municipality-wide one), and the states it opens (None: all).
    # The unit's own people read it in every state, reviewers once it is sent, readers once
    # it is approved; nobody reads another unit's draft.
    READERS = (
        (Capability.SUBMIT_FOLLOWUP, True, None),
        (Capability.REVIEW_FOLLOWUP, False, SENT_STATES),
        (Capability.READ_REPORTS, True, APPROVED_STATES),
    )

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="reports", verbose_name=_("cycle")
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        related_name="followup_reports",
        verbose_name=_("unit"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    return_comment = models.TextField(_("comment on return"), blank=True)
    committee_date = models.DateField(_("reported to committee on"), null=True, blank=True)
    committee_paragraph = ParagraphField(_("committee §"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # Bumped on every save of the form: an edit based on an older revision is refused.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "unit__path"]
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit"], name="report_unique_per_unit_and_cycle"
            ),
            models.CheckConstraint(
                condition=Q(committee_date__isnull=True) | Q(status=ReportStatus.REPORTED),
                name="report_committee_date_only_when_reported",
            ),
            paragraph_without_sign(
                "committee_paragraph", "report_committee_paragraph_without_sign"
            ),
        ]

    def __str__(self):
        return f"{self.unit.name} – {self.cycle.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.OPEN_STATES and self.cycle.status == Cycle.Status.OPEN

    @property
    def is_approved(self) -> bool:
        return self.status in self.APPROVED_STATES

    def is_readable_by(self, access) -> bool:
        """Whether the person (their Access) may read this report: `READERS`, without a query
        (`Report.objects.visible_to()` is the same rule for lists)."""
        return self.readable_in(access, self.status, self.unit)

    @classmethod
    def readable_in(cls, access, status: str, unit) -> bool:
        """`is_readable_by()` for a report known by its status and unit (anything with the
        unit's `pk` and `municipality_id`), e.g. a values() row."""
        return any(
            (states is None or status in states)
            and (
                access.in_unit(capability, unit)
                if by_unit
                else access.in_municipality(capability, unit.municipality_id)
            )
            for capability, by_unit, states in cls.READERS
        )

    @classmethod
    def reads_all_approved(cls, access, municipality_id: int) -> bool:
        """Whether the person may read every approved report of the municipality (`READERS`:
        a municipality-wide grant whose states include the approved ones)."""
        return any(
            (states is None or set(cls.APPROVED_STATES) <= set(states))
            and access.in_municipality(capability, municipality_id)
            for capability, _by_unit, states in cls.READERS
        )

    @classmethod
    def reads_by_status(cls, access) -> bool:
        """Whether `readable_in()` depends on a report's status and municipality only for the
        person: none of their grants in `READERS` is for a unit (all are municipality-wide)."""
        return not any(
            access.unit_ids(capability) for capability, by_unit, _states in cls.READERS if by_unit
        )

    @property
    def approval_comment(self) -> str:
        """The reviewer's comment on the latest approval (uses prefetched events)."""
        approvals = [e for e in self.events.all() if e.to_status == self.Status.APPROVED]
        return approvals[-1].comment if approvals else ""

    @property
    def latest_round(self) -> int:
        """review_round() without a query: the `return_count` of for_form(), or the
        prefetched events."""
        latest = getattr(self, "return_count", None)
        if latest is None:
            latest = sum(1 for e in self.events.all() if e.to_status == self.Status.RETURNED)
        return latest

    def prefetch_review_comments(self, *related) -> None:
        """Prefetch the review comments (with the relations named), without a query for a
        report never returned: comments are written only with a return (Report.return_)."""
        if self.latest_round:
            prefetch_related_objects(
                [self], Prefetch("review_comments", queryset=review_comments_of(*related))
            )
        else:
            # Filled as Django's prefetch fills it: evaluating none() costs an ORM compile.
            empty = self.review_comments.none()
            empty._result_cache, empty._prefetch_done = [], True
            self._prefetched_objects_cache["review_comments"] = empty

    @property
    def latest_review_comments(self) -> list:
        """The latest return's comments on questions (uses the prefetched comments)."""
        latest = self.latest_round
        return [c for c in self.review_comments.all() if c.round == latest] if latest else []

    def missing_answers(self) -> list[Question]:
        """Required questions without an answer (uses prefetched questions and answers)."""
        answered = {answer.question_id for answer in self.answers.all() if answer.is_filled}
        return [q for q in self.cycle.questions.all() if q.required and q.pk not in answered]

    def incomplete_actions(self):
        return [action for action in self.actions.all() if not action.due_on]

    # State transitions: each checks the state under a row lock and records who and when, in
    # the report's history and in the audit log.
    AUDITED = {
        Status.SUBMITTED: AuditEvent.Action.REPORT_SUBMITTED,
        Status.RETURNED: AuditEvent.Action.REPORT_RETURNED,
        Status.APPROVED: AuditEvent.Action.REPORT_APPROVED,
        Status.REPORTED: AuditEvent.Action.REPORT_TO_COMMITTEE,
    }

    def _move(self, *, allowed, to, by, comment="", answers=None, detail=None, **record):
        with transaction.atomic():
            current = Report.objects.select_for_update().get(pk=self.pk)
            if current.status not in allowed:
                raise InvalidTransition(
                    _("This step is not possible for a report with the status “%(status)s”."),
                    params={"status": current.get_status_display()},
                )
            self.status = to
            for field, value in record.items():
                setattr(self, field, value)
            self.save(update_fields=["status", *record, "updated_at"])
            event = ReportEvent.objects.create(
                report=self,
                from_status=current.status,
                to_status=to,
                by=by,
                comment=comment,
                date=record.get("committee_date"),
                paragraph=record.get("committee_paragraph", ""),
                answers=answers,
            )
            audit(
                self.AUDITED[to],
                actor=by,
                municipality=self.cycle.version.programme.municipality_id,
                target=str(self),
                comment=comment[:300],
                date=event.date.isoformat() if event.date else "",
                paragraph=event.paragraph,
                **(detail or {}),
            )
            return event

    def submit(self, *, by):
        if self.cycle.status != Cycle.Status.OPEN:
            raise InvalidTransition(_("The cycle is not open: reports cannot be submitted."))
        missing = self.missing_answers()
        if missing:
            raise ValidationError(
                _("Answer every required question before submitting (%(count)s missing)."),
                params={"count": len(missing)},
            )
        if self.incomplete_actions():
            raise ValidationError(_("Every action in the action plan needs a due date."))
        from followup import reminders

        # The reviewers' notifications are committed with the step itself, never left to a
        # broker that may be down.
        with transaction.atomic():
            # Under the row lock (no save_draft in between): the answers as submitted, kept
            # with the step so that the next review can show what changed.
            Report.objects.select_for_update().filter(pk=self.pk).first()
            answers = {
                str(answer.question_id): answer.stored_value()
                for answer in Answer.objects.filter(report=self.pk).select_related("question")
                if answer.is_filled
            }
            replies = self.review_comments.filter(round=self.review_round()).exclude(reply="")
            self._move(
                allowed=self.OPEN_STATES,
                to=self.Status.SUBMITTED,
                by=by,
                answers=answers,
                detail={"replies": replies.count()},
                submitted_at=timezone.now(),
            )
            reminders.report_submitted(self.pk)
            report_changed(self, by=by)  # its status in the consolidated PDFs

    def review_round(self) -> int:
        """How many times the report has been returned: the round of the latest comments."""
        return self.events.filter(to_status=self.Status.RETURNED).count()

    def submission_changes(self) -> dict | None:
        """{question id: (value before, value now)} between the two latest submissions, as
        stored JSON values (see `display`); {} after a first submission, None when the earlier
        one was submitted before answers were kept with submissions. One query, none when the
        events were prefetched with their answers (with_contents(submitted_answers=True))."""
        events = getattr(self, "_prefetched_objects_cache", {}).get("events")
        if events is not None and not any("answers" in e.get_deferred_fields() for e in events):
            submissions = [e for e in events if e.to_status == self.Status.SUBMITTED]
            latest = [e.answers for e in submissions[::-1][:2]]  # prefetched oldest first
        else:
            latest = list(
                self.events.filter(to_status=self.Status.SUBMITTED)
                .order_by("-at", "-pk")
                .values_list("answers", flat=True)[:2]
            )
        if len(latest) < 2:
            return {}
        now, before = latest
        if now is None or before is None:
            return None
        return {
            int(pk): (before.get(pk), now.get(pk))
            for pk in sorted({*now, *before})
            if before.get(pk) != now.get(pk)
        }

    def return_(self, *, by, comment, question_comments=None):
        """Return the submitted report to its unit with an overall comment and/or comments on
        single questions ({question: text}), written in the same transaction as the step; the
        unit may reply to each until it submits again."""
        comment = comment.strip()
        on_questions = {
            question: text.strip()
            for question, text in (question_comments or {}).items()
            if text and text.strip()
        }
        if not comment and not on_questions:
            raise ValidationError({"comment": _("Say what the unit should complete or change.")})
        if any(question.cycle_id != self.cycle_id for question in on_questions):
            raise ValidationError(_("A comment is about a question of another follow-up."))
        if self.cycle.status != Cycle.Status.OPEN:
            raise InvalidTransition(_("The cycle is closed: the report cannot be returned."))
        from followup import reminders
        from followup.models.reviews import ReviewComment

        with transaction.atomic():
            event = self._move(
                allowed=(self.Status.SUBMITTED,),
                to=self.Status.RETURNED,
                by=by,
                comment=comment,
                detail={
                    "question_comments": [
                        {"question": question.text[:120], "comment": text[:300]}
                        for question, text in on_questions.items()
                    ]
                },
                return_comment=comment,
            )
            round_ = self.review_round()
            ReviewComment.objects.bulk_create(
                ReviewComment(
                    report=self,
                    question=question,
                    round=round_,
                    body=text,
                    author=by,
                    created_at=event.at,
                )
                for question, text in on_questions.items()
            )
            self._resolve_submitted()
            reminders.report_returned(self.pk)
            report_changed(self, by=by)

    def approve(self, *, by, comment=""):
        """Approve the submitted report; the comment stays in its history and its PDF, and the
        unit is told in the same transaction."""
        from followup.reminders import report_approved

        with transaction.atomic():
            event = self._move(
                allowed=(self.Status.SUBMITTED,),
                to=self.Status.APPROVED,
                by=by,
                comment=comment.strip(),
                approved_at=timezone.now(),
            )
            self._resolve_submitted()
            report_approved(self, event)
            queue_report_files(self, by=by)

    def _resolve_submitted(self):
        """The "submitted for review" notices end with the review."""
        from followup.reminders import Notice
        from responsibilities.notifications import resolve_notifications

        resolve_notifications(f"report:{self.pk}", Notice.REPORT_SUBMITTED)

    def record_committee(self, *, by, date, paragraph=""):
        """Record that the approved report was reported to the unit's committee (date, §)."""
        if date is None:
            raise ValidationError({"date": _("Enter the date of the meeting.")})
        validate_not_future(date)
        with transaction.atomic():
            self._move(
                allowed=(self.Status.APPROVED,),
                to=self.Status.REPORTED,
                by=by,
                committee_date=date,
                committee_paragraph=normalise_paragraph(paragraph),
            )
            queue_report_files(self, by=by)

    def add_action(self, **fields) -> "Action":
        """Append an action decided outside the yearly form (e.g. a measure decided on a risk
        report) to this open report's plan, under the row lock; the revision moves on, so a
        form opened before sees that the report changed."""
        with transaction.atomic():
            current = Report.objects.select_for_update().get(pk=self.pk)
            if not current.is_editable:
                raise InvalidTransition(_("This report cannot be changed in its current state."))
            last = self.actions.aggregate(last=Max("position"))["last"]
            action = Action.objects.create(report=self, position=(last or 0) + 1, **fields)
            Report.objects.filter(pk=self.pk).update(
                revision=F("revision") + 1, updated_at=timezone.now()
            )
        return action

    def save_draft(
        self,
        *,
        by,
        based_on: int,
        answers=(),
        actions=(),
        deleted_actions=(),
        upload=None,
        description="",
        remove_attachments=(),
        replies=None,
        opened_at=None,
    ):
        """Save the unit's changes to its open report in one transaction, under a row lock:
        refused when the report is not open, or when someone saved it after revision
        `based_on` (the edit is then not saved: never overwrite another person's work), or
        when a question it answers for the first time was reworded after `opened_at` (the
        time the form was shown: the unit answered other words).

        `answers` are (question, value) pairs, `actions` new or changed rows of this report's
        action plan, `upload` a checked file to attach, `remove_attachments` attachment ids,
        `replies` {review comment id: text} to the latest return's comments. What is not
        passed is left as it is: the form saves one part at a time."""
        with transaction.atomic():
            current = Report.objects.select_for_update().select_related("cycle").get(pk=self.pk)
            if not current.is_editable:
                raise InvalidTransition(_("This report cannot be changed in its current state."))
            if current.revision != based_on:
                raise StaleRevision(
                    _(
                        "Someone else saved this report after you opened it. Your input is "
                        "shown below but not saved: compare with the saved report and save again."
                    )
                )
            self._store_answers(answers, by=by, opened_at=opened_at)
            self._store_replies(replies or {}, by=by)
            self._store_actions(actions, deleted_actions)
            if upload:
                Attachment.objects.create(
                    report=self,
                    file=upload,
                    original_name=Path(upload.name).name[:200],
                    content_type=upload.detected_content_type,
                    size=upload.size,
                    description=description,
                    uploaded_by=by,
                )
            for item in self.attachments.filter(pk__in=remove_attachments):
                item.remove()
            Report.objects.filter(pk=self.pk).update(
                revision=F("revision") + 1, updated_at=timezone.now()
            )
        self.refresh_from_db(fields=["revision", "updated_at"])

    def _store_answers(self, answers, *, by, opened_at=None):
        saved = {answer.question_id: answer for answer in self.answers.all()}
        new, changed, first = [], [], []
        for question, value in answers:
            column = Answer.FIELD_FOR_TYPE[question.answer_type]
            answer = saved.get(question.pk)
            if answer is None:
                if value in (None, ""):
                    continue
                answer = Answer.to(question, report=self)
                setattr(answer, column, value)
                new.append(answer)
                first.append(question)
            elif getattr(answer, column) != value:
                if not answer.is_filled and is_filled(value):
                    # Answered anew: to the question as it reads now.
                    answer.question_text = question.text
                    first.append(question)
                setattr(answer, column, value)
                changed.append(answer)
        self._ensure_wording_unchanged(first, opened_at)
        # With their history rows: the report's history says which answer changed, by whom.
        bulk_create_with_history(new, Answer, default_user=by)
        bulk_update_with_history(
            changed,
            Answer,
            ["question_text", "attainment", "text", "yes_no", "number", "date"],
            default_user=by,
        )

    @staticmethod
    def _ensure_wording_unchanged(questions, opened_at):
        """Refuse answers to questions reworded (or given another answer type) since the form
        was shown, or since these question objects were read; the question rows stay locked
        until the answers are saved, so a rewording waits for them."""
        if not questions:
            return
        current = {
            pk: (text, answer_type, changed_at)
            for pk, text, answer_type, changed_at in Question.objects.select_for_update()
            .filter(pk__in=[question.pk for question in questions])
            .values_list("pk", "text", "answer_type", "changed_at")
        }
        for question in questions:
            text, answer_type, changed_at = current.get(question.pk, (None, None, None))
            if (
                (text, answer_type) != (question.text, question.answer_type)
                or changed_at is None
                or (opened_at is not None and changed_at > opened_at)
            ):
                raise StaleRevision(
                    _(
                        "The security chief changed the question “%(question)s” while you were "
                        "filling in the form. Your input is shown below but not saved: read "
                        "the question as it reads now and save again."
                    ),
                    params={"question": text or question.text},
                )

    def _store_replies(self, replies, *, by):
        """The unit's replies to the latest return's comments ({comment id: text})."""
        if not replies:
            return
        from followup.models.reviews import ReviewComment

        comments = {
            comment.pk: comment
            for comment in ReviewComment.objects.filter(
                report=self.pk, round=self.review_round(), pk__in=list(replies)
            )
        }
        if set(replies) - set(comments):
            raise InvalidTransition(_("Only the comments of the latest return can be replied to."))
        now, changed = timezone.now(), []
        for pk, text in replies.items():
            comment, text = comments[pk], (text or "").strip()
            if text != comment.reply:
                comment.reply = text
                comment.replied_at = now if text else None
                comment.replied_by = by if text else None
                changed.append(comment)
        ReviewComment.objects.bulk_update(changed, ["reply", "replied_at", "replied_by"])

    def _store_actions(self, actions, deleted):
        actions = list(actions)
        if not actions and not deleted:  # a part without the action plan: not even counted
            return
        if any(action.report_id not in (None, self.pk) for action in [*actions, *deleted]):
            raise InvalidTransition(_("This report cannot be changed in its current state."))
        next_position = len(self.actions.all())
        for action in actions:
            if action.pk is None:
                action.position = next_position
                next_position += 1
            action.report = self
            action.save()
        for action in deleted:
            action.delete()


class ReportEvent(models.Model):
    """One step of a report's review chain: who moved it from which state to which, when."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Report.Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Report.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    date = models.DateField(_("meeting date"), null=True, blank=True)
    paragraph = ParagraphField(_("§"))
    # A submission's answers as submitted ({question id: value}), to show the reviewer what
    # changed since the previous one; null for other steps and for submissions before it.
    answers = models.JSONField(_("answers as submitted"), null=True, blank=True)

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self):
        return f"{self.report_id}: {self.from_status} → {self.to_status}"


class Answer(models.Model):
    """A report's answer to one question, in the column its answer type uses, with the
    question's wording as the unit answered it."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="answers", verbose_name=_("report")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    # The wording when the answer was given (a question may be reworded while the cycle is
    # open): the report, its PDF and the exports show what the unit answered.
    question_text = models.CharField(_("question as answered"), max_length=300)
    attainment = models.CharField(
        _("goal attainment"), max_length=12, choices=Attainment.choices, blank=True
    )
    text = models.TextField(_("text"), blank=True)
    yes_no = models.BooleanField(_("yes or no"), null=True, blank=True)
    number = models.DecimalField(
        _("number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    date = models.DateField(_("date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    FIELD_FOR_TYPE = {
        Question.AnswerType.SCALE: "attainment",
        Question.AnswerType.TEXT: "text",
        Question.AnswerType.YES_NO: "yes_no",
        Question.AnswerType.NUMBER: "number",
        Question.AnswerType.DATE: "date",
    }

    class Meta:
        ordering = ["report", "question__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "question"], name="answer_unique_per_report_and_question"
            ),
            models.CheckConstraint(
                condition=~Q(question_text=""), name="answer_keeps_the_question_answered"
            ),
        ]

    def __str__(self):
        return str(self.display_value)

    @classmethod
    def to(cls, question, **values) -> "Answer":
        """A new (unsaved) answer to the question as it reads now."""
        return cls(question=question, question_text=question.text, **values)

    @property
    def value(self):
        return getattr(self, self.FIELD_FOR_TYPE[self.question.answer_type])

    @property
    def is_filled(self) -> bool:
        return is_filled(self.value)

    @property
    def question_changed(self) -> bool:
        """The question has been reworded since this answer was given."""
        return self.question_text != self.question.text

    @property
    def display_value(self) -> str:
        return display(self.question.answer_type, self.value)

    def stored_value(self):
        """The value as JSON (kept with a submission, ReportEvent.answers)."""
        value = self.value
        if isinstance(value, datetime.date):
            return value.isoformat()
        if value is not None and self.question.answer_type == Question.AnswerType.NUMBER:
            return str(value)
        return value


def is_filled(value) -> bool:
    return value not in (None, "") and not (isinstance(value, str) and not value.strip())


_ATTAINMENTS = frozenset(Attainment.values)


def display(answer_type, value) -> str:
    """An answer's value (or its stored JSON form) as the reader sees it."""
    if answer_type == Question.AnswerType.SCALE:
        # Attainment.values builds its list on every read.
        return str(Attainment(value).label) if value in _ATTAINMENTS else ""
    if answer_type == Question.AnswerType.YES_NO:
        return "" if value is None else str(_("Yes") if value else _("No"))
    return "" if value is None else str(value)


def register_lists(access) -> tuple[tuple, ...]:
    """Who an action register is for, as the lists of ids ActionQuerySet.in_register() takes:
    the units the person chairs and the municipalities they review or chair the whole of,
    then reader_grants()'s units and municipalities for each of `Report.READERS`."""
    units = access.unit_ids(Capability.SUBMIT_FOLLOWUP)
    municipalities = access.municipality_ids_with(
        Capability.SUBMIT_FOLLOWUP
    ) | access.municipality_ids_with(Capability.REVIEW_FOLLOWUP)
    readers = [ids for _states, *lists in reader_grants(access) for ids in lists]
    return (tuple(sorted(units)), tuple(sorted(municipalities)), *readers)


class ActionQuerySet(models.QuerySet):
    def in_register_of(self, user):
        """Actions in the person's action register: every unit's for a reviewer of the whole
        municipality, their own units' (and sub-units') for a unit's chief; only of reports the
        person may read (a reviewer never sees another unit's draft)."""
        if not user.is_authenticated:
            return self.none()
        lists = register_lists(access_of(user))
        if not (lists[0] or lists[1]):
            return self.none()
        return self.in_register(*lists)

    def in_register(self, units, municipalities, *readers):
        """in_register_of() from register_lists(): each list one parameter (`__any`) and left
        out where empty, so that the register's queries are compiled once per shape of the
        lists (a Statement each) and PostgreSQL plans what it plans for literal lists."""
        # Of reports the person may read: visible_to()'s condition on the action's own report
        # (a subquery of reports cost more to build and compile than the rest of the query).
        return self.filter(
            readable_where(grants_of(readers), "report__", "any"),
            report__unit__in=unit_scope(units, municipalities, "any").values("pk"),
        )

    def unfinished(self):
        return self.exclude(status__in=Action.FINISHED_STATES)

    def overdue(self, today=None):
        return self.unfinished().filter(due_on__lt=today or timezone.localdate())

    def due_within(self, days, today=None):
        today = today or timezone.localdate()
        return self.unfinished().filter(
            due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days)
        )

    def with_register_columns(self):
        """Everything a register row shows, in one query: unit, year, role, owner, area, and
        whether a later report carries the action on."""
        return self.select_related(
            "report__unit",
            "report__cycle",
            "responsible_role",
            "owner",
            "area",
            "status_changed_by",
        ).with_carried_on()

    def with_carried_on(self):
        """Whether a later report carries the action on (is_carried_on)."""
        return self.annotate(
            is_carried_on=Exists(Action.objects.filter(carried_from=OuterRef("pk")))
        )


class Action(models.Model):
    """A row of a report's action plan (handlingsplan)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        STARTED = "started", _("Started")
        DONE = "done", _("Done")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    FINISHED_STATES = (Status.DONE, Status.CANCELLED)

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="actions", verbose_name=_("report")
    )
    what = models.TextField(_("action"))
    area = models.ForeignKey(
        SectionItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application area"),
    )
    responsible_role = models.ForeignKey(
        Role,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible role"),
    )
    # A person of the unit (checked by the form, from their assignments); a person who owns
    # actions is deactivated, not deleted.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("owner"),
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    # The latest status update made between cycles (update_status), not through the form.
    status_note = models.CharField(_("note on the status"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried over from"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["report", "position", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(due_on__gte=models.F("starts_on")),
                name="action_due_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status_note="") | Q(status_changed_at__isnull=False),
                name="action_status_note_only_with_status_change",
            ),
        ]
        indexes = [
            # Reminders (issue 6): unfinished actions by due date.
            models.Index(fields=["status", "due_on"], name="action_status_due_idx"),
        ]

    def __str__(self):
        return self.what[:80]

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATES

    def is_overdue(self, today=None) -> bool:
        return self.overdue_on(self.due_on, self.status, today or timezone.localdate())

    @classmethod
    def overdue_on(cls, due_on, status, today) -> bool:
        """Past its due date unfinished: the rule, for an instance or a values() row."""
        return bool(due_on and status not in cls.FINISHED_STATES and due_on < today)

    def update_status(self, *, by, status, note=""):
        """Change the status between cycles, without the yearly form: under the report's and
        the action's row locks, recorded in the action's history and the audit log. Only the
        status (and its note) changes, also when the report is submitted or approved; an
        action carried on to a later report is updated there."""
        if status not in self.Status.values:
            raise ValidationError({"status": _("Choose a status.")})
        note = note.strip()
        with transaction.atomic():
            report = (
                Report.objects.select_for_update()
                .select_related("cycle__version__programme")
                .get(pk=self.report_id)
            )
            current = Action.objects.select_for_update().get(pk=self.pk)
            later = current.carried_to.select_related("report__cycle").first()
            if later is not None:
                raise InvalidTransition(
                    _("This action was carried over to the report of %(year)s: update it there."),
                    params={"year": later.report.cycle.year},
                )
            if current.status == status:
                raise ValidationError(
                    {"status": _("The action already has this status: choose another one.")}
                )
            previous = current.status
            self.status = status
            self.status_note = note
            self.status_changed_at = timezone.now()
            self.status_changed_by = by
            self._history_user = by
            self.save(
                update_fields=["status", "status_note", "status_changed_at", "status_changed_by"]
            )
            # A form opened before must not write the old status back: the revision moves on
            # while the report is open (a submitted report's revision is frozen, and so is
            # the rest of its content).
            changes = {"updated_at": timezone.now()}
            if report.status in Report.OPEN_STATES:
                changes["revision"] = F("revision") + 1
            Report.objects.filter(pk=report.pk).update(**changes)
            audit(
                AuditEvent.Action.ACTION_STATUS_CHANGED,
                actor=by,
                municipality=report.cycle.version.programme.municipality_id,
                target=str(self),
                report=report.pk,
                from_status=previous,
                to_status=status,
                comment=note,
            )
            report_changed(report, by=by)  # the action plan in its PDFs


def attachment_path(instance, filename):
    # A random name: the original one is kept in the row, never used on disk.
    return f"followup/{instance.report.cycle_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    """A file attached to a report as evidence (PDF, Office document or image)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("report")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size in bytes"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["report", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def remove(self):
        """Delete the row and then its file."""
        file = self.file
        self.delete()
        transaction.on_commit(lambda: file.storage.delete(file.name))


# The report page's report with its contents, compiled once per process: built and compiled
# by the ORM on every request, its seven queries cost more than half the page (issue 16).
_PAGE_REPORT = Statement(
    lambda pk, slug: (
        Report.objects.select_related(*REPORT_RELATIONS)
        .filter(pk=pk, cycle__version__programme__municipality__slug=slug)
        .order_by()
    ),
    (-7_300_461_001, "-7300461003"),
    (-7_300_461_005, "-7300461007"),
)


@functools.cache
def _page_contents() -> list[CompiledPrefetch]:
    return [
        CompiledPrefetch(prefetch, Report, (-7_300_461_009,), (-7_300_461_011,))
        for prefetch in contents(submitted_answers=True)
    ]


def page_report(pk: int, slug: str) -> Report | None:
    """The report of the municipality (by its slug) with what
    `with_contents(submitted_answers=True, review_comments=False)` reads, or None."""
    low, high = connection.ops.integer_field_range(Report._meta.pk.get_internal_type())
    if not low <= pk <= high:
        return None  # no such key (the ORM would not ask either)
    found = _PAGE_REPORT.fetch(pk, slug)
    if not found:
        return None
    report = found[0]
    for prefetch in _page_contents():
        prefetch.fill(report)
    attach_questions([report])
    return report
