import pytest

pytestmark = pytest.mark.django_db


def test_login_leads_to_a_start_page_with_the_persons_roles(client, demo):
    page = client.get("/konto/logga-in/")
    assert page.status_code == 200
    assert "Logga in" in page.content.decode()
    response = client.post(
        "/konto/logga-in/", {"username": "ale-sektorchef", "password": "demo"}, follow=True
    )
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == "/start/"
    assert "Sektorchef" in text
    assert "Sektor utbildning" in text
    assert "Ale kommun" in text


def test_a_wrong_password_gives_a_swedish_message_and_no_session(client, demo):
    response = client.post("/konto/logga-in/", {"username": "ale-sektorchef", "password": "fel"})
    assert response.status_code == 200
    assert "användarnamn och lösenord" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_start_page_needs_a_login(client, db):
    response = client.get("/start/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")


def test_logout(client, demo):
    client.login(username="ale-medarbetare", password="demo")
    response = client.post("/konto/logga-ut/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_language_choice_is_kept_on_the_account(client, demo):
    from responsibilities.models import User

    client.login(username="ale-medarbetare", password="demo")
    client.post("/i18n/setlang/", {"language": "en", "next": "/start/"})
    assert User.objects.get(username="ale-medarbetare").language == "en"
    assert "Your roles" in client.get("/start/").content.decode()
