"""Reporting, routing, handling and access of risk reports, as the people involved see them."""

import datetime
import io
import re
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from followup.models import Action, Report
from responsibilities.models import Municipality, Notification
from risks import routing
from risks.lookups import application_areas
from risks.models import ReferenceCounter, RiskEntry, RiskReport, RiskSettings
from risks.routing import Notice as RiskNotice
from tests.risks.conftest import make_report, unit, user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode())


def recipients(report, kind) -> set[str]:
    return set(
        Notification.objects.filter(subject=f"risk:{report.pk}", kind=kind).values_list(
            "recipient__username", flat=True
        )
    )


def form_data(**overrides):
    ale = Municipality.objects.get(slug="ale")
    data = {
        "kind": "flaw",
        "unit": unit("Sektor utbildning").pk,
        "place": "Nödingeskolan, bakre entrén",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "occurred_until": "",
        "area": application_areas(ale)[4].pk,
        "description": "Dörren går inte i lås.",
        "immediate_action": "",
    }
    data.update(overrides)
    return data


# --- 1. Reporting -------------------------------------------------------------------------


def test_it_takes_a_report_from_an_employee_and_gives_a_receipt(client, demo):
    client.force_login(user("ale-medarbetare"))
    url = reverse("risks:report_new", kwargs={"municipality": "ale"})
    response = client.post(url, form_data(), follow=True)
    report = RiskReport.objects.get(description="Dörren går inte i lås.")
    year = timezone.localdate().year
    assert report.reference == f"ALE-{year}-{report.number:04d}"
    text = page(response)
    assert report.reference in text
    mine = page(client.get(reverse("risks:mine", kwargs={"municipality": "ale"})))
    assert report.reference in mine
    assert report.reported_by == user("ale-medarbetare")


def test_it_numbers_after_the_demo_year_and_never_twice(demo):
    first, second = make_report(), make_report()
    assert second.number == first.number + 1
    assert first.number == ReferenceCounter.objects.get(year=first.year).last - 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("occurred_on", "1899-12-31", "1900"),
        ("occurred_on", "2999-01-01", "2100"),
        ("place", "", ""),
        ("kind", "sabotage", ""),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(client, demo, field, value, message):
    client.force_login(user("ale-medarbetare"))
    before = RiskReport.objects.count()
    response = client.post(
        reverse("risks:report_new", kwargs={"municipality": "ale"}), form_data(**{field: value})
    )
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert RiskReport.objects.count() == before


def test_it_refuses_a_date_in_the_future(client, demo):
    client.force_login(user("ale-medarbetare"))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("risks:report_new", kwargs={"municipality": "ale"}),
        form_data(occurred_on=tomorrow),
    )
    assert response.status_code == 400
    assert RiskReport.objects.filter(occurred_on=tomorrow).count() == 0


def test_it_checks_files_like_evidence_files(client, demo):
    client.force_login(user("ale-medarbetare"))
    url = reverse("risks:report_new", kwargs={"municipality": "ale"})
    fake = SimpleUploadedFile("bild.png", b"not an image", content_type="image/png")
    response = client.post(url, {**form_data(), "file": fake})
    assert response.status_code == 400
    photo = SimpleUploadedFile("bild.png", PNG, content_type="image/png")
    response = client.post(url, {**form_data(description="Med bild"), "file": photo})
    report = RiskReport.objects.get(description="Med bild")
    assert report.file_type == "image/png"
    download = client.get(
        reverse("risks:report_file", kwargs={"municipality": "ale", "pk": report.pk})
    )
    assert b"".join(download.streaming_content) == PNG
    client.force_login(user("ale-sektorchef-2"))
    refused = client.get(
        reverse("risks:report_file", kwargs={"municipality": "ale", "pk": report.pk})
    )
    assert refused.status_code == 404


