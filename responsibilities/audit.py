"""The audit log of security events: who did what, when, from where. Append-only."""

import datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One security-relevant event. Rows are never edited; old ones are purged by retention."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-step verification turned on")
        TWO_FACTOR_REMOVED = "two_factor_removed", _("Two-step verification turned off")
        ASSIGNMENT_CREATED = "assignment_created", _("Assignment created")
        ASSIGNMENT_CHANGED = "assignment_changed", _("Assignment changed")
        ASSIGNMENT_ENDED = "assignment_ended", _("Assignment ended")
        ASSIGNMENT_DELETED = "assignment_deleted", _("Assignment deleted")
        PERMISSIONS_CHANGED = "permissions_changed", _("Access rights changed")
        PERSON_DEACTIVATED = "person_deactivated", _("Person deactivated")
        PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
        ROLE_CHANGED = "role_changed", _("Role changed")
        ADOPTED = "adopted", _("Document adopted")
        ADOPTION_CORRECTED = "adoption_corrected", _("Adoption record corrected")
        DRAFT_STARTED = "draft_started", _("Draft started")
        DRAFT_DELETED = "draft_deleted", _("Draft deleted")
        REVIEW_CONFIRMED = "review_confirmed", _("Document reviewed, still valid")
        CYCLE_OPENED = "cycle_opened", _("Follow-up opened")
        CYCLE_CLOSED = "cycle_closed", _("Follow-up closed")
        QUESTION_CHANGED = "question_changed", _("Question changed after opening")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        REPORT_RETURNED = "report_returned", _("Report returned")
        REPORT_APPROVED = "report_approved", _("Report approved")
        REPORT_TO_COMMITTEE = "report_to_committee", _("Report reported to the committee")
        ACTION_STATUS_CHANGED = "action_status_changed", _("Action status changed")
        BOARD_REPORTED = "board_reported", _("Follow-up reported to the executive board")
        REMINDER_SENT = "reminder_sent", _("Follow-up reminder sent")
        EXPORTED = "exported", _("Data exported")
        DOWNLOADED = "downloaded", _("Non-public report downloaded")
        # Sign-in with the municipality's identity provider (responsibilities/sso).
        SSO_LOGIN = "sso_login", _("Signed in with the municipality's account")
        SSO_FAILED = "sso_failed", _("Sign-in with the municipality's account refused")
        SSO_LINKED = "sso_linked", _("Account linked to the identity provider")
        SSO_CREATED = "sso_created", _("Account created at first sign-in")
        SSO_ROLE_GRANTED = "sso_role_granted", _("Role given by an identity-provider group")
        SSO_ROLE_REVOKED = "sso_role_revoked", _("Role from an identity-provider group ended")
        SSO_SETTINGS_CHANGED = "sso_settings_changed", _("Sign-in settings changed")
        PASSWORD_LOGIN_REFUSED = "password_login_refused", _("Password login refused")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept even if the person is deleted, and for failed logins with unknown names.
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    municipality = models.ForeignKey(
        "responsibilities.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    target = models.CharField(_("concerning"), max_length=300, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # The security chief's log page: one municipality, newest first.
            models.Index(fields=["municipality", "-at"], name="audit_municipality_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"

    @property
    def details(self) -> list[str]:
        """The stored details in words, for the log page (known keys only, in this order)."""
        detail, words = self.detail or {}, []
        if detail.get("paragraph"):
            words.append(f"§ {detail['paragraph']}")
        if detail.get("case_number"):
            words.append(f"Dnr {detail['case_number']}")
        if detail.get("date"):
            words.append(str(_("meeting %(date)s") % {"date": detail["date"]}))
        if detail.get("fields"):
            words.append(str(_("changed: %(fields)s") % {"fields": ", ".join(detail["fields"])}))
        if detail.get("missing"):
            words.append(
                str(
                    _("without the reports of: %(units)s") % {"units": ", ".join(detail["missing"])}
                )
            )
        if detail.get("reminded"):
            words.append(str(_("reminded: %(units)s") % {"units": ", ".join(detail["reminded"])}))
        if detail.get("format"):
            words.append(str(detail["format"]).upper())
        if detail.get("question"):
            change = QUESTION_CHANGES.get(detail.get("change"), "")
            words.append(f"{change}: “{detail['question']}”" if change else detail["question"])
        for key in ("reason", "comment"):
            if detail.get(key):
                words.append(f"“{detail[key]}”")
        return words


QUESTION_CHANGES = {
    "added": _("question added"),
    "changed": _("question changed"),
    "removed": _("question removed"),
    "moved": _("question moved"),
}


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind the proxy the client is the first X-Forwarded-For hop (see AXES_PROXY_COUNT).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and not settings.DEBUG:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def current_request():
    """The request being handled in this thread, if any (django-simple-history keeps it)."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def record(action, *, request=None, actor=None, municipality=None, target="", **detail):
    """Append an event. `request` defaults to the current one, `actor` to its person."""
    request = request or current_request()
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or detail.pop("username", ""),
        municipality_id=getattr(municipality, "pk", municipality),
        target=str(target)[:300],
        detail=detail,
        ip_address=client_ip(request),
    )


def purge_expired(today=None) -> int:
    """Delete events older than AUDIT_RETENTION_DAYS."""
    today = today or timezone.localdate()
    cutoff = timezone.now() - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(AuditEvent.Action.LOGIN, request=request, actor=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Action.LOGOUT, request=request, actor=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(
        AuditEvent.Action.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )
