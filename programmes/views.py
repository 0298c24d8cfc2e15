"""Public pages: anyone may read the adopted governing documents."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from programmes.models import ProgrammeVersion, Section, SectionItem
from responsibilities.models import Municipality


def home(request):
    return render(request, "programmes/home.html", {"municipalities": Municipality.objects.all()})


def municipality_detail(request, municipality):
    municipality = get_object_or_404(Municipality, slug=municipality)
    adopted = (
        ProgrammeVersion.objects.filter(
            programme__municipality=municipality, status=ProgrammeVersion.Status.ADOPTED
        )
        .select_related("programme", "adopting_body")
        .order_by("title")
    )
    return render(
        request,
        "programmes/municipality.html",
        {"municipality": municipality, "versions": adopted},
    )


def adopted_version(municipality_slug: str, slug: str) -> ProgrammeVersion:
    """The adopted version of a document with everything the page shows, or 404."""
    return get_object_or_404(
        ProgrammeVersion.objects.select_related(
            "programme__municipality", "adopting_body"
        ).prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "items",
                        queryset=SectionItem.objects.order_by("position").select_related("role"),
                    )
                ),
            ),
            "related_documents",
        ),
        programme__municipality__slug=municipality_slug,
        programme__slug=slug,
        status=ProgrammeVersion.Status.ADOPTED,
    )


def public_detail(request, municipality, slug):
    version = adopted_version(municipality, slug)
    return render(
        request,
        "programmes/public_detail.html",
        {"version": version, "municipality": version.programme.municipality},
    )