@pytest.mark.parametrize("field", ["description", "immediate_action"])
def test_the_texts_of_a_report_are_limited_to_5000_characters(client, demo, field):
    client.force_login(user("ale-medarbetare"))
    url = reverse("risks:report_new", kwargs={"municipality": "ale"})
    assert re.search(rf'<textarea name="{field}"[^>]* maxlength="5000"', page(client.get(url)))
    before = RiskReport.objects.count()
    response = client.post(url, form_data(**{field: "x" * 5001}))
    assert response.status_code == 400
    assert "Högst 5 000 tecken." in unescape(response.content.decode())
    assert RiskReport.objects.count() == before
    client.post(url, form_data(**{field: "y" * 5000}))
    assert RiskReport.objects.count() == before + 1


def test_the_form_preselects_the_reporters_unit(client, demo):
    client.force_login(user("ale-sektorchef"))
    text = page(client.get(reverse("risks:report_new", kwargs={"municipality": "ale"})))
    assert f'<option value="{unit("Sektor utbildning").pk}" selected>' in text


# --- 2. Routing ---------------------------------------------------------------------------


def test_it_goes_to_the_sector_chief_and_the_security_chief_at_once(new_report):
    assert new_report.handler == user("ale-sektorchef")
    assert recipients(new_report, RiskNotice.RISK_REPORTED) == {
        "ale-sektorchef",
        "ale-sakerhetschef",
    }


def test_it_walks_up_the_tree_to_a_unit_with_a_manager(demo):
    report = make_report("Förskoleenheten Nödinge")
    assert report.handler == user("ale-sektorchef")


def test_a_unit_without_a_manager_above_goes_to_the_security_chief_only(demo):
    report = make_report("Utbildningsnämnden")
    assert report.handler is None
    assert recipients(report, RiskNotice.RISK_REPORTED) == {"ale-sakerhetschef"}


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 11, 27)
    assert routing.working_days_between(friday, datetime.date(2026, 11, 30)) == 1
    assert routing.working_days_between(friday, datetime.date(2026, 12, 2)) == 3


def test_an_unacknowledged_report_reminds_and_escalates_after_working_days(demo):
    RiskReport.objects.filter(status=RiskReport.Status.RECEIVED).delete()
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)):
        report = make_report()  # a Friday
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)):
        assert routing.scan_unacknowledged() == 0  # Monday and Tuesday: two working days
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)):
        assert routing.scan_unacknowledged() == 1
        routing.scan_unacknowledged()  # a second run adds nothing
    assert recipients(report, RiskNotice.RISK_REMINDER) == {"ale-sektorchef"}
    assert recipients(report, RiskNotice.RISK_ESCALATED) == {"ale-sakerhetschef"}
    assert Notification.objects.filter(subject=f"risk:{report.pk}").count() == 4


def test_the_number_of_days_is_the_municipalitys(demo):
    RiskReport.objects.filter(status=RiskReport.Status.RECEIVED).delete()
    RiskSettings.objects.filter(municipality__slug="ale").update(acknowledge_within_days=10)
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)):
        make_report()
    with time_machine.travel(datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)):
        assert routing.scan_unacknowledged() == 0


def test_an_acknowledged_report_is_not_escalated(new_report):
    new_report.start_assessment(by=user("ale-sektorchef"))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30)):
        routing.scan_unacknowledged()
    assert recipients(new_report, RiskNotice.RISK_ESCALATED) == set()
    assert recipients(new_report, RiskNotice.RISK_REMINDER) == set()


# --- 3. Handling --------------------------------------------------------------------------


