"""A yearly follow-up cycle of an adopted programme version, and its questions."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import ProgrammeVersion, Section, SectionItem
from programmes.references import (
    ParagraphField,
    normalise_paragraph,
    paragraph_without_sign,
    validate_not_future,
)
from responsibilities.audit import AuditEvent
from responsibilities.audit import record as audit
from responsibilities.fields import parse_int
from responsibilities.models import OrganisationUnit


class InvalidTransition(ValidationError):
    """Raised when a cycle or report is asked to move to a state it cannot reach from here."""


class QuestionsFrozen(ValidationError):
    """Raised when a question would change in a way its answers cannot follow (its answer
    type, its area, its removal), or when the cycle is closed."""


class QuestionsChanged(ValidationError):
    """Raised when an area's questions are saved from a form shown before someone else changed
    them: nothing is saved, never another person's edit overwritten."""


def questions_version(questions) -> str:
    """A short hash of an area's questions as its form shows them (which ones, in which
    order, what they say): the form carries it, and a save from another one is refused."""
    rows = [[q.pk, q.text, q.help_text, q.answer_type, q.required] for q in questions]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


# What an answered question keeps (its answers depend on it), said the same way by the model
# and the form.
ANSWERED_KEEPS_TYPE = _(
    "Reports have already answered this question (%(count)s), so its answer type and area "
    "stay as they are. Add a new question instead."
)
NOT_REMOVABLE = _(
    "“%(question)s” cannot be removed: reports have answered it (%(count)s) or have comments "
    "on it. Change its wording instead."
)


class CycleQuerySet(models.QuerySet):
    def for_municipality(self, municipality):
        return self.filter(version__programme__municipality=municipality)

    def with_programme(self):
        return self.select_related("version__programme__municipality")


