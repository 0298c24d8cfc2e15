"""Public pages: anyone may read the adopted governing documents and the superseded ones."""

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from programmes import page_links
from programmes.models import ProgrammeVersion, RelatedDocument, Section, SectionItem
from programmes.public_cache import public_page
from responsibilities.access import access_for
from responsibilities.capabilities import Capability
from responsibilities.models import Municipality

PUBLIC_STATUSES = (ProgrammeVersion.Status.ADOPTED, ProgrammeVersion.Status.SUPERSEDED)


@require_safe
@public_page
def home(request):
    return render(request, "programmes/home.html", {"municipalities": Municipality.objects.all()})


@require_safe
@public_page
def municipality_detail(request, municipality):
    # identity_provider: the "Log in with the municipality's account" link (responsibilities.sso).
    municipality = get_object_or_404(
        Municipality.objects.select_related("identity_provider"), slug=municipality
    )
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


def with_content(queryset):
    """Versions with everything the document body shows, in a constant number of queries."""
    return queryset.select_related("programme__municipality", "adopting_body").prefetch_related(
        Prefetch(
            "sections",
            queryset=Section.objects.order_by("position").prefetch_related(
                Prefetch(
                    "items",
                    queryset=SectionItem.objects.order_by("position").select_related("role"),
                )
            ),
        ),
        Prefetch("related_documents", queryset=RelatedDocument.objects.order_by("position")),
    )


def adopted_version(municipality_slug: str, slug: str) -> ProgrammeVersion:
    """The adopted version of a document with everything the page shows, or 404."""
    return get_object_or_404(
        with_content(ProgrammeVersion.objects.all()),
        programme__municipality__slug=municipality_slug,
        programme__slug=slug,
        status=ProgrammeVersion.Status.ADOPTED,
    )


def earlier_versions(version):
    return (
        ProgrammeVersion.objects.filter(
            programme_id=version.programme_id, status=ProgrammeVersion.Status.SUPERSEDED
        )
        .select_related("adopting_body")
        .order_by("-number")
    )


@require_safe
@public_page
def public_detail(request, municipality, slug):
    version = adopted_version(municipality, slug)
    return render(
        request,
        "programmes/public_detail.html",
        {
            "version": version,
            "municipality": version.programme.municipality,
            "earlier_versions": earlier_versions(version),
            "page_links": page_links.links_for(request, version.programme.municipality),
        },
    )


@require_safe
@public_page
def public_version(request, municipality, slug, number):
    """A stable address for each adopted or superseded version; drafts are never public."""
    version = get_object_or_404(
        with_content(ProgrammeVersion.objects.filter(status__in=PUBLIC_STATUSES)),
        programme__municipality__slug=municipality,
        programme__slug=slug,
        number=number,
    )
    return render(
        request,
        "programmes/public_detail.html",
        {
            "version": version,
            "municipality": version.programme.municipality,
            "earlier_versions": earlier_versions(version),
        },
    )


@require_safe
def related_file(request, municipality, slug, pk):
    """An uploaded related document: public with an adopted or superseded version, otherwise
    only for those who may edit the municipality's drafts."""
    document = get_object_or_404(
        RelatedDocument.objects.select_related("version__programme__municipality").exclude(file=""),
        pk=pk,
        version__programme__municipality__slug=municipality,
        version__programme__slug=slug,
    )
    version = document.version
    if version.status not in PUBLIC_STATUSES and not access_for(request).in_municipality(
        Capability.EDIT_PROGRAMME, version.programme.municipality_id
    ):
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = document.file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=not name.lower().endswith(".pdf"), filename=name)
    if version.status in PUBLIC_STATUSES:  # frozen with its version: a proxy may keep it
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response