def handle_to_closed(report, by="ale-sektorchef"):
    handler = user(by)
    scale = RiskSettings.for_municipality(report.municipality_id)
    report.start_assessment(by=handler)
    report.assess(by=handler, likelihood=3, consequence=4, scale=scale)
    report.decide_measure(
        by=handler,
        measure="Byt låset på bakre entrén",
        owner_role=None,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    report.close(by=handler, note="Låset är bytt.")
    return report


def test_it_is_handled_to_closed_with_an_action_in_the_units_plan(new_report):
    handle_to_closed(new_report)
    new_report.refresh_from_db()
    assert new_report.status == RiskReport.Status.CLOSED
    action = new_report.action
    assert action.report == Report.objects.get(unit__name="Sektor utbildning", cycle__year=2026)
    assert new_report.reference in action.what
    assert action.status == Action.Status.DONE
    steps = list(new_report.events.filter(kind="step").values_list("to_status", "by__username"))
    assert steps == [
        ("assessing", "ale-sektorchef"),
        ("measure_decided", "ale-sektorchef"),
        ("closed", "ale-sektorchef"),
    ]
    # The reporter is told of each of the three steps.
    assert (
        Notification.objects.filter(
            recipient__username="ale-medarbetare", kind=RiskNotice.RISK_UPDATED
        ).count()
        == 3
    )


def test_a_step_out_of_order_is_refused(new_report):
    with pytest.raises(ValidationError):
        new_report.close(by=user("ale-sektorchef"), note="Klart")
    with pytest.raises(ValidationError):
        new_report.decide_measure(
            by=user("ale-sektorchef"), measure="x", owner_role=None, due_on=timezone.localdate()
        )
    new_report.refresh_from_db()
    assert new_report.status == RiskReport.Status.RECEIVED
    assert new_report.events.count() == 0


def test_a_measure_needs_an_assessment(new_report):
    new_report.start_assessment(by=user("ale-sektorchef"))
    with pytest.raises(ValidationError):
        new_report.decide_measure(
            by=user("ale-sektorchef"), measure="x", owner_role=None, due_on=timezone.localdate()
        )
    assert Action.objects.filter(what__contains=new_report.reference).count() == 0


def test_it_can_be_closed_as_not_a_risk_with_a_reason(new_report):
    with pytest.raises(ValidationError):
        new_report.dismiss(by=user("ale-sakerhetschef"), note=" ")
    new_report.dismiss(by=user("ale-sakerhetschef"), note="Dörren är en nödutgång.")
    new_report.refresh_from_db()
    assert new_report.status == RiskReport.Status.NOT_A_RISK
    assert new_report.closed_at is not None


def test_the_handler_and_reporter_comment_and_the_other_is_told(client, new_report):
    url = reverse("risks:report_comment", kwargs={"municipality": "ale", "pk": new_report.pk})
    client.force_login(user("ale-sektorchef"))
    client.post(url, {"comment-text": "Vilken dörr menar du?"})
    client.force_login(user("ale-medarbetare"))
    client.post(url, {"comment-text": "Den mot parkeringen."})
    told = set(
        Notification.objects.filter(kind=RiskNotice.RISK_COMMENT).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"ale-medarbetare", "ale-sektorchef"}
    text = page(
        client.get(reverse("risks:report", kwargs={"municipality": "ale", "pk": new_report.pk}))
    )
    assert "Vilken dörr menar du?" in text and "Den mot parkeringen." in text


@pytest.mark.parametrize(
    ("text", "message"), [("x" * 5001, "Högst 5 000 tecken."), (" ", "Skriv en kommentar.")]
)
def test_a_refused_comment_is_shown_again_with_its_error(client, new_report, text, message):
    client.force_login(user("ale-medarbetare"))
    response = client.post(
        reverse("risks:report_comment", kwargs={"municipality": "ale", "pk": new_report.pk}),
        {"comment-text": text},
    )
    assert response.status_code == 400
    shown = unescape(response.content.decode())
    assert re.search(rf'<ul class="errorlist" id="id_comment-text_error"><li>{message}</li>', shown)
    assert f">\n{text}</textarea>" in shown
    assert not new_report.events.exists()
    assert not Notification.objects.filter(kind=RiskNotice.RISK_COMMENT).exists()


@pytest.mark.parametrize("intent", ["close", "dismiss"])
def test_a_too_long_closing_note_is_shown_again_with_its_error(client, new_report, intent):
    chief = user("ale-sakerhetschef")
    if intent == "close":
        new_report.start_assessment(by=chief)
        new_report.assess(by=chief, likelihood=3, consequence=4, scale=RiskSettings())
        new_report.decide_measure(
            by=chief, measure="Byt låset", owner_role=None, due_on=timezone.localdate()
        )
    status = RiskReport.objects.get(pk=new_report.pk).status
    note = "Låset är bytt. " + "x" * 5000
    client.force_login(chief)
    response = client.post(
        reverse("risks:report_step", kwargs={"municipality": "ale", "pk": new_report.pk}),
        {"intent": intent, f"{intent}-note": note},
    )
    assert response.status_code == 400
    shown = unescape(response.content.decode())
    assert re.search(rf'id="id_{intent}-note_error"><li>Högst 5 000 tecken.</li>', shown)
    assert f">\n{note}</textarea>" in shown
    new_report.refresh_from_db()
    assert (new_report.status, new_report.closing_note) == (status, "")


def test_the_steps_through_the_pages(client, new_report):
    client.force_login(user("ale-sektorchef"))
    url = reverse("risks:report_step", kwargs={"municipality": "ale", "pk": new_report.pk})
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    client.post(url, {"intent": "start"})
    client.post(url, {"intent": "assess", "assess-likelihood": "2", "assess-consequence": "4"})
    client.post(url, {"intent": "decide", "measure-measure": "Nytt lås", "measure-due_on": due})
    client.post(url, {"intent": "close", "close-note": "Bytt."})
    new_report.refresh_from_db()
    assert (new_report.status, new_report.likelihood, new_report.consequence) == ("closed", 2, 4)


# --- 4. Register and export ----------------------------------------------------------------


def test_an_assessed_risk_goes_into_the_register_and_entries_merge(new_report):
    chief = user("ale-sakerhetschef")
    new_report.start_assessment(by=chief)
    new_report.assess(
        by=chief,
        likelihood=4,
        consequence=4,
        scale=RiskSettings.for_municipality(new_report.municipality_id),
    )
    entry = new_report.add_to_register(by=chief, title="Olåsta entréer")
    other = make_report()
    other.start_assessment(by=chief)
    other.assess(by=chief, likelihood=2, consequence=2, scale=RiskSettings())
    second = other.add_to_register(by=chief, title="Dörrar utan lås")
    second.merge_into(entry, by=chief)
    assert set(entry.reports.values_list("pk", flat=True)) == {new_report.pk, other.pk}
    second.refresh_from_db()
    assert second.retired_at is not None and second.merged_into == entry
    assert entry.level(RiskSettings()) == "very_high"


def test_the_scale_is_the_municipalitys():
    scale = RiskSettings(likelihood_levels=5, consequence_levels=5)
    assert scale.level(1, 5) == "low"
    assert scale.level(5, 5) == "very_high"
    assert RiskSettings().level(2, 3) == "medium"


def test_the_register_export_has_a_sheet_per_area_and_no_formulas(client, demo):
    from openpyxl import load_workbook

    entry = RiskEntry.objects.filter(municipality__slug="ale").first()
    RiskEntry.objects.filter(pk=entry.pk).update(title='=HYPERLINK("http://x")')
    client.force_login(user("ale-sakerhetschef"))
    response = client.get(reverse("risks:register_export", kwargs={"municipality": "ale"}))
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) >= 3
    values = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_owners_are_reminded_of_reviews(demo):
    entry = RiskEntry.objects.filter(municipality__slug="ale").first()
    RiskEntry.objects.filter(pk=entry.pk).update(review_on=timezone.localdate())
    routing.scan_reviews()
    assert Notification.objects.filter(
        kind=RiskNotice.RISK_REVIEW_DUE,
        recipient=entry.owner,
        subject=f"risk-entry:{entry.pk}",
    ).exists()


