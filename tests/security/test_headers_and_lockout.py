"""Production defaults: strict CSP, security headers, session lifetimes, brute-force lockout."""

import time

import pytest
from axes.models import AccessAttempt

from ale_safety.middleware import SessionLifetimeMiddleware

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_strict_content_security_policy(client, demo):
    for url in ("/", "/ale/program/trygghet-och-sakerhet/", "/konto/logga-in/", "/okand/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy


def test_pages_have_no_inline_scripts_styles_or_handlers(client, demo):
    html = client.get("/ale/program/trygghet-och-sakerhet/").content.decode()
    assert "<script>" not in html and "<style" not in html
    assert " style=" not in html and " onclick=" not in html


def test_security_headers(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def test_repeated_failed_logins_lock_the_account_with_a_swedish_message(client, demo, axes_on):
    for _ in range(3):
        client.post("/konto/logga-in/", {"username": "ale-sektorchef", "password": "fel"})
    response = client.post("/konto/logga-in/", {"username": "ale-sektorchef", "password": "demo"})
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert "15 minuter" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_administrator_unlocks_by_removing_the_attempts(client, demo, axes_on):
    for _ in range(3):
        client.post("/konto/logga-in/", {"username": "ale-sektorchef", "password": "fel"})
    AccessAttempt.objects.filter(username="ale-sektorchef").delete()
    response = client.post("/konto/logga-in/", {"username": "ale-sektorchef", "password": "demo"})
    assert response.status_code == 302


def test_sessions_end_after_idle_time_and_absolute_lifetime(client, demo, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(demo_user())
    assert client.get("/start/").status_code == 200
    # Activity renews the idle expiry (touched at most once a minute).
    session = client.session
    session[SessionLifetimeMiddleware.SEEN] = int(time.time()) - 120
    session.save()
    client.get("/start/")
    renewed = client.session
    assert int(time.time()) - renewed[SessionLifetimeMiddleware.SEEN] < 5
    assert renewed.get_expiry_age() > 29 * 60
    # However active, a login ends after the absolute lifetime.
    renewed[SessionLifetimeMiddleware.STARTED] = int(time.time()) - 13 * 3600
    renewed.save()
    response = client.get("/start/")
    assert response.status_code == 302


def demo_user():
    from responsibilities.models import User

    return User.objects.get(username="ale-medarbetare")
