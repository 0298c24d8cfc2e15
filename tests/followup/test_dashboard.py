"""The cycle dashboard, the exports, and constant query counts at 5 and 200 units."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ale_safety.middleware import SessionLifetimeMiddleware
from followup.models import Cycle, Report
from responsibilities.models import OrganisationUnit
from tests.followup.conftest import demo_report, user

pytestmark = pytest.mark.django_db


def cycle(year=2026):
    return Cycle.objects.get(version__programme__municipality__slug="ale", year=year)


def url(name, c, **extra):
    return reverse(
        f"followup:{name}", kwargs={"municipality": c.municipality.slug, "pk": c.pk, **extra}
    )


def section(page, heading_id):
    """The text of one section of the page, tags removed."""
    part = page.split(f'id="{heading_id}"')[1].split("</section>")[0]
    # Collapse spaces and line breaks, but keep the no-break spaces of "60 %".
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", part)).strip()


def matrix_row(response, unit):
    return next(row for row in response.context["unit_matrix"].rows if row.report.unit.name == unit)


def test_the_security_chief_sees_every_unit_with_its_status_and_attainment(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    response = client.get(url("cycle", cycle(2025)))
    page = response.content.decode()
    matrix = section(page, "matrix-heading")
    for unit in ("Sektor utbildning", "Ale energibolag AB", "Sektor arbetsliv och stöd"):
        assert unit in matrix
    assert "Returnerad" in matrix and "Utkast" in matrix
    # The columns: the five application areas, then the overall assessment.
    columns = [column.label for column in response.context["unit_matrix"].columns]
    assert columns[2] == "Krisberedskap" and len(columns) == 6
    assert columns[-1] == "Samlad bedömning av trygghets- och säkerhetsarbetet"
    # The returned report counts (the reviewer reads it); the never-submitted draft does not.
    returned = matrix_row(response, "Sektor arbetsliv och stöd")
    assert [cell.summary for cell in returned.cells][:3] == [
        "Ej bedömt",
        "Delvis uppfyllt",
        "Ej bedömt",
    ]
    assert matrix_row(response, "Ale energibolag AB").cells is None
    assert "Inte inskickad: ett utkast räknas inte." in matrix
    # Krisberedskap over five counted reports: 2 met, 1 partly, 1 not met, 1 not assessed.
    assert "Andel av svaren (5 rapporter)" in matrix
    assert "Uppfyllt 40\u00a0% (2 av 5) Delvis uppfyllt 20\u00a0% (1 av 5)" in matrix
    # The drill-down: each assessment links to the area on the unit's report.
    education = demo_report("Sektor utbildning", 2025)
    kris = response.context["unit_matrix"].columns[2]
    link = f'{url_of_report(education)}#area-{kris.area_id}"'
    assert link in page
    assert 'Ej uppfyllt<span class="visually-hidden"> – Sektor utbildning, ' in page


def test_a_units_name_is_escaped_in_every_table(client, demo):
    # The status table, the matrix and the board form's checkboxes are written in Python
    # (followup/templatetags/dashboard.py): each must escape what a template would.
    unit = demo_report("Sektor utbildning", 2025).unit
    OrganisationUnit.objects.filter(pk=unit.pk).update(name='Sektor <i class="x">"u"</i> & co')
    escaped = "Sektor &lt;i class=&quot;x&quot;&gt;&quot;u&quot;&lt;/i&gt; &amp; co"
    client.force_login(user("ale-sakerhetschef"))
    response = client.get(url("cycle", cycle(2025)))
    page = response.content.decode()
    assert '<i class="x">' not in page
    # Its row of statuses, its row of the matrix, and each assessment's link text.
    assert page.count(escaped) == 2 + len(response.context["unit_matrix"].columns)
    # This year the unit has no approved report: it is one of the board form's checkboxes.
    assert unit in cycle(2026).units_without_approved_report()
    current = client.get(url("cycle", cycle(2026))).content.decode()
    assert '<i class="x">' not in current
    checkboxes = current.split('<fieldset class="field checkboxes"')[1].split("</fieldset>")[0]
    assert f'value="{unit.pk}"' in checkboxes
    assert f">{escaped}</label>" in checkboxes


def url_of_report(report):
    return reverse("followup:report", kwargs={"municipality": "ale", "pk": report.pk})


def test_the_drill_down_lands_on_the_area_of_the_report(client, demo):
    client.force_login(user("ale-fortroendevald"))
    response = client.get(url("cycle", cycle(2025)))
    kris = response.context["unit_matrix"].columns[2]
    report = demo_report("Sektor utbildning", 2025)
    page = client.get(url_of_report(report)).content.decode()
    area = page.split(f'<h2 id="area-{kris.area_id}">')[1].split("</section>")[0]
    assert area.startswith("Krisberedskap</h2>")
    assert "Måluppfyllelse inom området" in area and "Ej uppfyllt" in area
    assert '<h2 id="area-general">Övergripande frågor</h2>' in page


def test_the_trend_shows_shares_and_the_number_of_approved_reports_per_year(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    page = client.get(url("cycle", cycle(2026))).content.decode()
    trend = section(page, "trend-heading")
    # All assessments: 2025's four approved reports (24 answers), 2026 (this one) none yet.
    assert (
        "Samtliga bedömningar År Godkända rapporter Uppfyllt Delvis uppfyllt Ej uppfyllt "
        "Ej bedömt 2025 4 63\u00a0% (15 av 24) 25\u00a0% (6 av 24) 13\u00a0% (3 av 24) "
        "0\u00a0% (0 av 24) 2026 denna uppföljning 0 Inga svar i godkända rapporter"
    ) in trend
    # Per area: Krisberedskap 2025 among the approved (the returned report does not count).
    assert "Krisberedskap År Godkända rapporter" in trend
    assert (
        "2025 4 50\u00a0% (2 av 4) 25\u00a0% (1 av 4) 25\u00a0% (1 av 4) 0\u00a0% (0 av 4)" in trend
    )
    # Submission status is still compared with last year (same units, same rule).
    assert "2025 inom parentes" in page


def test_the_dashboard_in_english_writes_percent_the_english_way(client, demo):
    reader = user("ale-fortroendevald")
    reader.language = "en"
    reader.save(update_fields=["language"])
    client.force_login(reader)
    page = client.get(url("cycle", cycle(2025))).content.decode()
    trend = section(page, "trend-heading")
    assert "All assessments Year Approved reports Met Partly met Not met Not assessed" in trend
    assert "2025 this follow-up 4 63% (15 of 24)" in trend
    assert "\u00a0%" not in section(page, "matrix-heading")


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
    matrix = section(page, "matrix-heading")
    assert "Sektor utbildning" in matrix
    rows = response.context["unit_matrix"].rows
    assert {row.report.status_label for row in rows} == {
        "Godkänd",
        "Rapporterad till nämnd",
    }
    assert all(row.cells is not None for row in rows)
    assert "Andel av svaren (4 rapporter)" in matrix
    # Krisberedskap among the four approved: 2 met, 1 partly met, 1 not met.
    assert "Uppfyllt 50\u00a0% (2 av 4) Delvis uppfyllt 25\u00a0% (1 av 4)" in matrix
    # This year: only approved reports are shown, and nothing is approved yet.
    current = client.get(url("cycle", cycle(2026)))
    assert current.context["unit_matrix"].rows == []
    assert "Samhällsbyggnad" not in section(current.content.decode(), "matrix-heading")


def test_a_sector_chief_opens_neither_the_dashboard_nor_another_units_report(client, demo):
    client.force_login(user("ale-sektorchef-2"))  # Sektor samhällsbyggnad
    assert client.get(url("cycle", cycle(2025))).status_code == 404
    # The drill-down's target: another unit's report, submitted this year.
    other = demo_report("Sektor utbildning", 2026)
    Report.objects.filter(pk=other.pk).update(status=Report.Status.SUBMITTED)
    assert client.get(url_of_report(other)).status_code == 404


def test_a_cycle_is_found_under_its_own_municipalitys_address_only(client, demo):
    from followup.views.common import _CYCLE

    assert _CYCLE.compiled()  # read by the statement compiled once, not the ORM
    client.force_login(user("ale-sakerhetschef"))
    ale = cycle(2026)
    page = client.get(url("cycle", ale))
    assert page.status_code == 200 and page.context["cycle"] == ale
    assert page.context["cycle"].version.programme.municipality.slug == "ale"
    kalix = Cycle.objects.get(version__programme__municipality__slug="kalix")
    under_ale = reverse("followup:cycle", kwargs={"municipality": "ale", "pk": kalix.pk})
    assert client.get(under_ale).status_code == 404
    missing = reverse("followup:cycle", kwargs={"municipality": "ale", "pk": 999_999})
    assert client.get(missing).status_code == 404


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


def test_the_exports_queries_read_what_the_orm_reads(demo):
    """The export's reports (compiled once per shape of the reader's lists) and answers
    (compiled once, the reports one argument) are the ORM's rows, for every demo person."""
    from django.db import connection

    from followup.models import Answer
    from followup.models.reports import reader_lists
    from followup.views import dashboard
    from responsibilities.access import access_of
    from responsibilities.models import User

    postgresql = connection.vendor == "postgresql"
    seen = set()
    for person in User.objects.all():
        for shown in (cycle(2025), cycle(2026)):
            rows = dashboard.EXPORTED.fetch(shown.pk, *reader_lists(access_of(person)))
            expected = (
                Report.objects.visible_to(person)
                .filter(cycle=shown)
                .exclude(status=Report.Status.DRAFT)
                .values_list("pk", "unit__name", "status")
                .order_by("unit__path")
            )
            assert rows == list(expected), (person, shown)
            seen.add(len(rows))
            ids = [pk for pk, _unit, _status in rows]
            if ids:
                # Each report's answers in the questions' order (the reports' among themselves
                # as the plan finds them: answer_rows() puts them in the reports' order).
                def per_report(answers):
                    grouped = {}
                    for row in answers:
                        grouped.setdefault(row[0], []).append(row)
                    return grouped

                expected = Answer.objects.filter(report__in=ids).values_list(
                    "report_id",
                    "question__answer_type",
                    "question_text",
                    "question__text",
                    "question__area__text",
                    *dashboard.ANSWER_COLUMNS,
                )
                assert per_report(dashboard.ANSWERS.fetch(ids)) == per_report(
                    expected.order_by("question__position")
                )
    assert len(seen) >= 3  # the chief's, a sector chief's, none
    assert Answer.objects.exists()
    assert bool(dashboard.ANSWERS.compiled()) == postgresql
    shapes = dashboard.EXPORTED._statements.values()
    assert shapes and all(bool(s.compiled()) == postgresql for s in shapes)


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