# --- 5. Confidentiality -------------------------------------------------------------------


def test_a_confidential_report_shows_only_that_it_exists_to_a_manager_who_is_not_its_handler(
    client, demo
):
    report = make_report("Förskoleenheten Nödinge", confidential=True, description="Hemlig uppgift")
    RiskReport.objects.filter(pk=report.pk).update(handler=user("ale-sakerhetschef"))
    url = reverse("risks:report", kwargs={"municipality": "ale", "pk": report.pk})
    client.force_login(user("ale-sektorchef"))
    listing = page(client.get(reverse("risks:inbox", kwargs={"municipality": "ale"})))
    assert report.reference in listing
    assert "Nödingeskolan, bakre entrén" not in listing
    detail = page(client.get(url))
    assert "Hemlig uppgift" not in detail
    step = client.post(
        reverse("risks:report_step", kwargs={"municipality": "ale", "pk": report.pk}),
        {"intent": "start"},
    )
    assert step.status_code == 404
    for username in ("ale-sakerhetschef", "ale-medarbetare"):
        client.force_login(user(username))
        assert "Hemlig uppgift" in page(client.get(url))


# --- 7. Access ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("ale-medarbetare", True),
        ("ale-sektorchef", True),
        ("ale-sakerhetschef", True),
        ("ale-sektorchef-2", False),
        ("ale-fortroendevald", False),
        ("kalix-sakerhetschef", False),
    ],
)
def test_who_sees_a_report(client, new_report, username, sees):
    client.force_login(user(username))
    response = client.get(
        reverse("risks:report", kwargs={"municipality": "ale", "pk": new_report.pk})
    )
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert new_report.description in unescape(response.content.decode())


