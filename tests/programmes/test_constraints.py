"""The database itself keeps one adopted version per document and adopted content frozen."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import ProgrammeVersion, RelatedDocument, Section, SectionItem
from tests.factories import ItemFactory, SectionFactory, UnitFactory, VersionFactory

pytestmark = pytest.mark.django_db
Status = ProgrammeVersion.Status


@pytest.fixture
def adopted():
    item = ItemFactory()
    version = item.section.version
    council = UnitFactory(municipality=version.programme.municipality, kind="council")
    version.adopt(by=None, adopting_body=council, decision_date=datetime.date(2021, 3, 1))
    version.refresh_from_db()
    return version


def refused(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_it_allows_one_adopted_version_per_document(adopted):
    council = adopted.adopting_body
    refused(
        lambda: ProgrammeVersion.objects.create(
            programme=adopted.programme,
            number=2,
            title="Andra",
            status=Status.ADOPTED,
            adopting_body=council,
        )
    )


def test_it_allows_one_open_draft_per_document():
    draft = VersionFactory()
    refused(lambda: VersionFactory(programme=draft.programme))


def test_it_requires_the_adopting_body_on_adopted_versions():
    version = VersionFactory()
    refused(lambda: ProgrammeVersion.objects.filter(pk=version.pk).update(status=Status.ADOPTED))


def test_it_refuses_validity_ending_before_it_starts():
    refused(
        lambda: VersionFactory(
            valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2023, 1, 1)
        )
    )


def test_it_freezes_the_text_of_an_adopted_version(adopted):
    adopted.title = "Ändrad titel"
    refused(adopted.save)
    refused(lambda: ProgrammeVersion.objects.filter(pk=adopted.pk).update(status=Status.DRAFT))


def test_it_freezes_sections_items_and_related_documents(adopted):
    section = adopted.sections.get()
    item = section.items.get()
    refused(lambda: Section.objects.filter(pk=section.pk).update(heading="Ny rubrik"))
    refused(lambda: SectionItem.objects.filter(pk=item.pk).update(text="Nytt syfte"))
    refused(lambda: SectionItem.objects.filter(pk=item.pk).delete())
    refused(lambda: SectionItem.objects.create(section=section, position=9, text="Extra"))
    refused(lambda: SectionFactory(version=adopted))
    refused(lambda: RelatedDocument.objects.create(version=adopted, position=1, title="Policy"))
    refused(adopted.delete)
    assert SectionItem.objects.get(pk=item.pk).text == item.text


def test_it_lets_the_adoption_record_be_corrected(adopted):
    ProgrammeVersion.objects.filter(pk=adopted.pk).update(paragraph="131", case_number="KS 2021/7")
    adopted.refresh_from_db()
    assert (adopted.paragraph, adopted.case_number) == ("131", "KS 2021/7")


def test_it_lets_drafts_change_freely():
    item = ItemFactory()
    SectionItem.objects.filter(pk=item.pk).update(text="Ändrad")
    item.section.version.delete()
    assert not SectionItem.objects.filter(pk=item.pk).exists()


def test_adopting_a_draft_supersedes_the_adopted_version(adopted):
    draft = VersionFactory(programme=adopted.programme, number=adopted.number + 1)
    draft.adopt(
        by=None,
        adopting_body=adopted.adopting_body,
        decision_date=datetime.date(2025, 2, 1),
        paragraph="12",
        case_number="KS 2025/1",
    )
    adopted.refresh_from_db()
    assert adopted.status == Status.SUPERSEDED
    assert draft.status == Status.ADOPTED
    refused(lambda: ProgrammeVersion.objects.filter(pk=adopted.pk).update(status=Status.ADOPTED))


def test_it_adopts_only_drafts(adopted):
    with pytest.raises(ValidationError):
        adopted.adopt(by=None, adopting_body=adopted.adopting_body)


def test_it_refuses_an_adopting_body_of_another_municipality():
    version = VersionFactory()
    with pytest.raises(ValidationError):
        version.adopt(by=None, adopting_body=UnitFactory(kind="council"))
    version.refresh_from_db()
    assert version.status == Status.DRAFT


def test_it_sanitises_formatted_text():
    section = SectionFactory(
        body='<p onclick="x()">Hej <script>alert(1)</script><a href="javascript:alert(1)">l</a>'
        '<span style="position:fixed">s</span></p>'
    )
    section.refresh_from_db()
    assert "script" not in section.body
    assert "onclick" not in section.body
    assert "javascript:" not in section.body
    assert "style" not in section.body
    assert section.body.startswith("<p>Hej")
