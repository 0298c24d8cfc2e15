"""Risk reports from staff and elected members, their handling, and the risk register."""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followup.models import InvalidTransition
from programmes.models import SectionItem
from responsibilities.access import access_of
from responsibilities.capabilities import Capability
from responsibilities.models import Municipality, OrganisationUnit, Role


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")


class RiskSettings(models.Model):
    """A municipality's scale for assessing risks and its time to acknowledge a report."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="risk_settings",
        verbose_name=_("municipality"),
    )
    likelihood_levels = models.PositiveSmallIntegerField(
        _("levels of likelihood"), default=4, help_text=_("From 2 to 9.")
    )
    consequence_levels = models.PositiveSmallIntegerField(
        _("levels of consequence"), default=4, help_text=_("From 2 to 9.")
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(
        _("acknowledge within working days"),
        default=3,
        help_text=_("Then the manager is reminded and the security chief is told."),
    )

    class Meta:
        verbose_name = _("risk settings")
        verbose_name_plural = _("risk settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood_levels__gte=2, likelihood_levels__lte=9)
                & Q(consequence_levels__gte=2, consequence_levels__lte=9),
                name="risk_scale_between_2_and_9",
            ),
            models.CheckConstraint(
                condition=Q(acknowledge_within_days__gte=1, acknowledge_within_days__lte=60),
                name="risk_acknowledge_days_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.municipality}: {self.likelihood_levels}×{self.consequence_levels}"

    @classmethod
    def for_municipality(cls, municipality_id) -> "RiskSettings":
        """The municipality's settings, or the defaults when none are stored (not saved)."""
        found = cls.objects.filter(municipality_id=municipality_id).first()
        return found or cls(municipality_id=municipality_id)

    @classmethod
    def of(cls, municipality: Municipality) -> "RiskSettings":
        """As for_municipality(), from a municipality fetched with
        select_related("risk_settings"): no query of its own."""
        try:
            return municipality.risk_settings
        except cls.DoesNotExist:
            return cls(municipality_id=municipality.pk)

    @classmethod
    def from_levels(cls, municipality_id, likelihood_levels, consequence_levels) -> "RiskSettings":
        """As of(), from the two sizes read as columns of a row (None when none are stored:
        the defaults)."""
        settings = cls(municipality_id=municipality_id)
        if likelihood_levels is not None:
            settings.likelihood_levels = likelihood_levels
            settings.consequence_levels = consequence_levels
        return settings

    def level(self, likelihood, consequence) -> str | None:
        """The level of a risk: its score as a share of the largest score on this scale."""
        if not likelihood or not consequence:
            return None
        share = likelihood * consequence / (self.likelihood_levels * self.consequence_levels)
        if share <= 0.25:
            return Level.LOW
        if share <= 0.5:
            return Level.MEDIUM
        if share <= 0.75:
            return Level.HIGH
        return Level.VERY_HIGH


class ReferenceCounter(models.Model):
    """The last reference number given in a municipality and year (row-locked when taken)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="reference_counter_once_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.municipality_id} {self.year}: {self.last}"

    @classmethod
    def take(cls, municipality_id, year) -> int:
        """The next number, inside the caller's transaction: concurrent reports wait for the
        row lock and get the following numbers."""
        cls.objects.bulk_create(
            [cls(municipality_id=municipality_id, year=year)], ignore_conflicts=True
        )
        counter = cls.objects.select_for_update().get(municipality_id=municipality_id, year=year)
        counter.last = F("last") + 1
        counter.save(update_fields=["last"])
        counter.refresh_from_db(fields=["last"])
        return counter.last


def handled_lists(user) -> tuple[tuple, tuple]:
    """The units (and sub-units) the person manages and the municipalities where they handle
    risks for all of it: from the grants in force today that the person's Access has loaded,
    as sorted ids (no subquery on the permission tables)."""
    return access_of(user).id_lists(Capability.HANDLE_RISKS)


def handled_where(units, municipalities, lookup: str = "in") -> Q:
    """Rows in the units or anywhere in the municipalities (`handled_lists()`). With the
    lookup "any" each list is one parameter, and an empty one is left out of the SQL (as
    the ORM leaves out an empty `__in`): a Statement per shape of the lists."""
    where = Q(pk__in=[])
    for field, ids in (("unit", units), ("municipality", municipalities)):
        if ids or lookup == "in":
            where |= Q(**{f"{field}__{lookup}": ids})
    return where


def _handled_by(user) -> Q:
    return handled_where(*handled_lists(user))


class RiskReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports the person may see in a list: their own, the ones assigned to them, their
        units' (and sub-units') as a manager, every one of the municipality as its security
        chief. A confidential report's text is a further check (`text_visible_to`)."""
        if not user.is_authenticated:
            return self.none()
        return self.visible_by(user.pk, *handled_lists(user))

    def visible_by(self, user_id, units, municipalities, lookup: str = "in"):
        """`visible_to()` from the person's id and `handled_lists()`."""
        return self.filter(
            Q(reported_by=user_id)
            | Q(handler=user_id)
            | handled_where(units, municipalities, lookup)
        )

    def open(self):
        return self.filter(status__in=RiskReport.OPEN_STATES)


