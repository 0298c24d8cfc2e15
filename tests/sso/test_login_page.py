"""The login page: home-realm discovery, the municipality's button, passwords turned off."""

import pytest
from django.contrib.messages import get_messages

from responsibilities.audit import AuditEvent
from responsibilities.models import User
from responsibilities.sso.models import IdentityProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def ale_provider(demo):
    return IdentityProvider.objects.select_related("municipality").get(municipality__slug="ale")


def test_the_login_page_offers_discovery_by_email(client, demo):
    page = client.get("/konto/logga-in/").content.decode()

    assert "Logga in med din kommuns konto" in page
    assert 'action="/konto/sso/hitta/"' in page
    assert 'name="username"' in page  # local passwords stay


def test_an_email_domain_leads_to_the_municipality_button(client, demo):
    response = client.post(
        "/konto/sso/hitta/", {"email": "Anna.Andersson@ALE.se", "next": "/start/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/konto/logga-in/?kommun=ale&next=%2Fstart%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Logga in med Ale kommuns konto" in page
    assert 'action="/konto/sso/oidc/ale/login/"' in page
    assert '<input type="hidden" name="next" value="/start/">' in page


def test_an_unknown_domain_says_so(client, demo):
    response = client.post("/konto/sso/hitta/", {"email": "anna@example.org"})

    assert response["Location"] == "/konto/logga-in/"
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Ingen kommun här loggar in med adresser på example.org")


def test_a_malformed_address_says_so(client, demo):
    response = client.post("/konto/sso/hitta/", {"email": "inte en adress"})

    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "Skriv din e-postadress, t.ex. anna.andersson@ale.se."


def test_a_foreign_next_address_is_dropped(client, demo):
    response = client.post(
        "/konto/sso/hitta/", {"email": "a@ale.se", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/konto/logga-in/?kommun=ale"


def test_the_public_municipality_page_links_to_its_sign_in(client, demo):
    page = client.get("/ale/").content.decode()
    assert 'href="/konto/logga-in/?kommun=ale"' in page
    assert "Logga in med Ale kommuns konto" in page
    assert "/konto/logga-in/?kommun=kalix" not in client.get("/kalix/").content.decode()


def test_the_button_costs_one_query(client, demo, django_assert_num_queries):
    client.get("/konto/logga-in/")  # warm caches (sessions, content types)
    with django_assert_num_queries(0):
        client.get("/konto/logga-in/")
    with django_assert_num_queries(1):
        client.get("/konto/logga-in/?kommun=ale")


def test_a_provider_that_does_not_answer_gives_a_clear_message(client, ale_provider):
    ale_provider.issuer = "http://127.0.0.1:8189/o"  # nothing listens there
    ale_provider.save()

    response = client.post("/konto/sso/oidc/ale/login/")

    assert response.status_code == 503
    assert "svarar inte just nu" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SSO_FAILED, detail__reason="unavailable"
    ).exists()


def password_login(client, username):
    return client.post("/konto/logga-in/", {"username": username, "password": "demo"})


def test_passwords_turned_off_refuse_the_municipality_s_people(client, ale_provider):
    ale_provider.local_passwords_enabled = False
    ale_provider.save()

    response = password_login(client, "ale-medarbetare")

    assert response.status_code == 200
    assert "Ale kommun loggar in med egna konton" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PASSWORD_LOGIN_REFUSED, actor_name="ale-medarbetare"
    ).exists()


def test_passwords_turned_off_in_one_municipality_leave_the_other(client, ale_provider):
    ale_provider.local_passwords_enabled = False
    ale_provider.save()

    assert password_login(client, "kalix-sakerhetschef").status_code == 302


def test_the_emergency_administrator_keeps_the_password(client, ale_provider):
    ale_provider.local_passwords_enabled = False
    ale_provider.save()
    User.objects.create_superuser(
        "ale-nodadmin", password="demo", municipality=ale_provider.municipality
    )

    response = password_login(client, "ale-nodadmin")

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_passwords_on_by_default(client, ale_provider):
    assert ale_provider.local_passwords_enabled
    assert password_login(client, "ale-medarbetare").status_code == 302
