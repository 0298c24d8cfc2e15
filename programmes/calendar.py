"""Revision deadlines in the calendar feed of the people who edit the documents."""

from django.utils.translation import gettext as _

from programmes.models import ProgrammeVersion
from responsibilities.access import municipalities_with
from responsibilities.calendar import Deadline, register
from responsibilities.capabilities import Capability


@register
def revision_deadlines(person):
    versions = ProgrammeVersion.objects.filter(
        status=ProgrammeVersion.Status.ADOPTED,
        programme__municipality__in=municipalities_with(person, Capability.EDIT_PROGRAMME),
    ).select_related("programme__municipality")
    for version in versions:
        if version.next_review is None:
            continue
        yield Deadline(
            uid=f"revision-{version.pk}",
            date=version.next_review,
            title=(
                _("Review due: %(title)s")
                if version.reviewed_when_needed
                else _("Revision due: %(title)s")
            )
            % {"title": version.title},
            url=version.programme.get_absolute_url(),
        )
