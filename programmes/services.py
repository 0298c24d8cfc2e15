"""Programme functions other parts of the site use (the start page's revision warnings)."""

import datetime

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from programmes.models import Programme, ProgrammeVersion, Section
from programmes.revision import warning_months
from responsibilities.access import municipalities_with
from responsibilities.capabilities import Capability


def revision_warnings_for(user, today=None) -> list[ProgrammeVersion]:
    """Adopted versions the user may edit whose revision is overdue or due soon (one query).

    Each version gets `revision_status` = ("overdue" | "due", days); overdue ones come first.
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=round(30.44 * warning_months()))
    versions = list(
        ProgrammeVersion.objects.annotate(next_due=Coalesce("revision_due", "review_due"))
        .filter(
            status=ProgrammeVersion.Status.ADOPTED,
            next_due__lte=horizon,
            programme__municipality__in=municipalities_with(user, Capability.EDIT_PROGRAMME),
        )
        .select_related("programme__municipality")
        .order_by("next_due", "title")
    )
    for version in versions:
        version.revision_status = version.revision_state(today)
    return versions


# The sections a new, empty document starts with (the parts every programme of the seeds has).
STARTING_SECTIONS = (
    Section.Kind.BACKGROUND,
    Section.Kind.PURPOSES,
    Section.Kind.GOALS,
    Section.Kind.RESPONSIBILITIES,
    Section.Kind.FOLLOW_UP,
)


@transaction.atomic
def create_document(*, municipality, kind, slug, title, copy_from=None) -> ProgrammeVersion:
    """A new governing document with its first draft: empty, or a copy of another version."""
    programme = Programme.objects.create(municipality=municipality, kind=kind, slug=slug)
    if copy_from is not None:
        draft = copy_from.copy_as_draft(programme=programme, number=1)
        draft.title = title
        draft.save()
        return draft
    draft = ProgrammeVersion.objects.create(programme=programme, number=1, title=title)
    for position, section_kind in enumerate(STARTING_SECTIONS, 1):
        Section.objects.create(
            version=draft, kind=section_kind, position=position, heading=str(section_kind.label)
        )
    return draft
