"""The programme editor: only the security chief of the municipality; drafts never public."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.authz import (
    OTHER_MUNICIPALITY,
    PERSONAS,
    SECURITY_CHIEF,
    Case,
    everyone,
    only,
)

ALE = {"municipality": "ale", "slug": "trygghet-och-sakerhet"}
CHIEF = only([SECURITY_CHIEF])
# POSTs that succeed redirect back to the editor.
CHIEF_POST = only([SECURITY_CHIEF], ok=302)
PDF_NAME = "programmes/related/authz/bilaga.pdf"


def draft():
    """Ale's open draft, started from the adopted version if there is none yet."""
    from programmes.models import Programme, ProgrammeVersion
    from responsibilities.models import User

    programme = Programme.objects.get(municipality__slug="ale", slug=ALE["slug"])
    existing = programme.versions.filter(status=ProgrammeVersion.Status.DRAFT).first()
    return existing or programme.start_revision(by=User.objects.get(username=SECURITY_CHIEF))


def section():
    return draft().sections.get(kind="purposes")


def item():
    return section().items.order_by("position").first()


def with_pk(obj):
    return {**ALE, "pk": obj.pk}


def pdf_document(version):
    from programmes.models import RelatedDocument

    if not default_storage.exists(PDF_NAME):
        default_storage.save(PDF_NAME, ContentFile(b"%PDF-1.4\n%test\n"))
    last = version.related_documents.order_by("-position").first()
    return RelatedDocument.objects.create(
        version=version, position=last.position + 1, title="Bilaga", file=PDF_NAME
    )


def adopted_with_file():
    version = draft()
    document = pdf_document(version)
    version.adopt(**adoption_record())
    return {**ALE, "pk": document.pk}


def adoption_record():
    from responsibilities.models import OrganisationUnit

    return {
        "by": None,
        "adopting_body": OrganisationUnit.objects.get(
            municipality__slug="ale", kind=OrganisationUnit.Kind.COUNCIL
        ),
        "decision_date": datetime.date(2025, 3, 1),
        "paragraph": "12",
        "case_number": "KS 2025/1",
    }


def adoption_data():
    record = adoption_record()
    return {
        "adopting_body": record["adopting_body"].pk,
        "decision_date": "2025-03-01",
        "paragraph": "12",
        "case_number": "KS 2025/1",
        "revision_due": "2028-12-31",
    }


CASES = [
    Case("programmes:index", get=only([SECURITY_CHIEF, OTHER_MUNICIPALITY])),
    Case(
        "programmes:create",
        kwargs=lambda: {"municipality": "ale"},
        get=CHIEF,
        post=CHIEF_POST,
        data=lambda: {"kind": "strategy", "title": "Säkerhetsstrategi", "slug": "strategi"},
    ),
    Case("programmes:document", kwargs=lambda: ALE, get=CHIEF),
    Case("programmes:start_revision", kwargs=lambda: ALE, post=CHIEF_POST),
    # Ale's programme has a fixed revision date: the chief is told so; everyone else gets 404.
    Case("programmes:confirm_review", kwargs=lambda: ALE, post=CHIEF_POST),
    Case("programmes:compare", kwargs=lambda: (draft(), ALE)[1], get=CHIEF),
    Case("programmes:history", kwargs=lambda: (draft(), ALE)[1], get=CHIEF),
    Case(
        "programmes:correct_adoption",
        kwargs=lambda: {**ALE, "number": 1},
        get=CHIEF,
        post=CHIEF_POST,
        data=lambda: {**adoption_data(), "paragraph": "131", "reason": "Protokollet anger § 131"},
    ),
    Case("programmes:edit", kwargs=lambda: (draft(), ALE)[1], get=CHIEF),
    Case(
        "programmes:edit_metadata",
        kwargs=lambda: (draft(), ALE)[1],
        get=CHIEF,
        post=CHIEF_POST,
        data=lambda: {"title": "Nytt program", "revision": draft().revision},
    ),
    Case("programmes:preview", kwargs=lambda: (draft(), ALE)[1], get=CHIEF),
    Case("programmes:delete_draft", kwargs=lambda: (draft(), ALE)[1], get=CHIEF, post=CHIEF_POST),
    Case(
        "programmes:adopt",
        kwargs=lambda: (draft(), ALE)[1],
        get=CHIEF,
        post=CHIEF_POST,
        data=adoption_data,
    ),
    Case(
        "programmes:add_section",
        kwargs=lambda: (draft(), ALE)[1],
        get=CHIEF,
        post=CHIEF_POST,
        data=lambda: {"kind": "free", "heading": "Övrigt"},
    ),
    Case(
        "programmes:edit_section",
        kwargs=lambda: with_pk(section()),
        get=CHIEF,
        post=CHIEF_POST,
        data=lambda: {
            "heading": "Syfte",
            "kind": "purposes",
            "body": "Programmet ska:",
            "closing": "",
            "revision": section().revision,
        },
    ),
    Case(
        "programmes:move_section",
        kwargs=lambda: with_pk(section()),
        post=CHIEF_POST,
        data=lambda: {"direction": "up"},
    ),
    Case(
        "programmes:delete_section", kwargs=lambda: with_pk(section()), get=CHIEF, post=CHIEF_POST
    ),
    Case(
        "programmes:add_item",
        kwargs=lambda: with_pk(section()),
        get=CHIEF,
        post=CHIEF_POST,
        data=lambda: {"text": "Ett nytt syfte"},
    ),
    Case(
        "programmes:edit_item",
        kwargs=lambda: with_pk(item()),
        get=CHIEF,
        post=CHIEF_POST,
        data=lambda: {"text": "Ändrat syfte", "revision": item().revision},
    ),
    Case(
        "programmes:move_item",
        kwargs=lambda: with_pk(item()),
        post=CHIEF_POST,
        data=lambda: {"direction": "down"},
    ),
    Case("programmes:delete_item", kwargs=lambda: with_pk(item()), post=CHIEF_POST),
    Case(
        "programmes:add_related",
        kwargs=lambda: (draft(), ALE)[1],
        get=CHIEF,
        post=CHIEF_POST,
        data=lambda: {"title": "Krisledningsplan", "url": "https://www.ale.se/plan"},
    ),
    Case(
        "programmes:delete_related",
        kwargs=lambda: with_pk(draft().related_documents.first()),
        post=CHIEF_POST,
    ),
    Case(
        "programmes:public_version",
        kwargs=lambda: {**ALE, "number": 1},
        get=everyone(200),
        label="adopted",
    ),
    Case(
        "programmes:public_version",
        kwargs=lambda: {**ALE, "number": draft().number},
        get=everyone(404),
        label="draft",
    ),
    Case(
        "programmes:related_file",
        kwargs=lambda: with_pk(pdf_document(draft())),
        get=only([SECURITY_CHIEF], anonymous=404),
        label="draft",
    ),
    Case(
        "programmes:related_file",
        kwargs=adopted_with_file,
        get=everyone(200),
        label="adopted",
    ),
]
assert all(set(case.get or case.post) == set(PERSONAS) for case in CASES)
