"""The start page's programme panels: documents to revise, open drafts, the adopted programme."""

from django.db.models import Q
from django.db.models.functions import Coalesce

from programmes.models import Programme, ProgrammeVersion
from programmes.services import revision_warnings_among
from responsibilities.attention import Panel, register
from responsibilities.capabilities import Capability


@register
def programme_panels(user, access):
    # One query for the three panels, from the municipality ids Access has loaded.
    editable = sorted(access.municipality_ids_with(Capability.EDIT_PROGRAMME))
    everywhere = sorted(access.municipality_ids)
    if not (editable or everywhere):
        return
    Status = ProgrammeVersion.Status
    versions = list(
        ProgrammeVersion.objects.annotate(next_due=Coalesce("revision_due", "review_due"))
        .filter(
            Q(programme__municipality__in=editable, status__in=[Status.DRAFT, Status.ADOPTED])
            | Q(
                programme__municipality__in=everywhere,
                status=Status.ADOPTED,
                programme__kind=Programme.Kind.PROGRAMME,
            )
        )
        .select_related("programme__municipality")
        .order_by("programme__municipality__name", "title")
    )
    if editable:
        in_editable = [v for v in versions if v.programme.municipality_id in editable]
        warnings = revision_warnings_among(in_editable)
        if warnings:
            yield Panel("programmes/_attention_revisions.html", warnings, order=10)
        drafts = [v for v in in_editable if v.status == Status.DRAFT]
        if drafts:
            yield Panel("programmes/_attention_drafts.html", drafts, order=20)
    adopted = [
        v
        for v in versions
        if v.status == Status.ADOPTED and v.programme.kind == Programme.Kind.PROGRAMME
    ]
    if adopted:
        yield Panel("programmes/_attention_adopted.html", adopted, order=90)
