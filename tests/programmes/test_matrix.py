"""The responsibility matrix: clauses with who holds each role now, and the unstaffed posts."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from programmes.matrix import responsibility_matrix
from responsibilities.models import Assignment, Municipality, OrganisationUnit, Role, User
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def gaps_of(slug):
    with translation.override("sv"):  # the missing posts are named in the reader's language
        _documents, gaps = responsibility_matrix(Municipality.objects.get(slug=slug))
    return {gap.unit.name: gap.missing for gap in gaps}


def test_the_demo_gaps_are_found(demo):
    gaps = gaps_of("ale")
    assert gaps["Sektor samhällsbyggnad"] == ["Säkerhetsombud"]
    assert gaps["Sektor arbetsliv och stöd"] == ["Säkerhetshandläggare", "Säkerhetsombud"]
    assert gaps["Ale energibolag AB"] == ["Bolags-VD"]
    assert "Sektor utbildning" not in gaps  # chief, officer and representative all in place
    assert "Ale bostadsbolag AB" not in gaps
    # Kalix's policy has no security officers or representatives; only chiefs are required.
    assert gaps_of("kalix") == {
        "Socialförvaltningen": ["Förvaltningschef"],
        "Kalix kommunföretag AB": ["Bolags-VD"],
    }


def test_a_gap_opens_when_an_assignment_ends_and_closes_when_filled(demo):
    Assignment.objects.get(person__username="ale-ombud-utb").end()
    assert gaps_of("ale")["Sektor utbildning"] == ["Säkerhetsombud"]
    AssignmentFactory(
        person=User.objects.get(username="ale-medarbetare"),
        role=Role.objects.get(municipality__slug="ale", kind="security_representative"),
        unit=OrganisationUnit.objects.get(name="Sektor utbildning"),
    )
    assert "Sektor utbildning" not in gaps_of("ale")


def test_each_clause_lists_the_people_holding_its_role_per_unit(demo):
    documents, _gaps = responsibility_matrix(Municipality.objects.get(slug="ale"))
    clauses = {clause.role.kind: clause for clause in documents[0].clauses if clause.role}
    chiefs = {h.unit.name: [str(p) for p in h.people] for h in clauses["sector_chief"].holders}
    assert chiefs["Sektor utbildning"] == ["Sven Sektorchef"]
    assert chiefs["Sektor samhällsbyggnad"] == ["Siri Sektorchef"]
    security = clauses["security_chief"].holders
    assert [(h.unit, [str(p) for p in h.people]) for h in security] == [
        (None, ["Sara Säkerhetschef"])
    ]


def matrix_page(client, username):
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("manage:matrix", kwargs={"municipality": "ale"}))
    assert response.status_code == 200
    return response.content.decode()


def rows(page):
    """(role, last cell) of each row of the responsibility tables."""
    tables = page.split('class="table responsibility-matrix"')[1:]
    found = []
    for table in tables:
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("</table>")[0], re.S)[1:]:
            role = re.search(r'<th scope="row">(.*?)</th>', row, re.S).group(1).strip()
            last = re.sub(r"<[^>]+>", " ", row.rsplit("<td>", 1)[1])
            found.append((role, " ".join(last.split())))
    return found


def test_the_security_chief_sees_the_unstaffed_posts(client, demo):
    page = matrix_page(client, "ale-sakerhetschef")
    assert "Obemannade uppdrag" in page
    gap_table = page.split('class="table gaps"')[1].split("</table>")[0]
    assert "Sektor samhällsbyggnad" in gap_table
    assert "Säkerhetsombud" in gap_table
    assert "Sara Säkerhetschef" in page
    assert "Kalle" not in page  # nobody from Kalix


@pytest.mark.parametrize("username", ["ale-medarbetare", "ale-sektorchef-2", "ale-fortroendevald"])
def test_others_see_who_holds_the_roles_but_not_the_unstaffed_posts(client, demo, username):
    page = matrix_page(client, username)
    assert "Sara Säkerhetschef" in page
    assert 'class="table gaps"' not in page
    assert "Obemannade uppdrag" not in page
    assert "Ingen har rollen" not in page
    assert "Säkerhetsombud" not in page.split("</h1>")[1].split("<table")[0]


def test_political_bodies_are_not_flagged_as_unstaffed(client, demo):
    found = rows(matrix_page(client, "ale-sakerhetschef"))
    bodies = [
        last for role, last in found if role in ("Kommunfullmäktige", "Kommunstyrelsen", "Nämnd")
    ]
    assert bodies and set(bodies) == {"Ett politiskt organ"}
    # A post that nobody holds is still flagged for the security chief.
    assert ("Chef", "Ingen har rollen") in found


def test_the_prose_is_aligned_left():
    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    assert ".responsibility-matrix th, .responsibility-matrix td { text-align: left;" in css


def test_the_page_is_refused_to_another_municipality(client, demo):
    client.force_login(User.objects.get(username="kalix-sakerhetschef"))
    response = client.get(reverse("manage:matrix", kwargs={"municipality": "ale"}))
    assert response.status_code == 404
