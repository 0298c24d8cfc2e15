"""Report PDFs: the reports page for council members, a unit report's PDF page, asking for a
file (rendered by a Celery task), its state for polling, and the download."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from followup import reports
from followup.models import Cycle, Report, ReportFile
from followup.models.files import request_file
from followup.views.common import municipality_for, report_for
from programmes.pdf_views import content_disposition
from responsibilities.access import access_for
from responsibilities.audit import AuditEvent, record
from responsibilities.capabilities import Capability
from responsibilities.fields import parse_int
from responsibilities.models import Municipality, OrganisationUnit
from responsibilities.statements import Statement


@dataclass
class Entry:
    """One file the page offers: its scope, its row (if ever asked for) and whether the
    reports behind it changed after it was made."""

    kind: str
    cycle: Cycle
    unit: OrganisationUnit | None
    file: ReportFile | None
    changed: datetime | None = None

    @property
    def label(self) -> str:
        if self.kind == ReportFile.Kind.BOARD:
            return _("Consolidated report for the executive board (all units)")
        if self.kind == ReportFile.Kind.COMMITTEE:
            return _("Consolidated report for %(name)s") % {"name": self.unit.name}
        return self.unit.name

    @property
    def anchor(self) -> str:
        return f"file-{self.kind}-{self.cycle.pk}-{self.unit.pk if self.unit else 0}"

    @property
    def stale(self) -> bool:
        return bool(self.file and self.file.is_stale(self.changed))


def reader_municipality(request, slug) -> Municipality:
    """The municipality, for someone who reads its reports municipality-wide."""
    return municipality_for(request, slug, Capability.READ_REPORTS)


def file_for(request, slug, pk) -> ReportFile:
    """A report file the person may read: the consolidated ones for municipality-wide readers,
    a unit's for those who may read that report (same rule as the report page)."""
    row = get_object_or_404(
        ReportFile.objects.select_related("cycle__version__programme__municipality", "unit"),
        pk=pk,
        cycle__version__programme__municipality__slug=slug,
    )
    municipality = row.cycle.version.programme.municipality
    access = access_for(request)
    if not access.member_of(municipality):
        raise Http404
    if row.kind == ReportFile.Kind.UNIT:
        visible = Report.objects.visible_to(request.user).filter(
            cycle=row.cycle_id, unit=row.unit_id
        )
        if not visible.exists():
            raise Http404
    elif not access.in_municipality(Capability.READ_REPORTS, municipality):
        raise Http404
    return row


def ask(request, *, kind, cycle, unit) -> ReportFile:
    """Queue the file (or re-queue it) in the reader's language."""
    return request_file(kind=kind, cycle=cycle, unit=unit, language=get_language(), by=request.user)


# Who may ask for a new rendering on the reports page: the one who runs the follow-up.
ASK_FOR_FILES = Capability.MANAGE_CYCLES

YEAR = "ar"  # the query parameter of the reports page's year


def page_url(slug: str, year: int, anchor: str = "") -> str:
    url = reverse("followup:reports", args=[slug]) + f"?{YEAR}={year}"
    return url + (f"#{anchor}" if anchor else "")


def published_cycles(municipality_id: int):
    """The municipality's cycles past their preparation, by document and newest year first."""
    return (
        Cycle.objects.for_municipality(municipality_id)
        .exclude(status=Cycle.Status.DRAFT)
        .select_related("version__programme")
        .only("year", "status", "version__title", "version__programme__slug")
        .order_by("version__programme__slug", "-year")
    )


def cycle_files(cycle_ids: list[int], language: str):
    """The files asked for of these cycles, in one language."""
    return ReportFile.objects.filter(cycle__any=cycle_ids, language=language)


def cycle_reports(cycle_ids: list[int], municipality_id: int):
    """The reports of these cycles, in the order of the organisation. The unit's municipality
    too: its units are found by index, not by a scan of all."""
    return (
        Report.objects.filter(cycle__any=cycle_ids, unit__municipality=municipality_id)
        .select_related("unit")
        .only("cycle", "status", "updated_at", "unit__name", "unit__path")
        .order_by("unit__path")
    )


