import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import F, QuerySet
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_safe

from responsibilities.access import access_for
from responsibilities.attention import panels_for
from responsibilities.capabilities import Capability
from responsibilities.forms import ActivatingPasswordResetForm
from responsibilities.models import Assignment
from responsibilities.statements import Statement


def _roles(person_id: int, day) -> QuerySet:
    """The person's assignments in force on the day, as the start page lists them."""
    return (
        Assignment.objects.active(day)
        .filter(person=person_id)
        .order_by("role__municipality__name", "role__name")
        .values(
            "unit",
            "starts_on",
            "ends_on",
            municipality_name=F("role__municipality__name"),
            role_name=F("role__name"),
            role_name_en=F("role__name_en"),
            unit_name=F("unit__name"),
        )
    )


# Compiled once per process: every signed-in person's start page runs it.
_ROLES = Statement(
    _roles, (-7_300_417_013, datetime.date(1901, 2, 3)), (-7_300_417_015, datetime.date(1902, 3, 5))
)


@login_required
@require_safe
def start(request):
    """The person's start page: what needs their attention, their roles and where they work.

    The panels come from the apps above this one (responsibilities.attention); each runs at
    most one query, and only when the person's capabilities make it relevant."""
    assignments = _ROLES.fetch(request.user.pk, timezone.localdate())
    english = (get_language() or "").startswith("en")
    for assignment in assignments:  # Role.display_name, for a values() row
        if english and assignment["role_name_en"]:
            assignment["role_name"] = assignment["role_name_en"]
    access = access_for(request)
    places = [
        (m, access.in_municipality(Capability.ADMINISTER_PEOPLE, m))
        for m in access.municipalities()
    ]
    return render(
        request,
        "responsibilities/start.html",
        {
            "assignments": assignments,
            "places": places,
            "panels": panels_for(request.user, access),
        },
    )


password_change = auth_views.PasswordChangeView.as_view(
    template_name="registration/password_change.html",
    success_url=reverse_lazy("password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done_page.html"
)
password_reset = auth_views.PasswordResetView.as_view(
    form_class=ActivatingPasswordResetForm,
    template_name="registration/password_reset.html",
    email_template_name="registration/password_reset_email.txt",
    subject_template_name="registration/password_reset_subject.txt",
    success_url=reverse_lazy("password_reset_done"),
    extra_email_context={"site_name": gettext_lazy("Safety and security")},
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_sent.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="registration/password_reset_new.html",
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_finished.html"
)


def locked_out(request, *args, **kwargs):
    """django-axes' lockout response: a Swedish page with the cool-off time, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