@pytest.mark.parametrize("days", [30, -1])
def test_a_manager_sees_the_units_reports_only_while_the_assignment_is_in_force(
    client, new_report, days
):
    """A sector chief appointed from next month (or whose assignment ended yesterday) does
    not see the unit's risk reports today: the grant rows are dated, and every read of them
    goes by today's date."""
    from responsibilities.capabilities import RoleKind
    from responsibilities.models import Role
    from tests.factories import AssignmentFactory, UserFactory

    today = timezone.localdate()
    person = UserFactory()
    role = Role.objects.get(municipality__slug="ale", kind=RoleKind.SECTOR_CHIEF)
    period = (
        {"starts_on": today + datetime.timedelta(days=days)}
        if days > 0
        else {
            "starts_on": today - datetime.timedelta(days=90),
            "ends_on": today + datetime.timedelta(days=days),
        }
    )
    AssignmentFactory(person=person, role=role, unit=unit("Sektor utbildning"), **period)
    client.force_login(person)
    url = reverse("risks:report", kwargs={"municipality": "ale", "pk": new_report.pk})
    assert client.get(url).status_code == 404
    assert not RiskReport.objects.visible_to(person).exists()
    assert not RiskEntry.objects.visible_to(person).exists()


def test_council_members_see_the_figures_only(client, new_report):
    client.force_login(user("ale-fortroendevald"))
    text = page(client.get(reverse("risks:overview", kwargs={"municipality": "ale"})))
    assert "<svg" in text
    assert new_report.description not in text
    assert client.get(reverse("risks:inbox", kwargs={"municipality": "ale"})).status_code == 404


@pytest.mark.parametrize(
    ("username", "linked"),
    [("ale-sakerhetschef", True), ("ale-sektorchef", False), ("ale-bolags-vd", False)],
)
def test_the_inbox_links_to_the_risk_picture_for_those_who_may_open_it(
    client, demo, username, linked
):
    client.force_login(user(username))
    overview = reverse("risks:overview", kwargs={"municipality": "ale"})
    inbox = page(client.get(reverse("risks:inbox", kwargs={"municipality": "ale"})))
    assert (f'href="{overview}"' in inbox) == linked
    assert client.get(overview).status_code == (200 if linked else 404)


# --- 6. Into the follow-up -----------------------------------------------------------------


def test_the_units_yearly_report_counts_its_risk_reports(client, new_report):
    handle_to_closed(new_report)
    followup = Report.objects.get(unit__name="Sektor utbildning", cycle__year=2026)
    expected = RiskReport.objects.filter(unit__path__startswith=followup.unit.path, year=2026)
    total, closed = expected.count(), expected.filter(status__in=RiskReport.CLOSED_STATES).count()
    client.force_login(user("ale-sektorchef"))
    text = page(
        client.get(reverse("followup:report", kwargs={"municipality": "ale", "pk": followup.pk}))
    )
    assert f"{total} reports, {total - closed} open and {closed} closed" in text or (
        f"{total} rapporter, {total - closed} öppna och {closed} avslutade" in text
    )
    assert "Byt låset på bakre entrén" in text  # the action in the action plan


