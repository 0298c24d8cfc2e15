"""Governing documents (styrdokument), their versions and their ordered content."""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programmes.html import clean_html
from programmes.references import (
    ParagraphField,
    format_paragraph,
    is_placeholder_case_number,
    normalise_case_number,
    normalise_paragraph,
    paragraph_without_sign,
    validate_case_number,
    validate_not_future,
)
from responsibilities.audit import AuditEvent
from responsibilities.audit import record as audit
from responsibilities.models import Municipality, OrganisationUnit, Role
from responsibilities.notifications import resolve_notifications

# A document "revised when needed" is still reviewed: by default once per council term, at
# least every ten years (the form, the model's validation and a database constraint).
DEFAULT_REVIEW_INTERVAL_YEARS = 4
REVIEW_INTERVAL_YEARS = (1, 10)


def add_years(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


# Saves of a draft part carry the `revision` they were based on; a save based on an older one
# is refused (optimistic concurrency), so two editors never overwrite each other silently.
REVISION_HELP = _("Counts the saves of this part; a save based on an older count is refused.")


class ConflictError(Exception):
    """A save was based on an older revision of the part than the one now stored."""

    def __init__(self, current):
        super().__init__("stale revision")
        self.current = current


class CountsSaves:
    """Every full save of an existing row counts up `revision` (the editor's saves, the admin's,
    adoption); position-only saves (`update_fields`) do not, so reordering never conflicts."""

    def save(self, *args, **kwargs):
        if self.pk is not None and kwargs.get("update_fields") is None:
            self.revision += 1
        super().save(*args, **kwargs)


def revision_field():
    return models.PositiveIntegerField(
        _("revision"), default=0, editable=False, help_text=REVISION_HELP
    )


class FrozenVersionError(ValidationError):
    """Raised when content of an adopted or superseded version would change."""


class DraftExistsError(ValidationError):
    """A document already has an open draft; there is one per document."""

    def __init__(self, draft):
        super().__init__(_("This document already has a draft."), code="draft_exists")
        self.draft = draft


class ProgrammeQuerySet(models.QuerySet):
    def published(self):
        """Documents that have an adopted version: what the public may read."""
        return self.filter(versions__status=ProgrammeVersion.Status.ADOPTED).distinct()

    def with_title(self):
        """Each document with `latest_title`, its newest version's title (no query per row)."""
        newest = ProgrammeVersion.objects.filter(programme=OuterRef("pk")).order_by("-number")
        return self.annotate(latest_title=Subquery(newest.values("title")[:1]))


class Programme(models.Model):
    """A governing document of a municipality (programme, policy, strategy, action plan)."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("Programme")
        POLICY = "policy", _("Policy")
        STRATEGY = "strategy", _("Strategy")
        ACTION_PLAN = "action_plan", _("Action plan")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(
        _("web address name"),
        max_length=80,
        help_text=_("Lower-case ASCII letters, digits and hyphens, used in the public address."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "slug"]
        verbose_name = _("governing document")
        verbose_name_plural = _("governing documents")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="programme_slug_unique_per_municipality"
            ),
        ]

    def __str__(self):
        return f"{self.municipality}: {self.slug}"

    def get_absolute_url(self):
        return reverse(
            "programmes:public_detail",
            kwargs={"municipality": self.municipality.slug, "slug": self.slug},
        )

    def url_kwargs(self) -> dict:
        return {"municipality": self.municipality.slug, "slug": self.slug}

    @transaction.atomic
    def start_revision(self, *, by, source=None):
        """Open a new draft as a deep copy of `source` (default: the adopted version)."""
        versions = list(ProgrammeVersion.objects.select_for_update().filter(programme=self))
        draft = next((v for v in versions if v.status == ProgrammeVersion.Status.DRAFT), None)
        if draft is not None:
            raise DraftExistsError(draft)
        if source is None:
            source = next(
                (v for v in versions if v.status == ProgrammeVersion.Status.ADOPTED), None
            ) or max(versions, key=lambda v: v.number, default=None)
        number = max((v.number for v in versions), default=0) + 1
        if source is None:
            draft = ProgrammeVersion.objects.create(programme=self, number=number, title=str(self))
        else:
            draft = source.copy_as_draft(programme=self, number=number)
        audit(
            AuditEvent.Action.DRAFT_STARTED,
            actor=by,
            municipality=self.municipality_id,
            target=draft.label,
            source=source.number if source else None,
        )
        return draft


class VersionStatus(models.TextChoices):
    """Draft, adopted or superseded."""

    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")


class ProgrammeVersion(CountsSaves, models.Model):
    """One version of a governing document: a draft, the adopted text, or a superseded one."""

    Status = VersionStatus

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    number_sections = models.BooleanField(
        _("number the sections"), default=False, help_text=_("Show “1 Background”, “2 Goals”…")
    )
    # The adoption record.
    adopting_body = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted by"),
    )
    decision_date = models.DateField(
        _("decision date"), null=True, blank=True, validators=[validate_not_future]
    )
    paragraph = ParagraphField(_("§ number"), help_text=_("The minute's paragraph, e.g. 187."))
    case_number = models.CharField(
        _("case number (Dnr)"),
        max_length=60,
        blank=True,
        validators=[validate_case_number],
        help_text=_("As the municipality writes it, e.g. KS 2019/41."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revision_due = models.DateField(_("revision due"), null=True, blank=True)
    review_interval_years = models.PositiveSmallIntegerField(
        _("review every (years)"),
        default=DEFAULT_REVIEW_INTERVAL_YEARS,
        validators=[
            MinValueValidator(REVIEW_INTERVAL_YEARS[0]),
            MaxValueValidator(REVIEW_INTERVAL_YEARS[1]),
        ],
        help_text=_("Without a revision date the document is reviewed this often (4 = a term)."),
    )
    review_due = models.DateField(_("next review"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("last confirmed still valid"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adoption recorded"), null=True, blank=True)
    adopted_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adoption recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = revision_field()

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["programme", "-number"]
        get_latest_by = "number"
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="version_number_unique_per_programme"
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status=VersionStatus.ADOPTED),
                name="one_adopted_version_per_programme",
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status=VersionStatus.DRAFT),
                name="one_draft_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT) | Q(adopting_body__isnull=False),
                name="adopted_version_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="version_validity_in_order",
            ),
            paragraph_without_sign("paragraph", "version_paragraph_without_sign"),
            models.CheckConstraint(
                condition=Q(review_interval_years__range=REVIEW_INTERVAL_YEARS),
                name="review_interval_in_range",
            ),
        ]
        # Content of non-draft versions is also guarded by database triggers
        # (migration programmes 0003_frozen_content_triggers).

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def label(self) -> str:
        """How the log and the history name a version: its title and number."""
        return f"{self.title} (version {self.number})"

    @property
    def paragraph_display(self) -> str:
        return format_paragraph(self.paragraph)

    @property
    def case_number_is_placeholder(self) -> bool:
        return is_placeholder_case_number(self.case_number)

    @property
    def next_review(self):
        """The fixed revision date, or else the date of the next review of a document that is
        "revised when needed"."""
        return self.revision_due or self.review_due

    @property
    def reviewed_when_needed(self) -> bool:
        return self.revision_due is None and self.review_due is not None

    def ordered_sections(self):
        return self.sections.order_by("position")

    def revision_state(self, today=None):
        """("overdue", days) / ("due", days left) / None, for banners and start pages."""
        if self.next_review is None or self.status != self.Status.ADOPTED:
            return None
        today = today or timezone.localdate()
        delta = (self.next_review - today).days
        return ("overdue", -delta) if delta < 0 else ("due", delta)

    def copy_as_draft(self, *, programme, number):
        """A new draft of `programme` with this version's text, sections, items and documents.

        The adoption record is not copied: it belongs to the decision on this version.
        """
        same_municipality = programme.municipality_id == self.programme.municipality_id
        draft = ProgrammeVersion.objects.create(
            programme=programme,
            number=number,
            title=self.title,
            subtitle=self.subtitle,
            number_sections=self.number_sections,
        )
        sections = self.sections.order_by("position").prefetch_related("items")
        for section in sections:
            copy = Section.objects.create(
                version=draft,
                kind=section.kind,
                position=section.position,
                heading=section.heading,
                body=section.body,
                closing=section.closing,
            )
            for item in section.items.all():
                SectionItem.objects.create(
                    section=copy,
                    position=item.position,
                    text=item.text,
                    # Roles belong to one municipality; a copy into another drops the link.
                    role_id=item.role_id if same_municipality else None,
                )
        for document in self.related_documents.order_by("position"):
            RelatedDocument.objects.create(
                version=draft,
                position=document.position,
                title=document.title,
                url=document.url,
                file=document.file.name if document.file else "",
            )
        return draft

    def lock_draft(self):
        """Lock this version's row for the transaction; refuse if it is no longer a draft."""
        status = (
            ProgrammeVersion.objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status != self.Status.DRAFT:
            raise FrozenVersionError(_("This version is no longer a draft and cannot change."))

    @contextmanager
    def changing(self):
        """The one way to change a draft's content: a transaction holding the draft's row
        lock, refused (FrozenVersionError) once the version is no longer a draft."""
        with transaction.atomic():
            self.lock_draft()
            yield self

    def add_section(self, **fields) -> "Section":
        """A new section at the end of the draft."""
        with self.changing():
            last = self.sections.aggregate(last=Max("position"))["last"] or 0
            return Section.objects.create(version=self, position=last + 1, **fields)

    def add_item(self, section: "Section", *, text: str, role=None) -> "SectionItem":
        """A new list item at the end of one of the draft's sections."""
        with self.changing():
            last = section.items.aggregate(last=Max("position"))["last"] or 0
            return SectionItem.objects.create(
                section=section, position=last + 1, text=text, role=role
            )

    def add_related_document(self, document: "RelatedDocument") -> "RelatedDocument":
        """An unsaved related document, saved at the end of the draft's list."""
        with self.changing():
            last = self.related_documents.aggregate(last=Max("position"))["last"] or 0
            document.version = self
            document.position = last + 1
            document.save()
            return document

    def remove_part(self, part) -> None:
        """Delete a section (with its items), an item or a related document of this draft
        (fetched through the draft, as the editor's lookups do)."""
        with self.changing():
            part.delete()

    @transaction.atomic
    def delete_draft(self, *, by=None):
        """Remove a draft with its content; adopted and superseded versions stay for good."""
        self.lock_draft()
        label, municipality_id = self.label, self.programme.municipality_id
        self.delete()
        audit(AuditEvent.Action.DRAFT_DELETED, actor=by, municipality=municipality_id, target=label)

    @staticmethod
    def _resolve_revision_notices(version_id):
        """The revision (or review) is no longer owed: its notices are resolved, not deleted."""
        from programmes.revision import Notice

        resolve_notifications(f"version:{version_id}", Notice.REVISION_DUE, Notice.REVISION_OVERDUE)

    def _check_decision_in_order(self, decision_date):
        """A decision is not older than that of the version it replaced, nor newer than that of
        the version that replaced it (the record reads in the order the council decided)."""
        if decision_date is None:
            return
        decided = self.programme.versions.exclude(pk=self.pk).exclude(
            Q(status=self.Status.DRAFT) | Q(decision_date=None)
        )
        before = (
            decided.filter(number__lt=self.number)
            .order_by("-number")
            .values_list("decision_date", flat=True)
            .first()
        )
        after = (
            decided.filter(number__gt=self.number)
            .order_by("number")
            .values_list("decision_date", flat=True)
            .first()
        )
        if before and decision_date < before:
            message = _(
                "The decision date cannot be before the decision on the version it replaces "
                "(%(date)s)."
            )
            raise ValidationError({"decision_date": message % {"date": before.isoformat()}})
        if after and decision_date > after:
            message = _(
                "The decision date cannot be after the decision on the version that replaced "
                "this one (%(date)s)."
            )
            raise ValidationError({"decision_date": message % {"date": after.isoformat()}})

    def _review_due_from(self, day):
        """Reviews are owed only by a document without a fixed revision date."""
        return None if self.revision_due else add_years(day, self.review_interval_years)

    @transaction.atomic
    def confirm_review(self, *, by, comment=""):
        """The security chief confirms "reviewed, still valid": the review interval restarts."""
        current = ProgrammeVersion.objects.select_for_update().get(pk=self.pk)
        if current.status != self.Status.ADOPTED:
            raise ValidationError(_("Only the adopted version can be confirmed as still valid."))
        if current.revision_due:
            raise ValidationError(_("This document has a fixed revision date: revise it instead."))
        now = timezone.now()
        self.reviewed_at = now
        self.review_due = add_years(timezone.localdate(), current.review_interval_years)
        ProgrammeVersion.objects.filter(pk=self.pk).update(
            reviewed_at=self.reviewed_at, review_due=self.review_due
        )
        self._resolve_revision_notices(self.pk)
        audit(
            AuditEvent.Action.REVIEW_CONFIRMED,
            actor=by,
            municipality=self.programme.municipality_id,
            target=self.label,
            comment=comment.strip()[:300],
            next_review=self.review_due.isoformat(),
        )

    @transaction.atomic
    def correct_adoption(self, *, by, reason, **changes):
        """Correct a wrong date, § or Dnr of the adoption record, logging old → new and why."""
        if self.status == self.Status.DRAFT:
            raise ValidationError(_("A draft has no adoption record to correct."))
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for the correction.")})
        unknown = set(changes) - set(AdoptionCorrection.CORRECTABLE)
        if unknown:
            raise ValidationError(_("Only the adoption record can be corrected."))
        current = ProgrammeVersion.objects.select_for_update().get(pk=self.pk)
        if "decision_date" in changes:
            self._check_decision_in_order(changes["decision_date"])
        if "paragraph" in changes:
            changes["paragraph"] = normalise_paragraph(changes["paragraph"])
        if "case_number" in changes:
            changes["case_number"] = normalise_case_number(changes["case_number"])
        corrections = []
        for field, value in changes.items():
            old = getattr(current, field)
            if old == value:
                continue
            corrections.append(
                AdoptionCorrection(
                    version=self,
                    field=field,
                    old_value="" if old is None else str(old),
                    new_value="" if value is None else str(value),
                    reason=reason.strip(),
                    corrected_by=by,
                )
            )
            setattr(self, field, value)
        if not corrections:
            raise ValidationError(_("Nothing was changed."))
        self.full_clean()
        if "revision_due" in changes or "decision_date" in changes:
            if self.revision_due:
                self.review_due = None
            elif self.status == self.Status.ADOPTED and self.review_due is None:
                self.review_due = self._review_due_from(self.decision_date or timezone.localdate())
        self.revision = current.revision
        self.save()
        AdoptionCorrection.objects.bulk_create(corrections)
        audit(
            AuditEvent.Action.ADOPTION_CORRECTED,
            actor=by,
            municipality=self.programme.municipality_id,
            target=self.label,
            fields=[str(c.field_label) for c in corrections],
            changes={c.field: [c.old_value, c.new_value] for c in corrections},
            reason=reason.strip()[:300],
        )
        return corrections

    @transaction.atomic
    def adopt(
        self, *, by, adopting_body, decision_date=None, paragraph="", case_number="", **record
    ):
        """Turn this draft into the adopted version; the previous adopted one is superseded."""
        self.lock_draft()
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("Only a draft can be adopted."))

        if adopting_body.municipality_id != self.programme.municipality_id:
            raise ValidationError({"adopting_body": _("The body belongs to another municipality.")})
        ProgrammeVersion.objects.select_for_update().filter(programme=self.programme_id).update(
            updated_at=timezone.now()
        )
        self._check_decision_in_order(decision_date)  # the versions locked, as they stand
        previous = list(
            self.programme.versions.filter(status=self.Status.ADOPTED).values_list("pk", flat=True)
        )
        self.programme.versions.filter(pk__in=previous).update(status=self.Status.SUPERSEDED)
        self.status = self.Status.ADOPTED
        self.adopting_body = adopting_body
        self.decision_date = decision_date
        self.paragraph = normalise_paragraph(paragraph)
        self.case_number = normalise_case_number(case_number)
        for field, value in record.items():
            setattr(self, field, value)
        self.adopted_at = timezone.now()
        self.adopted_by_user = by
        self.full_clean()  # the review interval too, before the next review is counted from it
        self.review_due = self._review_due_from(decision_date or timezone.localdate())
        self.save()
        # The superseded version's revision is no longer owed: its notices are resolved.
        for pk in previous:
            self._resolve_revision_notices(pk)
        audit(
            AuditEvent.Action.ADOPTED,
            actor=by,
            municipality=self.programme.municipality_id,
            target=self.label,
            body=adopting_body.name,
            date=decision_date.isoformat() if decision_date else "",
            paragraph=self.paragraph,
            case_number=self.case_number,
        )
        from programmes.tasks import queue_render

        queue_render(self.pk)  # the public PDF, ready before the first reader asks


def save_part(instance, *, based_on: int, **changes):
    """Save changes to a draft's part if nobody saved it since revision `based_on`.

    Raises ConflictError (with the stored part) when the copy was stale, FrozenVersionError
    when the version is no longer a draft.
    """
    model = type(instance)
    version = instance if model is ProgrammeVersion else instance.draft_version
    with version.changing():
        current = model.objects.select_for_update().get(pk=instance.pk)
        if current.revision != based_on:
            raise ConflictError(current)
        for field, value in changes.items():
            setattr(current, field, value)
        current.full_clean()
        current.save()
        return current


def swap_positions(instance, siblings, *, up: bool):
    """Move a section, item or related document one place up or down among its siblings.

    Positions are unique, so the row steps aside to a free position before the swap; both
    moves happen in one transaction with the draft locked.
    """
    model = type(instance)
    with instance.draft_version.changing():
        rows = list(siblings.select_for_update().order_by("position"))
        index = next(i for i, row in enumerate(rows) if row.pk == instance.pk)
        other_index = index - 1 if up else index + 1
        if not 0 <= other_index < len(rows):
            return False
        me, other = rows[index], rows[other_index]
        free = rows[-1].position + 1
        model.objects.filter(pk=me.pk).update(position=free)
        me.position, other.position = other.position, me.position
        other.save(update_fields=["position"])
        me.save(update_fields=["position"])
        return True


class AdoptionCorrection(models.Model):
    """A logged correction of an adoption record: who, when, which field, old → new, why."""

    CORRECTABLE = (
        "adopting_body",
        "decision_date",
        "paragraph",
        "case_number",
        "valid_from",
        "valid_until",
        "revision_due",
    )

    version = models.ForeignKey(
        ProgrammeVersion,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("version"),
    )
    field = models.CharField(_("field"), max_length=40)
    old_value = models.CharField(_("old value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300, blank=True)
    reason = models.TextField(_("reason"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    corrected_at = models.DateTimeField(_("corrected"), default=timezone.now)

    class Meta:
        ordering = ["version", "-corrected_at"]
        verbose_name = _("adoption record correction")
        verbose_name_plural = _("adoption record corrections")

    def __str__(self):
        return f"{self.version}: {self.field} {self.old_value} → {self.new_value}"

    @property
    def field_label(self) -> str:
        return ProgrammeVersion._meta.get_field(self.field).verbose_name


class Section(CountsSaves, models.Model):
    """A part of a version: background, purposes, goals, areas, responsibilities, follow-up…"""

    class Kind(models.TextChoices):
        BACKGROUND = "background", _("Background")
        PURPOSES = "purposes", _("Purposes")
        GOALS = "goals", _("Goals")
        APPLICATION_AREAS = "application_areas", _("Application areas")
        RESPONSIBILITIES = "responsibilities", _("Responsibilities")
        APPLICATION = "application", _("Application")
        FOLLOW_UP = "follow_up", _("Follow-up")
        VALIDITY = "validity", _("Validity")
        FREE = "free", _("Free section")

    version = models.ForeignKey(
        ProgrammeVersion,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("version"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(_("position"))
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("text"), blank=True, help_text=_("Shown before the list."))
    closing = models.TextField(_("closing text"), blank=True, help_text=_("Shown after the list."))
    revision = revision_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="section_position_unique_per_version"
            ),
        ]

    def __str__(self):
        return self.heading

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        self.closing = clean_html(self.closing)
        super().save(*args, **kwargs)

    @property
    def draft_version(self):
        return self.version


class SectionItem(CountsSaves, models.Model):
    """A list item of a section: a purpose, a goal, an area, or a responsibility clause."""

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="items", verbose_name=_("section")
    )
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("text"))
    role = models.ForeignKey(
        Role,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clauses",
        verbose_name=_("role"),
        help_text=_("For responsibility clauses: the role the clause is about."),
    )
    revision = revision_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "position"]
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="item_position_unique_per_section"
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def draft_version(self):
        return self.section.version


class RelatedDocument(CountsSaves, models.Model):
    """Another governing document the version refers to (e.g. brandskyddspolicy)."""

    version = models.ForeignKey(
        ProgrammeVersion,
        on_delete=models.CASCADE,
        related_name="related_documents",
        verbose_name=_("version"),
    )
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="programmes/related/%Y/", blank=True)
    revision = revision_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("related document")
        verbose_name_plural = _("related documents")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="related_document_position_unique_per_version"
            ),
            models.CheckConstraint(
                condition=Q(url="") | Q(file=""), name="related_document_link_or_file"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def draft_version(self):
        return self.version
