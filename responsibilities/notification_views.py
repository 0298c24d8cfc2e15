"""The bell: a person's notifications, mark as read, what they receive by e-mail, and their
calendar feed."""

import re
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from responsibilities import calendar
from responsibilities.email_preferences import EmailPreferences
from responsibilities.fields import parse_int
from responsibilities.forms import EmailPreferencesForm
from responsibilities.models import User
from responsibilities.notifications import CalendarFeed, Notification

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


@login_required
@require_safe
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, 25).get_page(request.GET.get("sida"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request):
    mine = Notification.objects.filter(recipient=request.user, read_at=None)
    if "notification" in request.POST:
        pk = parse_int(request.POST["notification"], None)
        if pk is None:
            raise Http404
        mine = mine.filter(pk=pk)
    count = mine.update(read_at=timezone.now())
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    if count:
        messages.success(request, _("Marked as read."))
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_preferences(request):
    """The signed-in person's own choice of e-mails; no one else's can be reached here."""
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                # Locked: two saves at once take turns (choose() compares with the old choice).
                preferences, _created = EmailPreferences.objects.select_for_update().get_or_create(
                    person=request.user
                )
                preferences.choose(**form.cleaned_data)
            messages.success(request, _("Your e-mail choices were saved."))
            return redirect("email_preferences")
    else:
        preferences = EmailPreferences.of(request.user)
        form = EmailPreferencesForm(initial=EmailPreferencesForm.initial_of(preferences))
    return render(request, "notifications/email.html", {"form": form})


@login_required
def calendar_settings(request):
    feed = CalendarFeed.objects.filter(person=request.user, revoked_at=None).first()
    if request.method == "POST":
        with transaction.atomic():
            # One change at a time per person: concurrent posts queue here instead of both
            # inserting a live address and one failing on one_live_feed_per_person.
            User.objects.select_for_update().filter(pk=request.user.pk).first()
            CalendarFeed.objects.filter(person=request.user, revoked_at=None).update(
                revoked_at=timezone.now()
            )
            if request.POST.get("action") == "create":
                CalendarFeed.objects.create(person=request.user, token=secrets.token_urlsafe(32))
                messages.success(request, _("A new calendar address was created."))
            else:
                messages.success(request, _("The calendar address no longer works."))
        return redirect("calendar_settings")
    feed_url = request.build_absolute_uri(f"/kalender/{feed.token}.ics") if feed else None
    return render(request, "notifications/calendar.html", {"feed": feed, "feed_url": feed_url})


@require_safe
def calendar_feed(request, token):
    # Tokens are URL-safe base64 (secrets.token_urlsafe); anything else cannot match, and a NUL
    # byte would not even reach PostgreSQL.
    if not TOKEN_PATTERN.fullmatch(token):
        raise Http404
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token=token, revoked_at=None, person__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    body = calendar.ics_for(feed.person)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="trygghet-och-sakerhet.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