def test_the_unit_pdf_and_the_consolidated_pdf_show_the_risk_picture(new_report):
    from followup import reports

    handle_to_closed(new_report)
    followup = Report.objects.with_contents().get(unit__name="Sektor utbildning", cycle__year=2026)
    html = reports.unit_html(reports.unit_document(followup), language="en")
    assert "Risk reports and risk register 2026" in html
    cycle = followup.cycle
    consolidated = reports.consolidated_html(reports.consolidated(cycle), language="en")
    assert "Risks by likelihood and consequence" in consolidated
    count = RiskReport.objects.filter(
        municipality__slug="ale", year=2026, likelihood=3, consequence=4
    ).count()
    assert f"likelihood 3, consequence 4: {count}" in consolidated


def test_the_unit_picture_shows_the_highest_risks_and_counts_them_all(demo):
    """The five highest by likelihood × consequence (ties by title), and the number of every
    active entry of the unit and its sub-units."""
    from risks.picture import unit_picture

    sector = unit("Sektor utbildning")
    before = RiskEntry.objects.active().filter(unit__path__startswith=sector.path).count()
    area = application_areas(Municipality.objects.get(slug="ale"))[0]
    for n, (likelihood, consequence) in enumerate([(5, 5), (1, 1), (4, 5), (5, 4), (2, 2)] * 2):
        RiskEntry.objects.create(
            municipality=sector.municipality,
            unit=unit("Förskoleenheten Nödinge") if n % 2 else sector,
            area=area,
            title=f"Risk {n:02d}",
            likelihood=likelihood,
            consequence=consequence,
            review_on=timezone.localdate() + datetime.timedelta(days=90),
        )
    picture = unit_picture(sector, 2026)
    assert picture.register_count == before + 10
    shown = [
        (entry.title, entry.likelihood * entry.consequence) for entry, _level in picture.highest
    ]
    assert len(shown) == 5
    assert [score for _title, score in shown] == sorted((s for _t, s in shown), reverse=True)
    assert shown[:2] == [("Risk 00", 25), ("Risk 05", 25)]
    everything = [
        (e.likelihood * e.consequence, e.title)
        for e in RiskEntry.objects.active().filter(unit__path__startswith=sector.path)
    ]
    assert [score for _t, score in shown] == sorted((s for s, _t in everything), reverse=True)[:5]


def test_the_unit_pictures_statements_read_what_the_orm_reads(new_report):
    """Compiled once (not the ORM fallback), with the unit's path as a value: the same rows
    as the querysets they are built from."""
    from risks import picture

    handle_to_closed(new_report)
    sector = unit("Sektor utbildning")
    args = (sector.municipality_id, sector.path)
    assert picture._UNIT_COUNTS.compiled() is not None
    assert picture._UNIT_HIGHEST.compiled() is not None
    counts = picture._UNIT_COUNTS.fetch(*args, 2026)
    assert counts and sorted(counts) == sorted(picture._unit_counts(*args, 2026))
    highest = picture._UNIT_HIGHEST.fetch(*args)
    assert highest and highest == list(picture._unit_highest(*args))
    # Another unit's rows are not the sector's.
    other = unit("Förskoleenheten Nödinge")
    assert picture._UNIT_HIGHEST.fetch(other.municipality_id, other.path) == list(
        picture._unit_highest(other.municipality_id, other.path)
    )


