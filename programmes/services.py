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
    versions = ProgrammeVersion.objects.annotate(
        next_due=Coalesce("revision_due", "review_due")
    ).filter(
        status=ProgrammeVersion.Status.ADOPTED,
        programme__municipality__in=municipalities_with(user, Capability.EDIT_PROGRAMME),
    )
    return revision_warnings_among(versions.select_related("programme__municipality"), today)


def revision_warnings_among(versions, today=None) -> list[ProgrammeVersion]:
    """The versions (annotated with `next_due`) whose revision is overdue or due within the
    warning period, soonest first, each with its `revision_status`."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=round(30.44 * warning_months()))
    due = sorted(
        (
            version
            for version in versions
            if version.status == ProgrammeVersion.Status.ADOPTED
            and version.next_due is not None
            and version.next_due <= horizon
        ),
        key=lambda version: (version.next_due, version.title),
    )
    for version in due:
        version.revision_status = version.revision_state(today)
    return due


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
