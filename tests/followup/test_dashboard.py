"""The cycle dashboard, the exports, and constant query counts at 5 and 200 units."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from followup.models import Cycle
from tests.followup.conftest import user

pytestmark = pytest.mark.django_db


def cycle(year=2026):
    return Cycle.objects.get(version__programme__municipality__slug="ale", year=year)


def url(name, c, **extra):
    return reverse(
        f"followup:{name}", kwargs={"municipality": c.municipality.slug, "pk": c.pk, **extra}
    )


def test_the_security_chief_sees_every_unit_the_matrix_and_last_year(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    response = client.get(url("cycle", cycle(2025)))
    page = response.content.decode()
    assert response.status_code == 200
    for unit in ("Sektor utbildning", "Ale energibolag AB", "Sektor arbetsliv och stöd"):
        assert unit in page
    assert "Returnerad" in page and "Utkast" in page
    rows = {row.label: row for row in response.context["matrix"]}
    krisberedskap = rows["Krisberedskap"]
    # Five reports answered (the returned one too); the never-submitted draft does not count.
    assert krisberedskap.total == 5
    assert "Delvis uppfyllt" in page and "Ej bedömt" in page
    assert response.context["previous"] is None
    current = client.get(url("cycle", cycle(2026)))
    assert current.context["previous"] == cycle(2025)
    assert "2025 inom parentes" in current.content.decode()


def test_overdue_units_are_listed(client, demo, time_machine):
    time_machine.move_to("2027-02-05")
    client.force_login(user("ale-sakerhetschef"))
    page = client.get(url("cycle", cycle(2026))).content.decode()
    assert "5 enheter har inte skickat in till sista dagen 2027-01-31" in page


def test_council_members_see_approved_reports_only(client, demo):
    client.force_login(user("ale-fortroendevald"))
    response = client.get(url("cycle", cycle(2025)))
    page = response.content.decode()
    assert "Sektor arbetsliv och stöd" not in page and "Ale energibolag AB" not in page
    assert "Sektor utbildning" in page
    assert (
        sum(row.total for row in response.context["matrix"]) == 4 * 6
    )  # 4 approved reports × (5 areas + overall)


def test_the_csv_export_has_one_row_per_answer_the_reader_may_see(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    response = client.get(url("export", cycle(2025), fmt="csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Enhet",
        "Status",
        "Tillämpningsområde",
        "Fråga",
        "Svar",
        "Frågan i dag, om den ändrats sedan svaret",
    ]
    units = {row[0] for row in rows[1:]}
    assert "Ale energibolag AB" not in units  # never submitted
    assert [
        "Sektor samhällsbyggnad",
        "Godkänd",
        "Övergripande",
        "Är tjänsten som säkerhetsombud bemannad?",
        "Nej",
        "",
    ] in rows
    assert any(row[3] == "Måluppfyllelse inom området" and row[4] == "Ej uppfyllt" for row in rows)


def test_the_xlsx_export_holds_answers_and_the_action_plan(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    response = client.get(url("export", cycle(2025), fmt="xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Svar", "Handlingsplan"]
    plan = list(workbook["Handlingsplan"].iter_rows(values_only=True))
    assert plan[0][:2] == ("Enhet", "Åtgärd")
    assert len(plan) == 4
    assert workbook["Svar"].max_row > 100
    assert client.get(url("export", cycle(2025), fmt="pdf")).status_code == 404


def test_the_board_report_is_recorded_for_the_cycle(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    current = cycle(2026)
    missing = current.units_without_approved_report()
    assert missing, "the demo's 2026 cycle has units without an approved report"
    # Without confirming the missing units the board report is refused, with their names.
    response = client.post(
        url("cycle_board", current), {"board-date": "2026-11-02", "board-paragraph": "§ 31"}
    )
    assert cycle(2026).board_date is None
    page = client.get(response["Location"]).content.decode()
    assert "Kryssa i varje enhet" in page
    client.post(
        url("cycle_board", current),
        {
            "board-date": "2026-11-02",
            "board-paragraph": "§ 31",
            "board-without": [unit.pk for unit in missing],
        },
    )
    recorded = cycle(2026)
    assert (recorded.board_date.isoformat(), recorded.board_paragraph) == ("2026-11-02", "31")
    assert set(recorded.board_missing_units.all()) == set(missing)
    page = client.get(url("cycle", recorded)).content.decode()
    assert "§ 31" in page and "§ §" not in page
    assert missing[0].name in page
    # Once recorded, the form is gone.
    assert 'name="board-date"' not in page


def test_the_board_report_date_cannot_be_in_the_future(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    response = client.post(
        url("cycle_board", cycle(2026)), {"board-date": "2099-01-01", "board-paragraph": "1"}
    )
    assert cycle(2026).board_date is None
    page = client.get(response["Location"]).content.decode()
    assert "Beslutsdatumet kan inte ligga i framtiden" in page


PAGES = [
    # (who, URL name, its arguments, queries: session, user, access ×2, the bell's unread
    # count on HTML pages, and the page's own)
    # The risk picture (risks app, through followup.insets): three more on the dashboard
    # and on the report page.
    ("chief", "followup:cycle", lambda w: {"pk": w["cycle"].pk}, 16),
    ("chief", "followup:index", lambda w: {}, 8),
    # The question forms: areas, questions, answers per question, questions with comments.
    ("chief", "followup:cycle_manage", lambda w: {"pk": w["cycle"].pk}, 13),
    # The export also writes its audit event.
    ("chief", "followup:export", lambda w: {"pk": w["cycle"].pk, "fmt": "csv"}, 10),
    # The form: report, questions, answers, actions, attachments, events, review comments,
    # the roles, owners and application areas to choose from, and the risk picture's three
    # (report counts, settings, entries).
    ("sector_chief", "followup:report_edit", lambda w: {"pk": w["report"].pk}, 18),
    # The report page: report, questions, answers, actions, attachments, events, review
    # comments, the answers' and actions' history (two), and the risk picture's three.
    ("sector_chief", "followup:report", lambda w: {"pk": w["report"].pk}, 17),
]


@pytest.mark.parametrize("units", [5, 200])
@pytest.mark.parametrize(("who", "name", "kwargs", "queries"), PAGES, ids=[p[1] for p in PAGES])
def test_query_counts_do_not_grow_with_units(
    client, make_municipality, django_assert_max_num_queries, units, who, name, kwargs, queries
):
    world = make_municipality(units=units)
    client.force_login(world[who])
    target = reverse(name, kwargs={"municipality": world["municipality"].slug, **kwargs(world)})
    # A ceiling, not an exact count: per-process caches warmed by earlier tests save queries.
    with django_assert_max_num_queries(queries):
        response = client.get(target)
    assert response.status_code == 200
    if name == "followup:cycle":
        assert len(response.context["rows"]) == units
