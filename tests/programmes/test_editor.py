"""The security chief edits a draft: revisions, parts, conflicts, adoption, history."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import (
    AdoptionCorrection,
    DraftExistsError,
    Programme,
    ProgrammeVersion,
    Section,
    SectionItem,
)
from programmes.services import revision_warnings_for
from responsibilities.models import OrganisationUnit, User
from tests.storage_support import fresh_storage, stored_names

pytestmark = pytest.mark.django_db
Status = ProgrammeVersion.Status
ALE = {"municipality": "ale", "slug": "trygghet-och-sakerhet"}


@pytest.fixture
def chief(demo):
    return User.objects.get(username="ale-sakerhetschef")


@pytest.fixture
def programme(demo):
    return Programme.objects.get(municipality__slug="ale", slug=ALE["slug"])


@pytest.fixture
def draft(programme, chief):
    return programme.start_revision(by=chief)


@pytest.fixture
def chief_client(client, chief):
    client.force_login(chief)
    return client


def url(name, **kwargs):
    return reverse(f"programmes:{name}", kwargs={**ALE, **kwargs})


def purposes(version):
    return version.sections.get(kind=Section.Kind.PURPOSES)


def test_it_starts_a_revision_as_a_deep_copy_of_the_adopted_version(programme, draft):
    adopted = programme.versions.get(status=Status.ADOPTED)
    assert (draft.number, draft.status, draft.title) == (2, Status.DRAFT, adopted.title)
    assert draft.adopting_body is None and draft.decision_date is None
    assert draft.sections.count() == adopted.sections.count()
    assert SectionItem.objects.filter(section__version=draft).count() == (
        SectionItem.objects.filter(section__version=adopted).count()
    )
    assert list(draft.related_documents.values_list("title", flat=True)) == list(
        adopted.related_documents.values_list("title", flat=True)
    )


def test_it_refuses_a_second_draft_and_points_to_the_first(programme, draft, chief, chief_client):
    with pytest.raises(DraftExistsError) as error:
        programme.start_revision(by=chief)
    assert error.value.draft == draft
    response = chief_client.post(url("start_revision"), follow=True)
    assert response.redirect_chain[-1][0] == url("edit")
    assert "already has a draft" in response.content.decode() or "redan ett utkast" in (
        response.content.decode()
    )


def test_it_saves_an_item_and_refuses_a_stale_copy_with_a_conflict_view(draft, chief_client):
    item = purposes(draft).items.order_by("position").first()
    first = chief_client.post(url("edit_item", pk=item.pk), {"text": "Första", "revision": 0})
    assert first.status_code == 302
    stale = chief_client.post(url("edit_item", pk=item.pk), {"text": "Andra", "revision": 0})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Första" in page and "Andra" in page
    assert "<del>Första</del><ins>Andra</ins>" in page
    item.refresh_from_db()
    assert (item.text, item.revision) == ("Första", 1)
    # The conflict form is based on the current revision: saving it again is deliberate.
    assert 'name="revision" value="1"' in page
    merged = chief_client.post(url("edit_item", pk=item.pk), {"text": "Båda", "revision": 1})
    assert merged.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.revision) == ("Båda", 2)


def test_a_stale_section_save_keeps_the_typed_text(draft, chief_client):
    section = purposes(draft)
    data = {"heading": "Syfte", "kind": "purposes", "closing": "", "revision": 0}
    chief_client.post(url("edit_section", pk=section.pk), {**data, "body": "Deras text"})
    response = chief_client.post(url("edit_section", pk=section.pk), {**data, "body": "Min text"})
    assert response.status_code == 409
    assert response.context["form"]["body"].value() == "Min text"
    section.refresh_from_db()
    assert section.body == "<p>Deras text</p>"


def test_nothing_typed_is_lost_on_a_validation_error(draft, chief_client):
    section = purposes(draft)
    response = chief_client.post(
        url("edit_section", pk=section.pk),
        {"heading": "", "kind": "purposes", "body": "Viktig **text**", "revision": 0},
    )
    assert response.status_code == 200
    assert "Viktig **text**" in response.content.decode()
    section.refresh_from_db()
    assert section.revision == 0


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ('<p onclick="x()">Hej<script>alert(1)</script></p>', "<p>Hej</p>"),
        (
            '<p><a href="javascript:alert(1)">länk</a></p>',
            '<p><a rel="noopener noreferrer">länk</a></p>',
        ),
        ('<p style="position:fixed;top:0">Stil</p><style>p{}</style>', "<p>Stil</p>"),
        ("<p><img src=x onerror=alert(1)>Bild</p>", "<p>Bild</p>"),
        (
            "Rad med **fet** och [länk](https://ale.se)\n\n- ett\n- två",
            '<p>Rad med <strong>fet</strong> och <a href="https://ale.se" '
            'rel="noopener noreferrer">länk</a></p><ul><li>ett</li><li>två</li></ul>',
        ),
        ("Text <script>alert(1)</script>", "<p>Text &lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ],
)
def test_it_stores_formatted_text_sanitised(draft, chief_client, typed, stored):
    section = purposes(draft)
    chief_client.post(
        url("edit_section", pk=section.pk),
        {"heading": "Syfte", "kind": "purposes", "body": typed, "revision": 0},
    )
    section.refresh_from_db()
    assert section.body == stored


def test_it_adds_and_reorders_items_without_breaking_unique_positions(draft, chief_client):
    section = purposes(draft)
    chief_client.post(url("add_item", pk=section.pk), {"text": "Fjärde syftet"})
    texts = list(section.items.order_by("position").values_list("text", flat=True))
    assert texts[-1] == "Fjärde syftet"
    new = section.items.get(text="Fjärde syftet")
    response = chief_client.post(url("move_item", pk=new.pk), {"direction": "up"})
    assert response.status_code == 302
    after = list(section.items.order_by("position").values_list("text", flat=True))
    assert after == [*texts[:-2], texts[-1], texts[-2]]
    # Moving the first item up is a no-op, not an error.
    first = section.items.order_by("position").first()
    chief_client.post(url("move_item", pk=first.pk), {"direction": "up"})
    assert section.items.order_by("position").first() == first


def test_htmx_gets_the_section_back_as_a_partial(draft, chief_client):
    section = purposes(draft)
    item = section.items.order_by("position").first()
    response = chief_client.post(
        url("move_item", pk=item.pk), {"direction": "down"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert f'id="item-{item.pk}"' in response.content.decode()


def test_it_adopts_the_draft_and_the_public_page_switches(draft, chief_client, client):
    chief_client.post(
        url("edit_metadata"),
        {"title": "Program för trygghet och säkerhet 2025–2028", "revision": 0},
    )
    council = OrganisationUnit.objects.get(municipality__slug="ale", kind="council")
    response = chief_client.post(
        url("adopt"),
        {
            "adopting_body": council.pk,
            "decision_date": "2025-03-01",
            "paragraph": "12",
            "case_number": "KS 2025/17",
            "revision_due": "2028-12-31",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.paragraph, draft.case_number) == (
        Status.ADOPTED,
        "12",
        "KS 2025/17",
    )
    assert draft.adopted_by_user.username == "ale-sakerhetschef"
    old = ProgrammeVersion.objects.get(programme=draft.programme, number=1)
    assert old.status == Status.SUPERSEDED
    public = client.get(reverse("programmes:public_detail", kwargs=ALE)).content.decode()
    assert "2025–2028" in public
    previous = client.get(reverse("programmes:public_version", kwargs={**ALE, "number": 1}))
    assert previous.status_code == 200
    assert "2021–2024" in previous.content.decode()


def test_adoption_requires_a_decision_date(draft, chief_client):
    council = OrganisationUnit.objects.get(municipality__slug="ale", kind="council")
    response = chief_client.post(url("adopt"), {"adopting_body": council.pk, "paragraph": "12"})
    assert response.status_code == 200
    assert response.context["form"].errors["decision_date"]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_adoption_refuses_a_body_that_cannot_adopt(draft, chief_client):
    sector = OrganisationUnit.objects.filter(municipality__slug="ale", kind="sector").first()
    response = chief_client.post(
        url("adopt"), {"adopting_body": sector.pk, "decision_date": "2025-03-01"}
    )
    assert response.context["form"].errors["adopting_body"]


def test_it_corrects_the_decision_record_with_a_logged_reason(programme, chief, chief_client):
    adopted = programme.versions.get(status=Status.ADOPTED)
    data = {
        "adopting_body": adopted.adopting_body_id,
        "decision_date": "2020-11-30",
        "paragraph": "131",
        "case_number": adopted.case_number,
        "revision_due": "2024-12-31",
        "valid_from": "2021-01-01",
        "valid_until": "2024-12-31",
    }
    refused = chief_client.post(url("correct_adoption", number=adopted.number), data)
    assert refused.context["form"].errors["reason"]
    chief_client.post(
        url("correct_adoption", number=adopted.number), {**data, "reason": "Protokollet: § 131"}
    )
    adopted.refresh_from_db()
    assert adopted.paragraph == "131"
    correction = AdoptionCorrection.objects.get(version=adopted, field="paragraph")
    assert (correction.new_value, correction.corrected_by, correction.reason) == (
        "131",
        chief,
        "Protokollet: § 131",
    )


def test_adopted_content_cannot_change(programme):
    adopted = programme.versions.get(status=Status.ADOPTED)
    item = SectionItem.objects.filter(section__version=adopted).first()
    item.text = "Ändrad"
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()
    with pytest.raises(ValidationError):
        adopted.correct_adoption(by=None, reason="x", title="Ny titel")


def test_it_removes_a_draft_after_confirmation(draft, chief_client):
    assert chief_client.get(url("delete_draft")).status_code == 200
    assert ProgrammeVersion.objects.filter(pk=draft.pk).exists()
    chief_client.post(url("delete_draft"))
    assert not ProgrammeVersion.objects.filter(pk=draft.pk).exists()
    assert chief_client.get(url("edit")).status_code == 404


def test_it_creates_a_strategy_by_copying_kalix_policy(demo, client):
    client.force_login(User.objects.get(username="kalix-sakerhetschef"))
    policy = ProgrammeVersion.objects.get(programme__municipality__slug="kalix")
    response = client.post(
        reverse("programmes:create", kwargs={"municipality": "kalix"}),
        {
            "kind": "strategy",
            "title": "Säkerhetsstrategi för Kalix kommun",
            "slug": "sakerhetsstrategi",
            "copy_from": policy.pk,
        },
    )
    assert response.status_code == 302
    draft = ProgrammeVersion.objects.get(programme__slug="sakerhetsstrategi")
    assert (draft.number, draft.status, draft.title) == (
        1,
        Status.DRAFT,
        "Säkerhetsstrategi för Kalix kommun",
    )
    assert draft.sections.count() == policy.sections.count()
    # Drafts are never public.
    public = client.get(reverse("programmes:municipality", kwargs={"municipality": "kalix"}))
    assert "Säkerhetsstrategi för Kalix" not in public.content.decode()


def test_it_creates_an_empty_document_with_the_usual_sections(chief_client):
    chief_client.post(
        reverse("programmes:create", kwargs={"municipality": "ale"}),
        {"kind": "action_plan", "title": "Handlingsplan", "slug": "handlingsplan"},
    )
    draft = ProgrammeVersion.objects.get(programme__slug="handlingsplan")
    assert draft.sections.filter(kind=Section.Kind.FOLLOW_UP).exists()


def test_compare_marks_added_and_removed_words(draft, chief_client):
    item = purposes(draft).items.order_by("position").first()
    chief_client.post(url("edit_item", pk=item.pk), {"text": "fastställa nya mål", "revision": 0})
    page = chief_client.get(url("compare")).content.decode()
    assert "<ins>nya " in page
    assert "<del>" in page


def test_history_lists_who_changed_what(draft, chief_client):
    item = purposes(draft).items.order_by("position").first()
    chief_client.post(url("edit_item", pk=item.pk), {"text": "Helt ny lydelse", "revision": 0})
    response = chief_client.get(url("history"))
    page = response.content.decode()
    assert "<ins>Helt" in page
    assert any(
        save.who and save.who.username == "ale-sakerhetschef" for save in response.context["saves"]
    )


def test_it_accepts_a_pdf_and_refuses_a_disguised_file(draft, chief_client, settings, tmp_path):
    fresh_storage(settings, tmp_path)
    fake = SimpleUploadedFile("plan.pdf", b"<html>not a pdf</html>", "application/pdf")
    refused = chief_client.post(url("add_related"), {"title": "Plan", "file": fake})
    assert refused.context["form"].errors["file"]
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")
    chief_client.post(url("add_related"), {"title": "Plan", "file": pdf})
    document = draft.related_documents.get(title="Plan")
    served = chief_client.get(reverse("programmes:related_file", kwargs={**ALE, "pk": document.pk}))
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"%PDF")
    assert stored_names() == [document.file.name]
    assert "private" in served["Cache-Control"]  # a draft's file: never kept by a proxy


def test_it_refuses_a_file_that_is_too_large(draft, chief_client, settings, tmp_path):
    fresh_storage(settings, tmp_path)
    settings.PROGRAMMES_MAX_UPLOAD_BYTES = 10
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n" + b"x" * 100, "application/pdf")
    response = chief_client.post(url("add_related"), {"title": "Plan", "file": pdf})
    assert response.context["form"].errors["file"]


# The navigation reads the access rows and the bell on every page.
# The history page reads the names of the adopting bodies and roles its records point to.
PAGES = {"edit": 9, "preview": 8, "compare": 14, "history": 13}


def _get_pages(client):
    for name, most in PAGES.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name)).status_code == 200
        assert len(queries) <= most, f"{name}: {len(queries)} queries"


def test_the_editor_pages_have_a_constant_number_of_queries(draft, chief_client):
    _get_pages(chief_client)
    for section in draft.sections.all():
        for n in range(5):
            last = section.items.order_by("-position").first()
            SectionItem.objects.create(
                section=section, position=(last.position if last else 0) + 1, text=f"Punkt {n}"
            )
    _get_pages(chief_client)


def test_revision_warnings_go_to_those_who_edit(demo):
    chief = User.objects.get(username="ale-sakerhetschef")
    warnings = revision_warnings_for(chief, today=datetime.date(2026, 1, 1))
    assert [v.programme.slug for v in warnings] == ["trygghet-och-sakerhet"]
    assert warnings[0].revision_status[0] == "overdue"
    assert revision_warnings_for(User.objects.get(username="ale-medarbetare")) == []


def test_the_start_page_block_lists_overdue_revisions(demo, rf):
    from django.template.loader import render_to_string
    from django.utils import translation

    chief = User.objects.get(username="ale-sakerhetschef")
    with translation.override("sv"):
        html = render_to_string(
            "programmes/_revision_status_list.html",
            {"revision_warnings": revision_warnings_for(chief)},
        )
    assert "Styrdokument att revidera" in html
    assert "revideringen är försenad sedan 31 december 2024" in html
    assert reverse("programmes:document", kwargs=ALE) in html


def test_a_due_revision_says_in_how_many_months(programme):
    from django.template.loader import render_to_string

    adopted = programme.versions.get(status=Status.ADOPTED)
    adopted.revision_due = datetime.date.today() + datetime.timedelta(days=100)
    html = render_to_string("programmes/_revision_status.html", {"version": adopted})
    assert re.search(r"(ska revideras om|revision due in) 3 (månader|months) \(", html), html


def test_a_save_elsewhere_also_makes_the_editors_copy_stale(draft, chief_client):
    """An admin save (or any full save) counts as a revision; a move does not."""
    item = purposes(draft).items.order_by("position").first()
    chief_client.post(url("move_item", pk=item.pk), {"direction": "down"})
    item.refresh_from_db()
    assert item.revision == 0
    item.text = "Ändrad i administrationen"
    item.save()
    response = chief_client.post(url("edit_item", pk=item.pk), {"text": "Min text", "revision": 0})
    assert response.status_code == 409
