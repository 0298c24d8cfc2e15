"""The report page reads its report and contents through statements compiled once per process
(followup/models/compiled.py): the same instances, relations and prefetched rows as
`Report.objects.with_contents()`, for every report."""

import datetime

import pytest
from django.core.files.base import ContentFile

from followup.models import Action, Attachment, Report
from followup.models.reports import _PAGE_REPORT, _page_contents, page_report
from responsibilities.models import Role
from tests.followup.conftest import reopened, user

pytestmark = pytest.mark.django_db

PREFETCHED = ("answers", "actions", "attachments", "events")


def the_orm_reads(report_pk, slug):
    return (
        Report.objects.with_contents(submitted_answers=True, review_comments=False)
        .filter(pk=report_pk, cycle__version__programme__municipality__slug=slug)
        .first()
    )


def columns(instance):
    if instance is None:
        return None
    return type(instance), {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
    }


def joined(instance, *relations):
    """The columns of the instance and of the relations select_related() cached on it."""
    found = {"": columns(instance)}
    for path in relations:
        current = instance
        for name in path.split("__"):
            field = type(current)._meta.get_field(name)
            assert field.is_cached(current), path  # read with the row, no query later
            current = getattr(current, name)
            if current is None:
                break
        found[path] = columns(current)
    return found


def same_rows(read, expected, *relations):
    assert [joined(row, *relations) for row in read] == [
        joined(row, *relations) for row in expected
    ]


def test_the_page_reads_each_report_as_the_orm_reads_it(
    demo, submitted_report, django_assert_num_queries
):
    # Evidence with a file and an action with its owner and role, beside the demo's own.
    with reopened(submitted_report.pk):
        Attachment.objects.create(
            report=submitted_report,
            file=ContentFile(b"%PDF-1.4", name="plan.pdf"),
            original_name="plan.pdf",
            content_type="application/pdf",
            size=8,
        )
        Action.objects.create(
            report=submitted_report,
            what="Öva utrymning",
            responsible_role=Role.objects.filter(municipality__slug="ale").first(),
            owner=user("ale-sektorchef-2"),
            due_on=datetime.date(2026, 6, 1),
            position=9,
        )
    assert _PAGE_REPORT.compiled()
    assert all(prefetch.statement.compiled() for prefetch in _page_contents())
    checked = 0
    for report_pk, slug in Report.objects.values_list(
        "pk", "cycle__version__programme__municipality__slug"
    ):
        expected = the_orm_reads(report_pk, slug)
        with django_assert_num_queries(6):
            read = page_report(report_pk, slug)
        assert joined(read, "unit", "cycle__version__programme__municipality") == joined(
            expected, "unit", "cycle__version__programme__municipality"
        )
        assert read._prefetched_objects_cache.keys() == expected._prefetched_objects_cache.keys()
        questions = list(read.cycle.questions.all())
        same_rows(questions, expected.cycle.questions.all(), "area")
        assert all(question.cycle is read.cycle for question in questions)
        same_rows(read.answers.all(), expected.answers.all())
        same_rows(read.actions.all(), expected.actions.all(), "responsible_role", "owner")
        same_rows(read.attachments.all(), expected.attachments.all())
        same_rows(read.events.all(), expected.events.all(), "by")
        for relation in PREFETCHED:
            assert all(row.report is read for row in getattr(read, relation).all())
        # Each answer given its question from the cycle's (attach_questions()).
        assert all(
            answer.question is next(q for q in questions if q.pk == answer.question_id)
            for answer in read.answers.all()
        )
        # Queries on a relation still ask for the report's rows only.
        assert list(read.events.filter(to_status=Report.Status.SUBMITTED)) == list(
            expected.events.filter(to_status=Report.Status.SUBMITTED)
        )
        checked += 1
    assert checked >= 10
    read = page_report(submitted_report.pk, "ale")
    assert [a.original_name for a in read.attachments.all()] == ["plan.pdf"]
    assert [(a.owner.username, a.responsible_role is not None) for a in read.actions.all()] == [
        ("ale-sektorchef-2", True)
    ]


def test_no_report_for_another_municipality_or_an_unknown_key(
    demo, submitted_report, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert page_report(submitted_report.pk, "annan-kommun") is None
    assert page_report(-1, "ale") is None
    with django_assert_num_queries(0):
        assert page_report(2**63, "ale") is None  # beyond the key's column, as the ORM


def test_a_missing_relation_is_cached_as_none(demo, submitted_report):
    with reopened(submitted_report.pk):
        action = Action.objects.create(
            report=submitted_report, what="Utan ägare", due_on=datetime.date(2026, 5, 1)
        )
    read = page_report(submitted_report.pk, "ale")
    row = next(a for a in read.actions.all() if a.pk == action.pk)
    assert Action.owner.field.is_cached(row) and row.owner is None
    assert Action.responsible_role.field.is_cached(row) and row.responsible_role is None
