"""Two-step verification (TOTP) with real codes: set-up, login with a code, brute force of the
code step locked out by django-axes, and enforcement for privileged roles."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from responsibilities.audit import AuditEvent
from responsibilities.models import User

pytestmark = pytest.mark.django_db
SETUP = "/konto/tvastegsverifiering/"


def code(device, offset=0):
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


def device_for(user, confirmed=True):
    return TOTPDevice.objects.create(user=user, name="app", confirmed=confirmed)


@pytest.fixture
def employee(demo):
    return User.objects.get(username="ale-medarbetare")


def test_a_person_sets_it_up_with_a_qr_code_and_a_code(client, employee):
    client.force_login(employee)
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg role="img"' in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    assert "<script" not in html.split("</head>", 1)[1]
    device = TOTPDevice.objects.get(user=employee, confirmed=False)
    wrong = client.post(SETUP, {"code": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # django-otp throttles: a second try waits a second, then longer
    assert client.post(SETUP, {"code": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_ENABLED)
    assert event.actor == employee


def test_login_asks_for_the_code_after_the_password(client, employee):
    device = device_for(employee)
    response = client.post("/konto/logga-in/", {"username": "ale-medarbetare", "password": "demo"})
    assert response.status_code == 302 and response["Location"] == reverse("login_code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("start")).status_code == 302  # not logged in yet
    wrong = client.post(reverse("login_code"), {"code": "12345x"})
    assert wrong.status_code == 400 and "_auth_user_id" not in client.session
    done = client.post(reverse("login_code"), {"code": code(device)})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(employee.pk)
    assert client.get(reverse("start")).status_code == 200


def test_without_a_device_login_is_as_before(client, employee):
    response = client.post("/konto/logga-in/", {"username": "ale-medarbetare", "password": "demo"})
    assert response.status_code == 302 and response["Location"] == reverse("start")


def test_the_code_step_without_a_password_goes_back_to_login(client, employee):
    assert client.get(reverse("login_code"))["Location"] == reverse("login")


def test_guessing_codes_is_locked_out_by_axes(client, employee, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    device = device_for(employee)
    client.post("/konto/logga-in/", {"username": "ale-medarbetare", "password": "demo"})
    wrong = "000000" if code(device) != "000000" else "111111"
    statuses = [client.post(reverse("login_code"), {"code": wrong}).status_code for _ in range(3)]
    assert statuses[-1] == 429
    # Now even the right password and code do not get in.
    response = client.post("/konto/logga-in/", {"username": "ale-medarbetare", "password": "demo"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_removing_it_is_audit_logged(client, employee):
    device_for(employee)
    client.force_login(employee)
    assert client.post(reverse("two_factor_remove")).status_code == 302
    assert not TOTPDevice.objects.filter(user=employee).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_REMOVED).exists()


def test_privileged_people_must_set_it_up_when_required(client, demo, settings):
    settings.OTP_REQUIRED_FOR_PRIVILEGED = True
    chief = User.objects.get(username="ale-sakerhetschef")
    client.force_login(chief)
    response = client.get(reverse("start"))
    assert response.status_code == 302 and response["Location"] == reverse("two_factor")
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=chief)
    assert client.post(SETUP, {"code": code(device)}).status_code == 302
    assert client.get(reverse("start")).status_code == 200
    # It cannot be turned off while required.
    client.post(reverse("two_factor_remove"))
    assert TOTPDevice.objects.filter(user=chief, confirmed=True).exists()


def test_people_without_privileged_roles_are_not_forced(client, employee, settings):
    settings.OTP_REQUIRED_FOR_PRIVILEGED = True
    client.force_login(employee)
    assert client.get(reverse("start")).status_code == 200


def test_the_secret_is_shown_for_typing(client, employee):
    client.force_login(employee)
    html = client.get(SETUP).content.decode()
    assert re.search(r"<code>([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>", html)
