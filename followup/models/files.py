"""Generated PDF files of follow-up reports: one row per report, scope and language, with the
state of its generation in a Celery task (followup.tasks.render_report_file)."""

import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followup.models.cycles import Cycle
from responsibilities import outbox
from responsibilities.models import OrganisationUnit

RENDER_TASK = "followup.render_report_file"
# A queued file nobody started after this many seconds may be asked for again on its page.
WAITING_TOO_LONG_SECONDS = 60


def stale_after() -> int:
    """Seconds after which a running row counts as abandoned: longer than any task may live."""
    return settings.CELERY_TASK_TIME_LIMIT + 60


class ReportFileQuerySet(models.QuerySet):
    def claimable(self, now=None):
        """Rows a worker may start: queued, or running for longer than a task may live (the
        worker died or was killed by the time limit)."""
        stale = (now or timezone.now()) - datetime.timedelta(seconds=stale_after())
        return self.filter(
            Q(status=ReportFile.Status.QUEUED)
            | Q(status=ReportFile.Status.RUNNING, started_at__lt=stale)
        )


class ReportFileStatus(models.TextChoices):
    """Where the rendering of a report PDF stands."""

    QUEUED = "queued", _("Waiting to be generated")
    RUNNING = "running", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReportFileKind(models.TextChoices):
    """Whose report a PDF holds."""

    UNIT = "unit", _("Unit report")
    COMMITTEE = "committee", _("Consolidated report for a committee")
    BOARD = "board", _("Consolidated report for the executive board")


class ReportFile(models.Model):
    """A PDF of a follow-up report: one unit's, a committee's or the executive board's."""

    Kind = ReportFileKind

    Status = ReportFileStatus

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="files", verbose_name=_("cycle")
    )
    # The reporting unit (kind unit) or the committee (kind committee); empty for the board.
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit or committee"),
    )
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    content_key = models.CharField(_("content hash"), max_length=64, blank=True)
    file_path = models.CharField(_("file"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The newest change among the reports the file was made from: later changes make it stale.
    source_updated_at = models.DateTimeField(_("reports changed"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ReportFileQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "kind", "unit", "language"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "cycle", "unit", "language"],
                condition=Q(unit__isnull=False),
                name="report_file_unique_per_unit",
            ),
            models.UniqueConstraint(
                fields=["kind", "cycle", "language"],
                condition=Q(unit__isnull=True),
                name="report_file_unique_for_board",
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportFileKind.BOARD, unit__isnull=True)
                | (~Q(kind=ReportFileKind.BOARD) & Q(unit__isnull=False)),
                name="report_file_unit_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportFileStatus.READY) | ~Q(content_key=""),
                name="report_file_ready_has_content",
            ),
        ]

    def __str__(self):
        scope = self.unit.name if self.unit_id else self.get_kind_display()
        return f"{self.cycle.year} {scope} ({self.language}): {self.status}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def waiting_too_long(self) -> bool:
        """Queued and not started for a while, or running longer than a task may: the reader
        may ask again (the outbox sweep would hand it out anyway)."""
        now = timezone.now()
        if self.status == self.Status.QUEUED:
            return self.requested_at < now - datetime.timedelta(seconds=WAITING_TOO_LONG_SECONDS)
        return self.status == self.Status.RUNNING and bool(
            self.started_at and self.started_at < now - datetime.timedelta(seconds=stale_after())
        )

    def is_stale(self, source_updated_at) -> bool:
        """True when the reports behind a ready file changed after it was made."""
        return bool(
            self.is_ready
            and source_updated_at
            and (self.source_updated_at is None or source_updated_at > self.source_updated_at)
        )

    @classmethod
    def request(cls, *, kind, cycle, unit, language, by) -> "ReportFile":
        """Ask for the file: a new row, or an existing one put back in the queue unless it is
        already waiting or being made. The caller enqueues the task after commit."""
        row, created = cls.objects.get_or_create(
            kind=kind,
            cycle=cycle,
            unit=unit,
            language=language,
            defaults={"requested_by": by},
        )
        if not created:
            now = timezone.now()
            stale = now - datetime.timedelta(seconds=stale_after())
            # Conditional: a row a worker is rendering right now is left alone.
            cls.objects.filter(pk=row.pk).exclude(
                status=cls.Status.RUNNING, started_at__gte=stale
            ).update(status=cls.Status.QUEUED, requested_at=now, requested_by=by, error="")
            row.refresh_from_db()
        return row

    def claim(self) -> bool:
        """Move the row from queued to running; False if another worker has it already."""
        now = timezone.now()
        claimed = (
            ReportFile.objects.claimable(now)
            .filter(pk=self.pk)
            .update(status=self.Status.RUNNING, started_at=now, finished_at=None, error="")
        )
        if claimed:
            self.status, self.started_at = self.Status.RUNNING, now
        return bool(claimed)

    def finish(self, *, content_key, file_path, source_updated_at):
        self.status = self.Status.READY
        self.content_key = content_key
        self.file_path = file_path
        self.source_updated_at = source_updated_at
        self.finished_at = timezone.now()
        self.save(
            update_fields=[
                "status",
                "content_key",
                "file_path",
                "source_updated_at",
                "finished_at",
            ]
        )

    def fail(self, error: str):
        self.status = self.Status.FAILED
        self.error = error[:2000]
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "error", "finished_at"])


