"""No space before a comma, full stop, semicolon, colon or closing parenthesis in what a reader
sees ("§ 187 ," or "(30 juni 2028) ." come from a template tag on a line of its own)."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import Cycle
from programmes.models import Programme
from responsibilities.models import OrganisationUnit, User

pytestmark = pytest.mark.django_db

# A space, then punctuation that never follows a space in Swedish or English prose. Left out on
# purpose: "…" and "–" (a space before them is right), and "(" (it follows a space).
SPACE_BEFORE = re.compile(r"\s[,.;:)]")


def visible_text(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    html = re.sub(r"<(script|style|head)\b[^>]*>.*?</\1>", " ", html, flags=re.S)
    # Inline tags render no space of their own ("<a>§ 187</a>," reads "§ 187,"); block ends
    # become a line break so that separate blocks are never glued together.
    html = re.sub(r"</?(p|li|td|th|tr|h[1-6]|div|section|dd|dt|caption|br)\b[^>]*>", "\n", html)
    text = unescape(re.sub(r"<[^>]+>", "", html))
    return re.sub(r"[ \t\r\f\v\xa0]+", " ", text)


def faults(text: str) -> list[str]:
    return [text[max(0, m.start() - 30) : m.end() + 10] for m in SPACE_BEFORE.finditer(text)]


@pytest.fixture
def revised(demo):
    """Ale's programme revised: adopted with a § number and a Dnr, to be revised in 18 months,
    the first version listed among the earlier ones."""
    programme = Programme.objects.get(slug="trygghet-och-sakerhet")
    chief = User.objects.get(username="ale-sakerhetschef")
    draft = programme.start_revision(by=chief)
    today = timezone.localdate()
    draft.adopt(
        by=chief,
        adopting_body=OrganisationUnit.objects.get(municipality__slug="ale", kind="council"),
        decision_date=today - datetime.timedelta(days=10),
        paragraph="187",
        case_number="KS 2026/187",
        valid_from=today,
        valid_until=today + datetime.timedelta(days=548),
        revision_due=today + datetime.timedelta(days=548),
    )
    return draft


def cycle(year):
    return Cycle.objects.get(version__programme__municipality__slug="ale", year=year)


PUBLIC = [
    "/ale/",
    "/ale/program/trygghet-och-sakerhet/",
    "/kalix/program/sakerhetspolicy/",
    "/ale/program/trygghet-och-sakerhet/version/1/",
]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_have_no_space_before_punctuation(client, revised, url, language):
    client.cookies["django_language"] = language
    assert faults(visible_text(client.get(url))) == []


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("year", [2025, 2026])
def test_the_followup_dashboard_has_no_space_before_punctuation(client, demo, year, language):
    chief = User.objects.get(username="ale-sakerhetschef")
    chief.language = language
    chief.save(update_fields=["language"])
    client.force_login(chief)
    client.cookies["django_language"] = language
    c = cycle(year)
    page = reverse("followup:cycle", kwargs={"municipality": "ale", "pk": c.pk})
    assert faults(visible_text(client.get(page))) == []


@pytest.mark.parametrize(
    "page",
    [
        reverse("programmes:document", args=["ale", "trygghet-och-sakerhet"]),
        reverse("manage:matrix", args=["ale"]),
        reverse("start"),
    ],
)
def test_staff_pages_have_no_space_before_punctuation(client, revised, page):
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    assert faults(visible_text(client.get(page))) == []


def test_it_would_notice_a_space_before_a_comma():
    assert len(faults("§ 187 , Dnr 1 (30 juni 2028) . Sök : ja ; (a )")) == 5
    assert faults("Läs mer … om 2,5 procent – eller 3.5 (se §: 4).") == []