def committees(municipality_id: int):
    return (
        OrganisationUnit.objects.filter(
            municipality=municipality_id, kind=OrganisationUnit.Kind.COMMITTEE
        )
        .only("name", "path")
        .order_by("path")
    )


# The reports page's queries, compiled once per process (the cycles' ids one argument on
# PostgreSQL; elsewhere the ORM builds them).
PUBLISHED_CYCLES = Statement(published_cycles, (-7_300_451_001,), (-7_300_451_003,))
CYCLE_FILES = Statement(
    cycle_files, ((-7_300_453_001,), "sample-a"), ((-7_300_453_003, -7_300_453_005), "sample-b")
)
CYCLE_REPORTS = Statement(
    cycle_reports, ((-7_300_455_001,), -7_300_455_003), ((-7_300_455_005,), -7_300_455_007)
)
COMMITTEES = Statement(committees, (-7_300_457_001,), (-7_300_457_003,))


@login_required
@require_safe
def reports_page(request, municipality):
    """One year at a time (the newest first): per document, the board's and each committee's
    consolidated report and each unit's approved report, with the state of each file."""
    municipality = reader_municipality(request, municipality)
    published = PUBLISHED_CYCLES.fetch(municipality.pk)
    years = sorted({cycle.year for cycle in published}, reverse=True)
    asked = _int(request.GET.get(YEAR))
    year = asked if asked in years else (years[0] if years else None)
    cycles = [cycle for cycle in published if cycle.year == year]
    ids = [cycle.pk for cycle in cycles]
    # No follow-up past its preparation yet: nothing to read (and no query for it).
    files = {
        (row.kind, row.cycle_id, row.unit_id): row
        for row in (CYCLE_FILES.fetch(ids, get_language()) if ids else [])
    }
    all_reports = CYCLE_REPORTS.fetch(ids, municipality.pk) if ids else []
    candidates = COMMITTEES.fetch(municipality.pk) if ids else []
    documents: dict = {}
    for cycle in cycles:
        mine = [report for report in all_reports if report.cycle_id == cycle.pk]
        entries, units = _cycle_entries(cycle, mine, files, candidates)
        # Listed under the followed-up version's title.
        documents.setdefault(cycle.version.programme_id, (cycle.version.title, []))[1].append(
            (cycle, entries, units)
        )
    return render(
        request,
        "followup/reports.html",
        {
            "municipality": municipality,
            "documents": list(documents.items()),
            "years": years,
            "year": year,
            "may_ask": access_for(request).in_municipality(ASK_FOR_FILES, municipality),
        },
    )


def _cycle_entries(cycle, reports_of_cycle, files, committees):
    """The board's and the committees' entries, and the approved units' entries, of a cycle;
    each with the newest change among the reports behind it (for telling stale files)."""

    def entry(kind, unit=None, in_scope=lambda report: True, changed=None):
        if changed is None:
            changed = max((r.updated_at for r in reports_of_cycle if in_scope(r)), default=None)
        return Entry(
            kind, cycle, unit, files.get((kind, cycle.pk, unit.pk if unit else None)), changed
        )

    entries = [entry(ReportFile.Kind.BOARD)]
    for committee in committees:

        def under(report, path=committee.path):
            return report.unit.path.startswith(path)

        if any(under(r) for r in reports_of_cycle):
            entries.append(entry(ReportFile.Kind.COMMITTEE, committee, under))
    units = [
        entry(ReportFile.Kind.UNIT, r.unit, changed=r.updated_at)
        for r in reports_of_cycle
        if r.is_approved
    ]
    return entries, units


