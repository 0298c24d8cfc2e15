"""Recording the council's decision, and correcting a wrong date or § with a logged reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programmes.forms import AdoptionRecordForm, CorrectionForm
from programmes.models import ProgrammeVersion
from programmes.views.lookups import draft_for, programme_for, version_for
from responsibilities.capabilities import Capability

ADOPT = Capability.ADOPT_PROGRAMME


@login_required
def adopt(request, municipality, slug):
    draft = draft_for(request, municipality, slug, capability=ADOPT)
    form = AdoptionRecordForm(
        request.POST or None, instance=draft, municipality=draft.programme.municipality
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft.adopt(by=request.user, **form.record())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The adoption was recorded; the public page shows this version now.")
            )
            return redirect("programmes:document", **draft.programme.url_kwargs())
    return render(
        request,
        "programmes/adopt.html",
        {
            "form": form,
            "version": draft,
            "programme": draft.programme,
            "municipality": draft.programme.municipality,
        },
    )


@login_required
@require_POST
def confirm_review(request, municipality, slug):
    """ "Reviewed, still valid": the review interval of a document revised when needed restarts."""
    programme = programme_for(request, municipality, slug, capability=ADOPT)
    version = get_object_or_404(programme.versions, status=ProgrammeVersion.Status.ADOPTED)
    try:
        version.confirm_review(by=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Confirmed as still valid. Next review: %(date)s.")
            % {"date": version.review_due.isoformat()},
        )
    return redirect("programmes:document", **programme.url_kwargs())


@login_required
def correct_adoption(request, municipality, slug, number):
    version = version_for(request, municipality, slug, number, capability=ADOPT)
    if version.is_draft:
        return redirect("programmes:adopt", municipality=municipality, slug=slug)
    form = CorrectionForm(
        request.POST or None, instance=version, municipality=version.programme.municipality
    )
    if request.method == "POST" and form.is_valid():
        try:
            version.correct_adoption(
                by=request.user, reason=form.cleaned_data["reason"], **form.record()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The adoption record was corrected."))
            return redirect("programmes:document", municipality=municipality, slug=slug)
    return render(
        request,
        "programmes/correct.html",
        {
            "form": form,
            "version": version,
            "programme": version.programme,
            "municipality": version.programme.municipality,
            "corrections": version.corrections.select_related("corrected_by"),
        },
    )
