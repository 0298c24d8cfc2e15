"""Generated PDF files of follow-up reports: one row per report, scope and language, with the
state of its generation in a Celery task (followup.tasks.render_report_file)."""

import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
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
    # Counted up by every step of a report the file depends on (depending_on), in the step's
    # transaction, whatever year the report is of; the file was made at `rendered_changes`,
    # so a file made (or being made) before the step is stale.
    source_changes = models.PositiveIntegerField(_("changes of its reports"), default=0)
    rendered_changes = models.PositiveIntegerField(_("made at change"), default=0)
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
        """True when the reports behind a ready file changed after it was made: a step of a
        report it depends on (of any year), or a newer change among its cycle's reports."""
        if not self.is_ready:
            return False
        if self.source_changes != self.rendered_changes:
            return True
        return bool(
            source_updated_at
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
            # Read after the claim is committed and before the reports are: a step counted
            # in it is in what the rendering reads; one counted later makes the file stale.
            self.rendered_changes = ReportFile.objects.filter(pk=self.pk).values_list(
                "source_changes", flat=True
            )[0]
        return bool(claimed)

    def finish(self, *, content_key, file_path, source_updated_at) -> bool:
        """Mark the file made; False when a report it depends on changed while it was being
        made (it is then owed again, in the same transaction)."""
        with transaction.atomic():
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
                    "rendered_changes",
                    "finished_at",
                ]
            )
            current = ReportFile.objects.filter(pk=self.pk).values_list("source_changes")[0][0]
            if current == self.rendered_changes:
                return True
            self.source_changes = current
            _requeue(ReportFile.objects.filter(pk=self.pk))
        return False

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


def _requeue(files, *, by=None) -> list[int]:
    """Put the files back in the queue, their rendering owed (one being made right now is
    left to finish: it counts the change and is owed again then, ReportFile.finish); `by`
    the person whose step it is, if any."""
    now = timezone.now()
    fresh = now - datetime.timedelta(seconds=stale_after())
    ids = list(
        files.exclude(status=ReportFile.Status.RUNNING, started_at__gte=fresh).values_list(
            "pk", flat=True
        )
    )
    changes = {"status": ReportFile.Status.QUEUED, "requested_at": now, "error": ""}
    if by is not None:
        changes["requested_by"] = by
    ReportFile.objects.filter(pk__in=ids).update(**changes)
    for pk in ids:
        outbox.enqueue(RENDER_TASK, pk, key=f"report_file:{pk}")
    return ids


def _above(unit) -> list[int]:
    """The unit and its ancestors, from the materialised path ("/1/4/9/"): no query."""
    return [int(pk) for pk in unit.path.strip("/").split("/") if pk]


def depending_on(report) -> Q:
    """The one rule of which PDFs hold a report's content (a filter of ReportFile):

    - its unit's PDF;
    - the consolidated PDFs of its cycle, the board's and those of the committees above its
      unit: they list every report in scope with its status, and the approved ones' content;
    - while it is approved, the consolidated PDFs of the same programme's later years too
      (board, committees above it): their trend counts the answers of approved reports of
      every year up to theirs (followup.stats.attainment_trend).

    Pass the report as it is after its step (a step out of approval would pass both)."""
    consolidated = Q(kind=ReportFile.Kind.BOARD) | Q(
        kind=ReportFile.Kind.COMMITTEE, unit__in=_above(report.unit)
    )
    cycles = Q(cycle=report.cycle_id)
    if report.is_approved:
        cycles |= Q(
            cycle__version__programme=report.cycle.version.programme_id,
            cycle__year__gt=report.cycle.year,
        )
    own = Q(kind=ReportFile.Kind.UNIT, cycle=report.cycle_id, unit=report.unit_id)
    return own | (consolidated & cycles)


def report_changed(report, *, by, make=False) -> list[ReportFile]:
    """A step changed what the report's PDFs show (submitted, returned, approved, reported
    to its committee, an action's status): in the step's transaction, every file that
    depends on it (depending_on) counts the change, so one made before is stale, even one
    being made right now. With REPORT_PDFS_AHEAD they are owed again; with `make` (the steps
    that publish the report: approval, the committee) the files of its own cycle that nobody
    asked for yet are made too, in every language, so readers find them."""
    with transaction.atomic():
        files = ReportFile.objects.filter(depending_on(report))
        files.update(source_changes=F("source_changes") + 1)
        if not settings.REPORT_PDFS_AHEAD:
            return []
        made = _ahead(report.cycle, _scopes(report), by) if make else []
        _requeue(files.exclude(pk__in=[row.pk for row in made]), by=by)
    return made


def _scopes(report) -> list:
    """(kind, unit) of the report's own cycle's files: its unit's, the committees' above it
    (one query), the board's."""
    committees = OrganisationUnit.objects.filter(
        pk__in=_above(report.unit), kind=OrganisationUnit.Kind.COMMITTEE
    ).order_by("path")
    return [
        (ReportFile.Kind.UNIT, report.unit),
        *((ReportFile.Kind.COMMITTEE, committee) for committee in committees),
        (ReportFile.Kind.BOARD, None),
    ]


def queue_report_files(report, *, by) -> list[ReportFile]:
    """A report's content changed for its readers (approved, reported to its committee):
    every file depending on it is stale and owed again, and its own cycle's files are made
    even if nobody asked for them yet (report_changed)."""
    return report_changed(report, by=by, make=True)


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
