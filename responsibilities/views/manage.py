"""Pages where a municipality's security chief and administrators manage its units, people and
assignments. Everything is scoped to one municipality in the address; anything outside it is 404.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from responsibilities import personal_data
from responsibilities.access import municipality_for, people_of
from responsibilities.audit import AuditEvent, record
from responsibilities.capabilities import Capability
from responsibilities.fields import parse_int, query_text
from responsibilities.forms import AssignmentForm, PersonForm, UnitForm
from responsibilities.models import (
    Assignment,
    Municipality,
    OrganisationUnit,
    Role,
    User,
    in_force,
)

PAGE_SIZE = 50


def managed_municipality(request, slug: str) -> Municipality:
    """The municipality in the address, if the user may administer its people; else 404."""
    return municipality_for(request, slug, Capability.ADMINISTER_PEOPLE)


def unit_for(municipality: Municipality, pk: int) -> OrganisationUnit:
    return get_object_or_404(
        OrganisationUnit.objects.select_related("parent"), municipality=municipality, pk=pk
    )


def person_for(municipality: Municipality, pk: int) -> User:
    return get_object_or_404(people_of(municipality).select_related("municipality"), pk=pk)


def assignment_for(municipality: Municipality, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("person", "role", "unit"),
        role__municipality=municipality,
        pk=pk,
    )


def may_edit_person(municipality: Municipality, person: User) -> bool:
    """Only the municipality that keeps the account edits it, and only while the account gives
    access nowhere else: changing the e-mail address would hand over that access too."""
    if person.municipality_id != municipality.pk or person.is_staff or person.is_superuser:
        return False
    elsewhere = Assignment.objects.filter(person=person).exclude(role__municipality=municipality)
    return not elsewhere.exists()


def _save_in_scope(form, in_scope):
    """Save the form and check, in the same transaction, that the result is still in scope."""
    with transaction.atomic():
        obj = form.save()
        if not in_scope(obj):
            raise PermissionDenied
    return obj


def _search(queryset, query: str, fields: list[str]):
    """Every word of the query must match one of the fields."""
    for word in query.split():
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


@login_required
@require_safe
def overview(request, municipality):
    municipality = managed_municipality(request, municipality)
    return render(request, "responsibilities/manage/overview.html", {"municipality": municipality})


# Units


def _tree(units: list[OrganisationUnit]) -> list[OrganisationUnit]:
    """Units in tree order, siblings by name (one pass over what was fetched)."""
    children: dict[int | None, list[OrganisationUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[OrganisationUnit] = []

    def walk(parent_id, depth):
        for unit in sorted(children.get(parent_id, []), key=lambda u: u.name.lower()):
            unit.level = depth
            ordered.append(unit)
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


@login_required
@require_safe
def unit_list(request, municipality):
    municipality = managed_municipality(request, municipality)
    units = (
        OrganisationUnit.objects.filter(municipality=municipality)
        .select_related("parent")
        .annotate(holders=Count("assignments", filter=in_force(prefix="assignments__")))
    )
    return render(
        request,
        "responsibilities/manage/unit_list.html",
        {"municipality": municipality, "units": _tree(list(units)), "section": "units"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, municipality, pk=None):
    municipality = managed_municipality(request, municipality)
    unit = unit_for(municipality, pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        saved = _save_in_scope(form, lambda u: u.municipality_id == municipality.pk)
        messages.success(request, _("The unit “%(name)s” was saved.") % {"name": saved.name})
        return redirect("manage:unit_list", municipality.slug)
    return render(
        request,
        "responsibilities/manage/unit_form.html",
        {"municipality": municipality, "form": form, "unit": unit, "section": "units"},
    )


# People


@login_required
@vary_on_headers("HX-Request")
@require_safe
def person_list(request, municipality):
    municipality = managed_municipality(request, municipality)
    query = query_text(request, "q")
    people = _search(
        people_of(municipality), query, ["first_name", "last_name", "username", "email"]
    ).order_by("first_name", "last_name", "username")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    current = (
        Assignment.objects.filter(in_force(), role__municipality=municipality)
        .select_related("role", "unit")
        .order_by("role__name")
    )
    # Prefetch on the page's people only: one query for their current roles.
    people_on_page = list(page.object_list)
    prefetch_related_objects(
        people_on_page, Prefetch("assignments", queryset=current, to_attr="current")
    )
    template = (
        "responsibilities/manage/_person_results.html"
        if request.htmx
        else "responsibilities/manage/person_list.html"
    )
    return render(
        request,
        template,
        {
            "municipality": municipality,
            "page": page,
            "people": people_on_page,
            "query": query,
            "section": "people",
        },
    )


@login_required
@require_safe
def person_detail(request, municipality, pk):
    municipality = managed_municipality(request, municipality)
    person = person_for(municipality, pk)
    assignments = (
        Assignment.objects.filter(person=person, role__municipality=municipality)
        .select_related("role", "unit")
        .order_by("-starts_on", "-pk")
    )
    return render(
        request,
        "responsibilities/manage/person_detail.html",
        {
            "municipality": municipality,
            "person": person,
            "assignments": assignments,
            "may_edit": may_edit_person(municipality, person),
            "section": "people",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, municipality, pk=None):
    municipality = managed_municipality(request, municipality)
    person = None
    if pk:
        person = person_for(municipality, pk)
        if not may_edit_person(municipality, person):
            raise Http404
    form = PersonForm(
        request.POST or None, instance=person, municipality=municipality, editor=request.user
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_in_scope(form, lambda p: may_edit_person(municipality, p))
        if person is None:
            messages.success(
                request,
                _(
                    "%(name)s was added. They set their password with “Forgot your "
                    "password?” on the login page, using their e-mail address."
                )
                % {"name": saved},
            )
        else:
            messages.success(request, _("The details of %(name)s were saved.") % {"name": saved})
        return redirect("manage:person_detail", municipality.slug, saved.pk)
    return render(
        request,
        "responsibilities/manage/person_form.html",
        {"municipality": municipality, "form": form, "person": person, "section": "people"},
    )


# Assignments

STATES = {
    "active": in_force,
    "ended": lambda: ~in_force(),
    "all": Q,
}


@login_required
@require_safe
def assignment_list(request, municipality):
    municipality = managed_municipality(request, municipality)
    roles = list(Role.objects.filter(municipality=municipality).order_by("name"))
    units = list(OrganisationUnit.objects.filter(municipality=municipality).order_by("name"))
    query = query_text(request, "q")
    state = request.GET.get("state", "active")
    state = state if state in STATES else "active"
    role_id = _int(request.GET.get("role"))
    unit_id = _int(request.GET.get("unit"))
    assignments = Assignment.objects.filter(STATES[state](), role__municipality=municipality)
    if role_id in {role.pk for role in roles}:
        assignments = assignments.filter(role_id=role_id)
    if unit_id in {unit.pk for unit in units}:
        assignments = assignments.filter(unit_id=unit_id)
    assignments = _search(
        assignments,
        query,
        ["person__first_name", "person__last_name", "person__username", "person__email"],
    )
    assignments = assignments.select_related("person", "role", "unit").order_by(
        "role__name", "unit__name", "person__first_name", "person__last_name", "pk"
    )
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "responsibilities/manage/assignment_list.html",
        {
            "municipality": municipality,
            "page": page,
            "roles": roles,
            "units": units,
            "query": query,
            "state": state,
            "role_id": role_id,
            "unit_id": unit_id,
            "filtered": bool(query or role_id or unit_id or state != "active"),
            "filters": _filter_params(role_id, unit_id, state),
            "section": "assignments",
        },
    )


def _filter_params(role_id, unit_id, state) -> str:
    """The list's filters as the start of a query string, for the pager's links."""
    params = {"role": role_id, "unit": unit_id, "state": state if state != "active" else None}
    return "".join(f"{key}={value}&" for key, value in params.items() if value)


def _int(value):
    return parse_int(value, None)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request, municipality):
    municipality = managed_municipality(request, municipality)
    initial = {"person": _int(request.GET.get("person"))}
    form = AssignmentForm(request.POST or None, initial=initial, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        saved = _save_in_scope(form, lambda a: a.role.municipality_id == municipality.pk)
        messages.success(
            request,
            _("%(person)s now holds the role %(role)s.")
            % {"person": saved.person, "role": saved.role},
        )
        return redirect("manage:person_detail", municipality.slug, saved.person_id)
    return render(
        request,
        "responsibilities/manage/assignment_form.html",
        {"municipality": municipality, "form": form, "section": "assignments"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_end(request, municipality, pk):
    municipality = managed_municipality(request, municipality)
    assignment = assignment_for(municipality, pk)
    own = assignment.person_id == request.user.pk
    if request.method == "POST":
        if own:
            messages.error(request, _("You cannot end your own assignment here."))
        elif assignment.ended_at is None:
            assignment.end()
            messages.success(
                request,
                _("The assignment has ended: %(person)s no longer holds the role %(role)s.")
                % {"person": assignment.person, "role": assignment.role},
            )
        return redirect("manage:person_detail", municipality.slug, assignment.person_id)
    return render(
        request,
        "responsibilities/manage/assignment_end.html",
        {
            "municipality": municipality,
            "assignment": assignment,
            "own": own,
            "section": "assignments",
        },
    )


@login_required
@require_safe
def person_export(request, municipality, pk):
    """A subject access request: everything stored about the person, as a JSON download. Only
    the municipality that keeps the account exports it; the export is audit-logged."""
    municipality = managed_municipality(request, municipality)
    person = person_for(municipality, pk)
    if person.municipality_id != municipality.pk:
        raise Http404
    data = personal_data.export(person)
    record(
        AuditEvent.Action.PERSONAL_DATA_EXPORTED,
        request=request,
        municipality=municipality,
        target=person.username,
    )
    response = HttpResponse(
        json.dumps(data, cls=personal_data.ENCODER, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"personuppgifter-{person.username}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
