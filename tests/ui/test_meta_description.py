"""Every page has one meta description: a general one by default, a specific one on the public
pages (what search engines and link previews show)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from responsibilities.models import User

pytestmark = pytest.mark.django_db

DEFAULT = "Kommunens trygghets- och säkerhetsarbete: det antagna programmet"
ALE_TITLE = "Program för trygghet och säkerhet i Ale kommun 2021–2024"


def description(response) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', response.content.decode())
    assert len(found) == 1
    return unescape(found[0])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "Kommunernas antagna styrdokument för trygghet och säkerhet"),
        ("/ale/", "Antagna styrdokument för trygghet och säkerhet i Ale kommun"),
        ("/ale/program/trygghet-och-sakerhet/", f"{ALE_TITLE}: ett styrdokument från Ale kommun"),
        ("/ale/program/trygghet-och-sakerhet/version/1/", f"{ALE_TITLE}: ett styrdokument"),
        ("/tillganglighet/", "Hur tillgänglig tjänsten är"),
    ],
)
def test_public_pages_describe_themselves(client, demo, url, expected):
    assert description(client.get(url)).startswith(expected)


def test_it_is_in_english_for_english_readers(client, demo):
    client.cookies["django_language"] = "en"
    page = client.get("/kalix/program/sakerhetspolicy/")
    assert description(page).startswith("Säkerhetspolicy")
    assert "a governing document of Kalix kommun in full" in description(page)


def test_other_pages_have_the_general_description(client, demo):
    assert description(client.get(reverse("login"))).startswith(DEFAULT)
    assert description(client.get("/ale/program/finns-inte/")).startswith(DEFAULT)
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    assert description(client.get(reverse("start"))).startswith(DEFAULT)