def risk_file_path(instance, filename):
    # A random name: the original one is kept in the row, never used on disk.
    return f"risks/{instance.municipality_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class RiskReport(models.Model):
    """A report of a risk, security flaw or incident by an employee or elected member."""

    class Kind(models.TextChoices):
        RISK = "risk", _("Risk")
        FLAW = "flaw", _("Security flaw")
        INCIDENT = "incident", _("Incident or near miss")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSESSING = "assessing", _("Being assessed")
        MEASURE_DECIDED = "measure_decided", _("Measure decided")
        CLOSED = "closed", _("Closed")
        NOT_A_RISK = "not_a_risk", _("Closed as not a risk")

    OPEN_STATES = (Status.RECEIVED, Status.ASSESSING, Status.MEASURE_DECIDED)
    CLOSED_STATES = (Status.CLOSED, Status.NOT_A_RISK)

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("what was noticed"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        related_name="risk_reports",
        verbose_name=_("unit"),
    )
    place = models.CharField(_("place"), max_length=200)
    occurred_on = models.DateField(_("when (from)"))
    occurred_until = models.DateField(_("when (until)"), null=True, blank=True)
    area = models.ForeignKey(
        SectionItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application area"),
    )
    description = models.TextField(_("what was noticed"))
    immediate_action = models.TextField(_("what was done at once"), blank=True)
    confidential = models.BooleanField(
        _("concerns protective security or personal matters"),
        default=False,
        help_text=_("Then only the security chief and the handler see the text."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_reports",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), null=True, blank=True)
    consequence = models.PositiveSmallIntegerField(_("consequence"), null=True, blank=True)
    measure = models.TextField(_("decided measure"), blank=True)
    action = models.ForeignKey(
        "followup.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_reports",
        verbose_name=_("action in the action plan"),
    )
    closing_note = models.TextField(_("what was done"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    entry = models.ForeignKey(
        "RiskEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("risk register entry"),
    )
    file = models.FileField(_("file"), upload_to=risk_file_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("content type"), max_length=120, blank=True)
    file_size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)

    objects = RiskReportQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("risk report")
        verbose_name_plural = _("risk reports")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "number"], name="risk_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(occurred_until__isnull=True) | Q(occurred_until__gte=F("occurred_on")),
                name="risk_occurred_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(occurred_on__gte=datetime.date(1900, 1, 1)),
                name="risk_occurred_after_1900",
            ),
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__gte=1, likelihood__lte=9),
                name="risk_likelihood_in_range",
            ),
            models.CheckConstraint(
                condition=Q(consequence__isnull=True) | Q(consequence__gte=1, consequence__lte=9),
                name="risk_consequence_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["closed", "not_a_risk"]) | Q(closed_at__isnull=False),
                name="risk_closed_has_date",
            ),
        ]
        indexes = [
            # The daily scan: reports still waiting for acknowledgement.
            models.Index(fields=["status", "reported_at"], name="risk_status_reported_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """E.g. "ALE-2026-0042": unique per municipality (slug, year, number)."""
        return f"{self.municipality.slug.upper()}-{self.year}-{self.number:04d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    def level(self, scale: RiskSettings) -> str | None:
        return scale.level(self.likelihood, self.consequence)

    def text_visible_to(self, user, access) -> bool:
        """A confidential report's text: only the reporter, the handler and the security
        chief (who handles risks for the whole municipality)."""
        if not self.confidential:
            return True
        return user.pk in (self.reported_by_id, self.handler_id) or access.in_municipality(
            Capability.HANDLE_RISKS, self.municipality_id
        )

    def may_handle(self, user, access) -> bool:
        """The security chief, the handler, and (unless confidential) the unit's managers."""
        if access.in_municipality(Capability.HANDLE_RISKS, self.municipality_id):
            return True
        if user.pk == self.handler_id:
            return True
        return not self.confidential and access.in_unit(Capability.HANDLE_RISKS, self.unit)

    # --- State transitions: each checks the state under a row lock, records who and when
    # (an event row) and tells the reporter, in one transaction.

    def _move(self, *, allowed, to, by, text="", **fields):
        from risks import routing

        with transaction.atomic():
            current = RiskReport.objects.select_for_update().get(pk=self.pk)
            if current.status not in allowed:
                raise InvalidTransition(
                    _("This step is not possible for a report with the status “%(status)s”."),
                    params={"status": current.get_status_display()},
                )
            self.status = to
            for field, value in fields.items():
                setattr(self, field, value)
            self.save(update_fields=["status", *fields])
            event = RiskEvent.objects.create(
                report=self,
                kind=RiskEvent.Kind.STEP,
                from_status=current.status,
                to_status=to,
                by=by,
                text=text,
            )
            routing.tell_reporter(self, event)
            return event

    def start_assessment(self, *, by):
        """Acknowledge the report: the handler (the person who starts, if none) assesses it."""
        self._move(
            allowed=(self.Status.RECEIVED,),
            to=self.Status.ASSESSING,
            by=by,
            acknowledged_at=timezone.now(),
            handler=self.handler or by,
        )

    def assess(self, *, by, likelihood, consequence, scale: RiskSettings):
        if self.status not in (self.Status.ASSESSING, self.Status.MEASURE_DECIDED):
            raise InvalidTransition(_("Start the assessment first."))
        for value, top, field in (
            (likelihood, scale.likelihood_levels, "likelihood"),
            (consequence, scale.consequence_levels, "consequence"),
        ):
            if value is None or not 1 <= value <= top:
                raise ValidationError(
                    {field: _("Choose a value from 1 to %(top)s.") % {"top": top}}
                )
        with transaction.atomic():
            RiskReport.objects.filter(pk=self.pk).update(
                likelihood=likelihood, consequence=consequence
            )
            self.likelihood, self.consequence = likelihood, consequence
            RiskEvent.objects.create(
                report=self,
                kind=RiskEvent.Kind.ASSESSED,
                by=by,
                text=f"{likelihood}×{consequence}",
            )

    def decide_measure(self, *, by, measure, owner_role: Role | None, due_on):
        """Decide what is to be done: it becomes an action in the unit's action plan."""
        from risks import routing

        measure = (measure or "").strip()
        if not measure:
            raise ValidationError({"measure": _("Describe the measure.")})
        if due_on is None:
            raise ValidationError({"due_on": _("Enter the date the measure is due.")})
        if not (self.likelihood and self.consequence):
            raise ValidationError(_("Assess likelihood and consequence before deciding a measure."))
        with transaction.atomic():
            action = routing.add_action(self, measure, owner_role, due_on)
            self._move(
                allowed=(self.Status.ASSESSING,),
                to=self.Status.MEASURE_DECIDED,
                by=by,
                text=measure,
                measure=measure,
                action=action,
            )

    def close(self, *, by, note):
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": _("Say what was done.")})
        from followup.models import Action

        with transaction.atomic():
            self._move(
                allowed=(self.Status.MEASURE_DECIDED,),
                to=self.Status.CLOSED,
                by=by,
                text=note,
                closing_note=note,
                closed_at=timezone.now(),
            )
            if self.action_id:
                Action.objects.filter(pk=self.action_id).exclude(
                    status__in=Action.FINISHED_STATES
                ).update(status=Action.Status.DONE)

    def dismiss(self, *, by, note):
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": _("Say why this is not a risk.")})
        self._move(
            allowed=(self.Status.RECEIVED, self.Status.ASSESSING),
            to=self.Status.NOT_A_RISK,
            by=by,
            text=note,
            closing_note=note,
            closed_at=timezone.now(),
            acknowledged_at=self.acknowledged_at or timezone.now(),
        )

    def add_comment(self, *, by, text):
        """A message between the handler and the reporter (the other side is told)."""
        from risks import routing

        text = (text or "").strip()
        if not text:
            raise ValidationError({"text": _("Write a comment.")})
        with transaction.atomic():
            event = RiskEvent.objects.create(
                report=self, kind=RiskEvent.Kind.COMMENT, by=by, text=text[:5000]
            )
            routing.tell_about_comment(self, event)
        return event

    def add_to_register(self, *, by, entry=None, title=""):
        """Put the assessed risk in the unit's register: a new entry, or an existing one."""
        if not (self.likelihood and self.consequence):
            raise ValidationError(_("Assess likelihood and consequence first."))
        with transaction.atomic():
            if entry is None:
                title = (title or "").strip()
                if not title:
                    raise ValidationError({"title": _("Give the risk a short title.")})
                entry = RiskEntry.objects.create(
                    municipality_id=self.municipality_id,
                    unit_id=self.unit_id,
                    area_id=self.area_id,
                    title=title[:200],
                    likelihood=self.likelihood,
                    consequence=self.consequence,
                    confidential=self.confidential,
                    owner=self.handler or by,
                    review_on=timezone.localdate() + datetime.timedelta(days=365),
                    created_by=by,
                )
            elif entry.municipality_id != self.municipality_id:
                raise ValidationError(_("The entry belongs to another municipality."))
            else:
                entry.confidential = entry.confidential or self.confidential
                entry.save(update_fields=["confidential"])
            RiskReport.objects.filter(pk=self.pk).update(entry=entry)
            self.entry = entry
            RiskEvent.objects.create(
                report=self, kind=RiskEvent.Kind.REGISTERED, by=by, text=entry.title
            )
        return entry


class RiskEvent(models.Model):
    """One step, assessment or comment in a report's handling: who, when, what."""

    class Kind(models.TextChoices):
        STEP = "step", _("Step")
        ASSESSED = "assessed", _("Assessed")
        COMMENT = "comment", _("Comment")
        REGISTERED = "registered", _("Added to the risk register")

    report = models.ForeignKey(
        RiskReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    from_status = models.CharField(
        _("from"), max_length=16, choices=RiskReport.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=16, choices=RiskReport.Status.choices, blank=True
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("risk report event")
        verbose_name_plural = _("risk report events")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="step") | ~Q(to_status=""), name="risk_step_has_status"
            ),
        ]

    def __str__(self):
        return f"{self.report_id}: {self.kind} {self.to_status}"


class RiskEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Entries of the units the person manages, or of the municipality they handle."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(owner=user) | _handled_by(user))

    def active(self):
        return self.filter(retired_at=None)


class RiskEntry(models.Model):
    """An identified risk in a unit's risk register: it outlives the reports that raised it
    and is reviewed at least yearly (the identified risks of the municipality's RSA)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        related_name="risk_entries",
        verbose_name=_("unit"),
    )
    area = models.ForeignKey(
        SectionItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application area"),
    )
    title = models.CharField(_("risk"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"))
    consequence = models.PositiveSmallIntegerField(_("consequence"))
    confidential = models.BooleanField(
        _("concerns protective security or personal matters"), default=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    review_on = models.DateField(_("next review"))
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    retired_at = models.DateTimeField(_("removed from the register"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )

    objects = RiskEntryQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "-likelihood", "-consequence", "title"]
        verbose_name = _("risk register entry")
        verbose_name_plural = _("risk register entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=9)
                & Q(consequence__gte=1, consequence__lte=9),
                name="risk_entry_scale_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="risk_entry_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(retired_at__isnull=False),
                name="risk_entry_merged_is_retired",
            ),
        ]
        indexes = [
            # The daily scan: active entries by review date.
            models.Index(fields=["retired_at", "review_on"], name="risk_entry_review_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence

    def level(self, scale: RiskSettings) -> str | None:
        return scale.level(self.likelihood, self.consequence)

    def title_shown_to(self, user, access) -> bool:
        """A confidential risk is named only to its owner and the municipality's handlers."""
        return (
            not self.confidential
            or self.owner_id == user.pk
            or access.in_municipality(Capability.HANDLE_RISKS, self.municipality_id)
        )

    def mark_reviewed(self, *, by, next_review=None):
        self.reviewed_at = timezone.now()
        self.review_on = next_review or timezone.localdate() + datetime.timedelta(days=365)
        self.save(update_fields=["reviewed_at", "review_on"])

    @transaction.atomic
    def merge_into(self, other: "RiskEntry", *, by):
        """Fold this entry into another of the same municipality: its reports move there."""
        if other.pk == self.pk or other.municipality_id != self.municipality_id:
            raise ValidationError(_("Choose another entry of the same municipality."))
        if self.retired_at or other.retired_at:
            raise ValidationError(_("Only entries still in the register can be merged."))
        RiskReport.objects.filter(entry=self).update(entry=other)
        other.likelihood = max(other.likelihood, self.likelihood)
        other.consequence = max(other.consequence, self.consequence)
        other.confidential = other.confidential or self.confidential
        other.save(update_fields=["likelihood", "consequence", "confidential"])
        self.retired_at = timezone.now()
        self.merged_into = other
        self.save(update_fields=["retired_at", "merged_into"])
