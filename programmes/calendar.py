"""Revision deadlines in the calendar feed of the people who edit the documents, and in the
municipality's year (the årshjul)."""

from django.utils.translation import gettext as _

from programmes.models import ProgrammeVersion
from responsibilities.access import municipalities_with
from responsibilities.calendar import Deadline, register, register_year
from responsibilities.capabilities import Capability
from responsibilities.statements import Statement


def _revision_deadline(version) -> Deadline | None:
    if version.next_review is None:
        return None
    return Deadline(
        uid=f"revision-{version.pk}",
        date=version.next_review,
        title=(
            _("Review due: %(title)s")
            if version.reviewed_when_needed
            else _("Revision due: %(title)s")
        )
        % {"title": version.title},
        # The adopted document is public: everyone who sees the deadline may open it.
        url=version.programme.get_absolute_url(),
    )


# What a revision deadline reads of a version (its title, dates and public address).
DEADLINE_FIELDS = (
    "title",
    "revision_due",
    "review_due",
    "programme__slug",
    "programme__municipality__slug",
)


def _adopted():
    return ProgrammeVersion.objects.filter(status=ProgrammeVersion.Status.ADOPTED)


@register
def revision_deadlines(person):
    versions = (
        _adopted()
        .filter(
            programme__municipality__in=municipalities_with(person, Capability.EDIT_PROGRAMME),
        )
        .select_related("programme__municipality")
    )
    for version in versions:
        if (deadline := _revision_deadline(version)) is not None:
            yield deadline


def _adopted_of(municipality_id):
    return (
        _adopted()
        .filter(programme__municipality=municipality_id)
        .select_related("programme__municipality")
        .only(*DEADLINE_FIELDS)
    )


# Compiled once: every visit of the årshjul reads it.
ADOPTED_OF = Statement(_adopted_of, (-7_300_443_001,), (-7_300_443_003,))


@register_year
def revision_deadlines_in(municipality, year, viewer):
    # A municipality has a few adopted documents: year_of() keeps those due in the year.
    for version in ADOPTED_OF.fetch(municipality.pk):
        if (deadline := _revision_deadline(version)) is not None:
            yield deadline
