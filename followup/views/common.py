"""Fetch follow-up objects for a person (404 for what they may not see), and keep input
typed into a form when the session has ended meanwhile."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from followup.models import Cycle, Report
from followup.models.reports import REPORT_RELATIONS
from responsibilities.access import access_for, municipality_for
from responsibilities.capabilities import Capability
from responsibilities.statements import Statement

# Municipality-wide capabilities that open the dashboard and the exports.
OVERSEEING = (Capability.READ_REPORTS, Capability.REVIEW_FOLLOWUP, Capability.MANAGE_CYCLES)
PENDING_INPUT = "followup_pending_input"

__all__ = ["municipality_for"]  # the one lookup, re-exported for the follow-up views


def oversees(request, municipality) -> bool:
    access = access_for(request)
    return any(access.in_municipality(cap, municipality) for cap in OVERSEEING)


def cycle_for(request, slug, pk, capability=None) -> Cycle:
    """A cycle of the municipality for someone who oversees it (or holds `capability` there)."""
    municipality = municipality_for(request, slug)
    access = access_for(request)
    allowed = (
        access.in_municipality(capability, municipality)
        if capability
        else oversees(request, municipality)
    )
    if not allowed:
        raise Http404
    found = _CYCLE.fetch(municipality.pk, pk)
    if not found:
        raise Http404
    return found[0]


def _cycle(municipality_id: int, pk: int):
    return Cycle.objects.with_programme().for_municipality(municipality_id).filter(pk=pk).order_by()


# `_cycle()` compiled once per process (every cycle's page starts with it).
_CYCLE = Statement(_cycle, (-7_300_435_001, -7_300_435_003), (-7_300_435_005, -7_300_435_007))


def report_for(request, slug, pk, queryset=None) -> Report:
    """A report the person may read, or 404: fetched by its key, then checked against the
    person's Access (`readable()`)."""
    queryset = queryset if queryset is not None else Report.objects.all()
    report = get_object_or_404(
        queryset.select_related(*REPORT_RELATIONS),
        pk=pk,
        cycle__version__programme__municipality__slug=slug,
    )
    return readable(request, report)


def readable(request, report: Report | None) -> Report:
    """The report if the person may read it (`Report.is_readable_by`, the rule of
    `visible_to()` without a query), else 404 (also for None: no such report)."""
    if report is None or not report.is_readable_by(access_for(request)):
        raise Http404
    return report


def require(request, capability, *, unit=None, municipality=None):
    """403 for a person who may read the object but not do this to it."""
    access = access_for(request)
    ok = (
        access.in_unit(capability, unit)
        if unit
        else access.in_municipality(capability, municipality)
    )
    if not ok:
        raise PermissionDenied


def login_required_keeping_input(view):
    """Like login_required, but a form posted after the session ended is kept in the new
    (anonymous) session, survives the login (Django keeps session data when it rotates the
    key) and is shown again, unsaved, by `pending_input()` on the way back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
            request.session[PENDING_INPUT] = {"path": request.path, "data": data}
            messages.warning(
                request,
                _(
                    "You were logged out before your input was saved. Log in again: what you "
                    "typed is kept and will be shown again (attached files must be chosen again)."
                ),
            )
        return redirect_to_login(request.get_full_path())

    return wrapper


def pending_input(request) -> QueryDict | None:
    """Input kept for this page by `login_required_keeping_input`, taken out of the session."""
    pending = request.session.get(PENDING_INPUT)
    if not pending or pending.get("path") != request.path:
        return None
    del request.session[PENDING_INPUT]
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    return data
