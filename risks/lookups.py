"""Fetch risk objects for a person: 404 for anything they may not see."""

from django.shortcuts import get_object_or_404

from programmes.models import ProgrammeVersion, Section, SectionItem
from responsibilities import access
from responsibilities.capabilities import Capability as C
from responsibilities.models import Municipality
from risks.models import RiskEntry, RiskReport

REPORT_RELATED = ("municipality", "unit", "area", "handler", "reported_by", "action__report__cycle")


def municipality_for(request, slug, capability=C.REPORT_RISKS) -> Municipality:
    """The municipality, if the person holds the capability anywhere in it (from the
    person's grants, which name it: no query of its own)."""
    return access.municipality_for(request, slug, capability, or_a_unit=True)


def report_for(request, slug, pk) -> RiskReport:
    return get_object_or_404(
        RiskReport.objects.visible_to(request.user).select_related(*REPORT_RELATED),
        pk=pk,
        municipality__slug=slug,
    )


def entry_for(request, slug, pk) -> RiskEntry:
    return get_object_or_404(
        RiskEntry.objects.visible_to(request.user).select_related(
            "municipality", "unit", "area", "owner", "merged_into"
        ),
        pk=pk,
        municipality__slug=slug,
    )


def application_areas(municipality) -> list[SectionItem]:
    """The application areas of the municipality's adopted programmes."""
    return list(
        SectionItem.objects.filter(
            section__kind=Section.Kind.APPLICATION_AREAS,
            section__version__status=ProgrammeVersion.Status.ADOPTED,
            section__version__programme__municipality=municipality,
        ).order_by("section__version__programme__slug", "section__position", "position")
    )
