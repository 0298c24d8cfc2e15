"""The start page's programme panels: documents to revise, open drafts, the adopted programme."""

from programmes.models import Programme, ProgrammeVersion
from programmes.services import revision_warnings_for
from responsibilities.access import municipalities_with
from responsibilities.attention import Panel, register
from responsibilities.capabilities import Capability


@register
def programme_panels(user, access):
    if access.anywhere(Capability.EDIT_PROGRAMME):
        warnings = revision_warnings_for(user)
        if warnings:
            yield Panel("programmes/_attention_revisions.html", warnings, order=10)
        drafts = list(
            ProgrammeVersion.objects.filter(
                status=ProgrammeVersion.Status.DRAFT,
                programme__municipality__in=municipalities_with(user, Capability.EDIT_PROGRAMME),
            )
            .select_related("programme__municipality")
            .order_by("programme__municipality__name", "title")
        )
        if drafts:
            yield Panel("programmes/_attention_drafts.html", drafts, order=20)
    if access.municipality_ids:
        adopted = list(
            ProgrammeVersion.objects.filter(
                status=ProgrammeVersion.Status.ADOPTED,
                programme__kind=Programme.Kind.PROGRAMME,
                programme__municipality__in=access.municipality_ids,
            )
            .select_related("programme__municipality")
            .order_by("programme__municipality__name", "title")
        )
        if adopted:
            yield Panel("programmes/_attention_adopted.html", adopted, order=90)
