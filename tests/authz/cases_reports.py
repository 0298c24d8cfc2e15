"""The report PDFs: the reports page for municipality-wide readers, a unit report's PDF page
for those who may read that report, and the files (download and state) by the same rules."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from followup.models import Cycle, Report, ReportFile
from responsibilities.models import OrganisationUnit
from tests.authz import (
    COUNCIL_MEMBER,
    PERSONAS,
    SECTOR_CHIEF_A,
    SECTOR_CHIEF_B,
    SECURITY_CHIEF,
    Case,
    only,
)

READERS = only([SECURITY_CHIEF, COUNCIL_MEMBER])


def cycle_2025() -> Cycle:
    return Cycle.objects.get(version__programme__municipality__slug="ale", year=2025)


def report(unit, year=2025) -> dict:
    pk = Report.objects.get(unit__name=unit, unit__municipality__slug="ale", cycle__year=year).pk
    return {"municipality": "ale", "pk": pk}


def ready_file(kind, unit_name=None) -> dict:
    """A ready file row of the 2025 cycle with a small PDF on disk (no rendering)."""
    unit = (
        OrganisationUnit.objects.get(name=unit_name, municipality__slug="ale")
        if unit_name
        else None
    )
    relative = f"followup/pdf/authz-{kind}.pdf"
    if not default_storage.exists(relative):
        default_storage.save(relative, ContentFile(b"%PDF-1.7\n%%EOF\n"))
    row, _created = ReportFile.objects.update_or_create(
        kind=kind,
        cycle=cycle_2025(),
        unit=unit,
        language="sv",
        defaults={"status": "ready", "content_key": "0" * 64, "file_path": relative},
    )
    return {"municipality": "ale", "pk": row.pk}


CASES = [
    Case("followup:reports", kwargs=lambda: {"municipality": "ale"}, get=READERS),
    Case(
        "followup:reports_request",
        kwargs=lambda: {"municipality": "ale"},
        # Readers find the files made by the steps; only the security chief asks by hand.
        post=only([SECURITY_CHIEF], ok=302),
        data=lambda: {"kind": "board", "cycle": cycle_2025().pk},
        label="board",
    ),
    # A unit report that a council member may not read (returned): 404 for them too.
    Case(
        "followup:reports_request",
        kwargs=lambda: {"municipality": "ale"},
        post=only([SECURITY_CHIEF], ok=302),
        data=lambda: {
            "kind": "unit",
            "cycle": cycle_2025().pk,
            "unit": OrganisationUnit.objects.get(name="Sektor arbetsliv och stöd").pk,
        },
        label="returned-unit",
    ),
    # Approved 2025 report of Sektor utbildning: its unit, the chief, the council member.
    Case(
        "followup:report_pdf",
        kwargs=lambda: report("Sektor utbildning"),
        get=only([SECTOR_CHIEF_A, SECURITY_CHIEF, COUNCIL_MEMBER]),
        post=only([SECTOR_CHIEF_A, SECURITY_CHIEF, COUNCIL_MEMBER], ok=302),
        label="approved",
    ),
    # The 2026 draft of Sektor utbildning: only its unit.
    Case(
        "followup:report_pdf",
        kwargs=lambda: report("Sektor utbildning", 2026),
        get=only([SECTOR_CHIEF_A]),
        post=only([SECTOR_CHIEF_A], ok=302),
        label="draft",
    ),
    Case(
        "followup:file_download",
        kwargs=lambda: ready_file("board"),
        get=READERS,
        label="board",
    ),
    Case(
        "followup:file_download",
        kwargs=lambda: ready_file("unit", "Sektor samhällsbyggnad"),
        get=only([SECTOR_CHIEF_B, SECURITY_CHIEF, COUNCIL_MEMBER]),
        label="unit",
    ),
    # Without htmx the state URL sends the reader back to the page the file is listed on.
    Case(
        "followup:file_status",
        kwargs=lambda: ready_file("committee", "Utbildningsnämnden"),
        get=only([SECURITY_CHIEF, COUNCIL_MEMBER], ok=302),
    ),
]
assert all(set(case.get or case.post) == set(PERSONAS) for case in CASES)
