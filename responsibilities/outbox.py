"""The outbox: work a state change owes (a Celery task to run, an e-mail to send), written in
the change's own transaction and dispatched from there once it commits.

The broker is only a way to wake a worker early. A row that no worker picked up (the broker was
down, the message was lost, the worker died) is dispatched again by the sweep (every minute,
and in `manage.py run_daily_scan`). A row is claimed atomically before its task runs, so two
deliveries of the same row run it once; a worker killed between doing the work and marking the
row done lets the work run again after OUTBOX_CLAIM_SECONDS (see README, "Guarantees").
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import socket

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Failures worth trying again later: the mail server or the network, not a bug in the task.
TRANSIENT = (smtplib.SMTPException, ConnectionError, socket.timeout, socket.gaierror, TimeoutError)
RUN_TASK = "responsibilities.run_queued_task"
EMAIL_TASK = "responsibilities.send_queued_email"


class QueuedTask(models.Model):
    """A task a state change owes, recorded with the change and run at least once."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    OPEN_STATES = (State.PENDING, State.RUNNING)

    task = models.CharField(_("task"), max_length=100)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    # Work that must not wait twice (e.g. one PDF file): one pending row per key. A running
    # row does not count, so work asked for again while it runs is done again afterwards.
    key = models.CharField(_("key"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    not_before = models.DateTimeField(_("next try"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state="pending") & ~Q(key=""),
                name="queued_task_pending_once_per_key",
            ),
        ]
        indexes = [
            # The sweep: open rows due for a try.
            models.Index(
                fields=["not_before"],
                condition=Q(state__in=["pending", "running"]),
                name="queued_task_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.task}{self.args} ({self.state})"


def enqueue(task: str, *args, key: str = "") -> QueuedTask:
    """Record that `task(*args)` is owed, in the caller's transaction, and wake a worker once it
    commits. With a key, a row already waiting under that key is reused (also one written
    concurrently: the unique constraint decides)."""
    with transaction.atomic():
        if key:
            QueuedTask.objects.bulk_create(
                [QueuedTask(task=task, args=list(args), key=key)], ignore_conflicts=True
            )
            row = QueuedTask.objects.filter(key=key, state=QueuedTask.State.PENDING).first()
            if row is None:  # a worker took the waiting row meanwhile: owe the work again
                row = QueuedTask.objects.create(task=task, args=list(args), key=key)
        else:
            row = QueuedTask.objects.create(task=task, args=list(args))
    pk = row.pk
    if _eager():
        # As Celery's eager mode runs .delay() at once (tests, CELERY_TASK_ALWAYS_EAGER).
        with transaction.atomic():
            run(pk)
        row.refresh_from_db()
        return row
    transaction.on_commit(lambda: dispatch(pk), robust=True)
    return row


def _eager() -> bool:
    from ale_safety.celery import app

    return bool(app.conf.task_always_eager)


def dispatch(pk: int) -> bool:
    """Hand the row to the broker; a broker that is down is logged, never raised (the sweep
    tries again)."""
    from ale_safety.celery import app

    try:
        app.send_task(RUN_TASK, args=[pk], retry=False)
    except Exception as error:  # noqa: BLE001 - the row stays, the sweep dispatches it later
        logger.warning("broker unavailable, task %s left for the sweep: %s", pk, error)
        return False
    QueuedTask.objects.filter(pk=pk, dispatched_at=None).update(dispatched_at=timezone.now())
    return True


def _stale_claim() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


def due(now=None, *, recently_dispatched=False):
    """Rows the sweep should hand out: waiting and due (and not handed out recently, unless
    asked for); or claimed by a worker that stopped answering."""
    now = now or timezone.now()
    waiting = Q(state=QueuedTask.State.PENDING, not_before__lte=now)
    if not recently_dispatched:
        recent = now - datetime.timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS)
        waiting &= Q(dispatched_at=None) | Q(dispatched_at__lt=recent)
    return QueuedTask.objects.filter(
        waiting | Q(state=QueuedTask.State.RUNNING, claimed_at__lt=_stale_claim())
    )


# Functions that find work owed outside the outbox (e.g. a PDF row left waiting) and
# enqueue it; apps add theirs in ready(). Each must be safe to run every minute.
SWEEPERS: list = []


def sweep(*, inline: bool = False, limit: int = 500) -> int:
    """Dispatch every row that is owed and not picked up; inline, run every owed row here (a
    worker that gets its message later finds it done)."""
    for sweeper in SWEEPERS:
        with transaction.atomic():
            sweeper()
    owed = due(recently_dispatched=inline).order_by("not_before")
    ids = list(owed.values_list("pk", flat=True)[:limit])
    if inline:
        return sum(1 for pk in ids if run(pk))
    handed = 0
    for pk in ids:
        QueuedTask.objects.filter(pk=pk).update(dispatched_at=None)
        if not dispatch(pk):
            break  # the broker is down: the next sweep tries again
        handed += 1
    return handed


def claim(pk: int) -> QueuedTask | None:
    """Take the row for running; None when it is done, failed, not due or another worker has
    it (and has not gone silent)."""
    now = timezone.now()
    taken = QueuedTask.objects.filter(
        Q(state=QueuedTask.State.PENDING, not_before__lte=now)
        | Q(state=QueuedTask.State.RUNNING, claimed_at__lt=_stale_claim()),
        pk=pk,
    ).update(state=QueuedTask.State.RUNNING, claimed_at=now, attempts=F("attempts") + 1)
    return QueuedTask.objects.filter(pk=pk).first() if taken else None


def run(pk: int) -> bool:
    """Run a row's task once (claim, run, mark). A transient failure puts it back with a
    growing delay; anything else marks it failed. True when the task ran to its end."""
    from ale_safety.celery import app

    row = claim(pk)
    if row is None:
        return False
    if row.task not in app.tasks:
        app.loader.import_default_modules()  # outside a worker: discover the apps' tasks
    try:
        app.tasks[row.task].run(*row.args)
    except TRANSIENT as error:
        _retry_later(row, error)
        return False
    except Exception as error:
        logger.exception("queued task %s (%s) failed", row.pk, row.task)
        _finish(row, QueuedTask.State.FAILED, f"{type(error).__name__}: {error}")
        return False
    _finish(row, QueuedTask.State.DONE, "")
    return True


def backoff(attempts: int) -> int:
    """Seconds before the next try: 30 s, 1 min, 2 min … at most an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def _retry_later(row: QueuedTask, error: Exception) -> None:
    message = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error("queued task %s (%s) gave up: %s", row.pk, row.task, message)
        _finish(row, QueuedTask.State.FAILED, message)
        return
    logger.warning("queued task %s (%s) will be retried: %s", row.pk, row.task, message)
    QueuedTask.objects.filter(pk=row.pk, state=QueuedTask.State.RUNNING).update(
        state=QueuedTask.State.PENDING,
        not_before=timezone.now() + datetime.timedelta(seconds=backoff(row.attempts)),
        dispatched_at=None,
        claimed_at=None,
        last_error=message,
    )


def _finish(row: QueuedTask, state: str, error: str) -> None:
    update = {"state": state, "done_at": timezone.now(), "last_error": error[:2000]}
    if row.task == EMAIL_TASK and state == QueuedTask.State.DONE:
        update["args"] = []  # keep no copy of a sent e-mail (a reset link is a secret)
    QueuedTask.objects.filter(pk=row.pk).update(**update)


# --- E-mail ---------------------------------------------------------------------------------


def queue_email(message) -> QueuedTask:
    """Send a Django EmailMessage (or EmailMultiAlternatives) through the outbox: the caller's
    "sent" means "durably queued"; a worker sends it and retries while SMTP is down."""
    data = {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mime] for content, mime in message.alternatives]
        if hasattr(message, "alternatives")
        else [],
    }
    return enqueue(EMAIL_TASK, data)


def send_email(data: dict) -> None:
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(
        data["subject"],
        data["body"],
        data.get("from_email"),
        data.get("to", []),
        bcc=data.get("bcc") or None,
        cc=data.get("cc") or None,
        reply_to=data.get("reply_to") or None,
        headers=data.get("headers") or None,
    )
    for content, mime in data.get("alternatives", []):
        message.attach_alternative(content, mime)
    message.send()
