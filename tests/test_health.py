"""/healthz answers within a second whatever is down, and names what failed."""

import socket
import time

import pytest
from django.db import connections

from ale_safety import views
from tests.local_mode import PORT_OFFSET

pytestmark = pytest.mark.django_db
CLOSED_PORT = 6393 + PORT_OFFSET  # one of this suite's ports; nothing listens there


def timed_get(client):
    started = time.monotonic()
    response = client.get("/healthz")
    return response, time.monotonic() - started


def test_it_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_it_reports_a_database_that_refuses_connections(client, monkeypatch):
    if connections["default"].vendor != "postgresql":
        pytest.skip("the database check opens a network connection on PostgreSQL only")
    monkeypatch.setitem(connections.settings["default"], "PORT", CLOSED_PORT)
    response, seconds = timed_get(client)
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "down",
        "broker": "ok",
        "failing": ["database"],
    }
    assert seconds < 1


def test_it_reports_a_broker_that_cannot_be_reached(client, monkeypatch):
    monkeypatch.setattr(views.celery_app.conf, "broker_url", f"redis://127.0.0.1:{CLOSED_PORT}/0")
    response, seconds = timed_get(client)
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "broker": "down",
        "failing": ["broker"],
    }
    assert seconds < 1


def test_a_broker_that_accepts_and_never_answers_is_down_within_a_second(client, monkeypatch):
    with socket.socket() as silent:  # listens, never replies
        silent.bind(("127.0.0.1", 6394 + PORT_OFFSET))
        silent.listen(8)
        monkeypatch.setattr(
            views.celery_app.conf, "broker_url", f"redis://127.0.0.1:{6394 + PORT_OFFSET}/0"
        )
        response, seconds = timed_get(client)
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert seconds < 1


def test_a_check_that_hangs_counts_as_down_within_a_second(client, monkeypatch):
    monkeypatch.setitem(views.CHECKS, "database", lambda: time.sleep(3) or True)
    response, seconds = timed_get(client)
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert seconds < 1
