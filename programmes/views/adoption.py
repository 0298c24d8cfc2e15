"""Recording the council's decision, and correcting a wrong date or § with a logged reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from programmes.forms import AdoptionRecordForm, CorrectionForm
from programmes.views.lookups import draft_for, version_for
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
