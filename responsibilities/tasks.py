"""Celery tasks of the responsibilities app. Tasks take ids, re-read rows, and are safe to run
twice; only SMTP and connection errors are retried, with backoff."""

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from responsibilities import notifications as n
from responsibilities import outbox
from responsibilities.access import end_expired_assignments
from responsibilities.email_preferences import EmailPreferences, mail_headers, preferences_url

TRANSIENT = outbox.TRANSIENT


@shared_task(name=outbox.RUN_TASK)
def run_queued_task(queued_task_id: int) -> bool:
    """Run one outbox row (claimed first, so a second delivery does nothing)."""
    return outbox.run(queued_task_id)


@shared_task(name="responsibilities.sweep_outbox")
def sweep_outbox() -> int:
    """Every minute: hand out again what no worker picked up (broker down, worker killed)."""
    return outbox.sweep()


@shared_task(name=outbox.EMAIL_TASK)
def send_queued_email(data: dict) -> None:
    """An e-mail from the outbox (run by run_queued_task, which retries SMTP failures)."""
    outbox.send_email(data)


@shared_task(name="responsibilities.end_expired_assignments")
def end_expired_assignments_task() -> int:
    """Daily: end assignments whose period is over and revoke the access they gave."""
    return end_expired_assignments()


@shared_task(name="responsibilities.send_digests")
def send_digests() -> int:
    """Daily: gather undelivered notifications into one digest per person and send them."""
    with transaction.atomic():
        digest_ids = n.collect_digests()
        for digest_id in digest_ids:
            outbox.enqueue("responsibilities.send_digest", digest_id, key=f"digest:{digest_id}")
    return len(digest_ids)


@shared_task(name="responsibilities.send_digests_to")
def send_digests_to(person_ids: list[int]) -> int:
    """Now rather than at the daily run: these people's undelivered notifications (a reminder
    the security chief sent). A digest of today already sent leaves them for tomorrow's."""
    with transaction.atomic():
        digest_ids = n.collect_digests(recipient_ids=person_ids)
        for digest_id in digest_ids:
            outbox.enqueue("responsibilities.send_digest", digest_id, key=f"digest:{digest_id}")
    return len(digest_ids)


@shared_task(name="responsibilities.send_digest")
def send_digest(digest_id: int) -> bool:
    """Claim, send, mark. A transient SMTP failure gives the claim back and is retried by the
    outbox; a worker killed after sending and before marking sends it again once the claim is
    stale (DIGEST_STALE_CLAIM_SECONDS): the one duplicate a crash can cause, with the same
    Message-ID so a mail system may drop it."""
    if not n.claim_digest(digest_id):
        return False  # sent already, or another worker holds it
    try:
        digest = n.Digest.objects.select_related("recipient__email_preferences").get(pk=digest_id)
        # Not what has ended or was e-mailed at once since it joined the digest (the daily
        # scans give theirs to the day's digest when they write them).
        items = list(
            digest.notifications.filter(resolved_at=None, emailed_at=None).order_by("created_at")
        )
        if items and digest.recipient.email and digest.recipient.is_active:
            build_digest_email(digest, items).send()
    except TRANSIENT:
        n.release_digest(digest_id)
        raise
    except n.Digest.DoesNotExist:
        return False
    n.mark_digest_sent(digest_id)
    return True


def send_digests_now() -> int:
    """Send every undelivered digest now, in this process (run_daily_scan)."""
    return sum(1 for digest_id in n.collect_digests() if send_digest(digest_id))


def build_digest_email(digest, items) -> EmailMultiAlternatives:
    """The digest e-mail in the recipient's language: plain text and HTML."""
    recipient = digest.recipient
    choices = getattr(recipient, "email_preferences", None)  # None: the defaults (daily)
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {
            "recipient": recipient,
            "items": [(item, item.text) for item in items],
            "site_url": settings.SITE_URL,
            "preferences_url": preferences_url(),
            "weekly": choices is not None and choices.summary == EmailPreferences.Summary.WEEKLY,
            "day": digest.day,
        }
        subject = render_to_string("email/digest_subject.txt", context).strip()
        text = render_to_string("email/digest.txt", context)
        html = render_to_string("email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, to=[recipient.email], headers=mail_headers())
    message.attach_alternative(html, "text/html")
    message.extra_headers["Date"] = timezone.now().strftime("%a, %d %b %Y %H:%M:%S %z")
    message.extra_headers["Message-ID"] = digest_message_id(digest)
    return message


def digest_message_id(digest) -> str:
    """The same for every attempt at one digest, so a repeat can be recognised and dropped."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<digest-{digest.pk}-{digest.day:%Y%m%d}@{domain}>"


@shared_task(name="responsibilities.scan_yearly_deadlines")
def scan_yearly_deadlines() -> int:
    """Daily: remind security chiefs of recurring dates (county board, RSA …)."""
    from responsibilities.deadlines import notify_yearly_deadlines

    return notify_yearly_deadlines()


@shared_task(name="responsibilities.purge_audit_log")
def purge_audit_log() -> int:
    """Daily: delete audit events older than the retention period."""
    from responsibilities.audit import purge_expired

    return purge_expired()
