"""The public page shows the validity period and a table of contents; the revision banner is for
staff, on the staff pages only."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Programme, ProgrammeVersion
from responsibilities.models import OrganisationUnit, User

pytestmark = pytest.mark.django_db

ALE = "/ale/program/trygghet-och-sakerhet/"
BANNER = re.compile(r'<div class="notice [^"]*" role="note">\s*<strong>Revision')


@pytest.fixture
def revised(demo):
    """Ale's programme adopted anew, to be revised in about 18 months."""
    programme = Programme.objects.get(slug="trygghet-och-sakerhet")
    chief = User.objects.get(username="ale-sakerhetschef")
    draft = programme.start_revision(by=chief)
    today = timezone.localdate()
    draft.adopt(
        by=chief,
        adopting_body=OrganisationUnit.objects.get(municipality__slug="ale", kind="council"),
        decision_date=today - datetime.timedelta(days=1),
        valid_from=today,
        valid_until=today + datetime.timedelta(days=4 * 365),
        revision_due=today + datetime.timedelta(days=548),
    )
    return draft


def english(client, user=None):
    if user:
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("fixture", ["demo", "revised"])
def test_anonymous_readers_see_the_validity_but_no_revision_banner(client, request, fixture):
    request.getfixturevalue(fixture)  # overdue (the demo) and due in 18 months
    version = ProgrammeVersion.objects.get(
        programme__slug="trygghet-och-sakerhet", status=ProgrammeVersion.Status.ADOPTED
    )
    page = english(client).get(ALE).content.decode()
    assert not BANNER.search(page)
    assert "months (" not in page and "was to be revised" not in page
    valid = f"{version.valid_from:%Y-%m-%d} – {version.valid_until:%Y-%m-%d}"
    assert f"<dt>Valid</dt><dd>{valid}</dd>" in page


def test_the_public_page_has_a_table_of_contents_linking_every_section(client, demo):
    version = ProgrammeVersion.objects.get(
        programme__slug="trygghet-och-sakerhet", status=ProgrammeVersion.Status.ADOPTED
    )
    page = client.get(ALE).content.decode()
    toc = page.split('<nav class="document-toc"')[1].split("</nav>")[0]
    assert '<h2 id="toc-heading" lang="sv">Innehåll</h2>' in toc
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc)
    sections = list(version.sections.order_by("position"))
    assert links[: len(sections)] == [(f"section-{s.pk}", s.heading) for s in sections]
    assert links[-1] == ("related-heading", "Relaterade styrdokument")
    for anchor, _heading in links:
        assert f'id="{anchor}"' in page


def test_staff_still_see_the_banner_on_the_staff_page(client, revised):
    chief = english(client, User.objects.get(username="ale-sakerhetschef"))
    staff_page = chief.get(
        reverse("programmes:document", args=["ale", "trygghet-och-sakerhet"])
    ).content.decode()
    assert BANNER.search(staff_page)
    assert "revision due in 18 months" in staff_page
    assert not BANNER.search(chief.get(ALE).content.decode())
