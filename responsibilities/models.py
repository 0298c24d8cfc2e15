"""The municipality, its organisation, its roles and who holds them."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from responsibilities.capabilities import (
    NOT_OWNING_ACTIONS,
    POLITICAL_BODIES,
    Capability,
    RoleKind,
    capabilities_of,
    is_municipality_wide,
    may_own_actions,
)

# Each capability is a guardian object permission on a municipality or on a unit.
CAPABILITY_PERMISSIONS = [(capability.value, capability.label) for capability in Capability]

# Top-level paths that a municipality slug may not take (see ale_safety/urls.py).
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "healthz",
        "hantera",
        "i18n",
        "kalender",
        "konto",
        "media",
        "risker",
        "sakerhetslogg",
        "start",
        "static",
        "styrdokument",
        "tillganglighet",
        "uppfoljning",
    }
)


def validate_municipality_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved for the site."), params={"slug": value})


class User(AbstractUser):
    """A person who logs in: staff, elected representatives, administrators."""

    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("sv", _("Swedish")), ("en", _("English"))],
        default="sv",
    )
    # Whose administrators keep this account's details; roles may also come from elsewhere.
    municipality = models.ForeignKey(
        "Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("municipality"),
        help_text=_("The municipality whose administrators manage this account."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.get_full_name() or self.username


class Municipality(models.Model):
    """A municipality (kommun) using this installation."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("web address name"),
        max_length=50,
        unique=True,
        validators=[validate_municipality_slug],
        help_text=_("Lower-case ASCII letters, used in public addresses, e.g. “ale”."),
    )
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_note = models.CharField(_("contact note"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    visiting_address = models.TextField(_("visiting address"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        permissions = CAPABILITY_PERMISSIONS
        default_permissions = ()

    def __str__(self):
        return self.name

    @classmethod
    def known(cls, pk: int, slug: str, name: str) -> "Municipality":
        """The municipality from its id, slug and name already at hand (the person's grants
        carry them), without a query; reading any other field loads the rest."""
        return cls.from_db(router.db_for_read(cls), ["id", "name", "slug"], [pk, name, slug])

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        # Reading one deferred field (of a `known` municipality) loads all of them: one query.
        deferred = self.get_deferred_fields()
        if fields is not None and deferred and set(fields) <= deferred:
            fields = deferred
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)


class OrganisationUnit(models.Model):
    """A body or unit of the municipality's organisation, placed in a tree."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Municipal council")
        EXECUTIVE_BOARD = "executive_board", _("Executive board")
        COMMITTEE = "committee", _("Committee")
        COMPANY = "company", _("Municipal company")
        SECTOR = "sector", _("Sector")
        UNIT = "unit", _("Unit")

    # Units that submit a yearly follow-up report by default.
    REPORTING_KINDS = (Kind.SECTOR, Kind.COMPANY)

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="units",
        verbose_name=_("municipality"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("reports to"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("abbreviation"), max_length=20, blank=True)
    is_demo = models.BooleanField(
        _("demo unit"), default=False, help_text=_("Invented for demonstration.")
    )
    # Materialised path of ids ("/1/4/9/"): sub-units of a unit are one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["municipality", "path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        permissions = CAPABILITY_PERMISSIONS
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="unit_name_unique_per_municipality"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="unit_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.name} (demo)" if self.is_demo else self.name

    def save(self, *args, **kwargs):
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs = {**kwargs, "force_insert": False, "update_fields": None}
        old_path = self.path
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.municipality_id != self.municipality_id:
            raise ValidationError({"parent": _("The parent unit belongs to another municipality.")})
        if self.pk and f"/{self.pk}/" in self.parent.path:
            raise ValidationError(
                {"parent": _("A unit cannot report to one of its own sub-units.")}
            )

    def subtree(self):
        """This unit and every unit below it."""
        return OrganisationUnit.objects.filter(path__startswith=self.path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def is_reporting(self) -> bool:
        return self.kind in self.REPORTING_KINDS


class RoleQuerySet(models.QuerySet):
    def owning_actions(self):
        """Roles that may own an action of a unit's plan (not the political bodies)."""
        return self.exclude(kind__in=NOT_OWNING_ACTIONS)


class Role(models.Model):
    """A position with a responsibility text, as the programme names it (e.g. sektorchef)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=RoleKind.choices)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(
        _("name in English"),
        max_length=150,
        blank=True,
        help_text=_("Shown to readers who use the site in English; empty shows the name."),
    )
    responsibility = models.TextField(_("responsibility"), blank=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind"], name="role_kind_unique_per_municipality"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: English when there is one, else the name."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def capabilities(self) -> frozenset[str]:
        return capabilities_of(self.kind)

    @property
    def is_municipality_wide(self) -> bool:
        return is_municipality_wide(self.kind)

    @property
    def may_own_actions(self) -> bool:
        return may_own_actions(self.kind)

    def is_political_body(self) -> bool:
        return self.kind in POLITICAL_BODIES


def not_ended(on=None, prefix: str = "") -> Q:
    """An assignment not ended by the date (today by default): in force or yet to start.
    `prefix` reaches the assignment through a relation ("assignments__")."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}ended_at": None}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def in_force(on=None, prefix: str = "") -> Q:
    """The rule for an active assignment: started, not ended, on the date (today by default)."""
    on = on or timezone.localdate()
    return not_ended(on, prefix) & Q(**{f"{prefix}starts_on__lte": on})


class AssignmentQuerySet(models.QuerySet):
    def current_or_upcoming(self, on=None):
        """Assignments in force on the date (today by default) or yet to start."""
        return self.filter(not_ended(on))

    def active(self, on=None):
        """Assignments in force on a date (today by default)."""
        return self.filter(in_force(on))

    def owning_actions_in(self, unit):
        """Active assignments in the unit, or municipality-wide in its municipality, of roles
        that may own actions: whose holders may own an action of the unit's plan. A
        municipality-wide employee role is not one of the unit's people (it is every employee)."""
        municipality_wide = Q(unit__isnull=True, role__municipality=unit.municipality_id) & ~Q(
            role__kind=RoleKind.EMPLOYEE
        )
        return (
            self.active()
            .filter(Q(unit=unit) | municipality_wide)
            .filter(role__in=Role.objects.owning_actions())
        )


class Assignment(models.Model):
    """A person holding a role in a unit for a period."""

    class State(models.TextChoices):
        """Where the assignment stands today, for lists (computed, not stored)."""

        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        UPCOMING = "upcoming", _("Not started")

    person = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("person"),
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("role")
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        help_text=_("Empty for roles held for the whole municipality."),
    )
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role__name", "starts_on"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_it_starts",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        where = self.unit or self.role.municipality
        return f"{self.person} – {self.role} ({where})"

    def clean(self):
        if not self.role_id:
            return
        if self.unit_id and self.unit.municipality_id != self.role.municipality_id:
            raise ValidationError({"unit": _("The unit belongs to another municipality.")})
        if self.unit_id is None and not self.role.is_municipality_wide:
            raise ValidationError({"unit": _("This role is held in a unit: choose the unit.")})

    @property
    def municipality_id(self):
        return self.role.municipality_id

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return (
            self.ended_at is None
            and self.starts_on <= today
            and (self.ends_on is None or self.ends_on >= today)
        )

    @property
    def state(self) -> "Assignment.State":
        if self.is_active:
            return self.State.ACTIVE
        if self.ended_at or (self.ends_on and self.ends_on < timezone.localdate()):
            return self.State.ENDED
        return self.State.UPCOMING

    def end(self, on=None):
        """End the assignment now (or on a later date); access follows at once when ended."""
        today = timezone.localdate()
        on = on or today
        self.ends_on = on if self.ends_on is None else min(self.ends_on, on)
        if self.ends_on <= today:
            self.ends_on = max(self.ends_on, self.starts_on)
            self.ended_at = timezone.now()
        self.save(update_fields=["ends_on", "ended_at"])


def action_owners_for(unit: OrganisationUnit):
    """The people who may own an action of the unit's plan (one subquery)."""
    return User.objects.filter(
        is_active=True, pk__in=Assignment.objects.owning_actions_in(unit).values("person")
    )


def grant_in_force(on=None, prefix: str = "") -> Q:
    """A grant whose period covers the date (today by default). `prefix` reaches the grant
    through a relation ("unit__unitpermission__"), for a scan that joins it."""
    on = on or timezone.localdate()
    return (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})
    ) & Q(**{f"{prefix}valid_from__lte": on})


class GrantQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Grants whose period covers the date (today by default): access follows the
        calendar at request time, whether or not anything was saved that day."""
        return self.filter(grant_in_force(on))


class GrantPeriod(models.Model):
    """The period of the assignments a permission row comes from (written by sync_permissions)."""

    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        abstract = True


class MunicipalityPermission(GrantPeriod, UserObjectPermissionBase):
    """A capability a person holds for a whole municipality (guardian, direct foreign key)."""

    content_object = models.ForeignKey(Municipality, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("municipality permission")
        verbose_name_plural = _("municipality permissions")

    def __str__(self):
        return f"{self.user} {self.permission.codename} {self.content_object}"


class UnitPermission(GrantPeriod, UserObjectPermissionBase):
    """A capability a person holds for one unit (granted on the unit and each sub-unit)."""

    content_object = models.ForeignKey(OrganisationUnit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("unit permission")
        verbose_name_plural = _("unit permissions")

    def __str__(self):
        return f"{self.user} {self.permission.codename} {self.content_object}"


# The audit log, notifications, digests, e-mail preferences and calendar feeds (kept in their
# own modules).
from responsibilities.audit import AuditEvent  # noqa: E402, F401
from responsibilities.email_preferences import EmailPreferences  # noqa: E402, F401
from responsibilities.notifications import (  # noqa: E402, F401
    CalendarFeed,
    Digest,
    Notification,
    YearlyDeadline,
)
from responsibilities.outbox import QueuedTask  # noqa: E402, F401
