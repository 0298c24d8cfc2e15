"""Report a risk, follow one's own reports, and handle the reports of one's units."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from followup.models import InvalidTransition
from responsibilities.access import access_for
from responsibilities.capabilities import Capability as C
from responsibilities.models import Assignment, OrganisationUnit, Role
from risks import picture
from risks.forms import (
    AssessForm,
    CommentForm,
    DismissForm,
    MeasureForm,
    NoteForm,
    RegisterForm,
    RiskReportForm,
)
from risks.lookups import application_areas, municipality_for, report_for
from risks.models import Level, RiskEntry, RiskReport, RiskSettings
from risks.services import report_risk

LIST_LIMIT = 200


def _own_unit(user, municipality):
    """The unit of the person's first active unit role in the municipality, if any."""
    return (
        Assignment.objects.active()
        .filter(person=user, role__municipality=municipality, unit__isnull=False)
        .order_by("starts_on", "pk")
        .values_list("unit_id", flat=True)
        .first()
    )


@login_required
def report_new(request, municipality):
    municipality = municipality_for(request, municipality)
    units = list(OrganisationUnit.objects.filter(municipality=municipality).order_by("path"))
    areas = application_areas(municipality)
    form = RiskReportForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        areas=areas,
        initial={"unit": _own_unit(request.user, municipality)},
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        report = report_risk(
            by=request.user,
            municipality=municipality,
            upload=form.cleaned_data.get("file"),
            **fields,
        )
        messages.success(
            request,
            _("Thank you! Your report has been received with the reference number %(ref)s.")
            % {"ref": report.reference},
        )
        return redirect("risks:report", municipality=municipality.slug, pk=report.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "risks/report_form.html",
        {"form": form, "municipality": municipality},
        status=status,
    )


def _rows(reports, user, access):
    """(report, text visible) for a list: confidential ones show only that they exist."""
    return [(report, report.text_visible_to(user, access)) for report in reports]


@login_required
@require_safe
def mine(request, municipality):
    municipality = municipality_for(request, municipality)
    reports = (
        RiskReport.objects.filter(municipality=municipality, reported_by=request.user)
        .select_related("municipality", "unit")
        .order_by("-reported_at", "-pk")[:LIST_LIMIT]
    )
    return render(
        request,
        "risks/mine.html",
        {"municipality": municipality, "reports": list(reports)},
    )


STATUS_FILTERS = {"open": RiskReport.OPEN_STATES, "closed": RiskReport.CLOSED_STATES}


@login_required
@require_safe
def inbox(request, municipality):
    """The reports of the units the person manages (the security chief: all of them)."""
    municipality = municipality_for(request, municipality, C.HANDLE_RISKS)
    access = access_for(request)
    shown = request.GET.get("visa", "open")
    reports = RiskReport.objects.visible_to(request.user).filter(municipality=municipality)
    if shown in STATUS_FILTERS:
        reports = reports.filter(status__in=STATUS_FILTERS[shown])
    reports = list(
        reports.select_related("municipality", "unit", "handler").order_by("-reported_at", "-pk")[
            :LIST_LIMIT
        ]
    )
    scale = RiskSettings.for_municipality(municipality.pk)
    for report in reports:
        report.level_value = report.level(scale)
    return render(
        request,
        "risks/inbox.html",
        {
            "municipality": municipality,
            "rows": _rows(reports, request.user, access),
            "shown": shown,
            "sees_all": access.in_municipality(C.HANDLE_RISKS, municipality),
            "sees_picture": sees_picture(access, municipality),
        },
    )


def _detail_context(request, report, **bound_forms):
    """The report page's context; `bound_forms` replace the empty forms of the same names."""
    access = access_for(request)
    user = request.user
    scale = RiskSettings.for_municipality(report.municipality_id)
    text_visible = report.text_visible_to(user, access)
    may_handle = report.may_handle(user, access)
    context = {
        "report": report,
        "municipality": report.municipality,
        "text_visible": text_visible,
        "may_handle": may_handle,
        "may_comment": text_visible and (may_handle or user.pk == report.reported_by_id),
        "level": report.level(scale),
        "level_label": dict(Level.choices).get(report.level(scale), ""),
        "events": list(report.events.select_related("by")) if text_visible else [],
        "scale": scale,
    }
    if may_handle:
        roles = list(Role.objects.filter(municipality=report.municipality_id).order_by("name"))
        entries = list(
            RiskEntry.objects.active()
            .filter(municipality=report.municipality_id, unit=report.unit_id)
            .order_by("title")
        )
        context.update(
            {
                "assess_form": AssessForm(
                    scale=scale,
                    initial={"likelihood": report.likelihood, "consequence": report.consequence},
                    prefix="assess",
                ),
                "measure_form": MeasureForm(roles=roles, prefix="measure"),
                "close_form": NoteForm(prefix="close"),
                "dismiss_form": DismissForm(prefix="dismiss"),
                "register_form": RegisterForm(entries=entries, prefix="register"),
            }
        )
    context["comment_form"] = CommentForm(prefix="comment")
    context.update(bound_forms)
    return context


