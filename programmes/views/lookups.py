"""One helper per object kind that fetches it for the requesting user, or raises 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from programmes.models import Programme, ProgrammeVersion, RelatedDocument, Section, SectionItem
from programmes.views.public import with_content
from responsibilities.access import access_for, municipality_for
from responsibilities.capabilities import Capability
from responsibilities.models import Municipality


def editable_municipality(request, slug, capability=Capability.EDIT_PROGRAMME) -> Municipality:
    return municipality_for(request, slug, capability)


def programme_for(request, municipality, slug, capability=Capability.EDIT_PROGRAMME):
    """The document, if the user holds `capability` in its municipality."""
    programme = get_object_or_404(
        Programme.objects.select_related("municipality").with_title(),
        municipality__slug=municipality,
        slug=slug,
    )
    if not access_for(request).in_municipality(capability, programme.municipality_id):
        raise Http404
    return programme


def draft_for(request, municipality, slug, capability=Capability.EDIT_PROGRAMME, content=False):
    """The open draft of the document (with its content if asked), or 404."""
    queryset = ProgrammeVersion.objects.filter(status=ProgrammeVersion.Status.DRAFT)
    queryset = (
        with_content(queryset) if content else queryset.select_related("programme__municipality")
    )
    draft = get_object_or_404(
        queryset, programme__municipality__slug=municipality, programme__slug=slug
    )
    if not access_for(request).in_municipality(capability, draft.programme.municipality_id):
        raise Http404
    return draft


def version_for(request, municipality, slug, number, capability=Capability.EDIT_PROGRAMME):
    version = get_object_or_404(
        with_content(ProgrammeVersion.objects.all()),
        programme__municipality__slug=municipality,
        programme__slug=slug,
        number=number,
    )
    if not access_for(request).in_municipality(capability, version.programme.municipality_id):
        raise Http404
    return version


def section_of(draft, pk) -> Section:
    return get_object_or_404(Section, pk=pk, version=draft)


def item_of(draft, pk) -> SectionItem:
    return get_object_or_404(
        SectionItem.objects.select_related("section", "role"), pk=pk, section__version=draft
    )


def related_of(draft, pk) -> RelatedDocument:
    return get_object_or_404(RelatedDocument, pk=pk, version=draft)
