"""Managing units, people and assignments through the pages under /hantera/<municipality>/."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from responsibilities.models import Assignment, OrganisationUnit, Role, User
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def unit(name, municipality="ale"):
    return OrganisationUnit.objects.get(name=name, municipality__slug=municipality)


def role(kind, municipality="ale"):
    return Role.objects.get(kind=kind, municipality__slug=municipality)


def person(username):
    return User.objects.get(username=username)


@pytest.fixture
def chief(client, demo):
    client.force_login(person("ale-sakerhetschef"))
    return client


def url(name, **kwargs):
    return reverse(f"manage:{name}", kwargs={"municipality": "ale", **kwargs})


def text(response):
    return response.content.decode()


# Units


def test_it_creates_a_unit_below_a_parent(chief):
    response = chief.post(
        url("unit_create"),
        {"name": "Enheten Surte", "kind": "unit", "parent": unit("Sektor utbildning").pk},
    )
    assert response.status_code == 302
    created = unit("Enheten Surte")
    assert created.parent == unit("Sektor utbildning")
    assert created.path.startswith(unit("Sektor utbildning").path)
    # The sector chief of Sektor utbildning reaches the new sub-unit at once.
    assert created in unit("Sektor utbildning").subtree()


def test_it_refuses_a_parent_of_another_municipality_in_swedish(chief):
    count = OrganisationUnit.objects.count()
    response = chief.post(
        url("unit_create"),
        {"name": "Smuggelenhet", "kind": "unit", "parent": unit("Teknisk förvaltning", "kalix").pk},
    )
    assert response.status_code == 200
    assert "Välj en enhet i Ale kommun." in text(response)
    assert 'value="Smuggelenhet"' in text(response)  # nothing typed is lost
    assert OrganisationUnit.objects.count() == count


def test_it_refuses_a_cycle(chief):
    sector = unit("Sektor utbildning")
    response = chief.post(
        url("unit_edit", pk=sector.pk),
        {"name": sector.name, "kind": "sector", "parent": unit("Förskoleenheten Nödinge").pk},
    )
    assert response.status_code == 200
    assert "Välj en enhet i Ale kommun." in text(response)
    sector.refresh_from_db()
    assert sector.parent == unit("Utbildningsnämnden")


def test_it_refuses_a_second_unit_with_the_same_name(chief):
    response = chief.post(url("unit_create"), {"name": "sektor UTBILDNING", "kind": "sector"})
    assert response.status_code == 200
    assert "Kommunen har redan en enhet med det här namnet." in text(response)


def test_the_unit_list_is_a_tree(chief):
    response = chief.get(url("unit_list"))
    page = text(response)
    assert page.index("Kommunfullmäktige") < page.index("Utbildningsnämnden")
    assert page.index("Utbildningsnämnden") < page.index("Sektor utbildning")
    assert page.index("Sektor utbildning") < page.index("Förskoleenheten Nödinge")
    assert "Teknisk förvaltning" not in page


# People


def test_it_searches_people_by_name_username_and_email(chief):
    by_name = text(chief.get(url("person_list"), {"q": "Siri Sektorchef"}))
    assert "ale-sektorchef-2" in by_name
    assert "ale-sektorchef-3" not in by_name
    assert "ale-sakerhetschef" not in by_name
    by_email = text(chief.get(url("person_list"), {"q": "ale-ombud-utb@example"}))
    assert "Olle Ombud" in by_email
    assert "Siri" not in by_email


def test_people_of_another_municipality_are_neither_listed_nor_reachable(chief):
    assert "kalix-medarbetare" not in text(chief.get(url("person_list"), {"q": "kalix"}))
    kalix_person = person("kalix-medarbetare")
    assert chief.get(url("person_detail", pk=kalix_person.pk)).status_code == 404
    assert chief.get(url("person_edit", pk=kalix_person.pk)).status_code == 404


def test_the_search_answers_htmx_with_the_results_only(chief):
    response = chief.get(url("person_list"), {"q": "Siri"}, headers={"HX-Request": "true"})
    assert "<html" not in text(response)
    assert "ale-sektorchef-2" in text(response)
    assert "HX-Request" in response["Vary"]


def test_it_adds_a_person_who_then_sets_a_password_by_email(chief, client):
    response = chief.post(
        url("person_create"),
        {
            "first_name": "Nina",
            "last_name": "Nyanställd",
            "email": "nina@example.org",
            "username": "ale-nina",
            "is_active": "on",
        },
    )
    nina = person("ale-nina")
    assert response["Location"] == url("person_detail", pk=nina.pk)
    assert nina.municipality.slug == "ale"
    assert not nina.has_usable_password()
    client.logout()
    client.post(reverse("password_reset"), {"email": "nina@example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Välj ett nytt lösenord för Trygghet och säkerhet"
    assert "Hej Nina Nyanställd" in mail.outbox[0].body
    assert "Ditt användarnamn är ale-nina." in mail.outbox[0].body
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/konto/nytt-losenord/" in line
    )
    form = client.get(link.split("testserver", 1)[1], follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Trygg-Ale-2026", "new_password2": "Trygg-Ale-2026"},
    )
    assert done.status_code == 302
    assert client.login(username="ale-nina", password="Trygg-Ale-2026")


def test_a_manager_cannot_deactivate_themselves(chief):
    me = person("ale-sakerhetschef")
    response = chief.post(
        url("person_edit", pk=me.pk),
        {"first_name": "Sara", "last_name": "S", "email": "s@example.org", "username": me.username},
    )
    assert "Du kan inte inaktivera ditt eget konto." in text(response)
    me.refresh_from_db()
    assert me.is_active


def test_deactivating_a_person_removes_their_access(chief, client):
    admin = person("ale-administrator")
    chief.post(
        url("person_edit", pk=admin.pk),
        {
            "first_name": "Adam",
            "last_name": "A",
            "email": "a@example.org",
            "username": admin.username,
        },
    )
    admin.refresh_from_db()
    assert not admin.is_active
    assert not admin.municipalitypermission_set.exists()


# Assignments


def test_it_refuses_a_role_and_unit_of_another_municipality_in_swedish(chief):
    before = Assignment.objects.count()
    response = chief.post(
        url("assignment_create"),
        {
            "person": person("ale-medarbetare").pk,
            "role": role("sector_chief", "kalix").pk,
            "unit": unit("Teknisk förvaltning", "kalix").pk,
            "starts_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "Välj en roll i Ale kommun." in page
    assert "Välj en enhet i Ale kommun." in page
    assert Assignment.objects.count() == before


def test_a_unit_role_needs_a_unit_and_a_municipality_wide_role_none(chief):
    before = Assignment.objects.count()
    data = {"person": person("ale-medarbetare").pk, "starts_on": "2026-01-01"}
    no_unit = chief.post(url("assignment_create"), {**data, "role": role("sector_chief").pk})
    assert "Rollen innehas i en enhet: välj enheten." in text(no_unit)
    with_unit = chief.post(
        url("assignment_create"),
        {**data, "role": role("security_chief").pk, "unit": unit("Sektor utbildning").pk},
    )
    assert "Rollen innehas för hela kommunen: lämna enheten tom." in text(with_unit)
    backwards = chief.post(
        url("assignment_create"),
        {**data, "role": role("employee").pk, "ends_on": "2025-12-31"},
    )
    assert "Slutdatumet kan inte vara före startdatumet." in text(backwards)
    assert Assignment.objects.count() == before


def test_people_of_another_municipality_cannot_be_given_a_role(chief):
    response = chief.post(
        url("assignment_create"),
        {
            "person": person("kalix-medarbetare").pk,
            "role": role("employee").pk,
            "starts_on": "2026-01-01",
        },
    )
    assert "Välj en person i Ale kommun." in text(response)


def test_giving_and_ending_a_role_from_the_pages_changes_access_at_once(chief, client, demo):
    employee = person("ale-medarbetare")
    response = chief.post(
        url("assignment_create"),
        {
            "person": employee.pk,
            "role": role("administrator").pk,
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response["Location"] == url("person_detail", pk=employee.pk)
    given = Assignment.objects.get(person=employee, role__kind="administrator")

    other = client.__class__()
    other.force_login(employee)
    assert other.get(url("person_list")).status_code == 200

    confirm = chief.get(url("assignment_end", pk=given.pk))
    assert "Ja, avsluta uppdraget" in text(confirm)
    given.refresh_from_db()
    assert given.is_active  # a GET only asks

    chief.post(url("assignment_end", pk=given.pk))
    given.refresh_from_db()
    assert given.ended_at is not None
    assert given.ends_on == timezone.localdate()
    assert other.get(url("person_list")).status_code == 404


def test_a_manager_cannot_end_their_own_assignment(chief):
    own = Assignment.objects.get(person__username="ale-sakerhetschef")
    chief.post(url("assignment_end", pk=own.pk))
    own.refresh_from_db()
    assert own.is_active


def test_the_assignment_list_searches_and_filters(chief):
    by_role = text(chief.get(url("assignment_list"), {"role": role("sector_chief").pk}))
    assert len(re.findall(r'href="/hantera/ale/personer/\d+/"', by_role)) == 4
    by_unit = text(chief.get(url("assignment_list"), {"unit": unit("Sektor utbildning").pk}))
    assert "Sven Sektorchef" in by_unit
    assert "Hanna Handläggare" in by_unit
    assert "Siri Sektorchef" not in by_unit
    by_name = text(chief.get(url("assignment_list"), {"q": "Hanna"}))
    assert "Hanna Handläggare" in by_name
    assert "Sven Sektorchef" not in by_name
    Assignment.objects.get(person__username="ale-ombud-utb").end()
    active = text(chief.get(url("assignment_list"), {"q": "Olle"}))
    ended = text(chief.get(url("assignment_list"), {"q": "Olle", "state": "ended"}))
    assert "Olle Ombud" not in active
    assert "Olle Ombud" in ended
    # Another municipality's ids are ignored, not obeyed.
    kalix = text(chief.get(url("assignment_list"), {"role": role("sector_chief", "kalix").pk}))
    assert "Karl" not in kalix


def test_an_account_with_access_elsewhere_is_not_edited_here(chief):
    employee = person("ale-medarbetare")
    AssignmentFactory(person=employee, role=role("employee", "kalix"))
    assert chief.get(url("person_detail", pk=employee.pk)).status_code == 200
    response = chief.post(
        url("person_edit", pk=employee.pk),
        {"first_name": "M", "last_name": "M", "email": "x@example.org", "username": "x"},
    )
    assert response.status_code == 404
    employee.refresh_from_db()
    assert employee.email == "ale-medarbetare@example.org"


def test_the_start_page_links_to_what_the_person_may_do(client, demo):
    client.force_login(person("ale-sakerhetschef"))
    page = text(client.get(reverse("start")))
    assert 'href="/hantera/ale/"' in page
    assert 'href="/hantera/ale/ansvar/"' in page
    assert 'href="/konto/losenord/"' in page
    client.force_login(person("ale-medarbetare"))
    page = text(client.get(reverse("start")))
    assert 'href="/hantera/ale/"' not in page
    assert 'href="/hantera/ale/ansvar/"' in page
    assert "kalix" not in page


@pytest.mark.parametrize(
    ("page", "heading"),
    [
        ("unit_list", "<h1>Units</h1>"),
        ("person_list", "<h1>People</h1>"),
        ("assignment_create", "<h1>New assignment</h1>"),
        ("matrix", "<h1>Responsibilities in Ale kommun</h1>"),
    ],
)
def test_the_pages_speak_english_to_who_chose_it(client, demo, page, heading):
    chief = person("ale-sakerhetschef")
    chief.language = "en"
    chief.save(update_fields=["language"])
    client.force_login(chief)
    page = text(client.get(url(page)))
    assert '<html lang="en">' in page
    assert heading in page
