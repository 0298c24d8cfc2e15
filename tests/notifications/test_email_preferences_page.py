"""/konto/e-post/: a signed-in person chooses what is e-mailed to them, and only for themselves."""

import pytest
from django.urls import reverse
from django.utils import translation

from responsibilities.email_preferences import EmailPreferences
from responsibilities.models import User

pytestmark = pytest.mark.django_db
URL = "/konto/e-post/"


def person(username="ale-sektorchef") -> User:
    return User.objects.get(username=username)


@pytest.fixture
def sven(client, demo):
    client.force_login(person())
    return client


def rows():
    return list(EmailPreferences.objects.values_list("person__username", "summary"))


def test_the_address_is_stable():
    assert reverse("email_preferences") == URL


def test_a_visitor_is_sent_to_log_in_and_nothing_is_saved(client, demo):
    response = client.post(URL, {"summary": "never"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(URL)["Location"].startswith(reverse("login"))
    assert rows() == []


def test_it_shows_todays_behaviour_until_one_chooses(sven, django_assert_num_queries):
    # The session, the person, their access (one), the bell's count and their choices.
    with django_assert_num_queries(5):
        page = sven.get(URL).content.decode()
    assert "Vad du får med e-post" in page
    assert "E-post skickas till ale-sektorchef@example.org." in page
    assert (
        'aria-describedby="id_followup_at_once_helptext" id="id_followup_at_once" checked' in page
    )
    assert (
        'aria-describedby="id_reminders_at_once_helptext" id="id_reminders_at_once" checked' in page
    )
    assert 'value="daily" id="id_summary_0" required checked' in page
    assert page.count(" checked") == 3
    assert rows() == []


def test_a_change_is_saved_for_oneself_and_shown(sven):
    response = sven.post(
        URL,
        {"reminders_at_once": "on", "summary": "weekly", "person": person("ale-sektorchef-2").pk},
    )
    assert response.status_code == 302 and response["Location"] == URL
    prefs = EmailPreferences.objects.get()
    assert prefs.person == person()
    assert (prefs.followup_at_once, prefs.reminders_at_once, prefs.summary) == (
        False,
        True,
        "weekly",
    )
    page = sven.get(URL).content.decode()
    assert "Dina val för e-post har sparats." in page
    assert 'value="weekly" id="id_summary_1" required checked' in page
    assert 'id="id_followup_at_once">' in page  # not checked
    assert 'id="id_reminders_at_once" checked' in page
    # Choosing again changes the same row.
    sven.post(URL, {"followup_at_once": "on", "summary": "never"})
    assert rows() == [("ale-sektorchef", "never")]


@pytest.mark.parametrize("summary", ["", "monthly", "Aldrig"])
def test_a_bad_choice_is_refused_in_swedish_and_nothing_is_saved(sven, summary):
    response = sven.post(URL, {"followup_at_once": "on", "summary": summary})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Välj hur ofta du vill få sammanfattningen." in page
    assert "Rätta till felen nedan." in page
    assert rows() == []


def test_without_an_e_mail_address_the_page_says_so(sven):
    User.objects.filter(username="ale-sektorchef").update(email="")
    page = sven.get(URL).content.decode()
    assert "Du har ingen e-postadress i tjänsten" in page


def test_the_start_page_and_the_notifications_link_to_it(sven):
    for where in (reverse("start"), reverse("notifications")):
        page = sven.get(where).content.decode()
        assert f'<a href="{URL}">Välj vad du får med e-post</a>' in page


def test_in_english(sven):
    User.objects.filter(username="ale-sektorchef").update(language="en")
    sven.cookies["django_language"] = "en"
    with translation.override("sv"):  # the request's language is not left active after it
        page = sven.get(URL).content.decode()
    assert "What you receive by e-mail" in page and "Every week, on Mondays" in page
