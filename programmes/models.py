"""Governing documents (styrdokument), their versions and their ordered content."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.html import clean_html
from responsibilities.models import Municipality, OrganisationUnit, Role


class FrozenVersionError(ValidationError):
    """Raised when content of an adopted or superseded version would change."""


class ProgrammeQuerySet(models.QuerySet):
    def published(self):
        """Documents that have an adopted version: what the public may read."""
        return self.filter(versions__status=ProgrammeVersion.Status.ADOPTED).distinct()


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


class ProgrammeVersion(models.Model):
    """One version of a governing document: a draft, the adopted text, or a superseded one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        SUPERSEDED = "superseded", _("Superseded")

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
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    paragraph = models.CharField(
        _("§ number"), max_length=20, blank=True, help_text=_("The minute's paragraph, e.g. 130.")
    )
    case_number = models.CharField(_("case number (Dnr)"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revision_due = models.DateField(_("revision due"), null=True, blank=True)
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
                condition=Q(status="adopted"),
                name="one_adopted_version_per_programme",
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status="draft"),
                name="one_draft_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(adopting_body__isnull=False),
                name="adopted_version_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="version_validity_in_order",
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

    def ordered_sections(self):
        return self.sections.order_by("position")

    def revision_state(self, today=None):
        """("overdue", days) / ("due", days left) / None, for banners and start pages."""
        if self.revision_due is None or self.status != self.Status.ADOPTED:
            return None
        today = today or timezone.localdate()
        delta = (self.revision_due - today).days
        return ("overdue", -delta) if delta < 0 else ("due", delta)

    @transaction.atomic
    def adopt(
        self, *, by, adopting_body, decision_date=None, paragraph="", case_number="", **record
    ):
        """Turn this draft into the adopted version; the previous adopted one is superseded."""
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("Only a draft can be adopted."))
        if adopting_body.municipality_id != self.programme.municipality_id:
            raise ValidationError({"adopting_body": _("The body belongs to another municipality.")})
        ProgrammeVersion.objects.select_for_update().filter(programme=self.programme_id).update(
            updated_at=timezone.now()
        )
        self.programme.versions.filter(status=self.Status.ADOPTED).update(
            status=self.Status.SUPERSEDED
        )
        self.status = self.Status.ADOPTED
        self.adopting_body = adopting_body
        self.decision_date = decision_date
        self.paragraph = paragraph
        self.case_number = case_number
        for field, value in record.items():
            setattr(self, field, value)
        self.adopted_at = timezone.now()
        self.adopted_by_user = by
        self.full_clean()
        self.save()


class Section(models.Model):
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


class SectionItem(models.Model):
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


class RelatedDocument(models.Model):
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

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("related document")
        verbose_name_plural = _("related documents")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="related_document_position_unique_per_version"
            ),
        ]

    def __str__(self):
        return self.title