def test_the_board_forms_units_are_those_still_missing_in_the_readers_language(client, demo):
    # The form's fields are written once per language and set of missing units: a report
    # approved since, or another language, is a form of its own.
    client.force_login(user("ale-sakerhetschef"))
    current = cycle(2026)

    def boxes(page):
        return set(re.findall(r'name="board-without" value="(\d+)"', page))

    missing = current.units_without_approved_report()
    page = client.get(url("cycle", current)).content.decode()
    assert boxes(page) == {str(unit.pk) for unit in missing}
    assert "Anmäl utan rapporterna från dessa enheter" in page
    Report.objects.filter(cycle=current, unit=missing[0]).update(status=Report.Status.APPROVED)
    page = client.get(url("cycle", current)).content.decode()
    assert boxes(page) == {str(unit.pk) for unit in missing[1:]}
    chief = user("ale-sakerhetschef")
    chief.language = "en"
    chief.save(update_fields=["language"])
    page = client.get(url("cycle", current)).content.decode()
    assert boxes(page) == {str(unit.pk) for unit in missing[1:]}
    assert "Report without the reports of these units" in page


def test_the_board_report_date_cannot_be_in_the_future(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    response = client.post(
        url("cycle_board", cycle(2026)), {"board-date": "2099-01-01", "board-paragraph": "1"}
    )
    assert cycle(2026).board_date is None
    page = client.get(response["Location"]).content.decode()
    assert "Beslutsdatumet kan inte ligga i framtiden" in page


PAGES = [
    # (who, URL name, its arguments, queries: session, user, access (one query: its rows also
    # name the municipality in the address), the bell's unread count on HTML pages, and the
    # page's own)
    # The dashboard: cycle, its reports with last year's cycles' (one; whether the person may
    # open each is decided from their Access), the columns (areas with their scale questions:
    # one), units × areas (one), the trend over the years (one: its answers were counted by
    # the first view and kept in the cache until another report is approved), and the risk
    # picture (risks app, through followup.insets: one, the counts and then the scale with
    # the register's size).
    ("chief", "followup:cycle", lambda w: {"pk": w["cycle"].pk}, 10),
    ("chief", "followup:index", lambda w: {}, 5),  # the cycles
    # The list of areas with their counts: areas, questions, answers per question, questions
    # with comments.
    ("chief", "followup:cycle_manage", lambda w: {"pk": w["cycle"].pk}, 11),
    # One area's form on its page: the cycle and the same four, however many questions.
    (
        "chief",
        "followup:cycle_area",
        lambda w: {"pk": w["cycle"].pk, "area": str(w["cycle"].application_areas()[0].pk)},
        9,
    ),
    # The export: cycle, reports, their answers, and its audit event; the Excel file also has
    # the action plan.
    ("chief", "followup:export", lambda w: {"pk": w["cycle"].pk, "fmt": "csv"}, 7),
    ("chief", "followup:export", lambda w: {"pk": w["cycle"].pk, "fmt": "xlsx"}, 8),
    # The form's overview: the report (with the counts of its actions, files and returns),
    # questions, answers, and the risk picture's two (report counts; the register's entries
    # with the scale); review comments only once the report has been returned (these have
    # not). Its parts: tests/followup/test_report_form_parts.py.
    ("sector_chief", "followup:report_edit", lambda w: {"pk": w["report"].pk}, 9),
    # The report page: report, questions, answers, actions, attachments, events (with the
    # answers of each submission), the answers' and actions' history (one query), and the
    # risk picture's two; review comments only once returned.
    ("sector_chief", "followup:report", lambda w: {"pk": w["report"].pk}, 13),
]


@pytest.mark.parametrize(
    ("units", "years", "areas"),
    [(5, 2, 3), (200, 4, 8)],
    ids=["5-units-2-years-3-areas", "200-units-4-years-8-areas"],
)
@pytest.mark.parametrize(("who", "name", "kwargs", "queries"), PAGES, ids=[p[1] for p in PAGES])
def test_query_counts_do_not_grow_with_units(
    client,
    make_municipality,
    django_assert_num_queries,
    units,
    years,
    areas,
    who,
    name,
    kwargs,
    queries,
):
    """With more units, more application areas and more years (two programme versions)."""
    world = make_municipality(units=units, years=years, areas=areas)
    client.force_login(world[who])
    target = reverse(name, kwargs={"municipality": world["municipality"].slug, **kwargs(world)})
    client.get(target)  # warms the per-process caches (content types, translations)
    with django_assert_num_queries(queries):
        response = client.get(target)
    assert response.status_code == 200
    if name == "followup:cycle":
        matrix = response.context["unit_matrix"]
        assert len(response.context["rows"]) == len(matrix.rows) == units
        assert len(matrix.columns) == areas + 1  # and the overall assessment
        # Every year has its row in the trend: the earlier ones' reports all approved.
        assert [(row.year, row.reports) for row in response.context["trend"][0].rows] == [
            *((year, units) for year in range(2027 - years, 2026)),
            (2026, 0),
        ]


@pytest.mark.parametrize(
    ("who", "name", "kwargs", "queries"),
    [page for page in PAGES if page[1] in ("followup:cycle", "followup:report")],
    ids=["dashboard", "report"],
)
def test_a_session_refresh_costs_one_query_more(
    client, make_municipality, django_assert_num_queries, who, name, kwargs, queries
):
    """SessionLifetimeMiddleware renews the session once a minute: one UPDATE, no more."""
    world = make_municipality(units=5, years=2, areas=3)
    client.force_login(world[who])
    target = reverse(name, kwargs={"municipality": world["municipality"].slug, **kwargs(world)})
    client.get(target)
    session = client.session
    session[SessionLifetimeMiddleware.SEEN] = 0  # last seen long ago: due for its refresh
    session.save()
    with django_assert_num_queries(queries + 1) as captured:
        assert client.get(target).status_code == 200
    writes = [q["sql"] for q in captured if not q["sql"].lstrip("(").startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith('UPDATE "django_session"')
    assert client.session[SessionLifetimeMiddleware.SEEN] > 0
    with django_assert_num_queries(queries):  # and the next request is back to the pin
        client.get(target)


def test_the_trend_is_written_once_per_content_and_language():
    """trend_tables() keeps what it wrote for the same tables in the same language only."""
    from collections import Counter

    from django.utils import translation

    from followup.stats import Tally, TrendRow, TrendTable
    from followup.templatetags.dashboard import trend_tables

    def tables(met):
        row = TrendRow(2026, True, 1, Tally(Counter({"met": met, "not_met": 1})))
        return [TrendTable("Krisberedskap", [row], programme_text=True)]

    with translation.override("sv"):
        swedish = trend_tables(tables(3))
        assert '75\u00a0% <span class="meta">(3 av 4)</span>' in swedish
        assert "denna uppföljning" in swedish
        assert trend_tables(tables(3)) is swedish  # the same content: written once
        assert "(4 av 5)" in trend_tables(tables(4))  # another count: written anew
    with translation.override("en"):
        english = trend_tables(tables(3))
    assert '75% <span class="meta">(3 of 4)</span>' in english and "this follow-up" in english
    assert '<h3 id="trend-table-1" class="trend-heading" lang="sv">Krisberedskap</h3>' in english
