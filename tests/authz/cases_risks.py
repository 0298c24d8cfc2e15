"""Risk reports: everyone with a role reports; the reporter sees their own; a unit's manager
the unit's and its sub-units'; the security chief all of the municipality; council members
the figures only; another municipality nothing."""

import datetime

from django.utils import timezone

from responsibilities.models import OrganisationUnit, User
from risks.models import RiskEntry, RiskReport
from tests.authz import (
    ADMINISTRATOR,
    COUNCIL_MEMBER,
    EMPLOYEE,
    OTHER_MUNICIPALITY,
    SECTOR_CHIEF_A,
    SECTOR_CHIEF_B,
    SECURITY_CHIEF,
    Case,
    only,
)

ALE = lambda: {"municipality": "ale"}  # noqa: E731
MEMBERS = [EMPLOYEE, COUNCIL_MEMBER, SECTOR_CHIEF_A, SECTOR_CHIEF_B, SECURITY_CHIEF, ADMINISTRATOR]
HANDLERS = [SECTOR_CHIEF_A, SECTOR_CHIEF_B, SECURITY_CHIEF]


def employees_report() -> dict:
    """A report by ale-medarbetare in Sektor utbildning (ale-sektorchef's sector)."""
    report = RiskReport.objects.filter(
        municipality__slug="ale",
        unit__name="Sektor utbildning",
        reported_by__username=EMPLOYEE,
        status=RiskReport.Status.RECEIVED,
    ).first()
    if report is None:
        report = RiskReport.objects.filter(
            municipality__slug="ale", unit__name="Sektor utbildning"
        ).first()
        RiskReport.objects.filter(pk=report.pk).update(
            reported_by=User.objects.get(username=EMPLOYEE), status=RiskReport.Status.RECEIVED
        )
    return {"municipality": "ale", "pk": report.pk}


def report_with_file() -> dict:
    from django.core.files.base import ContentFile

    kwargs = employees_report()
    report = RiskReport.objects.get(pk=kwargs["pk"])
    if not report.file:
        report.file.save("bild.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
        report.file_name, report.file_type, report.file_size = "bild.png", "image/png", 8
        report.save()
    return kwargs


def entry_of_sector_a() -> dict:
    entry = RiskEntry.objects.filter(
        municipality__slug="ale", unit__name="Sektor utbildning", confidential=False
    ).first()
    return {"municipality": "ale", "pk": entry.pk}


def report_data() -> dict:
    return {
        "kind": "risk",
        "unit": OrganisationUnit.objects.get(name="Sektor utbildning").pk,
        "place": "Entrén",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "description": "Test",
    }


READ_REPORT = only([EMPLOYEE, SECTOR_CHIEF_A, SECURITY_CHIEF])
HANDLE_REPORT = only([SECTOR_CHIEF_A, SECURITY_CHIEF], ok=302)

CASES = [
    Case(
        "risks:report_new",
        kwargs=ALE,
        get=only(MEMBERS),
        post=only(MEMBERS, ok=302),
        data=report_data,
    ),
    Case("risks:mine", kwargs=ALE, get=only(MEMBERS)),
    Case("risks:inbox", kwargs=ALE, get=only(HANDLERS)),
    Case("risks:overview", kwargs=ALE, get=only([SECURITY_CHIEF, COUNCIL_MEMBER])),
    Case("risks:report", kwargs=employees_report, get=READ_REPORT),
    Case(
        "risks:report_step",
        kwargs=employees_report,
        post=HANDLE_REPORT,
        data=lambda: {"intent": "start"},
    ),
    Case(
        "risks:report_comment",
        kwargs=employees_report,
        post=only([EMPLOYEE, SECTOR_CHIEF_A, SECURITY_CHIEF], ok=302),
        data=lambda: {"comment-text": "Hej"},
    ),
    Case(
        "risks:report_register",
        kwargs=employees_report,
        post=HANDLE_REPORT,
        data=lambda: {"register-title": "Ny risk"},
    ),
    Case("risks:report_file", kwargs=report_with_file, get=READ_REPORT),
    Case("risks:register", kwargs=ALE, get=only(HANDLERS)),
    Case("risks:register_export", kwargs=ALE, get=only(HANDLERS)),
    Case(
        "risks:entry",
        kwargs=entry_of_sector_a,
        get=only([SECTOR_CHIEF_A, SECURITY_CHIEF]),
        post=only([SECTOR_CHIEF_A, SECURITY_CHIEF], ok=302),
        data=lambda: {"intent": "reviewed"},
    ),
    Case(
        "risks:entry_merge",
        kwargs=entry_of_sector_a,
        post=only([SECTOR_CHIEF_A, SECURITY_CHIEF], ok=302),
        data=lambda: {"into": ""},
    ),
]

__all__ = ["CASES", "OTHER_MUNICIPALITY"]
