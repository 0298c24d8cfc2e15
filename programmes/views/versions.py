"""Documents and their versions for editors: list, create, revise, preview, compare, history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from programmes.diff import compare_versions
from programmes.forms import HistoryFilterForm, NewDocumentForm
from programmes.history import editors, filtered, saves_of
from programmes.models import DraftExistsError, Programme, ProgrammeVersion
from programmes.services import create_document
from programmes.views.lookups import draft_for, editable_municipality, programme_for, version_for
from responsibilities.access import access_for, municipalities_with
from responsibilities.capabilities import Capability
from responsibilities.fields import parse_int


@login_required
@require_safe
def index(request):
    """The documents of every municipality where the user may edit drafts."""
    municipalities = list(
        municipalities_with(request.user, Capability.EDIT_PROGRAMME).order_by("name")
    )
    if not municipalities:
        raise Http404
    programmes = (
        Programme.objects.filter(municipality__in=municipalities)
        .select_related("municipality")
        .prefetch_related(
            Prefetch("versions", queryset=ProgrammeVersion.objects.order_by("-number"))
        )
        .order_by("municipality__name", "slug")
    )
    return render(
        request,
        "programmes/editor_index.html",
        {"municipalities": municipalities, "programmes": programmes},
    )


@login_required
@require_safe
def document(request, municipality, slug):
    """A document's versions, its revision status and what the user may do next."""
    programme = programme_for(request, municipality, slug)
    versions = list(
        programme.versions.select_related("adopting_body", "adopted_by_user").order_by("-number")
    )
    adopted = next((v for v in versions if v.status == ProgrammeVersion.Status.ADOPTED), None)
    draft = next((v for v in versions if v.status == ProgrammeVersion.Status.DRAFT), None)
    return render(
        request,
        "programmes/document.html",
        {
            "programme": programme,
            "municipality": programme.municipality,
            "versions": versions,
            "adopted": adopted,
            "draft": draft,
            "may_adopt": access_for(request).in_municipality(
                Capability.ADOPT_PROGRAMME, programme.municipality_id
            ),
        },
    )


@login_required
def create(request, municipality):
    municipality = editable_municipality(request, municipality)
    form = NewDocumentForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        draft = create_document(municipality=municipality, **form.cleaned_data)
        messages.success(request, _("The document was created as a draft."))
        return redirect("programmes:edit", **draft.programme.url_kwargs())
    return render(
        request, "programmes/document_new.html", {"form": form, "municipality": municipality}
    )


@login_required
@require_POST
def start_revision(request, municipality, slug):
    programme = programme_for(request, municipality, slug)
    try:
        programme.start_revision(by=request.user)
    except DraftExistsError:
        messages.info(request, _("The document already has a draft; continue editing it here."))
    else:
        messages.success(request, _("A new draft was started from the adopted version."))
    return redirect("programmes:edit", **programme.url_kwargs())


@login_required
def delete_draft(request, municipality, slug):
    draft = draft_for(request, municipality, slug)
    if request.method == "POST":
        draft.delete_draft(by=request.user)
        messages.success(request, _("The draft was removed."))
        return redirect("programmes:document", **draft.programme.url_kwargs())
    return render(
        request,
        "programmes/confirm_delete.html",
        {
            "version": draft,
            "programme": draft.programme,
            "municipality": draft.programme.municipality,
            "question": _("Remove the draft “%(title)s” with all its changes?")
            % {"title": draft.title},
            "cancel": reverse("programmes:edit", kwargs=draft.programme.url_kwargs()),
        },
    )


@login_required
@require_safe
def preview(request, municipality, slug):
    """The draft exactly as the public page will show it once adopted."""
    draft = draft_for(request, municipality, slug, content=True)
    return render(
        request,
        "programmes/preview.html",
        {"version": draft, "municipality": draft.programme.municipality},
    )


def _number(value, default):
    return parse_int(value, default)


def default_comparison(numbers) -> tuple[int, int]:
    """(older, newer) version numbers to compare when none are asked for: the draft against
    the adopted version, else the adopted one against the one it superseded."""
    S = ProgrammeVersion.Status
    status = dict(numbers)
    ordered = sorted(status)
    draft = next((n for n in ordered if status[n] == S.DRAFT), None)
    adopted = next((n for n in ordered if status[n] == S.ADOPTED), None)
    newer = draft or adopted or ordered[-1]
    if draft is not None and adopted is not None:
        return adopted, draft
    earlier = [n for n in ordered if n < newer and status[n] == S.SUPERSEDED] or [
        n for n in ordered if n < newer
    ]
    return (earlier[-1] if earlier else newer), newer


@login_required
@require_safe
def compare(request, municipality, slug):
    """Two versions side by side, part by part; the page says which two it shows."""
    programme = programme_for(request, municipality, slug)
    numbers = list(programme.versions.order_by("-number").values_list("number", "status"))
    if not numbers:
        raise Http404
    default_old, default_new = default_comparison(numbers)
    old_number = _number(request.GET.get("fran"), default_old)
    new_number = _number(request.GET.get("till"), default_new)
    old = version_for(request, municipality, slug, old_number)
    new = version_for(request, municipality, slug, new_number)
    return render(
        request,
        "programmes/compare.html",
        {
            "programme": programme,
            "municipality": programme.municipality,
            "old": old,
            "new": new,
            "numbers": [n for n, _s in numbers],
            "parts": compare_versions(old, new),
        },
    )


@login_required
@require_safe
def history(request, municipality, slug):
    """Every save of the document's versions: who, when, and what changed in words."""
    programme = programme_for(request, municipality, slug)
    version = (
        get_object_or_404(programme.versions, number=_number(request.GET.get("version"), 0))
        if request.GET.get("version")
        else programme.versions.order_by("-number").first()
    )
    if version is None:
        raise Http404
    saves = saves_of(version)
    form = HistoryFilterForm(request.GET or None, people=editors(saves))
    criteria = form.cleaned_data if form.is_valid() else {}
    return render(
        request,
        "programmes/history.html",
        {
            "programme": programme,
            "municipality": programme.municipality,
            "version": version,
            "versions": programme.versions.order_by("-number"),
            "saves": filtered(
                saves,
                who=criteria.get("vem", ""),
                since=criteria.get("fran"),
                until=criteria.get("till"),
            ),
            "filter_form": form,
        },
    )