class CycleStatus(models.TextChoices):
    """Where a follow-up cycle stands."""

    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Cycle(models.Model):
    """One year's follow-up of an adopted programme version."""

    Status = CycleStatus

    version = models.ForeignKey(
        ProgrammeVersion,
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("programme version"),
    )
    year = models.PositiveSmallIntegerField(_("year followed up"))
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    reminder_days = models.CharField(
        _("remind days before the due date"),
        max_length=50,
        default="30,7,1",
        help_text=_("Comma-separated numbers of days, e.g. 30,7,1."),
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate after days overdue"),
        default=14,
        help_text=_("Then the security chief and the committee chair are told."),
    )
    units = models.ManyToManyField(
        OrganisationUnit, related_name="followup_cycles", verbose_name=_("reporting units")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    # Reported to the executive board (kommunstyrelsen) for the whole cycle.
    board_date = models.DateField(_("reported to the executive board on"), null=True, blank=True)
    board_paragraph = ParagraphField(_("executive board §"))
    # Reporting units whose report was not approved when the board was told: listed, on
    # purpose, in the record and in the consolidated report.
    board_missing_units = models.ManyToManyField(
        OrganisationUnit,
        blank=True,
        related_name="+",
        verbose_name=_("reported to the board without the reports of"),
    )
    board_recorded_at = models.DateTimeField(_("board report recorded"), null=True, blank=True)
    board_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("board report recorded by"),
    )

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "version"]
        verbose_name = _("follow-up cycle")
        verbose_name_plural = _("follow-up cycles")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "year"], name="cycle_unique_per_version_and_year"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("opens_on")), name="cycle_due_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(board_date__isnull=True) | ~Q(status=CycleStatus.DRAFT),
                name="cycle_board_report_after_opening",
            ),
            paragraph_without_sign("board_paragraph", "cycle_board_paragraph_without_sign"),
        ]

    def __str__(self):
        return f"{self.version.title} – {self.year}"

    @property
    def municipality(self):
        return self.version.programme.municipality

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today=None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.due_on

    @classmethod
    @transaction.atomic
    def create_for(cls, version, year, *, by, opens_on, due_on, units=None):
        """A new cycle for an adopted version, with the default units and questions."""
        if version.status != ProgrammeVersion.Status.ADOPTED:
            raise ValidationError(_("Only an adopted programme version can be followed up."))
        cycle = cls(version=version, year=year, opens_on=opens_on, due_on=due_on, created_by=by)
        cycle.full_clean()
        cycle.save()
        if units is None:
            units = OrganisationUnit.objects.filter(
                municipality_id=version.programme.municipality_id,
                kind__in=OrganisationUnit.REPORTING_KINDS,
            )
        cycle.units.set(units)
        cycle.add_default_questions()
        return cycle

    def application_areas(self):
        """The version's application areas: the items questions may be about."""
        return SectionItem.objects.filter(
            section__version=self.version_id, section__kind=Section.Kind.APPLICATION_AREAS
        ).order_by("section__position", "position")

    def add_default_questions(self):
        """The questions the programme itself asks: per application area, then general ones."""
        position = self.questions.aggregate(last=Max("position"))["last"] or 0
        questions = []
        for area in self.application_areas():
            for text, answer_type, required in DEFAULT_AREA_QUESTIONS:
                position += 1
                questions.append(
                    Question(
                        cycle=self,
                        area=area,
                        text=text,
                        answer_type=answer_type,
                        required=required,
                        position=position,
                    )
                )
        for text, answer_type, required in DEFAULT_GENERAL_QUESTIONS:
            position += 1
            questions.append(
                Question(
                    cycle=self,
                    text=text,
                    answer_type=answer_type,
                    required=required,
                    position=position,
                )
            )
        self.ensure_questions_editable()
        Question.objects.bulk_create(questions)

    def questions_are_frozen(self) -> bool:
        """Questions change until the cycle closes; an answered question keeps what its
        answers depend on (Question.save)."""
        return self.status == self.Status.CLOSED

    def ensure_questions_editable(self):
        if self.questions_are_frozen():
            raise QuestionsFrozen(_("The cycle is closed: its questions can no longer change."))

    def question_groups(self):
        """[(area or None, [question])]: the version's application areas in the programme's
        order (also those without questions), then the general questions; two queries."""
        questions = list(self.questions.select_related("area").order_by("position"))
        groups = {area.pk: (area, []) for area in self.application_areas()}
        general = []
        for question in questions:
            if question.area_id is None:
                general.append(question)
            else:
                groups.setdefault(question.area_id, (question.area, []))[1].append(question)
        return [*groups.values(), (None, general)]

    @transaction.atomic
    def save_questions(self, *, by, area, questions=(), removed=(), based_on=None):
        """Save one application area's questions (`area` None: the general ones) in one
        transaction: `questions` are the area's questions to keep, changed or new, in their
        new order; `removed` the area's questions to delete. Refused as a whole (nothing
        saved) when the cycle is closed, when the area's questions are no longer those of
        `based_on` (their questions_version() when the form was shown: someone saved them
        since), or when an answered question would lose what its answers depend on; the
        cycle's positions follow the areas' order afterwards."""
        locked = Cycle.objects.select_for_update().get(pk=self.pk)
        if locked.status == self.Status.CLOSED:
            raise QuestionsFrozen(_("The cycle is closed: its questions can no longer change."))
        area_id = area.pk if area is not None else None
        if based_on is not None:
            # Under the cycle's lock, which every save of questions takes first.
            now = self.questions.filter(area=area_id).order_by("position")
            if questions_version(now) != based_on:
                raise QuestionsChanged(
                    _(
                        "Someone else saved the questions of this area after you opened the "
                        "page. Nothing was saved: what you typed is shown below, and the "
                        "questions as they are now beside it. Compare them and save again."
                    )
                )
        for question in [*questions, *removed]:
            if question.cycle_id != self.pk or (question.pk and question.area_id != area_id):
                raise QuestionsFrozen(_("The question belongs to another area or cycle."))
        for question in removed:
            question.delete(by=by)
        saved = {
            row[0]: row[1:]
            for row in self.questions.filter(pk__in=[q.pk for q in questions if q.pk]).values_list(
                "pk", *Question.EDITED
            )
        }
        # New questions go last for now (a free position); renumbered below.
        last = self.questions.aggregate(last=Max("position"))["last"] or 0
        for question in questions:
            if question.pk is None:
                last += 1
                question.position = last
            elif saved.get(question.pk) == tuple(getattr(question, f) for f in Question.EDITED):
                continue  # unchanged: no write, nothing in the audit log
            question.save(by=by)
        self._renumber_questions(area_id, [question.pk for question in questions], by=by)

    def _renumber_questions(self, area_id, order, *, by):
        """Positions 1…n in the areas' order, the area's questions as in `order`."""
        before = {
            question.pk: question
            for question in self.questions.select_related("area").order_by("position")
        }
        ordered = []
        for group_area, group in self.question_groups():
            group_id = group_area.pk if group_area is not None else None
            if group_id == area_id:
                ordered += order
            else:
                ordered += [question.pk for question in group]
        if [before[pk].position for pk in ordered] == list(range(1, len(ordered) + 1)):
            return
        old_order = [pk for pk in before if before[pk].area_id == area_id]
        # Through free positions: the pair (cycle, position) is unique.
        offset = max(question.position for question in before.values()) + len(ordered)
        self.questions.update(position=models.F("position") + offset)
        rows = [Question(pk=pk, position=index) for index, pk in enumerate(ordered, start=1)]
        Question.objects.bulk_update(rows, ["position"])
        if old_order != [pk for pk in order if pk in old_order] and not self.is_draft:
            self._audit(
                AuditEvent.Action.QUESTION_CHANGED,
                by,
                change="moved",
                question=", ".join(before[pk].text[:60] for pk in order if pk in before),
            )

    def ensure_units_editable(self):
        if not self.is_draft:
            raise InvalidTransition(_("Reporting units can only change before the cycle opens."))

    def reminder_thresholds(self) -> list[int]:
        """The reminder days, largest first; the defaults when the field holds nonsense."""
        return self.thresholds_of(self.reminder_days)

    @staticmethod
    def thresholds_of(reminder_days: str) -> list[int]:
        days = {parse_int(part, None) for part in reminder_days.split(",")} - {None}
        return sorted(days or {30, 7, 1}, reverse=True)

    @transaction.atomic
    def open(self, *, by):
        """Open the cycle: every reporting unit gets a draft report, with last year's
        unfinished actions carried over."""
        from followup.models.reports import Report

        locked = Cycle.objects.select_for_update().get(pk=self.pk)
        if locked.status != self.Status.DRAFT:
            raise InvalidTransition(_("Only a cycle being prepared can be opened."))
        if not self.questions.exists():
            raise ValidationError(_("Add at least one question before opening the cycle."))
        units = list(self.units.all())
        if not units:
            raise ValidationError(_("Choose at least one reporting unit before opening."))
        self.status = self.Status.OPEN
        self.opened_at = timezone.now()
        self.opened_by = by
        self.save(update_fields=["status", "opened_at", "opened_by"])
        Report.objects.create_for(self, units)
        self._audit(AuditEvent.Action.CYCLE_OPENED, by)
        from followup import reminders

        reminders.cycle_opened(self.pk)  # committed with the opening

    @transaction.atomic
    def close(self, *, by):
        locked = Cycle.objects.select_for_update().get(pk=self.pk)
        if locked.status != self.Status.OPEN:
            raise InvalidTransition(_("Only an open cycle can be closed."))
        self.status = self.Status.CLOSED
        self.closed_at = timezone.now()
        self.closed_by = by
        self.save(update_fields=["status", "closed_at", "closed_by"])
        self._audit(AuditEvent.Action.CYCLE_CLOSED, by)

    def _audit(self, action, by, **detail):
        audit(
            action,
            actor=by,
            municipality=self.version.programme.municipality_id,
            target=str(self),
            **detail,
        )

    def units_without_approved_report(self) -> list[OrganisationUnit]:
        """Reporting units whose report is not (yet) approved, in tree order."""
        from followup.models.reports import Report

        approved = Report.objects.filter(cycle=self, status__in=Report.APPROVED_STATES)
        return list(self.units.exclude(pk__in=approved.values("unit_id")).order_by("path", "name"))

    @transaction.atomic
    def record_board_report(self, *, by, date, paragraph="", without=None):
        """Record that the cycle's result was reported to the executive board (date, §).

        Only when every unit's report is approved, or with `without`: the exact list of units
        still missing, acknowledged by the person recording it (logged, and printed)."""
        locked = Cycle.objects.select_for_update().get(pk=self.pk)
        if locked.is_draft:
            raise InvalidTransition(_("A cycle being prepared cannot be reported yet."))
        if locked.board_date is not None:
            raise InvalidTransition(_("The report to the executive board is already recorded."))
        if date is None:
            raise ValidationError({"board_date": _("Enter the date of the meeting.")})
        validate_not_future(date)
        missing = self.units_without_approved_report()
        if {u.pk for u in missing} != {u.pk for u in without or []}:
            raise ValidationError(
                _(
                    "Not every unit has an approved report: %(units)s. Confirm that the "
                    "executive board is told without them, or wait for their reports."
                ),
                params={"units": ", ".join(u.name for u in missing)},
                code="reports_missing",
            )
        self.board_date = date
        self.board_paragraph = normalise_paragraph(paragraph)
        self.board_recorded_at = timezone.now()
        self.board_recorded_by = by
        self.save(
            update_fields=[
                "board_date",
                "board_paragraph",
                "board_recorded_at",
                "board_recorded_by",
            ]
        )
        self.board_missing_units.set(missing)
        self._audit(
            AuditEvent.Action.BOARD_REPORTED,
            by,
            date=date.isoformat(),
            paragraph=self.board_paragraph,
            missing=[u.name for u in missing],
        )
        from followup.models.files import queue_board_file  # files imports this module

        queue_board_file(self, by=by)

    def previous_cycles(self):
        """The same programme's cycles of the year before, the newest version's first."""
        return Cycle.objects.filter(
            version__programme=self.version.programme_id, year=self.year - 1
        ).order_by("-version__number")

    def previous(self):
        """The same programme's cycle of the year before, if there is one."""
        return self.previous_cycles().first()


