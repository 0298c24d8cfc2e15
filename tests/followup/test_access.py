"""Who reads which report: own units always, reviewers no drafts, readers approved only."""

import pytest
from django.urls import reverse

from followup.models import Cycle, Report
from tests.followup.conftest import user

pytestmark = pytest.mark.django_db
S = Report.Status


def visible(username, year=None):
    reports = Report.objects.visible_to(user(username))
    if year:
        reports = reports.filter(cycle__year=year)
    return {(r.unit.name, r.cycle.year, r.status) for r in reports.select_related("unit", "cycle")}


def test_a_sector_chief_sees_their_unit_over_the_years_only(demo):
    # read_reports is held for the own unit only: other units' approved reports are not theirs.
    assert visible("ale-sektorchef") == {
        ("Sektor utbildning", 2025, S.REPORTED),
        ("Sektor utbildning", 2026, S.DRAFT),
    }
    assert ("Sektor samhällsbyggnad", 2026, S.SUBMITTED) in visible("ale-sektorchef-2")
    assert not any(name == "Sektor utbildning" for name, _y, _s in visible("ale-sektorchef-2"))


def test_the_security_chief_never_sees_a_draft(demo):
    statuses = {status for _name, _year, status in visible("ale-sakerhetschef")}
    assert S.DRAFT not in statuses
    assert ("Sektor samhällsbyggnad", 2026, S.SUBMITTED) in visible("ale-sakerhetschef")
    assert ("Sektor arbetsliv och stöd", 2025, S.RETURNED) in visible("ale-sakerhetschef")
    assert not any(name == "Teknisk förvaltning" for name, _y, _s in visible("ale-sakerhetschef"))


def test_council_members_read_approved_reports_only(demo):
    assert {status for _n, _y, status in visible("ale-fortroendevald")} == {S.APPROVED, S.REPORTED}
    assert len(visible("ale-fortroendevald")) == 4


def test_employees_and_visitors_see_nothing(demo, client):
    assert visible("ale-medarbetare") == set()
    response = client.get(reverse("followup:index", kwargs={"municipality": "ale"}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_sector_chief_lists_their_reports_over_the_years(client, demo):
    client.force_login(user("ale-sektorchef"))
    page = client.get(reverse("followup:index", kwargs={"municipality": "ale"})).content.decode()
    assert page.count("Sektor utbildning") == 2
    assert "Sektor samhällsbyggnad" not in page
    assert "Rapporterad till nämnd" in page and "Utkast" in page


def test_one_report_is_readable_exactly_when_the_lists_show_it(demo):
    """`Report.is_readable_by` (one report, from Access, no query) and `visible_to()` (lists,
    in SQL) are the one rule `Report.READERS`: for every person and every report of the demo
    (which has reports in every state), they agree."""
    from responsibilities.access import Access
    from responsibilities.models import User

    reports = list(Report.objects.select_related("unit"))
    assert {report.status for report in reports} == set(S)
    readers = 0
    for person in User.objects.all():
        listed = set(Report.objects.visible_to(person).values_list("pk", flat=True))
        access = Access(person)
        for report in reports:
            assert report.is_readable_by(access) == (report.pk in listed), (
                person.username,
                report.unit.name,
                report.status,
            )
        readers += bool(listed)
    assert readers >= 4


def test_the_index_rows_link_each_report_and_cycle_with_its_year_status_and_due_date(client, demo):
    client.force_login(user("ale-sektorchef"))
    page = client.get(reverse("followup:index", kwargs={"municipality": "ale"})).content.decode()
    reports = Report.objects.filter(unit__name="Sektor utbildning").select_related("cycle")
    assert len(reports) == 2
    for report in reports:
        url = reverse("followup:report", kwargs={"municipality": "ale", "pk": report.pk})
        assert f'<a href="{url}">{report.cycle.year}</a>' in page
        assert f'status-{report.status}">{report.get_status_display()}</span>' in page
        assert f"<td>{report.cycle.due_on:%Y-%m-%d}</td>" in page

    client.force_login(user("ale-sakerhetschef"))
    page = client.get(reverse("followup:index", kwargs={"municipality": "ale"})).content.decode()
    cycles = Cycle.objects.filter(version__programme__municipality__slug="ale")
    assert len(cycles) >= 2
    for cycle in cycles:
        kwargs = {"municipality": "ale", "pk": cycle.pk}
        assert f'<a href="{reverse("followup:cycle", kwargs=kwargs)}">{cycle.year}</a>' in page
        manage = reverse("followup:cycle_manage", kwargs=kwargs)
        assert f'<a href="{manage}">Hantera {cycle.year}</a>' in page
        assert f"<td>{cycle.get_status_display()}</td>" in page
