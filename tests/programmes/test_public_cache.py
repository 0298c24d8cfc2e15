"""The public pages from the shared cache: no query when cached, conditional requests, no
cookie, a new copy after adoption or correction, per language, never for a signed-in person."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import ProgrammeVersion
from responsibilities.models import Municipality, User

pytestmark = pytest.mark.django_db
PAGES = [
    ("programmes:home", {}),
    ("programmes:municipality", {"municipality": "ale"}),
    ("programmes:public_detail", {"municipality": "ale", "slug": "trygghet-och-sakerhet"}),
    ("programmes:public_pdf", {"municipality": "ale", "slug": "trygghet-och-sakerhet"}),
]


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_a_second_visitor_gets_the_page_without_a_query(
    client, demo, name, kwargs, django_assert_num_queries
):
    url = reverse(name, kwargs=kwargs)
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert body(second) == body(first)
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=300" in second["Cache-Control"]
    assert second["Last-Modified"]
    assert not first.cookies and not second.cookies  # no CSRF cookie, no session
    assert second["Vary"] == "Cookie"  # the language cookie picks the copy


def test_a_proxy_revalidates_with_the_etag(client, demo):
    url = reverse("programmes:public_detail", args=["ale", "trygghet-och-sakerhet"])
    etag = client.get(url)["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_correction_of_the_adoption_is_shown_at_once(
    client, demo, django_capture_on_commit_callbacks
):
    url = reverse("programmes:public_detail", args=["ale", "trygghet-och-sakerhet"])
    before = client.get(url)
    version = ProgrammeVersion.objects.get(
        programme__municipality__slug="ale",
        programme__slug="trygghet-och-sakerhet",
        status=ProgrammeVersion.Status.ADOPTED,
    )
    chief = User.objects.get(username="ale-sakerhetschef")
    with django_capture_on_commit_callbacks(execute=True):
        version.correct_adoption(by=chief, reason="Fel paragraf", paragraph="§ 987")
    after = client.get(url)
    assert "§ 987" in after.content.decode() and "§ 987" not in before.content.decode()
    assert after["ETag"] != before["ETag"]


def test_a_new_adoption_replaces_the_cached_page(client, demo, django_capture_on_commit_callbacks):
    url = reverse("programmes:municipality", args=["ale"])
    client.get(url)
    version = ProgrammeVersion.objects.filter(
        programme__municipality__slug="ale", status=ProgrammeVersion.Status.ADOPTED
    ).first()
    draft = ProgrammeVersion.objects.create(
        programme=version.programme, number=99, title="Ny titel för trygghet"
    )
    body_unit = version.adopting_body
    with django_capture_on_commit_callbacks(execute=True):
        draft.adopt(by=None, adopting_body=body_unit, decision_date=datetime.date(2026, 11, 1))
    assert "Ny titel för trygghet" in client.get(url).content.decode()


def test_each_language_has_its_own_copy(client, demo):
    url = reverse("programmes:home")
    swedish = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert 'lang="sv"' in swedish and 'lang="en"' in english


def test_a_signed_in_person_gets_their_own_page(client, demo):
    url = reverse("programmes:public_detail", args=["ale", "trygghet-och-sakerhet"])
    Client().get(url)
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    page = client.get(url)
    assert "Logga ut" in page.content.decode()
    assert "ETag" not in page


def test_the_language_switch_needs_no_token_anonymous_but_does_signed_in(demo):
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    person = Client(enforce_csrf_checks=True)
    employee = User.objects.get(username="ale-medarbetare")
    person.force_login(employee)
    refused = person.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert refused.status_code == 403
    assert User.objects.get(pk=employee.pk).language == employee.language == "sv"


def test_renaming_a_municipality_shows_on_the_home_page(client, demo):
    url = reverse("programmes:home")
    client.get(url)
    ale = Municipality.objects.get(slug="ale")
    ale.name = "Ale kommun (nytt namn)"
    ale.save()
    assert "Ale kommun (nytt namn)" in client.get(url).content.decode()
