"""Report files: asking twice renders once, a change renders again, only one worker renders a
row, access follows the report rules, downloads are audited, the page keeps its query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from followup import reports
from followup.models import Report, ReportFile
from followup.tasks import render_report_file
from programmes import pdf
from responsibilities.audit import AuditEvent
from responsibilities.models import OrganisationUnit, User
from tests.followup.report_pdf_support import ale_cycle, ask, download, report, unit
from tests.programmes.pdf_support import document_text, temporary_media
from tests.storage_support import stored_names

pytestmark = pytest.mark.django_db
media = pytest.fixture(temporary_media)


def reports_page(year=2025):
    return reverse("followup:reports", args=["ale"]) + f"?ar={year}"


@pytest.fixture
def renders(monkeypatch):
    """Counts WeasyPrint runs (the renderer itself still runs)."""
    calls = []
    real = pdf.write_pdf

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "write_pdf", counting)
    return calls


def test_asking_twice_renders_once(
    client, demo, media, renders, django_capture_on_commit_callbacks
):
    first = ask(client, django_capture_on_commit_callbacks)
    second = ask(client, django_capture_on_commit_callbacks)
    assert len(renders) == 1
    assert first.pk == second.pk
    assert second.status == ReportFile.Status.READY
    assert first.content_key == second.content_key
    assert len(stored_names("followup/pdf")) == 1


def test_a_new_approval_renders_again(
    client, demo, media, renders, django_capture_on_commit_callbacks
):
    first = ask(client, django_capture_on_commit_callbacks)
    approved = report("Sektor samhällsbyggnad")
    approved.record_committee(
        by=User.objects.get(username="ale-sakerhetschef"), date=datetime.date(2026, 3, 20)
    )
    second = ask(client, django_capture_on_commit_callbacks)
    assert len(renders) == 2
    assert second.content_key != first.content_key
    text = document_text(download(client, second))
    assert "Sektor samhällsbyggnad Rapporterad till nämnd 2026-01-28 2026-03-20" in text


def test_the_language_is_part_of_the_content(
    client, demo, media, renders, django_capture_on_commit_callbacks
):
    ask(client, django_capture_on_commit_callbacks)
    client.cookies["django_language"] = "en"
    User.objects.filter(username="ale-sakerhetschef").update(language="en")
    english = ask(client, django_capture_on_commit_callbacks, language="en")
    assert len(renders) == 2
    assert ReportFile.objects.filter(kind="board").count() == 2
    assert english.language == "en"


def test_the_page_tells_a_file_that_is_older_than_its_reports(
    client, demo, media, django_capture_on_commit_callbacks
):
    ask(client, django_capture_on_commit_callbacks)
    page = client.get(reports_page()).content.decode()
    assert "Klar" in page and "Rapporterna har ändrats" not in page
    Report.objects.filter(pk=report("Sektor utbildning").pk).update(
        updated_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    page = client.get(reports_page()).content.decode()
    assert "Rapporterna har ändrats sedan filen skapades" in page


def test_running_the_task_twice_renders_once(demo, media, renders):
    row = ReportFile.objects.create(kind="board", cycle=ale_cycle(), language="sv")
    render_report_file(row.pk)
    render_report_file(row.pk)
    row.refresh_from_db()
    assert row.status == ReportFile.Status.READY
    assert len(renders) == 1


def test_a_row_another_worker_is_rendering_is_not_claimed(demo, media, renders):
    row = ReportFile.objects.create(
        kind="board", cycle=ale_cycle(), language="sv", status="running", started_at=timezone.now()
    )
    render_report_file(row.pk)
    assert renders == []
    assert ReportFile.objects.get(pk=row.pk).status == ReportFile.Status.RUNNING
    # Asking again leaves a row being rendered alone.
    again = ReportFile.request(kind="board", cycle=ale_cycle(), unit=None, language="sv", by=None)
    assert again.status == ReportFile.Status.RUNNING


def test_an_abandoned_running_row_is_claimed_again(demo, media, renders, settings):
    started = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    row = ReportFile.objects.create(
        kind="board", cycle=ale_cycle(), language="sv", status="running", started_at=started
    )
    render_report_file(row.pk)
    assert ReportFile.objects.get(pk=row.pk).status == ReportFile.Status.READY
    assert len(renders) == 1


def test_a_gone_row_is_ignored(db):
    render_report_file(123456)


def test_a_failure_is_recorded_and_can_be_asked_for_again(
    client, demo, media, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(html):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf, "write_pdf", broken)
    row = ask(client, django_capture_on_commit_callbacks)
    assert row.status == ReportFile.Status.FAILED
    assert "no fonts" in row.error
    page = client.get(reports_page()).content.decode()
    assert "Misslyckades" in page and "Försök igen" in page
    monkeypatch.undo()
    assert ask(client, django_capture_on_commit_callbacks).status == ReportFile.Status.READY


def test_a_download_is_audited(client, demo, media, django_capture_on_commit_callbacks):
    row = ask(client, django_capture_on_commit_callbacks)
    client.force_login(User.objects.get(username="ale-fortroendevald"))
    response = client.get(reverse("followup:file_download", args=["ale", row.pk]))
    assert "Uppf%C3%B6ljning%202025" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOADED)
    assert event.actor.username == "ale-fortroendevald"
    assert event.target == "Uppföljning 2025 – kommunstyrelsen.pdf"
    assert event.detail == {"kind": "board", "year": 2025, "file": row.pk}


def test_a_file_not_ready_is_not_downloaded(client, demo, media):
    row = ReportFile.objects.create(kind="board", cycle=ale_cycle(), language="sv")
    client.force_login(User.objects.get(username="ale-fortroendevald"))
    response = client.get(reverse("followup:file_download", args=["ale", row.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/uppfoljning/ale/rapporter/?ar=2025#file-board-{ale_cycle().pk}-0"
    )
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOADED).exists()


def test_the_state_is_polled_with_htmx_until_ready(client, demo, media):
    row = ReportFile.objects.create(kind="board", cycle=ale_cycle(), language="sv")
    client.force_login(User.objects.get(username="ale-fortroendevald"))
    url = reverse("followup:file_status", args=["ale", row.pk])
    waiting = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Väntar på att skapas" in waiting and f'hx-get="{url}"' in waiting
    render_report_file(row.pk)
    ready = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Ladda ner PDF" in ready and "hx-get" not in ready


def test_a_sector_chief_cannot_get_another_units_pdf(
    client, demo, media, django_capture_on_commit_callbacks
):
    row = ask(
        client,
        django_capture_on_commit_callbacks,
        kind="unit",
        unit_name="Sektor samhällsbyggnad",
        username="ale-sakerhetschef",
    )
    client.force_login(User.objects.get(username="ale-sektorchef"))
    assert client.get(reverse("followup:file_download", args=["ale", row.pk])).status_code == 404
    client.force_login(User.objects.get(username="ale-sektorchef-2"))
    assert client.get(reverse("followup:file_download", args=["ale", row.pk])).status_code == 200


def test_a_council_member_gets_approved_unit_reports_only(
    client, demo, media, django_capture_on_commit_callbacks
):
    returned = ask(
        client,
        django_capture_on_commit_callbacks,
        kind="unit",
        unit_name="Sektor arbetsliv och stöd",
        username="ale-sakerhetschef",
    )
    client.force_login(User.objects.get(username="ale-fortroendevald"))
    assert (
        client.get(reverse("followup:file_download", args=["ale", returned.pk])).status_code == 404
    )
    page = client.get(reports_page()).content.decode()
    assert "Sektor utbildning" in page
    assert f'id="file-unit-{ale_cycle().pk}-{unit("Sektor arbetsliv och stöd").pk}"' not in page


def test_another_municipality_gets_404(client, demo, media, django_capture_on_commit_callbacks):
    row = ask(client, django_capture_on_commit_callbacks)
    client.force_login(User.objects.get(username="kalix-sakerhetschef"))
    for name in ("followup:file_download", "followup:file_status"):
        assert client.get(reverse(name, args=["ale", row.pk])).status_code == 404
        assert client.get(reverse(name, args=["kalix", row.pk])).status_code == 404
    assert client.get(reports_page()).status_code == 404


def test_the_reports_page_lists_board_committees_and_approved_units(client, demo, media):
    client.force_login(User.objects.get(username="ale-fortroendevald"))
    page = client.get(reports_page()).content.decode()
    cycle = ale_cycle()
    assert f'id="file-board-{cycle.pk}-0"' in page
    for committee in ("Utbildningsnämnden", "Samhällsbyggnadsnämnden"):
        assert f'id="file-committee-{cycle.pk}-{unit(committee).pk}"' in page
    for name in ("Sektor utbildning", "Sektor kommunstyrelsen", "Ale bostadsbolag AB"):
        assert f'id="file-unit-{cycle.pk}-{unit(name).pk}"' in page
    assert page.count("Inte skapad") >= 8
    assert "Program för trygghet och säkerhet" in page


def test_the_reports_page_shows_one_year_the_newest_first(client, demo, media):
    client.force_login(User.objects.get(username="ale-fortroendevald"))
    page = client.get(reverse("followup:reports", args=["ale"])).content.decode()
    assert f'id="file-board-{ale_cycle(2026).pk}-0"' in page
    assert f'id="file-board-{ale_cycle(2025).pk}-0"' not in page
    assert '<a href="?ar=2026" aria-current="page">2026</a>' in page
    older = client.get(reports_page(2025)).content.decode()
    assert f'id="file-board-{ale_cycle(2025).pk}-0"' in older
    assert f'id="file-board-{ale_cycle(2026).pk}-0"' not in older
    assert '<a href="?ar=2025" aria-current="page">2025</a>' in older
    # A year without a follow-up shows the newest one.
    fallback = client.get(reports_page(1999)).content.decode()
    assert f'id="file-board-{ale_cycle(2026).pk}-0"' in fallback
    assert '<a href="?ar=2026" aria-current="page">2026</a>' in fallback


@pytest.mark.parametrize("status", ["ready", "failed"])
def test_the_page_shows_a_files_state_as_the_polled_state_does(client, demo, media, status):
    # The reports page writes its rows inline; the polled state is a template of its own.
    now = timezone.now()
    row = ReportFile.objects.create(
        kind="board",
        cycle=ale_cycle(),
        language="sv",
        status=status,
        finished_at=now,
        content_key="abc" if status == "ready" else "",
    )
    client.force_login(User.objects.get(username="ale-fortroendevald"))
    polled = client.get(
        reverse("followup:file_status", args=["ale", row.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    page = client.get(reports_page()).content.decode()

    def words(html):
        return " ".join(html.replace("<", " <").replace(">", "> ").split())

    start = page.index('<div class="file-state"', page.index(f'id="file-board-{row.cycle_id}-0"'))
    cell = page[start : page.index("</td>", start)]
    assert words(cell) == words(polled)


@pytest.mark.parametrize("files", [0, 1])
def test_the_reports_page_has_a_constant_query_count(
    client, demo, media, files, django_assert_num_queries
):
    if files:
        # Twenty more approved units under a committee, and a file row for every report.
        committee = unit("Utbildningsnämnden")
        for number in range(20):
            extra = OrganisationUnit.objects.create(
                municipality=committee.municipality,
                parent=committee,
                kind="sector",
                name=f"Extra sektor {number}",
            )
            Report.objects.create(cycle=ale_cycle(), unit=extra, status=Report.Status.APPROVED)
        for report_ in Report.objects.filter(cycle__year__in=[2025, 2026]).select_related(
            "cycle", "unit"
        ):
            ReportFile.objects.create(
                kind="unit", cycle=report_.cycle, unit=report_.unit, language="sv"
            )
        ReportFile.objects.create(kind="board", cycle=ale_cycle(), language="sv")
    client.force_login(User.objects.get(username="ale-fortroendevald"))
    # session, user, access (one query, whose rows also name the municipality), bell, cycles,
    # files, reports, committees
    with django_assert_num_queries(8):
        assert client.get(reports_page()).status_code == 200


def test_the_consolidated_data_takes_a_constant_number_of_queries(demo, django_assert_num_queries):
    cycle = ale_cycle()
    # reports, answers, actions, questions, status counts, the units the executive board was
    # told without, the risk picture (one: the counts, then the scale with the register's
    # size; risks app through followup.insets), and the attainment figures of followup.stats:
    # the columns (one), units × areas (one) and the trend over the years (two)
    with django_assert_num_queries(11):
        reports.consolidated(cycle)


def test_the_reports_pages_queries_read_what_the_orm_reads(demo, media):
    """The reports page's queries, compiled once (the cycles' ids one argument), are the
    ORM's rows: the same objects, values, joined rows and deferred columns."""
    from django.db import connection

    from followup import pdf_views
    from followup.models import Cycle
    from responsibilities.models import Municipality

    postgresql = connection.vendor == "postgresql"
    assert pdf_views.PUBLISHED_CYCLES.compiled() and pdf_views.COMMITTEES.compiled()
    assert bool(pdf_views.CYCLE_FILES.compiled()) == postgresql
    assert bool(pdf_views.CYCLE_REPORTS.compiled()) == postgresql
    committee = unit("Utbildningsnämnden")
    for report_ in Report.objects.filter(cycle__year=2025).select_related("cycle", "unit"):
        ReportFile.objects.create(
            kind="unit", cycle=report_.cycle, unit=report_.unit, language="sv"
        )
    ReportFile.objects.create(kind="committee", cycle=ale_cycle(), unit=committee, language="en")

    def shown(rows, *columns):
        values = []
        for row in rows:
            deferred = row.get_deferred_fields()
            shown_row = [type(row), row.pk, sorted(deferred)]
            for column in columns:
                value = row
                for name in column.split("__"):
                    value = getattr(value, name)
                shown_row.append(value)
            values.append(shown_row)
        return values

    def by_pk(row):
        return row[1]

    seen = 0
    for municipality in Municipality.objects.all():
        cycles = pdf_views.PUBLISHED_CYCLES.fetch(municipality.pk)
        columns = ("year", "status", "version__title", "version__programme__slug")
        assert shown(cycles, *columns) == shown(
            pdf_views.published_cycles(municipality.pk), *columns
        )
        committees = pdf_views.COMMITTEES.fetch(municipality.pk)
        assert shown(committees, "name", "path") == shown(
            pdf_views.committees(municipality.pk), "name", "path"
        )
        ids = sorted(Cycle.objects.for_municipality(municipality).values_list("pk", flat=True))
        for chosen in (ids[:1], ids):
            for language in ("sv", "en"):
                files = pdf_views.CYCLE_FILES.fetch(chosen, language)
                columns = ("kind", "cycle_id", "unit_id", "language", "status")
                orm = pdf_views.cycle_files(chosen, language)
                assert sorted(shown(files, *columns), key=by_pk) == sorted(
                    shown(orm, *columns), key=by_pk
                )
                seen += len(files)
            reports_ = pdf_views.CYCLE_REPORTS.fetch(chosen, municipality.pk)
            columns = ("cycle_id", "status", "updated_at", "unit__name", "unit__path", "unit__pk")
            assert shown(reports_, *columns) == shown(
                pdf_views.cycle_reports(chosen, municipality.pk), *columns
            )
            seen += len(reports_)
    assert seen


def test_the_reports_page_without_an_opened_follow_up_says_so_and_reads_nothing_more(
    client, db, django_assert_num_queries
):
    from responsibilities.capabilities import RoleKind
    from tests.factories import AssignmentFactory, MunicipalityFactory, RoleFactory, UserFactory

    municipality = MunicipalityFactory()
    reader = UserFactory()
    AssignmentFactory(
        person=reader, role=RoleFactory(municipality=municipality, kind=RoleKind.COUNCIL)
    )
    client.force_login(reader)
    target = reverse("followup:reports", args=[municipality.slug])
    client.get(target)
    # session, user, access, bell, cycles: no files, reports or committees to read
    with django_assert_num_queries(5):
        response = client.get(target)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ingen uppföljning har öppnats än." in page
    assert 'id="file-board-' not in page
