"""Breadcrumbs name a document by its title, never by its web address name (slug)."""

import re

import pytest
from django.urls import reverse

from programmes.models import Programme
from responsibilities.models import User

pytestmark = pytest.mark.django_db

ALE_TITLE = "Program för trygghet och säkerhet i Ale kommun 2021–2024"


def crumbs(response) -> list[str]:
    assert response.status_code == 200
    nav = re.search(r'<nav class="breadcrumbs[^>]*>(.*?)</nav>', response.content.decode(), re.S)
    items = re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in items]


@pytest.fixture
def chief(client, demo):
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    return client


def page(name, **extra):
    return reverse(
        f"programmes:{name}",
        kwargs={"municipality": "ale", "slug": "trygghet-och-sakerhet", **extra},
    )


@pytest.mark.parametrize("name", ["compare", "history"])
def test_document_pages_name_the_document_by_its_title(chief, name):
    items = crumbs(chief.get(page(name)))
    assert ALE_TITLE in items
    assert not any("trygghet-och-sakerhet" in item for item in items)


def test_the_draft_pages_name_the_document_by_the_drafts_title(chief):
    programme = Programme.objects.get(slug="trygghet-och-sakerhet")
    draft = programme.start_revision(by=User.objects.get(username="ale-sakerhetschef"))
    draft.title = "Program för trygghet och säkerhet 2025–2028"
    draft.save()
    for name in ("edit", "preview", "adopt", "document"):
        items = crumbs(chief.get(page(name)))
        assert "Program för trygghet och säkerhet 2025–2028" in items, name
        assert not any("trygghet-och-sakerhet" in item for item in items), name
