"""What a person wants e-mailed of their notifications. Every notification is still shown in the
service (the start page and the notification list); these choices only decide e-mail.

No row means the defaults, which are how e-mail worked before anyone chose: steps and
reminders e-mailed at once, everything else in a daily summary. The senders read the choices in
their own queries (a LEFT JOIN on this table), never a row at a time.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AtOnce(models.TextChoices):
    """The groups of events e-mailed at once, each of which a person can turn off."""

    FOLLOWUP = "followup", _("Follow-up reports to review or act on")
    REMINDERS = "reminders", _("Reminders the security chief sends")


class EmailPreferences(models.Model):
    """One person's choice of what is e-mailed to them at once and how often the summary."""

    class Summary(models.TextChoices):
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Every week, on Mondays")
        NEVER = "never", _("Never")

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_preferences",
        verbose_name=_("person"),
    )
    followup_at_once = models.BooleanField(
        AtOnce.FOLLOWUP.label,
        default=True,
        help_text=_(
            "A report submitted for your review, or your unit's report returned or approved."
        ),
    )
    reminders_at_once = models.BooleanField(
        AtOnce.REMINDERS.label,
        default=True,
        help_text=_("When the security chief reminds your unit of its follow-up report."),
    )
    summary = models.CharField(
        _("summary of notifications"),
        max_length=10,
        choices=Summary.choices,
        default=Summary.DAILY,
    )
    # Set when a summary is chosen again after "never": what came before it is not e-mailed.
    summary_since = models.DateTimeField(_("summary since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail preferences")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self):
        return f"{self.person}: {self.summary}"

    @classmethod
    def of(cls, person) -> EmailPreferences:
        """The person's choices: their row, or the defaults (not saved)."""
        return cls.objects.filter(person=person).first() or cls(person=person)

    def choose(self, *, followup_at_once: bool, reminders_at_once: bool, summary: str) -> None:
        """Save the person's new choices. A new choice of summary applies to what waits for
        a digest not yet sent too (the daily scans give their notifications to the day's
        digest when they write them): taken out of it, they go by the new choice."""
        from responsibilities.notifications import Digest, Notification

        changed = summary != self.summary
        if self.summary == self.Summary.NEVER and summary != self.Summary.NEVER:
            self.summary_since = timezone.now()
        self.followup_at_once = followup_at_once
        self.reminders_at_once = reminders_at_once
        self.summary = summary
        with transaction.atomic():
            self.save()
            if changed:
                Notification.objects.filter(
                    digest__recipient=self.person_id, digest__status=Digest.Status.PENDING
                ).update(digest=None)


AT_ONCE_FIELDS = {AtOnce.FOLLOWUP: "followup_at_once", AtOnce.REMINDERS: "reminders_at_once"}


def declined_at_once(group: AtOnce, recipient="recipient") -> Q:
    """Notifications (or digests, through `recipient`) of people who turned this group off."""
    return Q(**{f"{recipient}__email_preferences__{AT_ONCE_FIELDS[group]}": False})


def no_summary_on(day: datetime.date, recipient="recipient") -> Q:
    """Notifications (or digests, through `recipient`; people themselves with recipient=None)
    whose recipient gets no summary on this day: "never", and "weekly" on any day but a Monday
    (their notifications wait for Monday's)."""
    skipped = [EmailPreferences.Summary.NEVER]
    if day.weekday() != 0:
        skipped.append(EmailPreferences.Summary.WEEKLY)
    path = f"{recipient}__email_preferences" if recipient else "email_preferences"
    return Q(**{f"{path}__summary__in": skipped})


def summary_takers(day: datetime.date):
    """The people who get a summary on this day: active, and taking one that day."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.filter(is_active=True).exclude(no_summary_on(day, recipient=None))
    )


def before_summary_chosen() -> Q:
    """Notifications from before the person chose a summary again after "never"."""
    return Q(recipient__email_preferences__summary_since__gt=F("created_at"))


def without_summary_before(moment: datetime.datetime) -> Q:
    """Notifications older than `moment` of people who chose no summary: a reminder sent now
    brings them today's notifications, not everything since they chose "never"."""
    return Q(recipient__email_preferences__summary=EmailPreferences.Summary.NEVER) & Q(
        created_at__lt=moment
    )


def preferences_url() -> str:
    """The page's absolute address, for e-mails (the last line and List-Unsubscribe)."""
    return f"{settings.SITE_URL}{reverse('email_preferences')}"


def mail_headers() -> dict[str, str]:
    """Headers of every notification e-mail: automatic (RFC 3834, no out-of-office replies),
    and where to change what one receives (RFC 2369)."""
    return {"Auto-Submitted": "auto-generated", "List-Unsubscribe": f"<{preferences_url()}>"}
