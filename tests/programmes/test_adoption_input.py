"""What a clerk types when recording or correcting a decision: the review interval within its
range and the decision dates in the order the council decided, refused with a message and
nothing saved otherwise."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from programmes.models import Programme, ProgrammeVersion
from responsibilities.audit import AuditEvent
from responsibilities.models import OrganisationUnit, User

pytestmark = pytest.mark.django_db
ALE = {"municipality": "ale", "slug": "trygghet-och-sakerhet"}
S = ProgrammeVersion.Status


@pytest.fixture
def chief(demo):
    return User.objects.get(username="ale-sakerhetschef")


@pytest.fixture
def chief_client(client, chief):
    client.force_login(chief)
    return client


def programme():
    return Programme.objects.get(municipality__slug="ale", slug=ALE["slug"])


def adopted():
    return programme().versions.get(status=S.ADOPTED)


def council():
    return OrganisationUnit.objects.get(municipality__slug="ale", kind="council")


def adoption(**changes):
    return {
        "adopting_body": council().pk,
        "decision_date": "2026-10-20",
        "paragraph": "§ 187",
        "case_number": "KS 2019/41",
        **changes,
    }


def post_adoption(client, **changes):
    return client.post(reverse("programmes:adopt", kwargs=ALE), adoption(**changes))


def unchanged(draft):
    draft.refresh_from_db()
    return draft.is_draft and not AuditEvent.objects.filter(
        action=AuditEvent.Action.ADOPTED, target__contains=f"version {draft.number}"
    )


@pytest.mark.parametrize("years", ["0", "11", "8000", "99999", "-1"])
def test_a_review_interval_out_of_range_is_refused_with_a_message(chief_client, chief, years):
    draft = programme().start_revision(by=chief)
    response = post_adoption(chief_client, review_interval_years=years)
    assert response.status_code == 200
    assert "review_interval_years" in response.context["form"].errors
    assert unchanged(draft)


@pytest.mark.parametrize(("typed", "kept"), [("", 4), ("1", 1), ("10", 10)])
def test_a_review_interval_in_range_or_left_empty_is_recorded(chief_client, chief, typed, kept):
    draft = programme().start_revision(by=chief)
    response = post_adoption(chief_client, review_interval_years=typed)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.ADOPTED and draft.review_interval_years == kept
    assert draft.review_due == datetime.date(2026 + kept, 10, 20)


def test_the_form_offers_the_range(chief_client, chief):
    programme().start_revision(by=chief)
    page = chief_client.get(reverse("programmes:adopt", kwargs=ALE)).content.decode()
    (field,) = re.findall(r'<input[^>]*name="review_interval_years"[^>]*>', page)
    assert 'min="1"' in field and 'max="10"' in field and 'value="4"' in field


def test_the_database_holds_the_range(demo):
    for years in (0, 11):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgrammeVersion.objects.filter(pk=adopted().pk).update(review_interval_years=years)


def adopt_new_version(chief, day):
    draft = programme().start_revision(by=chief)
    draft.adopt(by=chief, adopting_body=council(), decision_date=day)
    return draft


def test_a_decision_older_than_the_version_it_replaces_is_refused(chief_client, chief):
    replaced = adopt_new_version(chief, datetime.date(2026, 10, 1))
    draft = programme().start_revision(by=chief)
    response = post_adoption(chief_client, decision_date="2026-09-30")
    assert response.status_code == 200
    assert response.context["form"].errors["decision_date"] == [
        "Beslutsdatumet kan inte ligga före beslutet om versionen som ersätts (2026-10-01)."
    ]
    assert unchanged(draft)
    assert adopted() == replaced
    # The same day is a decision in order.
    response = post_adoption(chief_client, decision_date="2026-10-01")
    assert response.status_code == 302
    assert adopted() == draft


def correct(client, version, day):
    url = reverse("programmes:correct_adoption", kwargs={**ALE, "number": version.number})
    data = {"adopting_body": council().pk, "decision_date": day, "reason": "Protokollet"}
    return client.post(url, data)


def test_a_correction_keeps_the_decisions_in_order(chief_client, chief):
    first = adopt_new_version(chief, datetime.date(2026, 10, 1))
    second = adopt_new_version(chief, datetime.date(2026, 10, 20))
    response = correct(chief_client, first, "2026-10-21")
    assert response.status_code == 200
    assert response.context["form"].errors["decision_date"] == [
        "Beslutsdatumet kan inte ligga efter beslutet om versionen som ersatte den här "
        "(2026-10-20)."
    ]
    response = correct(chief_client, second, "2026-09-30")
    assert response.context["form"].errors["decision_date"] == [
        "Beslutsdatumet kan inte ligga före beslutet om versionen som ersätts (2026-10-01)."
    ]
    for version, day in (
        (first, datetime.date(2026, 10, 1)),
        (second, datetime.date(2026, 10, 20)),
    ):
        version.refresh_from_db()
        assert version.decision_date == day and not version.corrections.exists()
    # Within the neighbours' dates, a correction is recorded.
    assert correct(chief_client, first, "2026-10-02").status_code == 302
    first.refresh_from_db()
    assert first.decision_date == datetime.date(2026, 10, 2)
