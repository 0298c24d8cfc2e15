"""The start page's programme panels: documents to revise, open drafts, the adopted programme."""

from django.db.models import Q

from programmes.models import Programme, ProgrammeVersion
from programmes.services import revision_warnings_among
from responsibilities.attention import Panel, register
from responsibilities.capabilities import Capability
from responsibilities.statements import Statement

# What the three panels and the revision notes read of a version.
SHOWN_COLUMNS = (
    "number",
    "status",
    "title",
    "decision_date",
    "revision_due",
    "review_due",
    "programme__slug",
    "programme__kind",
    "programme__municipality__slug",
    "programme__municipality__name",
)


def _versions(everywhere, editable=()):
    """The adopted programmes of the municipalities `everywhere` and the drafts and adopted
    documents of those `editable` (ids, each list one argument of a statement)."""
    Status = ProgrammeVersion.Status
    shown = Q(
        programme__municipality__any=everywhere,
        status=Status.ADOPTED,
        programme__kind=Programme.Kind.PROGRAMME,
    )
    if editable:
        shown |= Q(programme__municipality__any=editable, status__in=[Status.DRAFT, Status.ADOPTED])
    return (
        ProgrammeVersion.objects.filter(shown)
        .select_related("programme__municipality")
        .only(*SHOWN_COLUMNS)
        .order_by("programme__municipality__name", "title")
    )


# Compiled once per process: for people who edit programmes somewhere, and for the others.
_EDITING = Statement(
    _versions,
    ((-7_300_463_001,), (-7_300_463_003,)),
    ((-7_300_463_005, -7_300_463_007), (-7_300_463_009, -7_300_463_011)),
)
_READING = Statement(_versions, ((-7_300_463_013,),), ((-7_300_463_015, -7_300_463_017),))


@register
def programme_panels(user, access):
    # One query for the three panels, from the municipality ids Access has loaded.
    editable = sorted(access.municipality_ids_with(Capability.EDIT_PROGRAMME))
    everywhere = sorted(access.municipality_ids)
    if not (editable or everywhere):
        return
    Status = ProgrammeVersion.Status
    if editable:
        versions = _EDITING.fetch(tuple(everywhere), tuple(editable))
    else:
        versions = _READING.fetch(tuple(everywhere))
    for version in versions:
        version.next_due = version.next_review  # what revision_warnings_among() sorts by
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