def queue_render(row: ReportFile) -> None:
    """Owe the rendering of the row, in the caller's transaction (see responsibilities.outbox)."""
    outbox.enqueue(RENDER_TASK, row.pk, key=f"report_file:{row.pk}")


def request_file(*, kind, cycle, unit, language, by) -> ReportFile:
    """The one way to ask for a file: its row (new, or put back in the queue) and its
    rendering owed in the outbox, in one transaction. A broker that is down delays the file
    (the sweep hands it out later), never loses it. Unchanged content is found in the cache
    by its hash and not rendered again (followup.reports.store_pdf)."""
    with transaction.atomic():
        row = ReportFile.request(kind=kind, cycle=cycle, unit=unit, language=language, by=by)
        queue_render(row)
    return row


def _ahead(cycle, scopes, by) -> list[ReportFile]:
    if not settings.REPORT_PDFS_AHEAD:
        return []
    return [
        request_file(kind=kind, cycle=cycle, unit=unit, language=language, by=by)
        for kind, unit in scopes
        for language, _name in settings.LANGUAGES
    ]


def queue_report_files(report, *, by) -> list[ReportFile]:
    """A report's content changed for its readers (approved, reported to its committee): its
    own PDF, those of the committees above it and the board's, in every language, are owed in
    the caller's transaction, so readers find them made."""
    # The materialised path ("/1/4/9/") holds the unit's ancestors: one query for committees.
    above = [int(pk) for pk in report.unit.path.strip("/").split("/") if pk]
    committees = OrganisationUnit.objects.filter(
        pk__in=above, kind=OrganisationUnit.Kind.COMMITTEE
    ).order_by("path")
    scopes = [
        (ReportFile.Kind.UNIT, report.unit),
        *((ReportFile.Kind.COMMITTEE, committee) for committee in committees),
        (ReportFile.Kind.BOARD, None),
    ]
    return _ahead(report.cycle, scopes, by)


def queue_board_file(cycle, *, by) -> list[ReportFile]:
    """The cycle was reported to the executive board: the board's PDF (which names the units
    reported without an approved report) is owed again, in every language."""
    return _ahead(cycle, [(ReportFile.Kind.BOARD, None)], by)


def requeue_stuck_files() -> int:
    """For the outbox sweep: files waiting (or abandoned while running) with no rendering owed,
    e.g. ones asked for before the outbox existed. Constant number of queries."""
    stuck = ReportFile.objects.claimable().filter(
        requested_at__lt=timezone.now() - datetime.timedelta(seconds=WAITING_TOO_LONG_SECONDS)
    )
    owed = set(
        outbox.QueuedTask.objects.filter(
            task=RENDER_TASK, state=outbox.QueuedTask.State.PENDING
        ).values_list("key", flat=True)
    )
    rows = [row for row in stuck.only("pk") if f"report_file:{row.pk}" not in owed]
    for row in rows:
        queue_render(row)
    return len(rows)