@login_required
@require_POST
def reports_request(request, municipality):
    """Ask for a file from the reports page (the security chief; readers find the files made
    by the steps that change them); back to the page, at the file's row."""
    municipality = municipality_for(request, municipality, ASK_FOR_FILES)
    kind = request.POST.get("kind")
    cycle = get_object_or_404(
        Cycle.objects.for_municipality(municipality).exclude(status=Cycle.Status.DRAFT),
        pk=_int(request.POST.get("cycle")),
    )
    unit = None
    if kind == ReportFile.Kind.COMMITTEE:
        unit = get_object_or_404(
            OrganisationUnit,
            pk=_int(request.POST.get("unit")),
            municipality=municipality,
            kind=OrganisationUnit.Kind.COMMITTEE,
        )
    elif kind == ReportFile.Kind.UNIT:
        report = get_object_or_404(
            Report.objects.visible_to(request.user).select_related("unit"),
            cycle=cycle,
            unit=_int(request.POST.get("unit")),
        )
        unit = report.unit
    elif kind != ReportFile.Kind.BOARD:
        raise Http404
    row = ask(request, kind=kind, cycle=cycle, unit=unit)
    messages.success(request, _("The PDF has been requested. It is ready in a moment."))
    entry = Entry(kind, cycle, unit, row)
    return redirect(page_url(municipality.slug, cycle.year, entry.anchor))


def _int(value) -> int:
    return parse_int(value)


@login_required
def report_pdf(request, municipality, pk):
    """A unit report's PDF: its state, and asking for it (POST)."""
    report = report_for(request, municipality, pk)
    if request.method == "POST":
        ask(request, kind=ReportFile.Kind.UNIT, cycle=report.cycle, unit=report.unit)
        messages.success(request, _("The PDF has been requested. It is ready in a moment."))
        return redirect("followup:report_pdf", municipality=municipality, pk=report.pk)
    row = ReportFile.objects.filter(
        kind=ReportFile.Kind.UNIT,
        cycle=report.cycle_id,
        unit=report.unit_id,
        language=get_language(),
    ).first()
    entry = Entry(ReportFile.Kind.UNIT, report.cycle, report.unit, row, report.updated_at)
    return render(
        request,
        "followup/report_pdf.html",
        {
            "report": report,
            "municipality": report.cycle.municipality,
            "entry": entry,
        },
    )


@login_required
@require_safe
def file_status(request, municipality, pk):
    """The state of one file, for polling (htmx); without htmx, back to its page."""
    row = file_for(request, municipality, pk)
    if not request.htmx:
        return redirect(_page_of(row))
    entry = Entry(row.kind, row.cycle, row.unit, row, _changed(row))
    return render(
        request,
        "followup/_report_file_state.html",
        {"entry": entry, "municipality": row.cycle.version.programme.municipality},
    )


def _changed(row: ReportFile):
    scope = reports.scope_reports(
        row.cycle, row.unit if row.kind == ReportFile.Kind.COMMITTEE else None
    )
    if row.kind == ReportFile.Kind.UNIT:
        scope = scope.filter(unit=row.unit_id)
    return reports.newest(scope)


def _page_of(row: ReportFile) -> str:
    slug = row.cycle.version.programme.municipality.slug
    if row.kind == ReportFile.Kind.UNIT:
        report = Report.objects.filter(cycle=row.cycle_id, unit=row.unit_id).first()
        if report is not None:
            return reverse("followup:report_pdf", args=[slug, report.pk])
    return page_url(slug, row.cycle.year, Entry(row.kind, row.cycle, row.unit, row).anchor)


@login_required
@require_safe
def file_download(request, municipality, pk):
    """The PDF, once ready; every download of these non-public reports is in the audit log."""
    row = file_for(request, municipality, pk)
    if not row.is_ready:
        messages.info(request, _("The PDF is not ready yet."))
        return redirect(_page_of(row))
    try:
        handle = default_storage.open(row.file_path, "rb")
    except FileNotFoundError:
        handle = None
    if handle is None:
        # The cached file was removed: make it again.
        ask(request, kind=row.kind, cycle=row.cycle, unit=row.unit)
        messages.info(request, _("The PDF is being generated again. It is ready in a moment."))
        return redirect(_page_of(row))
    name = reports.filename_for(row)
    record(
        AuditEvent.Action.DOWNLOADED,
        request=request,
        municipality=row.cycle.version.programme.municipality,
        target=name,
        kind=row.kind,
        year=row.cycle.year,
        file=row.pk,
    )
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "private, no-store"
    return response
