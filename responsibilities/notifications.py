"""Notifications to people: once and only once per (recipient, kind, subject, period).

Apps create them with `notify(...)`; the bell shows them; a daily digest e-mails what is new,
one e-mail per person, claimed atomically so that a retry or a second worker cannot send twice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from responsibilities.email_preferences import summary_takers
from responsibilities.statements import Statement

_kinds: dict[str, object] = {}


def register_kinds(kinds: type[models.TextChoices]) -> None:
    """An app that sends notifications registers its kinds, in its AppConfig.ready()."""
    _kinds.update(kinds.choices)


def notification_kinds() -> list[tuple[str, object]]:
    """(value, label) of every registered kind (the field's choices)."""
    return sorted(_kinds.items())


class Notification(models.Model):
    """Something a person should know or do, shown in the bell and sent in the daily digest."""

    class Kind(models.TextChoices):
        """The kinds this app sends; followup and programmes register their own."""

        YEARLY_DATE = "yearly_date", _("Yearly deadline")

    # No index of its own: the three below start with the recipient and serve its lookups
    # (one index less to write for each of the daily scans' many rows).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=30, choices=notification_kinds)
    # What it is about ("version:12", "report:40") and which occasion ("30d", "2026-w48").
    subject = models.CharField(_("subject"), max_length=100)
    period = models.CharField(_("period"), max_length=40)
    message = models.JSONField(_("message"), default=dict)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when the cause ended (the revision was adopted, the report reviewed): kept, not shown.
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Indexed where set (notification_digest_idx): every new row waits for its digest, and a
    # whole-column index would take an entry for it beside notification_undigested_idx's.
    digest = models.ForeignKey(
        "Digest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("digest"),
        db_index=False,
    )
    # E-mailed at once (a step that asks the person to act): the digest does not repeat it.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject", "period"], name="notification_once"
            ),
        ]
        indexes = [
            # The bell's unread count and the digest's claim of undelivered notifications.
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # The bell's list (notification_list): a person's newest first, a page at a time,
            # without sorting everything the daily scans ever sent them.
            models.Index(fields=["recipient", "-created_at"], name="notification_list_idx"),
            # The digest's collection of what waits for it (collect_digests) …
            models.Index(
                fields=["digest"], name="notification_undigested_idx", condition=Q(digest=None)
            ),
            # … and a digest's notifications (send_digest, and SET NULL when one is deleted).
            models.Index(
                fields=["digest"],
                name="notification_digest_idx",
                condition=Q(digest__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.text}"

    @property
    def text(self) -> str:
        """The message in the active language ({"text": msgid, "params": {...}})."""
        template = translation.gettext(self.message.get("text", ""))
        try:
            return template % self.message.get("params", {})
        except (KeyError, TypeError, ValueError):
            return template


def _unread(recipient_id: int) -> QuerySet:
    """The bell's count of a person's unread notifications whose cause has not ended, as one
    row (none when there are none)."""
    return (
        Notification.objects.filter(recipient=recipient_id, read_at=None, resolved_at=None)
        .order_by()
        .values("recipient")
        .annotate(unread=Count("pk"))
        .values_list("unread", flat=True)
    )


# Compiled once per process: the bell is on every signed-in page.
_UNREAD = Statement(_unread, (-7_300_417_005,), (-7_300_417_007,))


def unread_count(person) -> int:
    """How many notifications the bell shows as unread."""
    return next(iter(_UNREAD.fetch(person.pk)), 0)


def resolve_notifications(subject: str, *kinds) -> int:
    """Mark the open notifications of these kinds about `subject` as resolved: their cause
    has ended. They stay in the person's list; the bell no longer counts them."""
    return Notification.objects.filter(kind__in=kinds, subject=subject, resolved_at=None).update(
        resolved_at=timezone.now()
    )


NOTIFY_BATCH = 500


def notify_many(rows) -> int:
    """Bulk form of notify() for scans: rows of dicts with notify()'s arguments. Existing
    (recipient, kind, subject, period) rows are left alone, and only the new ones are sent to
    the database: per batch one query for the keys already there (by the unique index) and
    one INSERT … ON CONFLICT DO NOTHING (for a concurrent scan). Returns the rows inserted."""
    rows = list(rows)
    created = 0
    for start in range(0, len(rows), NOTIFY_BATCH):
        batch = rows[start : start + NOTIFY_BATCH]
        existing = set(
            Notification.objects.filter(
                recipient_id__in={row["recipient_id"] for row in batch},
                subject__in={row["subject"] for row in batch},
            )
            .order_by()
            .values_list("recipient_id", "kind", "subject", "period")
        )
        new = [
            Notification(
                recipient_id=row["recipient_id"],
                kind=row["kind"],
                subject=row["subject"],
                period=row["period"],
                message={"text": str(row["text"]), "params": row.get("params") or {}},
                url=row.get("url", ""),
            )
            for row in batch
            if (row["recipient_id"], row["kind"], row["subject"], row["period"]) not in existing
        ]
        if new:
            Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=NOTIFY_BATCH)
            created += len(new)
    return created


def _expression(value):
    return value if hasattr(value, "resolve_expression") else Value(value)


def notify_each(
    rows, *, recipient, kind, subject, period, text, params=None, url="", digest_day=None
) -> int:
    """Set-based notify_many() for the daily scans: one notification per row of the queryset
    `rows`, its columns given as expressions over the rows (or plain values): the recipient's
    id, the kind, subject, period, the untranslated text (a msgid) and its params, the link.
    One INSERT … SELECT … WHERE NOT EXISTS … ON CONFLICT DO NOTHING, on PostgreSQL and SQLite
    alike (on PostgreSQL after a SET LOCAL that turns JIT compilation off): the database
    writes the (recipient, kind, subject, period) rows not there yet and skips the others, so
    a scan costs the same queries however many rows it finds, and the rows never pass
    through Python.
    The notifications are what notify() writes (unread, undelivered, e-mailed by the digest).
    With `digest_day` (a daily scan, which runs before that day's digests are collected), each
    is written straight into its recipient's pending digest of that day where the recipient
    takes a summary then: what collect_digests would do to it next, done while it is written,
    so that the row is written once, not inserted and then updated. The digests it needs are
    created from the same rows: in the same statement on PostgreSQL, in one more elsewhere.
    Returns the number of notifications inserted."""
    columns = {
        "recipient_id": recipient,
        "kind": kind,
        "subject": subject,
        "period": period,
        "message": JSONObject(
            text=_expression(text),
            params=JSONObject(**{k: _expression(v) for k, v in (params or {}).items()}),
        ),
        "url": url,
        "created_at": Value(timezone.now(), output_field=models.DateTimeField()),
    }
    # Aliases that cannot clash with a field of the rows' model; the outer SELECT names them.
    aliases = {f"new_{name}": _expression(value) for name, value in columns.items()}
    select = rows.order_by().annotate(**aliases).values(*aliases)
    sql, values = select.query.sql_with_params()
    database = router.db_for_write(Notification)
    connection = connections[database]
    quote = connection.ops.quote_name
    column = {
        name: quote(Notification._meta.get_field(name.removesuffix("_id")).column)
        for name in [*columns, "digest_id"]
    }
    new = {name: f"new_notification.{quote(f'new_{name}')}" for name in columns}
    key = " AND ".join(
        f"existing.{column[name]} = {new[name]}"
        for name in ("recipient_id", "kind", "subject", "period")
    )
    table = quote(Notification._meta.db_table)
    # Only the new rows are offered (NOT EXISTS, by the unique index); ON CONFLICT skips the
    # ones a concurrent scan wrote meanwhile and the duplicates within this one. Identifiers
    # are quoted, the SELECT is Django's with its parameters: nothing is pasted in as text.
    not_there = f"NOT EXISTS (SELECT 1 FROM {table} existing WHERE {key})"  # noqa: S608
    # Written in the order of the unique key: each index that starts with the recipient then
    # takes its new entries page after page instead of at random places, which keeps the cost
    # per row the same when the table and its indexes outgrow the database's buffers.
    order = ", ".join(new[name] for name in ("recipient_id", "kind", "subject", "period"))
    insert = f"INSERT INTO {table} ({', '.join(column.values())}) SELECT {', '.join(new.values())}"
    tail = f"ORDER BY {order} ON CONFLICT DO NOTHING"
    fresh = f"({sql}) new_notification WHERE {not_there}"
    with transaction.atomic(using=database, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Without JIT compilation for the rest of the transaction. The statement reads
            # every candidate of the installation, so its estimated cost grows with the data
            # and crosses `jit_above_cost` on a large one (at 2900 × 10 municipalities × years,
            # not at 290 × 10). PostgreSQL then compiles its expressions to machine code
            # before running it once: 0.7 s of compiling for scan_actions alone, which its
            # run did not win back (the three scans that write through here: 18.0 s with
            # JIT, 14.9 s without, the median of three alternating runs; bench/NOTES.md).
            cursor.execute("SET LOCAL jit = off")
        if digest_day is None:
            cursor.execute(f"{insert}, NULL FROM {fresh} {tail}", values)
            return cursor.rowcount
        recipient = new["recipient_id"]
        takers, takers_values = summary_takers(digest_day).values("pk").query.sql_with_params()
        create, returning, pending, pending_of, day_values = _digest_sql(connection, digest_day)
        if connection.vendor == "postgresql":
            # One statement, the new rows read once: the digests of their recipients who take
            # a summary that day are created from them (a data-modifying WITH, whose rows the
            # rest sees only through RETURNING), then the rows are written, each with its
            # recipient's digest, new or already pending, from one map of recipient to digest.
            cursor.execute(
                f"WITH new_notification AS (SELECT * FROM {fresh}), "  # noqa: S608
                f"takers AS (SELECT DISTINCT {recipient} AS taker FROM new_notification "
                f"WHERE {recipient} IN ({takers})), "
                f"created AS ({create} SELECT taker, %s, %s, 0 FROM takers ORDER BY taker "
                f"ON CONFLICT DO NOTHING {returning}), "
                # Only the takers' (someone else's pending digest of the day, a reminder at
                # once not sent yet, keeps only what it has), checked in a set of them: a
                # join to them could again be planned as a pass over the digests for each.
                "taker_set AS (SELECT jsonb_object_agg(taker, true) AS ids FROM takers), "
                "digest_map AS (SELECT jsonb_object_agg(taker, digest) AS ids FROM ("
                f"SELECT taker, digest FROM created UNION ALL {pending}) digests, taker_set "
                "WHERE taker_set.ids ? digests.taker::text) "
                f"{insert}, (digest_map.ids ->> {recipient}::text)::bigint "
                f"FROM new_notification CROSS JOIN digest_map {tail}",
                [*values, *takers_values, *day_values, *day_values],
            )
        else:
            # Elsewhere (SQLite) two statements: the digests, then the rows.
            cursor.execute(
                f"{create} SELECT DISTINCT {recipient}, %s, %s, 0 FROM {fresh} "  # noqa: S608
                f"AND {recipient} IN ({takers}) ORDER BY 1 ON CONFLICT DO NOTHING",
                [*day_values, *values, *takers_values],
            )
            cursor.execute(
                f"{insert}, CASE WHEN {recipient} IN ({takers}) "  # noqa: S608
                f"THEN {pending_of(recipient)} END FROM {fresh} {tail}",
                [*takers_values, *day_values, *values],
            )
        return cursor.rowcount


def _digest_sql(connection, day):
    """notify_each()'s SQL for the digests of `day`: the start of the INSERT that creates
    pending ones (their other columns stay empty until one is claimed; one that exists already,
    being sent or sent, stays as it is), its RETURNING (taker, digest), every pending digest
    of the day as (taker, digest) (PostgreSQL), a recipient's pending digest of the day
    (SQLite's second statement), and the values those take (the day, "pending").
    On PostgreSQL the day's pending digests are read in one pass (by digest_open_idx, or the
    table where its statistics have it small), whatever the plan. Looked up per recipient,
    PostgreSQL scanned the whole table for each one where its statistics had it empty, the
    day's first digests, written in the same statement and unseen, still in it: time that
    grows with the square of the people (a quarter of announce_open_cycles at 290 × 10).
    Joined, it looped over every digest of the day for each recipient (80 s at 2900 × 10)."""
    quote = connection.ops.quote_name
    table = quote(Digest._meta.db_table)
    name = {
        field: quote(Digest._meta.get_field(field).column)
        for field in ("id", "recipient", "day", "status", "attempts")
    }
    column = {field: f"{table}.{quoted}" for field, quoted in name.items()}
    written = ", ".join(name[field] for field in ("recipient", "day", "status", "attempts"))
    create = f"INSERT INTO {table} ({written})"
    returning = f"RETURNING {column['recipient']} AS taker, {column['id']} AS digest"
    pending = (
        f"SELECT {column['recipient']}, {column['id']} FROM {table} "  # noqa: S608
        f"WHERE {column['day']} = %s AND {column['status']} = %s"
    )

    def pending_of(recipient: str) -> str:
        return (
            f"(SELECT {column['id']} FROM {table} WHERE {column['recipient']} = {recipient} "  # noqa: S608
            f"AND {column['day']} = %s AND {column['status']} = %s)"
        )

    day_values = [connection.ops.adapt_datefield_value(day), Digest.Status.PENDING.value]
    return create, returning, pending, pending_of, day_values


def notify(recipient, kind, subject, period, text, params=None, url="") -> bool:
    """Create the notification unless it exists already. True when it was new.

    `text` is an untranslated msgid (mark it with gettext_noop); it is translated when shown,
    in the reader's language."""
    try:
        with transaction.atomic():
            Notification.objects.create(
                recipient=recipient,
                kind=kind,
                subject=subject,
                period=period,
                message={"text": str(text), "params": params or {}},
                url=url,
            )
    except IntegrityError:
        return False
    return True


def email_at_once(notifications, subject: str, group) -> int:
    """E-mail these notifications now, one message each, in the recipient's language, through
    the outbox (in the caller's transaction), and mark them so the digest does not repeat them.
    `subject` is a msgid (gettext_noop) filled from the notification's params. People who
    turned `group` (an email_preferences.AtOnce) off are left out: their notifications wait for
    the digest, if they take one."""
    from django.core.mail import EmailMessage

    from responsibilities import outbox
    from responsibilities.email_preferences import (
        declined_at_once,
        mail_headers,
        preferences_url,
    )

    rows = list(
        notifications.filter(emailed_at=None, recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(declined_at_once(group))
        .select_related("recipient")
    )
    for row in rows:
        with translation.override(row.recipient.language or settings.LANGUAGE_CODE):
            params = row.message.get("params", {})
            title = translation.gettext(subject) % params
            change = translation.gettext("Choose what you receive by e-mail:")
            body = (
                f"{row.text}\n\n{settings.SITE_URL}{row.url}\n\n-- \n{change} {preferences_url()}\n"
            )
        outbox.queue_email(
            EmailMessage(title, body, None, [row.recipient.email], headers=mail_headers())
        )
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=timezone.now())
    return len(rows)


class Digest(models.Model):
    """One e-mail to one person with the notifications that were new since the last one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digests",
        verbose_name=_("recipient"),
    )
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_day"),
        ]
        indexes = [
            # The digests not yet sent, a few among every one ever sent: collect_digests'
            # pending ones of earlier days and those to send (a worker's stale claim too). By
            # recipient: by day, a row's lookup of its recipient's digest of the day could be
            # planned through it and read every digest of the day for each row.
            models.Index(
                fields=["recipient"],
                name="digest_open_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self):
        return f"{self.recipient} {self.day} ({self.status})"


def stale_claim_before() -> datetime.datetime:
    """A claim older than this belongs to a worker that died (longer than a task may run)."""
    return timezone.now() - datetime.timedelta(seconds=settings.DIGEST_STALE_CLAIM_SECONDS)


def collect_digests(day=None, recipient_ids=None) -> list[int]:
    """Attach every undelivered notification to its recipient's pending digest of the day;
    return the ids of digests that still need sending (new ones and ones whose sender died).
    With `recipient_ids`, only those people's (a reminder sent now). Each person's choice of
    summary (email_preferences) is read in the same queries: "weekly" only on Mondays, with
    everything since the last one; "never" not at all. The daily scans have given theirs to
    the day's digests as they wrote them (notify_each); what waits in a pending digest of an
    earlier day (a scan moved after the day's digests, a sending that failed) joins today's,
    so that a person gets one e-mail.
    A constant number of queries however many people and notifications there are (on
    PostgreSQL; SQLite's limit on parameters takes one more per 499 notifications)."""
    from responsibilities.email_preferences import (
        AtOnce,
        before_summary_chosen,
        declined_at_once,
        no_summary_on,
        without_summary_before,
    )

    day = day or timezone.localdate()
    due = Notification.objects.filter(
        resolved_at=None, emailed_at=None, recipient__is_active=True
    ).exclude(before_summary_chosen())
    if recipient_ids is None:
        due = due.exclude(no_summary_on(day))
    else:
        # A reminder sent now goes to those who take reminders at once; to someone without a
        # summary it brings the day's notifications only.
        start_of_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        due = (
            due.filter(recipient_id__in=sorted(recipient_ids))
            .exclude(declined_at_once(AtOnce.REMINDERS))
            .exclude(without_summary_before(start_of_day))
        )
    # Not those of people whose digest of the day has gone (or is going): they wait for the
    # next one, and reading them would only write them again as they are.
    gone = Digest.objects.filter(recipient=OuterRef("recipient_id"), day=day).exclude(
        status=Digest.Status.PENDING
    )
    undelivered = due.filter(digest=None).exclude(Exists(gone))
    waiting = list(undelivered.order_by().values_list("pk", "recipient_id"))
    # Those still in a pending digest of an earlier day (a daily scan moved after the day's
    # digests gave theirs to that day's, or its sending failed) go in today's: one e-mail.
    # Their digests first (by digest_open_idx; mostly none, and then nothing more is read):
    # driven from the notifications, the query would go through every one ever sent.
    earlier_digests = list(
        Digest.objects.filter(day__lt=day, status=Digest.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    earlier = (
        list(
            due.filter(digest__in=earlier_digests)
            .order_by()
            .values_list("pk", "recipient_id", "digest_id")
        )
        if earlier_digests
        else []
    )
    # One statement however many (Django splits it where the database limits parameters), in
    # the recipients' order: the digests' ids then follow it, as the rows below do.
    recipients = {r for _, r in waiting} | {r for _, r, _digest in earlier}
    Digest.objects.bulk_create(
        [Digest(recipient_id=person, day=day) for person in sorted(recipients)],
        ignore_conflicts=True,
    )
    # Only a digest still pending takes new items: one being sent (or sent) today has already
    # read its list, so what came after waits for tomorrow's digest.
    pending_today = Digest.objects.filter(
        recipient_id=OuterRef("recipient_id"), day=day, status=Digest.Status.PENDING
    ).values("pk")[:1]
    # The rows just read, by their ids and still undelivered: an UPDATE of this table alone.
    # Written as a join of `undelivered` (WHERE id IN (SELECT … joined)), PostgreSQL planned
    # it from statistics that had not seen the day's rows yet (the scans write them just
    # before; a table is analysed again only after a while) and could loop over every
    # notification for each one. One statement on PostgreSQL (the ids are one array): split,
    # each part could be planned as a scan of everything undelivered. Where the database
    # limits a statement's parameters (SQLite), as many statements as that takes.
    limit = connections[router.db_for_write(Notification)].features.max_query_params
    per_statement = limit // 2 if limit else max(len(waiting), len(earlier), 1)

    def attach(ids, to, **still):
        for start in range(0, len(ids), per_statement):
            Notification.objects.filter(
                pk__any=ids[start : start + per_statement],
                resolved_at=None,
                emailed_at=None,
                **still,
            ).update(digest=to)

    attach([pk for pk, _recipient in waiting], Subquery(pending_today), digest=None)
    # Those of an earlier day's digest still pending (not claimed meanwhile); where today's is
    # already being sent, they stay where they were.
    attach(
        [pk for pk, _recipient, _digest in earlier],
        Coalesce(Subquery(pending_today), "digest"),
        digest__in=Digest.objects.filter(day__lt=day, status=Digest.Status.PENDING),
    )
    digests = Digest.objects.filter(
        Q(Exists(Notification.objects.filter(digest=OuterRef("pk"))), status=Digest.Status.PENDING)
        | Q(status=Digest.Status.SENDING, claimed_at__lt=stale_claim_before())
    )
    if recipient_ids is not None:
        digests = digests.filter(recipient_id__in=sorted(recipient_ids))
    return list(digests.order_by().values_list("id", flat=True))


def claim_digest(digest_id) -> bool:
    """Atomically take the digest for sending; False if it is sent or another worker has it."""
    now = timezone.now()
    claimed = Digest.objects.filter(
        Q(status=Digest.Status.PENDING)
        | Q(status=Digest.Status.SENDING, claimed_at__lt=stale_claim_before()),
        pk=digest_id,
    ).update(status=Digest.Status.SENDING, claimed_at=now, attempts=models.F("attempts") + 1)
    return claimed == 1


def release_digest(digest_id) -> None:
    """Give a claimed digest back after a transient failure, so a retry can take it."""
    Digest.objects.filter(pk=digest_id, status=Digest.Status.SENDING).update(
        status=Digest.Status.PENDING
    )


def mark_digest_sent(digest_id) -> None:
    Digest.objects.filter(pk=digest_id).update(status=Digest.Status.SENT, sent_at=timezone.now())


class YearlyDeadline(models.Model):
    """A date that recurs every year (or every election period) and that the security chief
    must not miss, e.g. the follow-up to the county board on 15 February."""

    municipality = models.ForeignKey(
        "responsibilities.Municipality",
        on_delete=models.CASCADE,
        related_name="yearly_deadlines",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=150)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    after_election_only = models.BooleanField(
        _("only the year after an election"),
        default=False,
        help_text=_("Swedish general elections are held every four years (2022, 2026, …)."),
    )
    remind_days_before = models.CharField(
        _("remind days before"),
        max_length=50,
        default="30,7",
        help_text=_("Comma-separated numbers of days, e.g. 30,7."),
    )

    class Meta:
        ordering = ["municipality", "month", "day"]
        verbose_name = _("yearly deadline")
        verbose_name_plural = _("yearly deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31),
                name="yearly_deadline_valid_date",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.day}/{self.month})"

    def lead_days(self) -> list[int]:
        days = []
        from responsibilities.fields import parse_int

        for part in self.remind_days_before.split(","):
            if parse_int(part, None) is not None:
                days.append(parse_int(part))
        return sorted(set(days), reverse=True)

    def date_in(self, year: int) -> datetime.date | None:
        """The occurrence in this year: None when there is none (an election-period date in
        another year than the one after an election) or the date is invalid (31 April)."""
        if self.after_election_only and year % 4 != 3:
            return None
        try:
            return datetime.date(year, self.month, self.day)
        except ValueError:
            return None

    def next_date(self, today) -> datetime.date | None:
        """The next occurrence on or after today (None when the date is invalid)."""
        for year in range(today.year, today.year + 5):
            date = self.date_in(year)
            if date is not None and date >= today:
                return date
        return None


class CalendarFeed(models.Model):
    """A secret address from which a person's deadlines can be subscribed to (iCalendar)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("person"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(revoked_at=None), name="one_live_feed_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({'revoked' if self.revoked_at else 'active'})"
