"""Word-level comparison of two versions (or two saves) of a document, part by part.

Insertions are marked with <ins>, removals with <del>: the elements carry the meaning (screen
readers announce them, the stylesheet adds more than colour), so the result never depends on
colour alone.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from programmes.markup import plain_text
from programmes.models import Section

TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(old: str, new: str) -> SafeString:
    """HTML of `new` with the words removed from `old` in <del> and the added ones in <ins>."""
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above


@dataclass
class ItemChange:
    state: str  # "same", "changed", "added", "removed"
    html: SafeString


@dataclass
class PartChange:
    """One part (a section, the title, the related documents) compared between two versions."""

    label: str
    state: str  # "same", "changed", "added", "removed"
    heading: SafeString
    body: SafeString | None = None
    items: list[ItemChange] = field(default_factory=list)
    closing: SafeString | None = None

    @property
    def changed(self) -> bool:
        return self.state != "same"


def _list_diff(old: list[str], new: list[str]) -> list[ItemChange]:
    result = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            result += [ItemChange("same", escape(text)) for text in new[j1:j2]]
            continue
        if op == "replace":
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                result.append(ItemChange("changed", word_diff(old[i1 + k], new[j1 + k])))
            i1, j1 = i1 + pairs, j1 + pairs
        result += [ItemChange("removed", word_diff(text, "")) for text in old[i1:i2]]
        result += [ItemChange("added", word_diff("", text)) for text in new[j1:j2]]
    return result


def _section_texts(section) -> dict:
    return {
        "heading": section.heading,
        "body": plain_text(section.body),
        "items": [item.text for item in section.items.all()],
        "closing": plain_text(section.closing),
    }


def _pair_sections(old_sections, new_sections):
    """Match sections by kind and heading first, then by kind in order; the rest stand alone."""
    pairs, unmatched_new = {}, []
    remaining = list(old_sections)
    for new in new_sections:
        match = next(
            (o for o in remaining if o.kind == new.kind and o.heading == new.heading), None
        ) or next(
            (o for o in remaining if o.kind == new.kind and o.kind != Section.Kind.FREE), None
        )
        if match is not None:
            remaining.remove(match)
            pairs[new] = match
        else:
            unmatched_new.append(new)
    return pairs, remaining


def compare_versions(old, new) -> list[PartChange]:
    """Part-by-part changes from version `old` to version `new` (prefetched sections/items)."""
    parts = [
        PartChange(
            label="title",
            state="same" if old.title == new.title else "changed",
            heading=word_diff(old.title, new.title),
            body=word_diff(old.subtitle, new.subtitle) if (old.subtitle or new.subtitle) else None,
        )
    ]
    pairs, removed = _pair_sections(list(old.sections.all()), list(new.sections.all()))
    for section in new.sections.all():
        now = _section_texts(section)
        before = _section_texts(pairs[section]) if section in pairs else None
        parts.append(_section_change(before, now))
    for section in removed:
        parts.append(_section_change(_section_texts(section), None))
    old_docs = [d.title for d in old.related_documents.all()]
    new_docs = [d.title for d in new.related_documents.all()]
    if old_docs or new_docs:
        items = _list_diff(old_docs, new_docs)
        parts.append(
            PartChange(
                label="related",
                state="same" if old_docs == new_docs else "changed",
                heading=mark_safe(""),
                items=items,
            )
        )
    return parts


def _section_change(before: dict | None, now: dict | None) -> PartChange:
    empty = {"heading": "", "body": "", "items": [], "closing": ""}
    state = "added" if before is None else "removed" if now is None else None
    before, now = before or empty, now or empty
    if state is None:
        state = "same" if before == now else "changed"
    return PartChange(
        label="section",
        state=state,
        heading=word_diff(before["heading"], now["heading"]),
        body=word_diff(before["body"], now["body"]) if (before["body"] or now["body"]) else None,
        items=_list_diff(before["items"], now["items"]),
        closing=(
            word_diff(before["closing"], now["closing"])
            if (before["closing"] or now["closing"])
            else None
        ),
    )
