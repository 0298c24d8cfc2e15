"""Management pages and the matrix take the same number of queries for 5 units or 200."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import Section
from responsibilities.models import OrganisationUnit
from tests.factories import (
    AssignmentFactory,
    ItemFactory,
    MunicipalityFactory,
    RoleFactory,
    SectionFactory,
    UnitFactory,
    UserFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, municipality and permissions, the bell's unread count, then the page's own.
MAX_QUERIES = {
    "overview": 5,
    "unit_list": 6,
    "person_list": 8,
    "assignment_list": 9,
    "matrix": 9,
    "assignment_create": 8,
}


def organisation(size):
    """A municipality with `size` sectors, each with a chief, and an adopted programme."""
    municipality = MunicipalityFactory(slug=f"kommun-{size}", name=f"Kommun {size}")
    council = UnitFactory(municipality=municipality, kind=OrganisationUnit.Kind.COUNCIL, name="KF")
    chief_role = RoleFactory(municipality=municipality, kind="sector_chief")
    for _ in range(size):
        sector = UnitFactory(municipality=municipality, parent=council)
        AssignmentFactory(
            role=chief_role, unit=sector, person=UserFactory(municipality=municipality)
        )
    security_chief = UserFactory(municipality=municipality)
    AssignmentFactory(
        person=security_chief, role=RoleFactory(municipality=municipality, kind="security_chief")
    )
    version = VersionFactory(programme__municipality=municipality)
    section = SectionFactory(version=version, kind=Section.Kind.RESPONSIBILITIES)
    ItemFactory(section=section, role=chief_role)
    ItemFactory(section=section, role=None)
    version.adopt(by=None, adopting_body=council)
    return municipality, security_chief


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", MAX_QUERIES)
def test_it_takes_as_many_queries_for_200_units_as_for_5(client, page):
    counts = []
    for size in (5, 200):
        municipality, chief = organisation(size)
        client.force_login(chief)
        counts.append(count_queries(client, reverse(f"manage:{page}", args=[municipality.slug])))
    assert counts[0] == counts[1], counts
    assert counts[1] <= MAX_QUERIES[page], counts


def test_the_person_search_and_filters_keep_the_count(client):
    municipality, chief = organisation(200)
    client.force_login(chief)
    base = reverse("manage:person_list", args=[municipality.slug])
    plain = count_queries(client, base)
    assert count_queries(client, base + "?q=Test+Person") == plain
    listing = reverse("manage:assignment_list", args=[municipality.slug])
    assert count_queries(client, listing + "?state=all&q=Test") == count_queries(client, listing)
