"""Editing a draft part by part: plain forms that work without JavaScript, htmx where cheap.

Every part carries the revision it was loaded at; a save based on an older revision is refused
with a conflict view that keeps what the editor typed next to what is stored now.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget

from programmes.diff import word_diff
from programmes.forms import (
    ItemForm,
    MetadataForm,
    NewItemForm,
    NewSectionForm,
    RelatedDocumentForm,
    SectionForm,
)
from programmes.markup import to_markup
from programmes.models import (
    ConflictError,
    FrozenVersionError,
    Section,
    save_part,
    swap_positions,
)
from programmes.views.lookups import draft_for, item_of, related_of, section_of
from responsibilities.access import access_for
from responsibilities.capabilities import Capability
from responsibilities.models import Role


def editor_url(draft, anchor=""):
    url = reverse("programmes:edit", kwargs=draft.programme.url_kwargs())
    return f"{url}#{anchor}" if anchor else url


def roles_of(draft):
    return list(Role.objects.filter(municipality_id=draft.programme.municipality_id))


def _context(draft, **extra):
    return {
        "version": draft,
        "programme": draft.programme,
        "municipality": draft.programme.municipality,
        **extra,
    }


def _no_longer_draft(request, draft):
    messages.error(request, _("The draft was adopted or removed meanwhile; nothing was saved."))
    return redirect("programmes:document", **draft.programme.url_kwargs())


@login_required
@require_safe
def edit(request, municipality, slug):
    draft = draft_for(request, municipality, slug, content=True)
    may_adopt = access_for(request).in_municipality(
        Capability.ADOPT_PROGRAMME, draft.programme.municipality_id
    )
    return render(
        request,
        "programmes/editor.html",
        _context(draft, roles=roles_of(draft), may_adopt=may_adopt),
    )


def _conflict(form_class, request, current, fields, form_kwargs):
    """A form bound to what the editor typed, based on the current revision, and the stored
    values next to theirs (markup for formatted text) with the differences marked."""
    data = request.POST.copy()
    data["revision"] = current.revision
    form = form_class(data, **form_kwargs)
    rows = []
    for name in fields:
        stored = getattr(current, name)
        if name == "role":
            chosen = form.fields["role"].queryset.filter(pk=data.get("role") or None).first()
            stored = current.role.name if current.role_id else ""
            theirs = chosen.name if chosen else ""
        elif name in ("body", "closing"):
            stored, theirs = to_markup(stored), data.get(name, "")
        elif name == "number_sections":
            continue
        else:
            stored, theirs = str(stored), data.get(name, "")
        if stored.strip() != theirs.strip():
            rows.append(
                {
                    "label": form.fields[name].label,
                    "stored": stored,
                    "theirs": theirs,
                    "diff": word_diff(stored, theirs),
                }
            )
    return form, rows


def _part(request, draft, *, instance, form_class, fields, display, target, title, **form_kwargs):
    """GET shows the form; POST saves with the revision check. htmx gets partials."""
    initial = {name: getattr(instance, name) for name in fields}
    if "role" in initial:
        initial["role"] = instance.role_id
    initial["revision"] = instance.revision
    conflict = None
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            changes = {
                name: form.cleaned_data[name] for name in fields if name in form.cleaned_data
            }
            try:
                saved = save_part(instance, based_on=form.cleaned_data["revision"], **changes)
            except ConflictError as error:
                form, conflict = _conflict(form_class, request, error.current, fields, form_kwargs)
                status = 409
            except FrozenVersionError:
                return _no_longer_draft(request, draft)
            else:
                if request.htmx:
                    return render(request, display[0], _context(draft, **display[1](saved)))
                messages.success(request, _("Saved."))
                return redirect(editor_url(draft, target))
    else:
        form = form_class(initial=initial, **form_kwargs)
    context = _context(
        draft,
        form=form,
        conflict=conflict,
        title=title,
        action=request.path,
        target=target,
        cancel=editor_url(draft, target),
    )
    if request.htmx:
        return render(request, "programmes/_part_form.html", context)
    return render(request, "programmes/part_form.html", context, status=status)


@login_required
def edit_metadata(request, municipality, slug):
    draft = draft_for(request, municipality, slug)
    return _part(
        request,
        draft,
        instance=draft,
        form_class=MetadataForm,
        fields=MetadataForm.FIELDS,
        display=("programmes/_editor_metadata_body.html", lambda saved: {"version": saved}),
        target="metadata",
        title=_("Title and presentation"),
    )


def _section_display(draft):
    def context(section):
        section = Section.objects.prefetch_related("items__role").get(pk=section.pk)
        return {"section": section, "roles": roles_of(draft)}

    return ("programmes/_editor_section_body.html", context)


@login_required
def edit_section(request, municipality, slug, pk):
    draft = draft_for(request, municipality, slug)
    section = section_of(draft, pk)
    return _part(
        request,
        draft,
        instance=section,
        form_class=SectionForm,
        fields=SectionForm.FIELDS,
        display=_section_display(draft),
        target=f"section-{section.pk}",
        title=_("Section “%(heading)s”") % {"heading": section.heading},
    )


@login_required
def edit_item(request, municipality, slug, pk):
    draft = draft_for(request, municipality, slug)
    item = item_of(draft, pk)
    with_role = item.section.kind == Section.Kind.RESPONSIBILITIES or item.role_id is not None
    return _part(
        request,
        draft,
        instance=item,
        form_class=ItemForm,
        fields=ItemForm.FIELDS if with_role else ("text",),
        display=("programmes/_editor_item_body.html", lambda saved: {"item": saved}),
        target=f"item-{item.pk}",
        title=_("List item in “%(heading)s”") % {"heading": item.section.heading},
        roles=Role.objects.filter(municipality_id=draft.programme.municipality_id),
        with_role=with_role,
    )


def _after_change(request, draft, section=None):
    """htmx: the changed section (or all sections) again; plain forms: back to the editor."""
    if request.htmx and section is not None:
        return render(
            request,
            "programmes/_editor_section_body.html",
            _context(draft, **_section_display(draft)[1](section)),
        )
    anchor = f"section-{section.pk}" if section is not None else "sections"
    return redirect(editor_url(draft, anchor))


@login_required
def add_item(request, municipality, slug, pk):
    draft = draft_for(request, municipality, slug)
    section = section_of(draft, pk)
    with_role = section.kind == Section.Kind.RESPONSIBILITIES
    roles = Role.objects.filter(municipality_id=draft.programme.municipality_id)
    form = NewItemForm(request.POST or None, roles=roles, with_role=with_role)
    if request.method == "POST" and form.is_valid():
        try:
            draft.add_item(
                section, text=form.cleaned_data["text"], role=form.cleaned_data.get("role")
            )
        except FrozenVersionError:
            return _no_longer_draft(request, draft)
        if not request.htmx:
            messages.success(request, _("The list item was added."))
        return _after_change(request, draft, section)
    context = _context(
        draft,
        form=form,
        title=_("New list item in “%(heading)s”") % {"heading": section.heading},
        action=request.path,
        target=f"add-item-{section.pk}",
        cancel=editor_url(draft, f"section-{section.pk}"),
    )
    if request.htmx:
        response = render(request, "programmes/_part_form.html", context)
        return reswap(retarget(response, f"#add-item-{section.pk}"), "innerHTML")
    return render(request, "programmes/part_form.html", context)


@login_required
@require_POST
def move_item(request, municipality, slug, pk):
    draft = draft_for(request, municipality, slug)
    item = item_of(draft, pk)
    try:
        swap_positions(item, item.section.items.all(), up=request.POST.get("direction") == "up")
    except FrozenVersionError:
        return _no_longer_draft(request, draft)
    return _after_change(request, draft, item.section)


@login_required
@require_POST
def delete_item(request, municipality, slug, pk):
    draft = draft_for(request, municipality, slug)
    item = item_of(draft, pk)
    try:
        draft.remove_part(item)
    except FrozenVersionError:
        return _no_longer_draft(request, draft)
    if not request.htmx:
        messages.success(request, _("The list item was removed."))
    return _after_change(request, draft, item.section)


@login_required
def add_section(request, municipality, slug):
    draft = draft_for(request, municipality, slug)
    form = NewSectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            section = draft.add_section(**form.cleaned_data)
        except FrozenVersionError:
            return _no_longer_draft(request, draft)
        messages.success(request, _("The section was added."))
        return redirect(editor_url(draft, f"section-{section.pk}"))
    context = _context(
        draft,
        form=form,
        title=_("New section"),
        action=request.path,
        target="sections",
        cancel=editor_url(draft, "sections"),
    )
    return render(request, "programmes/part_form.html", context)


@login_required
@require_POST
def move_section(request, municipality, slug, pk):
    draft = draft_for(request, municipality, slug)
    section = section_of(draft, pk)
    try:
        swap_positions(section, draft.sections.all(), up=request.POST.get("direction") == "up")
    except FrozenVersionError:
        return _no_longer_draft(request, draft)
    return redirect(editor_url(draft, f"section-{section.pk}"))


@login_required
def delete_section(request, municipality, slug, pk):
    draft = draft_for(request, municipality, slug)
    section = section_of(draft, pk)
    if request.method == "POST":
        try:
            draft.remove_part(section)
        except FrozenVersionError:
            return _no_longer_draft(request, draft)
        messages.success(request, _("The section was removed."))
        return redirect(editor_url(draft, "sections"))
    return render(
        request,
        "programmes/confirm_delete.html",
        _context(
            draft,
            question=_("Remove the section “%(heading)s” with its list?")
            % {"heading": section.heading},
            cancel=editor_url(draft, f"section-{section.pk}"),
        ),
    )


@login_required
def add_related(request, municipality, slug):
    draft = draft_for(request, municipality, slug)
    form = RelatedDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft.add_related_document(form.save(commit=False))
        except FrozenVersionError:
            return _no_longer_draft(request, draft)
        messages.success(request, _("The related document was added."))
        return redirect(editor_url(draft, "related"))
    context = _context(
        draft,
        form=form,
        title=_("New related document"),
        action=request.path,
        target="related",
        cancel=editor_url(draft, "related"),
        multipart=True,
    )
    return render(request, "programmes/part_form.html", context)


@login_required
@require_POST
def delete_related(request, municipality, slug, pk):
    draft = draft_for(request, municipality, slug)
    document = related_of(draft, pk)
    try:
        draft.remove_part(document)
    except FrozenVersionError:
        return _no_longer_draft(request, draft)
    messages.success(request, _("The related document was removed."))
    return redirect(editor_url(draft, "related"))