def test_the_waiting_panels_statements_read_what_the_orm_reads(new_report):
    """The start page's reports waiting for a manager, compiled once for each shape of a
    handler's lists (the ids one argument each), are the rows of `visible_to()`'s query:
    the same reports, values and joined rows, for every combination of lists."""
    from django.db import connection

    from risks import attention

    postgresql = connection.vendor == "postgresql"
    make_report(unit_name="Förskoleenheten Nödinge")
    sector, preschool = unit("Sektor utbildning"), unit("Förskoleenheten Nödinge")
    kalix = Municipality.objects.get(slug="kalix")

    def shown(reports):
        return [
            (r.pk, r.municipality.slug, r.year, r.number, r.kind, r.unit.name, r.reported_at)
            for r in reports
        ]

    seen = 0
    for person in (user("ale-medarbetare"), user("ale-sektorchef"), user("ale-sakerhetschef")):
        for units in ((sector.pk,), (preschool.pk, sector.pk), ()):
            for municipalities in ((sector.municipality_id,), (kalix.pk,), ()):
                if not (units or municipalities):
                    continue
                rows = attention._WAITING.fetch(person.pk, units, municipalities)
                expected = attention._waiting(person.pk, units, municipalities)
                assert shown(rows) == shown(expected), (person, units, municipalities)
                seen += len(rows)
    assert seen
    shapes = attention._WAITING._statements
    assert len(shapes) == 3 and all(bool(s.compiled()) == postgresql for s in shapes.values())


# --- Query counts -------------------------------------------------------------------------


def more_reports(n):
    for _ in range(n):
        make_report()


def report_kwargs():
    return {"pk": RiskReport.objects.filter(unit__name="Sektor utbildning").first().pk}


# session, user, access (1: its rows also name the municipality), the bell, then the page's own
# queries.
PAGES = [
    ("risks:inbox", "ale-sakerhetschef", dict, 6),
    ("risks:mine", "ale-medarbetare", dict, 5),
    ("risks:register", "ale-sakerhetschef", dict, 6),
    ("risks:overview", "ale-fortroendevald", dict, 5),  # the counts and the scale in one
    ("risks:report_new", "ale-medarbetare", dict, 7),
    ("risks:report", "ale-sakerhetschef", report_kwargs, 9),
]


@pytest.mark.parametrize(("name", "username", "kwargs", "queries"), PAGES)
def test_pages_keep_their_query_count_with_more_data(
    client, demo, django_assert_num_queries, name, username, kwargs, queries
):
    client.force_login(user(username))
    url = reverse(name, kwargs={"municipality": "ale", **kwargs()})
    client.get(url)  # warm the session
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    more_reports(25)
    for report in RiskReport.objects.filter(unit__name="Sektor utbildning")[:10]:
        report.add_comment(by=user("ale-sakerhetschef"), text="Mer data")
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# --- Demo data and the programme page ------------------------------------------------------


def test_the_demo_holds_a_year_of_reports_for_ale(demo):
    reports = RiskReport.objects.filter(municipality__slug="ale", year=2026)
    assert reports.count() >= 20
    assert {r.reported_at.month for r in reports} >= set(range(1, 12)) - {7}
    assert set(reports.values_list("status", flat=True)) == set(RiskReport.Status.values)
    assert RiskEntry.objects.filter(municipality__slug="ale").count() >= 5
    assert not RiskReport.objects.filter(municipality__slug="kalix").exists()


def test_the_programme_page_links_to_the_report_form_for_people_with_a_role(client, demo):
    url = reverse("programmes:public_detail", args=["ale", "trygghet-och-sakerhet"])
    form = reverse("risks:report_new", kwargs={"municipality": "ale"})
    anonymous = page(client.get(url))
    assert form not in anonymous
    client.force_login(user("ale-medarbetare"))
    assert f'href="{form}"' in page(client.get(url))
    client.force_login(user("kalix-sakerhetschef"))
    assert form not in page(client.get(url))


def test_closed_reports_are_deleted_after_the_retention_period(new_report, settings):
    from risks import retention

    settings.RISK_REPORT_RETENTION_DAYS = 30
    new_report.dismiss(by=user("ale-sakerhetschef"), note="Ingen risk.")
    open_one = make_report()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=29)):
        retention.purge_expired()
    assert RiskReport.objects.filter(pk=new_report.pk).exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        retention.purge_expired()
    assert not RiskReport.objects.filter(pk=new_report.pk).exists()
    assert RiskReport.objects.filter(pk=open_one.pk).exists()


def test_the_daily_scan_command_runs_the_risk_scan(demo):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("run_daily_scan", "--no-email", stdout=out)
    assert "Risk reports and register reviews" in out.getvalue()
