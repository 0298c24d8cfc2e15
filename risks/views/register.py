"""The risk register: entries per unit, their review, merging, and the XLSX per area."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from responsibilities.access import access_for
from responsibilities.capabilities import Capability as C
from responsibilities.models import Assignment, User
from risks.forms import EntryForm, MergeForm
from risks.lookups import entry_for, municipality_for
from risks.models import Level, RiskEntry, RiskSettings

# A spreadsheet cell starting with one of these is read as a formula: neutralised on export.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _entries(request, municipality):
    return (
        RiskEntry.objects.visible_to(request.user)
        .active()
        .filter(municipality=municipality)
        .select_related("unit", "area", "owner")
    )


def _shown_title(entry, user, access) -> bool:
    return entry.title_shown_to(user, access)


@login_required
@require_safe
def register(request, municipality):
    municipality = municipality_for(request, municipality, C.HANDLE_RISKS)
    access = access_for(request)
    scale = RiskSettings.for_municipality(municipality.pk)
    entries = list(_entries(request, municipality).order_by("unit__path", "title"))
    labels = dict(Level.choices)
    rows = [
        (entry, labels[entry.level(scale)], _shown_title(entry, request.user, access))
        for entry in entries
    ]
    return render(
        request,
        "risks/register.html",
        {"municipality": municipality, "rows": rows},
    )


def _owners(municipality):
    """People who may own a risk: anyone holding an active role in the municipality."""
    return User.objects.filter(
        pk__in=Assignment.objects.active()
        .filter(role__municipality=municipality)
        .values("person_id"),
        is_active=True,
    ).order_by("first_name", "last_name", "username")


@login_required
def entry(request, municipality, pk):
    item = entry_for(request, municipality, pk)
    access = access_for(request)
    if not _shown_title(item, request.user, access):
        raise Http404
    scale = RiskSettings.for_municipality(item.municipality_id)
    owners = list(_owners(item.municipality))
    form = EntryForm(
        request.POST
        if request.method == "POST" and request.POST.get("intent") != "reviewed"
        else None,
        instance=item,
        scale=scale,
        owners=User.objects.filter(pk__in=[o.pk for o in owners]),
    )
    if request.method == "POST":
        if request.POST.get("intent") == "reviewed":
            item.mark_reviewed(by=request.user)
            messages.success(request, _("The review has been recorded."))
            return redirect("risks:entry", municipality=municipality, pk=item.pk)
        if form.is_valid():
            form.save()
            messages.success(request, _("The risk has been saved."))
            return redirect("risks:entry", municipality=municipality, pk=item.pk)
    others = [e for e in _entries(request, item.municipality).order_by("title") if e.pk != item.pk]
    return render(
        request,
        "risks/entry.html",
        {
            "municipality": item.municipality,
            "entry": item,
            "form": form,
            "level": dict(Level.choices)[item.level(scale)],
            "reports": list(item.reports.select_related("municipality", "unit")),
            "merge_form": MergeForm(entries=others),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def entry_merge(request, municipality, pk):
    item = entry_for(request, municipality, pk)
    if not _shown_title(item, request.user, access_for(request)):
        raise Http404
    others = [e for e in _entries(request, item.municipality) if e.pk != item.pk]
    form = MergeForm(request.POST, entries=others)
    if not form.is_valid():
        messages.error(request, _("Choose the entry to merge into."))
        return redirect("risks:entry", municipality=municipality, pk=item.pk)
    try:
        item.merge_into(form.cleaned_data["into"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("risks:entry", municipality=municipality, pk=item.pk)
    messages.success(request, _("The entries have been merged."))
    return redirect("risks:entry", municipality=municipality, pk=form.cleaned_data["into"].pk)


@login_required
@require_safe
def register_export(request, municipality):
    """The register as XLSX, one sheet per application area (the RSA's identified risks)."""
    from openpyxl import Workbook

    municipality = municipality_for(request, municipality, C.HANDLE_RISKS)
    access = access_for(request)
    scale = RiskSettings.for_municipality(municipality.pk)
    labels = dict(Level.choices)
    header = [
        _("Unit"),
        _("Risk"),
        _("Description"),
        _("Likelihood"),
        _("Consequence"),
        _("Level"),
        _("Owner"),
        _("Next review"),
    ]
    sheets: dict = {}
    for item in _entries(request, municipality).order_by("area__position", "unit__path", "title"):
        name = item.area.text if item.area else _("No application area")
        shown = _shown_title(item, request.user, access)
        sheets.setdefault(name, []).append(
            [
                item.unit.name,
                item.title if shown else _("Confidential risk"),
                item.description if shown else "",
                item.likelihood,
                item.consequence,
                str(labels[item.level(scale)]),
                (item.owner.get_full_name() or item.owner.username) if item.owner else "",
                item.review_on,
            ]
        )
    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for name, rows in sheets.items():
        title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "-"
        while title in used:
            title = title[:28] + f"~{len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(title)
        for row in [header, *rows]:
            sheet.append([safe_cell(value) for value in row])
    if not sheets:
        workbook.create_sheet(_("Risk register")[:31]).append(header)
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="riskregister-{municipality.slug}.xlsx"'
    )
    return response
