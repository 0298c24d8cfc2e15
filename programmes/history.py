"""The saves of a version (django-simple-history records), in words a clerk would write:
field labels, choice labels and names instead of codes and ids; the copy that starts a
revision summarised as one entry."""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from programmes.diff import word_diff
from programmes.markup import plain_text
from programmes.models import ProgrammeVersion, RelatedDocument, Section, SectionItem
from responsibilities.models import OrganisationUnit, Role

# Which fields of each kind of part a reader cares about.
TRACKED = {
    ProgrammeVersion: (
        "title",
        "subtitle",
        "adopting_body_id",
        "decision_date",
        "paragraph",
        "case_number",
        "valid_from",
        "valid_until",
        "revision_due",
        "review_due",
        "status",
    ),
    Section: ("heading", "body", "closing", "position"),
    SectionItem: ("text", "role_id", "position"),
    RelatedDocument: ("title", "url", "file", "position"),
}
HTML_FIELDS = {"body", "closing"}
# Whole sentences per kind of part: Swedish nouns agree in gender and definiteness
# ("Versionen ändrades", "Listpunkten lades till", "Avsnittet togs bort").
SENTENCES = {
    ProgrammeVersion: {
        "+": _("The version was created"),
        "~": _("The version was changed"),
        "-": _("The version was removed"),
    },
    Section: {
        "+": _("The section was added"),
        "~": _("The section was changed"),
        "-": _("The section was removed"),
    },
    SectionItem: {
        "+": _("The list item was added"),
        "~": _("The list item was changed"),
        "-": _("The list item was removed"),
    },
    RelatedDocument: {
        "+": _("The related document was added"),
        "~": _("The related document was changed"),
        "-": _("The related document was removed"),
    },
}
# The parts a revision copies are saved within moments of the new version's own creation.
COPY_WINDOW = datetime.timedelta(seconds=30)
LIMIT = 300


@dataclass
class Save:
    when: object
    who: object
    part: str
    change: str  # a whole sentence
    fields: list  # (label, diff html)


class Names:
    """Names for the ids a version's records point to, read once per history page."""

    def __init__(self, records_by_model):
        body_ids = {r.adopting_body_id for r in records_by_model[ProgrammeVersion]}
        role_ids = {r.role_id for r in records_by_model[SectionItem]}
        self.units = dict(
            OrganisationUnit.objects.filter(pk__in=body_ids - {None}).values_list("pk", "name")
        )
        self.roles = dict(Role.objects.filter(pk__in=role_ids - {None}).values_list("pk", "name"))

    def value(self, model, record, name) -> str:
        value = getattr(record, name)
        if value is None or value == "":
            return ""
        if name == "adopting_body_id":
            return self.units.get(value, "")
        if name == "role_id":
            return self.roles.get(value, "")
        if name == "status":
            return str(ProgrammeVersion.Status(value).label)
        if name == "paragraph":
            return f"§ {value}"
        if isinstance(value, datetime.date):
            return formats.date_format(value, "Y-m-d")
        if name in HTML_FIELDS:
            return plain_text(value)
        return str(value)


def _label(model, name):
    return model._meta.get_field(name.removesuffix("_id")).verbose_name


def _saves(model, records, part_name, names, skip=frozenset()):
    previous = {}
    saves = []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_id in skip:
            continue
        fields = []
        for name in TRACKED[model]:
            old = names.value(model, before, name) if before is not None else ""
            new = names.value(model, record, name) if record.history_type != "-" else ""
            if old != new:
                fields.append((_label(model, name), word_diff(old, new)))
        if fields or record.history_type == "-":
            saves.append(
                Save(
                    when=record.history_date,
                    who=record.history_user,
                    part=part_name(record),
                    change=SENTENCES[model][record.history_type],
                    fields=fields,
                )
            )
    return saves


def _copied(version_records, children) -> tuple[set, Save | None]:
    """The child records written by the copy that started this version, and one entry that
    summarises them ("started as a copy: 9 sections, 31 list items, 2 documents")."""
    created = next((r for r in version_records if r.history_type == "+"), None)
    if created is None:
        return set(), None
    copied = {
        model: [
            r
            for r in records
            if r.history_type == "+"
            and created.history_date <= r.history_date
            and r.history_date - created.history_date <= COPY_WINDOW
            and r.history_user_id == created.history_user_id
        ]
        for model, records in children.items()
    }
    if not any(copied.values()):
        return set(), None
    counts = [
        (Section, _("sections")),
        (SectionItem, _("list items")),
        (RelatedDocument, _("related documents")),
    ]
    summary = ", ".join(f"{len(copied[model])} {label}" for model, label in counts if copied[model])
    return {r.history_id for rows in copied.values() for r in rows}, Save(
        when=created.history_date,
        who=created.history_user,
        part=created.title,
        change=_("The version was started with the text of the earlier version"),
        fields=[(_("copied"), summary)],
    )


def saves_of(version) -> list[Save]:
    """Newest first; a constant number of queries (one per kind of part, two for names)."""

    def records(model, **filters):
        return list(
            model.history.filter(**filters)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )

    sections = records(Section, version_id=version.pk)
    by_model = {
        ProgrammeVersion: records(ProgrammeVersion, id=version.pk),
        Section: sections,
        SectionItem: records(SectionItem, section_id__in={r.id for r in sections}),
        RelatedDocument: records(RelatedDocument, version_id=version.pk),
    }
    headings = {record.id: record.heading for record in sections}
    names = Names(by_model)
    skip, summary = _copied(
        by_model[ProgrammeVersion],
        {m: by_model[m] for m in (Section, SectionItem, RelatedDocument)},
    )
    saves = _saves(ProgrammeVersion, by_model[ProgrammeVersion], lambda r: r.title, names)
    saves += _saves(Section, sections, lambda r: r.heading, names, skip)
    saves += _saves(
        SectionItem, by_model[SectionItem], lambda r: headings.get(r.section_id, ""), names, skip
    )
    saves += _saves(RelatedDocument, by_model[RelatedDocument], lambda r: r.title, names, skip)
    if summary is not None:
        saves.append(summary)
    saves.sort(key=lambda save: save.when, reverse=True)
    return saves[:LIMIT]


def filtered(saves, *, who="", since=None, until=None) -> list[Save]:
    """The saves of one person (user name) and/or within dates (inclusive, local time)."""
    return [
        save
        for save in saves
        if (not who or (save.who is not None and save.who.username == who))
        and (since is None or timezone.localtime(save.when).date() >= since)
        and (until is None or timezone.localtime(save.when).date() <= until)
    ]


def editors(saves) -> list:
    """Everyone who saved something, for the filter."""
    people = {save.who.pk: save.who for save in saves if save.who is not None}
    return sorted(people.values(), key=lambda person: person.username)
