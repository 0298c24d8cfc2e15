"""The official record: every decision and disclosure is in the security log, in words, written
in the same transaction as the act; § numbers and Dnr are stored once and shown one way."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from followup.models import Cycle, Question, Report
from programmes.models import Programme, ProgrammeVersion
from programmes.references import (
    is_placeholder_case_number,
    normalise_case_number,
    normalise_paragraph,
)
from responsibilities.audit import AuditEvent
from responsibilities.models import OrganisationUnit, Role, User
from tests.followup.conftest import answer_everything, demo_report

pytestmark = pytest.mark.django_db
A = AuditEvent.Action
ALE = {"municipality": "ale", "slug": "trygghet-och-sakerhet"}


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def chief_client(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    return client


def log_page(client, slug="ale") -> str:
    return client.get(f"/sakerhetslogg/{slug}/").content.decode()


def latest(action) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("at")


def council():
    return OrganisationUnit.objects.get(municipality__slug="ale", kind="council")


def test_every_action_is_written_by_some_code_path():
    # An enum member nothing writes is a claim the log cannot keep.
    source = "\n".join(
        path.read_text()
        for app in ("responsibilities", "programmes", "followup", "ale_safety")
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if "migrations" not in path.parts
    )
    unwritten = [
        member.name
        for member in AuditEvent.Action
        if not re.search(rf"Action\.{member.name}\b", source)
    ]
    assert unwritten == []


@pytest.mark.parametrize("typed", ["§ 187", "§187", "187", " § 187 "])
def test_adoption_is_logged_and_the_paragraph_stored_as_the_number(chief_client, typed):
    programme = Programme.objects.get(municipality__slug="ale", slug=ALE["slug"])
    draft = programme.start_revision(by=user("ale-sakerhetschef"))
    response = chief_client.post(
        reverse("programmes:adopt", kwargs=ALE),
        {
            "adopting_body": council().pk,
            "decision_date": "2026-10-20",
            "paragraph": typed,
            "case_number": "Dnr: KS 2019/41",
            "review_interval_years": 4,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.paragraph, draft.case_number) == ("187", "KS 2019/41")
    event = latest(A.ADOPTED)
    assert (event.actor.username, event.ip_address) == ("ale-sakerhetschef", "127.0.0.1")
    assert event.target == f"{draft.title} (version {draft.number})"
    page = log_page(chief_client)
    assert "Dokument antaget" in page and "§ 187" in page and "Dnr KS 2019/41" in page
    public = chief_client.get(reverse("programmes:public_detail", kwargs=ALE)).content.decode()
    assert "§ 187" in public and "§ §" not in public and "Dnr Dnr" not in public


def test_a_decision_date_in_the_future_is_refused(chief_client):
    programme = Programme.objects.get(municipality__slug="ale", slug=ALE["slug"])
    draft = programme.start_revision(by=user("ale-sakerhetschef"))
    response = chief_client.post(
        reverse("programmes:adopt", kwargs=ALE),
        {"adopting_body": council().pk, "decision_date": "2099-01-01", "paragraph": "1"},
    )
    assert "Beslutsdatumet kan inte ligga i framtiden" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft
    assert not AuditEvent.objects.filter(action=A.ADOPTED, target__contains="version 2").exists()


def test_a_malformed_paragraph_or_case_number_is_refused(chief_client):
    Programme.objects.get(municipality__slug="ale", slug=ALE["slug"]).start_revision(
        by=user("ale-sakerhetschef")
    )
    response = chief_client.post(
        reverse("programmes:adopt", kwargs=ALE),
        {
            "adopting_body": council().pk,
            "decision_date": "2026-01-01",
            "paragraph": "tjugo",
            "case_number": "<KS>",
        },
    )
    errors = response.context["form"].errors
    assert set(errors) >= {"paragraph", "case_number"}


def test_correction_draft_start_and_deletion_are_logged(chief_client):
    adopted = ProgrammeVersion.objects.get(
        programme__slug=ALE["slug"], status=ProgrammeVersion.Status.ADOPTED
    )
    data = {
        "adopting_body": adopted.adopting_body_id,
        "decision_date": "2020-12-14",
        "paragraph": "§ 131",
        "case_number": adopted.case_number,
        "reason": "Protokollet anger § 131",
    }
    chief_client.post(
        reverse("programmes:correct_adoption", kwargs={**ALE, "number": adopted.number}), data
    )
    adopted.refresh_from_db()
    assert adopted.paragraph == "131"
    assert latest(A.ADOPTION_CORRECTED).detail["reason"] == "Protokollet anger § 131"
    chief_client.post(reverse("programmes:start_revision", kwargs=ALE))
    assert latest(A.DRAFT_STARTED).actor.username == "ale-sakerhetschef"
    chief_client.post(reverse("programmes:delete_draft", kwargs=ALE))
    assert latest(A.DRAFT_DELETED).target.endswith("(version 2)")
    page = log_page(chief_client)
    for words in ("Beslutsuppgift rättad", "Utkast påbörjat", "Utkast borttaget", "§ 131"):
        assert words in page


def test_the_report_chain_is_logged_with_the_comments(chief_client):
    chief, sector_chief = user("ale-sakerhetschef"), user("ale-sektorchef")
    report = demo_report("Sektor utbildning")
    answer_everything(report)
    report.submit(by=sector_chief)
    report.return_(by=chief, comment="Komplettera krisberedskap.")
    report.submit(by=sector_chief)
    report.approve(by=chief, comment="Tack, godkänd.")
    report.record_committee(by=chief, date=datetime.date(2026, 11, 10), paragraph="§ 88")
    steps = list(
        AuditEvent.objects.filter(target=str(report))
        .order_by("at")
        .values_list("action", flat=True)
    )
    assert steps == [
        A.REPORT_SUBMITTED,
        A.REPORT_RETURNED,
        A.REPORT_SUBMITTED,
        A.REPORT_APPROVED,
        A.REPORT_TO_COMMITTEE,
    ]
    page = log_page(chief_client)
    for words in (
        "Rapport inskickad",
        "Rapport återsänd",
        "Rapport godkänd",
        "Rapport anmäld i nämnden",
        "“Tack, godkänd.”",
        "§ 88",
    ):
        assert words in page
    assert "§ §" not in page


def test_cycle_opening_closing_question_changes_and_board_report_are_logged(chief_client):
    chief = user("ale-sakerhetschef")
    version = ProgrammeVersion.objects.get(
        programme__slug=ALE["slug"], status=ProgrammeVersion.Status.ADOPTED
    )
    cycle = Cycle.create_for(
        version,
        2027,
        by=chief,
        opens_on=datetime.date(2027, 1, 1),
        due_on=datetime.date(2027, 2, 1),
    )
    Question.objects.create(cycle=cycle, text="Före öppnandet")
    assert not AuditEvent.objects.filter(action=A.QUESTION_CHANGED).exists()
    cycle.open(by=chief)
    question = Question.objects.create(cycle=cycle, text="Ny fråga efter öppnandet")
    question.delete()
    assert AuditEvent.objects.filter(action=A.QUESTION_CHANGED).count() == 2
    cycle.close(by=chief)
    cycle.record_board_report(
        by=chief,
        date=datetime.date(2026, 11, 20),
        paragraph="§ 31",
        without=cycle.units_without_approved_report(),
    )
    event = latest(A.BOARD_REPORTED)
    assert event.detail["paragraph"] == "31" and "Sektor utbildning" in event.detail["missing"]
    page = log_page(chief_client)
    for words in (
        "Uppföljning öppnad",
        "Uppföljning stängd",
        "Fråga ändrad efter öppnandet",
        "fråga tillagd: “Ny fråga efter öppnandet”",
        "Uppföljning anmäld i kommunstyrelsen",
        "utan rapporterna från: ",
    ):
        assert words in page


def test_the_board_report_needs_every_unit_or_their_explicit_list(demo):
    chief = user("ale-sakerhetschef")
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    missing = cycle.units_without_approved_report()
    with pytest.raises(Exception, match="Sektor utbildning"):
        cycle.record_board_report(by=chief, date=datetime.date(2026, 11, 1), without=missing[:1])
    cycle.refresh_from_db()
    assert cycle.board_date is None
    assert not AuditEvent.objects.filter(action=A.BOARD_REPORTED, target=str(cycle)).exists()


def test_exports_and_role_changes_are_logged(chief_client):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2025)
    for fmt in ("csv", "xlsx"):
        chief_client.get(
            reverse("followup:export", kwargs={"municipality": "ale", "pk": cycle.pk, "fmt": fmt})
        )
    assert list(
        AuditEvent.objects.filter(action=A.EXPORTED).order_by("at").values_list("detail__format")
    ) == [("csv",), ("xlsx",)]
    role = Role.objects.get(municipality__slug="ale", kind="sector_chief")
    role.responsibility = "Ansvarar för sektorns säkerhetsarbete."
    role.save()
    assert latest(A.ROLE_CHANGED).target == role.name
    page = log_page(chief_client)
    assert "Data exporterade" in page and "XLSX" in page and "Roll ändrad" in page


def test_an_event_is_rolled_back_with_its_act(demo):
    chief = user("ale-sakerhetschef")
    report = demo_report("Sektor samhällsbyggnad")
    with pytest.raises(RuntimeError), transaction.atomic():
        report.approve(by=chief, comment="Godkänd")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action=A.REPORT_APPROVED, target=str(report)).exists()
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("§ 187", "187"), ("§187", "187"), ("187", "187"), ("§§ 12 A", "12 a"), ("", "")],
)
def test_paragraphs_are_normalised(typed, stored):
    assert normalise_paragraph(typed) == stored


def test_case_numbers_keep_the_municipality_form_and_flag_placeholders():
    assert normalise_case_number("Dnr:  KS 2019/41") == "KS 2019/41"
    assert is_placeholder_case_number("XX") and is_placeholder_case_number("xx")
    assert not is_placeholder_case_number("KS 2019/41")


def test_kalix_dnr_is_flagged_as_a_placeholder_to_complete(client, demo):
    client.force_login(user("kalix-sakerhetschef"))
    page = client.get(
        reverse("programmes:document", kwargs={"municipality": "kalix", "slug": "sakerhetspolicy"})
    ).content.decode()
    assert "Diarienumret är en platshållare" in page
