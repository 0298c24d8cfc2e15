"""Helpers for the report PDF tests: ask for a file as a person, run the task, read the PDF."""

from django.urls import reverse

from followup.models import Cycle, Report, ReportFile
from responsibilities.models import OrganisationUnit, User
from tests.programmes.pdf_support import body

COUNCIL_MEMBER = "ale-fortroendevald"
# Only the one who runs the follow-up asks for a file; readers find files the steps made.
SECURITY_CHIEF = "ale-sakerhetschef"


def ale_cycle(year=2025) -> Cycle:
    return Cycle.objects.with_programme().get(
        version__programme__municipality__slug="ale", year=year
    )


def unit(name) -> OrganisationUnit:
    return OrganisationUnit.objects.get(name=name, municipality__slug="ale")


def ask(
    client,
    capture,
    *,
    kind="board",
    unit_name=None,
    year=2025,
    username=SECURITY_CHIEF,
    language="sv",
):
    """Ask for a file from the reports page (the task runs at commit) and return its row."""
    client.force_login(User.objects.get(username=username))
    data = {"kind": kind, "cycle": ale_cycle(year).pk}
    if unit_name:
        data["unit"] = unit(unit_name).pk
    with capture(execute=True):
        response = client.post(reverse("followup:reports_request", args=["ale"]), data)
    assert response.status_code == 302, response
    return ReportFile.objects.get(
        kind=kind,
        cycle=ale_cycle(year),
        unit=unit(unit_name) if unit_name else None,
        language=language,
    )


def download(client, row) -> bytes:
    response = client.get(reverse("followup:file_download", args=["ale", row.pk]))
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/pdf"
    return body(response)


def report(unit_name, year=2025) -> Report:
    return Report.objects.get(unit=unit(unit_name), cycle__year=year)
