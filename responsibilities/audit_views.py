"""The security chief's read-only view of the audit log of their municipality."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from responsibilities.access import municipality_for
from responsibilities.audit import AuditEvent
from responsibilities.capabilities import Capability
from responsibilities.models import Assignment, Municipality


def municipality_for_audit(request, slug) -> Municipality:
    return municipality_for(request, slug, Capability.ADMINISTER_PEOPLE)


@require_safe
def audit_log(request, municipality):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    municipality = municipality_for_audit(request, municipality)
    people = Assignment.objects.filter(role__municipality=municipality).values("person__username")
    events = AuditEvent.objects.filter(
        Q(municipality=municipality) | Q(municipality=None, actor_name__in=people)
    ).select_related("actor")
    action = request.GET.get("handelse", "")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("sida"))
    return render(
        request,
        "responsibilities/audit_log.html",
        {
            "municipality": municipality,
            "page": page,
            "actions": AuditEvent.Action.choices,
            "selected": action,
        },
    )
