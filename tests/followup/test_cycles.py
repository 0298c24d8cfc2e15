"""The security chief creates a cycle, adjusts its units, opens and closes it."""

import pytest
from django.urls import reverse

from followup.models import Cycle, Report
from programmes.models import ProgrammeVersion
from responsibilities.models import OrganisationUnit
from tests.followup.conftest import user

pytestmark = pytest.mark.django_db


def test_the_security_chief_runs_a_new_cycle(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    version = ProgrammeVersion.objects.get(programme__municipality__slug="ale", status="adopted")
    create = reverse("followup:cycle_create", kwargs={"municipality": "ale"})
    duplicate = client.post(
        create,
        {"version": version.pk, "year": "2026", "opens_on": "2026-11-01", "due_on": "2027-01-31"},
    )
    assert duplicate.status_code == 400
    assert "Programmet har redan en uppföljning för det året." in duplicate.content.decode()
    response = client.post(
        create,
        {"version": version.pk, "year": "2027", "opens_on": "2027-11-01", "due_on": "2028-01-31"},
    )
    cycle = Cycle.objects.get(version=version, year=2027)
    manage = reverse("followup:cycle_manage", kwargs={"municipality": "ale", "pk": cycle.pk})
    assert response["Location"] == manage
    assert cycle.status == Cycle.Status.DRAFT and cycle.questions.count() == 31

    energy = OrganisationUnit.objects.get(name="Ale energibolag AB")
    kept = cycle.units.exclude(pk=energy.pk)
    client.post(
        manage,
        {
            "opens_on": "2027-11-01",
            "due_on": "2028-02-15",
            "units": [unit.pk for unit in kept],
        },
    )
    cycle.refresh_from_db()
    assert cycle.due_on.isoformat() == "2028-02-15"
    assert energy not in cycle.units.all()

    status = reverse("followup:cycle_status", kwargs={"municipality": "ale", "pk": cycle.pk})
    client.post(status, {"intent": "open"})
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.OPEN and cycle.opened_by.username == "ale-sakerhetschef"
    assert cycle.reports.count() == 5
    assert set(cycle.reports.values_list("status", flat=True)) == {Report.Status.DRAFT}
    page = client.get(manage).content.decode()
    assert "Stäng uppföljningen" in page
    client.post(status, {"intent": "open"})  # twice: refused with a message, nothing changes
    assert cycle.reports.count() == 5
    client.post(status, {"intent": "close"})
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED and cycle.closed_at


def test_invalid_dates_are_refused_in_swedish(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    version = ProgrammeVersion.objects.get(programme__municipality__slug="ale", status="adopted")
    response = client.post(
        reverse("followup:cycle_create", kwargs={"municipality": "ale"}),
        {"version": version.pk, "year": "2028", "opens_on": "2028-11-01", "due_on": "2028-01-31"},
    )
    assert response.status_code == 400
    assert "Sista dag kan inte vara före öppningsdagen." in response.content.decode()
    assert not Cycle.objects.filter(year=2028).exists()


def test_the_follow_up_start_pages_queries_read_what_the_orm_reads(demo):
    """The person's reports (compiled once per shape of their lists) and the cycles
    (compiled once) are the ORM's rows, for every demo person and municipality."""
    from django.db import connection
    from django.db.models import F

    from followup.models import Cycle, Report
    from followup.models.reports import reader_lists
    from followup.views import cycles
    from responsibilities.access import access_of
    from responsibilities.capabilities import Capability
    from responsibilities.models import Municipality, User

    postgresql = connection.vendor == "postgresql"
    seen = set()
    for municipality in Municipality.objects.all():
        assert cycles.CYCLES.fetch(municipality.pk) == list(
            Cycle.objects.for_municipality(municipality).values(
                "pk", "year", "status", "due_on", title=F("version__title")
            )
        )
        for person in User.objects.all():
            access = access_of(person)
            rows = cycles.OWN_REPORTS.fetch(
                municipality.pk,
                tuple(sorted(access.unit_ids(Capability.SUBMIT_FOLLOWUP))),
                tuple(sorted(access.municipality_ids_with(Capability.SUBMIT_FOLLOWUP))),
                *reader_lists(access),
            )
            own = access.units_with(Capability.SUBMIT_FOLLOWUP).filter(municipality=municipality)
            expected = (
                Report.objects.visible_to(person)
                .filter(unit__in=own)
                .order_by("-cycle__year", "unit__path")
                .values(
                    "pk",
                    "status",
                    year=F("cycle__year"),
                    due_on=F("cycle__due_on"),
                    unit_name=F("unit__name"),
                )
            )
            assert rows == list(expected), (person, municipality)
            seen.add(len(rows))
    assert len(seen) >= 3
    assert bool(cycles.CYCLES.compiled()) and cycles.OWN_REPORTS._statements
    shapes = cycles.OWN_REPORTS._statements.items()
    # Compiled where the person has units to report for and reports to read.
    assert all(
        bool(s.compiled()) == postgresql for shape, s in shapes if any(shape[:2]) and any(shape[2:])
    )
