"""Two-factor sign-in with a time-based code (TOTP, django-otp), issue 9.

- Every account may set it up at /konto/tvastegsverifiering/: a QR code (inline SVG made on the
  server, no script, no style attributes) and the secret, confirmed with a code.
- Login asks for the code after the password when the person has a confirmed device. Wrong codes
  count as failed logins for django-axes (same lockout) and django-otp throttles the device.
- OTP_REQUIRED_FOR_PRIVILEGED: people whose roles give edit_programme, adopt_programme or
  administer_people must set it up (and verify the session) before reaching any other page.
"""

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import signals
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from responsibilities.access import access_for
from responsibilities.audit import AuditEvent, record
from responsibilities.capabilities import Capability

PENDING = "two_factor_pending"
PRIVILEGED = (Capability.EDIT_PROGRAMME, Capability.ADOPT_PROGRAMME, Capability.ADMINISTER_PEOPLE)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your app"),
        max_length=8,
        help_text=gettext_lazy("Six digits from your authenticator app."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Enter the six digits shown in your app."))
        return code


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def wrong_code_message(device) -> str:
    if device is not None and not device.verify_is_allowed()[0]:
        return _("Too many wrong codes in a row. Wait a minute and try the next code in your app.")
    return _("The code is wrong or too old. Try the next code in your app.")


def is_privileged(request) -> bool:
    access = access_for(request)
    return any(access.anywhere(capability) for capability in PRIVILEGED)


class LoginView(auth_views.LoginView):
    """The password step; with a confirmed device the person continues to the code step."""

    def form_valid(self, form):
        user = form.get_user()
        device = confirmed_device(user)
        if device is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
        }
        return HttpResponseRedirect(reverse("login_code"))


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    """The code step of a login. Failures count for django-axes like wrong passwords."""
    from axes.handlers.proxy import AxesProxyHandler

    from responsibilities.models import User
    from responsibilities.views.account import locked_out

    pending = request.session.get(PENDING)
    user = User.objects.filter(pk=(pending or {}).get("user"), is_active=True).first()
    if user is None:
        return redirect("login")
    credentials = {"username": user.username}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING, None)
        return locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = confirmed_device(user)
        if device is not None and device.verify_token(form.cleaned_data["code"]):
            request.session.pop(PENDING, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = reverse(settings.LOGIN_REDIRECT_URL)
            return redirect(target)
        signals.user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING, None)
            return locked_out(request)
        form.add_error("code", wrong_code_message(device))
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/login_code.html", {"form": form}, status=status)


def qr_svg(url: str) -> str:
    """The QR code as inline SVG: presentation attributes only (the CSP forbids styles)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    label = escape(_("QR code for your authenticator app"))
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S308 - made here from a fixed-alphabet URL


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request):
    """Set up (or, with a device already, verify this session with) a code app."""
    device = TOTPDevice.objects.filter(user=request.user).order_by("-confirmed", "pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
                record(AuditEvent.Action.TWO_FACTOR_ENABLED, request=request, target=request.user)
                messages.success(request, _("Two-step verification is now on."))
            otp_login(request, device)
            return redirect("two_factor")
        form.add_error("code", wrong_code_message(device))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    groups = [secret[i : i + 4] for i in range(0, len(secret), 4)]
    context = {
        "device": device,
        "form": form,
        "qr": None if device.confirmed else qr_svg(device.config_url),
        "secret": None if device.confirmed else " ".join(groups),
        "verified": request.user.is_verified(),
        "required": settings.OTP_REQUIRED_FOR_PRIVILEGED and is_privileged(request),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/two_factor.html", context, status=status)


@login_required
@require_POST
def remove(request):
    """Turn it off. Not allowed when it is required for the person's roles."""
    if settings.OTP_REQUIRED_FOR_PRIVILEGED and is_privileged(request):
        messages.error(
            request, _("Your roles require two-step verification; it cannot be removed.")
        )
        return redirect("two_factor")
    deleted, _rows = TOTPDevice.objects.filter(user=request.user).delete()
    if deleted:
        record(AuditEvent.Action.TWO_FACTOR_REMOVED, request=request, target=request.user)
        messages.success(request, _("Two-step verification is off."))
    return redirect("two_factor")


class RequireTwoFactorMiddleware:
    """With OTP_REQUIRED_FOR_PRIVILEGED, privileged people reach only the set-up page, logout and
    static files until their session is verified with a code."""

    ALLOWED = ("two_factor", "two_factor_remove", "logout", "login", "login_code", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.OTP_REQUIRED_FOR_PRIVILEGED
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            # Signed in at the municipality's identity provider, which does its own second step.
            and not request.session.get("sso_provider")
            and not request.path.startswith((settings.STATIC_URL, "/healthz"))
            and request.path not in {reverse(name) for name in self.ALLOWED}
            and is_privileged(request)
        ):
            return redirect("two_factor")
        return self.get_response(request)
