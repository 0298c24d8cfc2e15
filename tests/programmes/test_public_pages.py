"""Anyone can read the adopted documents, in full, without logging in."""

import re

import pytest
from django.urls import reverse

from programmes.models import ProgrammeVersion
from tests.factories import ProgrammeFactory, VersionFactory
from tests.sources import ale_lines, kalix_lines, normalise

pytestmark = pytest.mark.django_db

ALE = "/ale/program/trygghet-och-sakerhet/"
KALIX = "/kalix/program/sakerhetspolicy/"


def page_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return normalise(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " "))


def test_it_lists_the_municipalities(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    assert "Ale kommun" in page_text(response)
    assert "Kalix kommun" in page_text(response)


def test_it_lists_only_adopted_documents(client, demo):
    ale = ProgrammeVersion.objects.get(programme__slug="trygghet-och-sakerhet").programme
    VersionFactory(
        programme=ProgrammeFactory(municipality=ale.municipality), title="Hemligt utkast"
    )
    text = page_text(client.get("/ale/"))
    assert "Program för trygghet och säkerhet i Ale kommun 2021–2024" in text
    assert "Hemligt utkast" not in text
    assert "Säkerhetspolicy" not in text  # Kalix's document stays on Kalix's page


@pytest.mark.parametrize(("url", "lines"), [(ALE, ale_lines), (KALIX, kalix_lines)])
def test_every_sentence_and_list_item_of_the_source_is_shown(client, demo, url, lines):
    response = client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    missing = [line for line in lines() if line not in text]
    assert missing == []
    assert len(lines()) > 15


def test_the_ale_page_shows_the_adoption_record_and_contact_details(client, demo):
    text = page_text(client.get(ALE))
    for expected in (
        "Kommunfullmäktige",
        "2021-01-01 – 2024-12-31",
        "2024-12-31",
        "Brandskyddspolicy",
        "Informationssäkerhetspolicy",
        "Kontaktcenter",
        "Vi svarar gärna på dina frågor!",
        "0303-70 30 00",
        "kommun@ale.se",
        "Ale torg 7, Nödinge",
        "449 80 Alafors",
        "kl. 8.00–16.30",
    ):
        assert expected in text
    # The revision date is a public fact; the banner about it is for staff (staff pages).
    assert "Revideras senast 2024-12-31" in text
    assert "Revisionen är försenad" not in text


def test_the_kalix_page_shows_its_adoption_by_the_council(client, demo):
    text = page_text(client.get(KALIX))
    assert "Kommunfullmäktige" in text
    assert "2007-09-17" in text
    assert "§ 130" in text
    assert "1 Bakgrund" in text and "5 Giltighet" in text


def test_the_page_is_swedish_semantic_html(client, demo):
    html = client.get(ALE).content.decode()
    assert '<html lang="sv">' in html
    assert html.count("<h1") == 1
    assert '<article class="document" lang="sv">' in html
    assert "<ul" in html and "<h2" in html


@pytest.mark.parametrize(
    "url",
    ["/okand/", "/okand/program/trygghet-och-sakerhet/", "/ale/program/okand/", "/kalix" + ALE[4:]],
)
def test_unknown_addresses_give_a_swedish_404(client, demo, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_a_document_without_an_adopted_version_is_not_public(client, demo):
    draft = VersionFactory(programme=ProgrammeFactory(municipality__slug="ale"))
    response = client.get(
        reverse(
            "programmes:public_detail",
            kwargs={"municipality": "ale", "slug": draft.programme.slug},
        )
    )
    assert response.status_code == 404


def test_the_public_page_has_a_constant_number_of_queries(
    client, demo, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        client.get(ALE)