class Question(models.Model):
    """A question of a cycle, about one application area or general."""

    class AnswerType(models.TextChoices):
        SCALE = "scale", _("Goal attainment (scale)")
        TEXT = "text", _("Text")
        YES_NO = "yes_no", _("Yes or no")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="questions", verbose_name=_("cycle")
    )
    area = models.ForeignKey(
        SectionItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application area"),
        help_text=_("Empty for a general question."),
    )
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("guidance"), max_length=300, blank=True)
    answer_type = models.CharField(
        _("answer type"), max_length=10, choices=AnswerType.choices, default=AnswerType.TEXT
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"))
    # When the wording or the answer type last changed: a form opened before that and
    # answering the question is refused (Report.save_draft), never saved under other words.
    changed_at = models.DateTimeField(_("wording changed"), default=timezone.now)

    # What the security chief edits (Cycle.save_questions writes a question only if one changed).
    EDITED = ("text", "help_text", "answer_type", "required", "area_id")

    class Meta:
        ordering = ["cycle", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "position"], name="question_position_unique_per_cycle"
            ),
        ]

    def __str__(self):
        return self.text

    def save(self, *args, by=None, **kwargs):
        """Save, refused when the cycle is closed or when an answered question would change
        its answer type or area (its answers keep their wording: Answer.question_text)."""
        with transaction.atomic():
            self.cycle.ensure_questions_editable()
            if self.position is None:
                last = Question.objects.filter(cycle=self.cycle_id).aggregate(last=Max("position"))
                self.position = (last["last"] or 0) + 1
            added = self.pk is None
            if not added:
                saved = Question.objects.select_for_update().get(pk=self.pk)
                self._ensure_answers_follow(saved)
                if (saved.text, saved.answer_type) != (self.text, self.answer_type):
                    self.changed_at = timezone.now()
            super().save(*args, **kwargs)
            self._audit_change("added" if added else "changed", by)

    def delete(self, *args, by=None, **kwargs):
        self.cycle.ensure_questions_editable()
        with transaction.atomic():
            Question.objects.select_for_update().filter(pk=self.pk).first()
            answered = self.answer_count()
            if answered or self.review_comments.exists():
                raise QuestionsFrozen(
                    NOT_REMOVABLE,
                    params={"question": self.text, "count": answered},
                    code="answered",
                )
            self._audit_change("removed", by)
            return super().delete(*args, **kwargs)

    def answer_count(self) -> int:
        """How many reports have answered the question (0 for a new one)."""
        return self.answers.count() if self.pk else 0

    def _ensure_answers_follow(self, saved):
        changes = []
        if saved.answer_type != self.answer_type:
            changes.append("answer_type")
        if saved.area_id != self.area_id:
            changes.append("area")
        if saved.cycle_id != self.cycle_id:
            changes.append(NON_FIELD_ERRORS)
        if not changes:
            return
        answered = saved.answer_count()
        if answered:
            raise QuestionsFrozen(
                {
                    field: ValidationError(
                        ANSWERED_KEEPS_TYPE, params={"count": answered}, code="answered"
                    )
                    for field in changes
                }
            )

    def _audit_change(self, change, by=None):
        # Units see the questions once the cycle is open: a change after that is logged.
        if not self.cycle.is_draft:
            self.cycle._audit(
                AuditEvent.Action.QUESTION_CHANGED,
                by,
                change=change,
                question=self.text,
            )

    def clean(self):
        if self.area_id and self.cycle_id and self.area.section.version_id != self.cycle.version_id:
            raise ValidationError({"area": _("The area belongs to another programme version.")})


# The programme's own follow-up questions (Swedish data, like the programme text itself).
DEFAULT_AREA_QUESTIONS = [
    ("Måluppfyllelse inom området", Question.AnswerType.SCALE, True),
    ("Vad har genomförts under året?", Question.AnswerType.TEXT, True),
    ("Vilka risker och sårbarheter har identifierats?", Question.AnswerType.TEXT, False),
    ("Vilka händelser har inträffat, och har de utvärderats?", Question.AnswerType.TEXT, False),
    ("Vilka utbildningar och övningar har genomförts?", Question.AnswerType.TEXT, False),
]
DEFAULT_GENERAL_QUESTIONS = [
    ("Är rutiner och handlingsplaner aktuella?", Question.AnswerType.YES_NO, True),
    ("Är tjänsten som säkerhetshandläggare bemannad?", Question.AnswerType.YES_NO, True),
    ("Är tjänsten som säkerhetsombud bemannad?", Question.AnswerType.YES_NO, True),
    ("Samlad bedömning av trygghets- och säkerhetsarbetet", Question.AnswerType.SCALE, True),
    ("Motivera den samlade bedömningen", Question.AnswerType.TEXT, False),
    ("Behöver programmet revideras?", Question.AnswerType.YES_NO, True),
]
