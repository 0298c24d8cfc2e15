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
