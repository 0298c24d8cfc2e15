"""The saves of a version (django-simple-history records), each with its word-level changes."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from programmes.diff import word_diff
from programmes.markup import plain_text
from programmes.models import ProgrammeVersion, RelatedDocument, Section, SectionItem

# Which fields of each kind of part a reader cares about, and how to show them as text.
TRACKED = {
    ProgrammeVersion: (
        "title",
        "subtitle",
        "adopting_body_id",
        "decision_date",
        "paragraph",
        "case_number",
        "status",
    ),
    Section: ("heading", "body", "closing", "position"),
    SectionItem: ("text", "role_id", "position"),
    RelatedDocument: ("title", "url", "file", "position"),
}
HTML_FIELDS = {"body", "closing"}
CHANGE = {"+": _("added"), "~": _("changed"), "-": _("removed")}
LIMIT = 300


@dataclass
class Save:
    when: object
    who: object
    part: str
    kind: str
    change: str
    fields: list  # (label, diff html)


def _value(record, name):
    value = getattr(record, name)
    if value is None:
        return ""
    return plain_text(value) if name in HTML_FIELDS else str(value)


def _label(model, name):
    return model._meta.get_field(name.removesuffix("_id")).verbose_name


def _saves(model, records, part_name):
    previous = {}
    saves = []
    for record in records:
        before = previous.get(record.id)
        fields = []
        for name in TRACKED[model]:
            old = _value(before, name) if before is not None else ""
            new = _value(record, name) if record.history_type != "-" else ""
            if old != new:
                fields.append((_label(model, name), word_diff(old, new)))
        previous[record.id] = record
        if fields or record.history_type == "-":
            saves.append(
                Save(
                    when=record.history_date,
                    who=record.history_user,
                    part=part_name(record),
                    kind=model._meta.verbose_name,
                    change=CHANGE[record.history_type],
                    fields=fields,
                )
            )
    return saves


def saves_of(version) -> list[Save]:
    """Newest first; a constant number of queries (one per kind of part)."""
    sections = list(
        Section.history.filter(version_id=version.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    headings = {record.id: record.heading for record in sections}
    items = (
        SectionItem.history.filter(section_id__in=list(headings))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    saves = _saves(
        ProgrammeVersion,
        ProgrammeVersion.history.filter(id=version.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        lambda record: record.title,
    )
    saves += _saves(Section, sections, lambda record: record.heading)
    saves += _saves(SectionItem, items, lambda record: headings.get(record.section_id, ""))
    saves += _saves(
        RelatedDocument,
        RelatedDocument.history.filter(version_id=version.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        lambda record: record.title,
    )
    saves.sort(key=lambda save: save.when, reverse=True)
    return saves[:LIMIT]