@login_required
@require_safe
def report_detail(request, municipality, pk):
    report = report_for(request, municipality, pk)
    return render(request, "risks/report_detail.html", _detail_context(request, report))


def _refused(request, report, **bound_forms):
    """The report page again with the refused form: its errors shown, nothing typed lost."""
    context = _detail_context(request, report, **bound_forms)
    return render(request, "risks/report_detail.html", context, status=400)


def _handled(request, municipality, pk):
    report = report_for(request, municipality, pk)
    if not report.may_handle(request.user, access_for(request)):
        raise Http404
    return report


def _errors(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def report_step(request, municipality, pk):
    """One handling step, named by `intent`: start, assess, decide, close or dismiss."""
    report = _handled(request, municipality, pk)
    intent = request.POST.get("intent")
    scale = RiskSettings.for_municipality(report.municipality_id)
    here = redirect("risks:report", municipality=municipality, pk=report.pk)
    try:
        if intent == "start":
            report.start_assessment(by=request.user)
            messages.success(request, _("The assessment has started."))
        elif intent == "assess":
            form = AssessForm(request.POST, scale=scale, prefix="assess")
            if not form.is_valid():
                raise ValidationError(_("Choose a likelihood and a consequence."))
            report.assess(by=request.user, scale=scale, **form.cleaned_data)
            messages.success(request, _("The assessment has been saved."))
        elif intent == "decide":
            roles = list(Role.objects.filter(municipality=report.municipality_id))
            form = MeasureForm(request.POST, roles=roles, prefix="measure")
            if not form.is_valid():
                return _refused(request, report, measure_form=form)
            report.decide_measure(by=request.user, **form.cleaned_data)
            if report.action_id:
                messages.success(
                    request, _("The measure has been decided and added to the unit's action plan.")
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The measure has been decided. No follow-up report of the unit is open, "
                        "so it is not in an action plan yet."
                    ),
                )
        elif intent == "close":
            form = NoteForm(request.POST, prefix="close")
            if not form.is_valid():
                return _refused(request, report, close_form=form)
            report.close(by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("The report has been closed."))
        elif intent == "dismiss":
            form = DismissForm(request.POST, prefix="dismiss")
            if not form.is_valid():
                return _refused(request, report, dismiss_form=form)
            report.dismiss(by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("The report has been closed as not a risk."))
        else:
            messages.error(request, _("Choose a step."))
    except (InvalidTransition, ValidationError) as error:
        _errors(request, error)
    return here


@login_required
@require_POST
def report_comment(request, municipality, pk):
    report = report_for(request, municipality, pk)
    access = access_for(request)
    allowed = report.text_visible_to(request.user, access) and (
        report.may_handle(request.user, access) or request.user.pk == report.reported_by_id
    )
    if not allowed:
        raise Http404
    form = CommentForm(request.POST, prefix="comment")
    if not form.is_valid():
        return _refused(request, report, comment_form=form)
    try:
        report.add_comment(by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Your comment has been sent."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("risks:report", municipality=municipality, pk=report.pk)


@login_required
@require_POST
def report_register(request, municipality, pk):
    """Put the assessed risk in its unit's register (a new entry or an existing one)."""
    report = _handled(request, municipality, pk)
    entries = list(
        RiskEntry.objects.active().filter(municipality=report.municipality_id, unit=report.unit_id)
    )
    form = RegisterForm(request.POST, entries=entries, prefix="register")
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        entry = report.add_to_register(
            by=request.user, entry=form.cleaned_data["entry"], title=form.cleaned_data["title"]
        )
        messages.success(request, _("The risk is in the register: %(title)s.") % {"title": entry})
    except ValidationError as error:
        _errors(request, error)
    return redirect("risks:report", municipality=municipality, pk=report.pk)


@login_required
@require_safe
def report_file(request, municipality, pk):
    report = report_for(request, municipality, pk)
    if not report.file or not report.text_visible_to(request.user, access_for(request)):
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        handle, as_attachment=True, filename=report.file_name, content_type=report.file_type
    )


def sees_picture(access, municipality) -> bool:
    """Who may open the risk picture (and so is shown the link to it)."""
    return access.in_municipality(C.READ_INTERNAL, municipality) and (
        access.in_municipality(C.HANDLE_RISKS, municipality)
        or access.in_municipality(C.READ_REPORTS, municipality)
    )


@login_required
@require_safe
def overview(request, municipality):
    """The risk picture of the municipality in figures: for the security chief and for
    those who read the follow-up for all of it (council members: aggregates only)."""
    municipality = municipality_for(request, municipality)
    if not sees_picture(access_for(request), municipality):
        raise Http404
    return render(
        request,
        "risks/overview.html",
        {"municipality": municipality, "picture": picture.municipality_picture(municipality)},
    )
