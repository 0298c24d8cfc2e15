"""The start page answers "what needs my attention" for each role, with a constant query count."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import Cycle, Report
from followup.reminders import Notice as FollowupNotice
from responsibilities.models import User
from responsibilities.notifications import Notification

# session, user, access (1: its rows also name the municipalities), the bell (1), the roles,
# then one per panel the person's capabilities make relevant (the counts do not depend on how
# much data there is).
QUERIES = {
    "ale-medarbetare": 6,  # + adopted programme
    "ale-fortroendevald": 7,  # + latest approved reports
    "ale-sektorchef": 9,  # + own reports, actions due, risk reports waiting
    "ale-sakerhetschef": 8,  # + documents (revisions, drafts, adopted: one query), to review
    # and overdue (one query), risk reports waiting
    "ale-administrator": 6,  # (the adopted programme, in the documents query)
}


def html(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.fixture
def as_user(client, demo):
    def log_in(username, language="en"):
        user = User.objects.get(username=username)
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
        client.cookies["django_language"] = language
        return user

    return log_in


@pytest.mark.parametrize(("username", "queries"), QUERIES.items())
def test_it_pins_the_query_count_per_role(
    client, as_user, django_assert_num_queries, username, queries
):
    as_user(username)
    with django_assert_num_queries(queries):
        client.get(reverse("start"))


def test_it_keeps_the_count_with_more_data(client, as_user, django_assert_num_queries):
    user = as_user("ale-sakerhetschef")
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, kind=FollowupNotice.ACTION_DUE, subject="s", period=f"p{i}"
            )
            for i in range(5)
        ]
    )
    Report.objects.filter(cycle__status=Cycle.Status.OPEN).update(status=Report.Status.SUBMITTED)
    with django_assert_num_queries(QUERIES["ale-sakerhetschef"]):
        client.get(reverse("start"))


def test_it_shows_the_security_chief_reports_to_review_and_overdue_units(client, as_user):
    as_user("ale-sakerhetschef")
    submitted = Report.objects.filter(status=Report.Status.SUBMITTED).select_related("unit").first()
    page = html(client.get(reverse("start")))
    assert "Governing documents to revise" in page or "Drafts being edited" in page
    assert submitted is not None  # the demo has a report waiting for review
    assert "Reports waiting for your review" in page
    assert submitted.unit.name in page
    Cycle.objects.filter(status=Cycle.Status.OPEN).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    page = html(client.get(reverse("start")))
    assert "Units that have not reported in time" in page


def test_it_shows_the_sector_chief_the_unit_report_with_due_date_and_return_comment(
    client, as_user
):
    user = as_user("ale-sektorchef")
    report = (
        Report.objects.visible_to(user)
        .filter(cycle__status=Cycle.Status.OPEN)
        .select_related("unit", "cycle")
        .first()
    )
    assert report is not None
    page = html(client.get(reverse("start")))
    assert "Your unit's follow-up" in page
    assert report.unit.name in page
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RETURNED, return_comment="Please add the fire drill."
    )
    page = html(client.get(reverse("start")))
    assert "Please add the fire drill." in page
    assert "Returned" in page


def test_it_speaks_swedish_with_swedish_dates(client, as_user):
    as_user("ale-sektorchef", language="sv")
    page = html(client.get(reverse("start")))
    assert "Din enhets uppföljning" in page
    assert "Lämnas senast" in page or "Försenad" in page


def test_it_shows_the_council_member_approved_reports_and_not_the_work_of_others(client, as_user):
    as_user("ale-fortroendevald")
    page = html(client.get(reverse("start")))
    assert "Latest approved follow-up reports" in page
    assert "Reports waiting for your review" not in page
    assert "Your unit's follow-up" not in page


def test_it_shows_the_employee_the_adopted_programme_only(client, as_user):
    as_user("ale-medarbetare")
    page = html(client.get(reverse("start")))
    assert "Your municipality's programme" in page
    assert "Reports waiting for your review" not in page
    assert "Drafts being edited" not in page


def test_it_counts_unread_notifications(client, as_user):
    user = as_user("ale-medarbetare")
    Notification.objects.filter(recipient=user).update(read_at=timezone.now())
    assert "unread notification" not in html(client.get(reverse("start")))
    Notification.objects.create(
        recipient=user, kind=FollowupNotice.ACTION_DUE, subject="s", period="p"
    )
    assert "You have 1 unread notification." in html(client.get(reverse("start")))


@pytest.mark.parametrize(
    ("username", "present", "absent"),
    [
        (
            "ale-medarbetare",
            [],
            ["/styrdokument/", "/uppfoljning/", "/hantera/", "/sakerhetslogg/"],
        ),
        ("ale-fortroendevald", ["/uppfoljning/ale/"], ["/styrdokument/", "/hantera/"]),
        ("ale-sektorchef", ["/uppfoljning/ale/"], ["/styrdokument/", "/sakerhetslogg/"]),
        (
            "ale-sakerhetschef",
            ["/styrdokument/", "/uppfoljning/ale/", "/hantera/ale/", "/sakerhetslogg/ale/"],
            [],
        ),
        ("ale-administrator", ["/hantera/ale/", "/sakerhetslogg/ale/"], ["/uppfoljning/"]),
    ],
)
def test_the_navigation_follows_the_role(client, as_user, username, present, absent):
    as_user(username)
    page = html(client.get(reverse("notifications")))
    nav = page[
        page.index('class="site-nav"') : page.index("</nav>", page.index('class="site-nav"'))
    ]
    for href in present:
        assert f'href="{href}' in nav
    for href in absent:
        assert f'href="{href}' not in nav
    assert 'class="bell" aria-current="page"' in nav


def test_the_password_reset_mail_is_in_the_recipients_language(client, demo, mailoutbox):
    user = User.objects.get(username="ale-medarbetare")
    user.language = "en"
    user.email = "employee@example.invalid"
    user.save(update_fields=["language", "email"])
    client.post(reverse("password_reset"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="sv")
    assert len(mailoutbox) == 1
    swedish = User.objects.get(username="ale-sektorchef")
    swedish.language = "sv"
    swedish.email = "sector@example.invalid"
    swedish.save(update_fields=["language", "email"])
    client.post(reverse("password_reset"), {"email": swedish.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(mailoutbox) == 2
    assert mailoutbox[0].subject.startswith("Choose a new password")
    assert mailoutbox[1].subject.startswith("Välj ett nytt lösenord")


def test_own_reports_compiled_once_read_what_the_access_query_reads(demo):
    """For people who report through unit roles the own-reports panel's query is compiled
    once (the units as a subquery of their grants in force); the rows are those of the query
    over their Access's units, on any day."""
    import datetime as dt

    from django.utils import timezone

    from followup.attention import _OWN_REPORTS, _own_reports
    from responsibilities.access import unit_scope
    from responsibilities.capabilities import Capability
    from responsibilities.models import UnitPermission, User

    assert _OWN_REPORTS.compiled()
    today = timezone.localdate()
    seen = 0
    for person in User.objects.all():
        for day in (today, today - dt.timedelta(days=700)):
            unit_ids = set(
                UnitPermission.objects.in_force(day)
                .filter(user=person, permission__codename=Capability.SUBMIT_FOLLOWUP)
                .values_list("content_object_id", flat=True)
            )
            units = unit_scope(unit_ids, set()).values("pk")
            expected = list(_own_reports(units))
            assert _OWN_REPORTS.fetch(person.pk, day) == expected, person
            seen += bool(expected)
    assert seen  # somebody's reports were compared


def test_the_review_and_overdue_panels_read_what_the_orm_reads(demo):
    """The reports to review and the overdue ones, compiled once for each of the lists a
    person can have (the municipalities one argument each), are the ORM's rows over literal
    lists, for every combination and day."""
    import datetime as dt

    from django.db import connection

    from followup.attention import (
        _OVERDUE,
        _TO_REVIEW,
        _TO_REVIEW_AND_OVERDUE,
        _review_and_overdue,
    )
    from followup.models import Report
    from responsibilities.models import Municipality

    postgresql = connection.vendor == "postgresql"
    assert all(bool(s.compiled()) == postgresql for s in (_TO_REVIEW, _OVERDUE))
    assert bool(_TO_REVIEW_AND_OVERDUE.compiled()) == postgresql
    Report.objects.filter(pk=Report.objects.order_by("pk").values("pk")[:1]).update(
        status=Report.Status.SUBMITTED
    )
    everywhere = tuple(sorted(Municipality.objects.values_list("pk", flat=True)))
    seen = set()
    for day in (dt.date(2000, 1, 1), dt.date(2100, 1, 1)):
        for review in ((), everywhere[:1], everywhere):
            for manage in ((), everywhere[-1:], everywhere):
                if not (review or manage):
                    continue
                expected = list(_review_and_overdue(review, manage, day))
                if review and manage:
                    rows = _TO_REVIEW_AND_OVERDUE.fetch(review, manage, day)
                elif review:
                    rows = _TO_REVIEW.fetch(review)
                else:
                    rows = _OVERDUE.fetch(manage, day)
                assert rows == expected, (review, manage, day)
                seen |= {row["status"] for row in rows}
    # Both panels' reports were compared: waiting for review and overdue with the unit.
    assert Report.Status.SUBMITTED in seen and seen - {Report.Status.SUBMITTED}


def test_the_latest_approved_panel_reads_what_visible_to_reads(demo):
    """The readers' latest approved reports, compiled once per shape of their lists, are the
    rows of `visible_to()`'s query for every person, and for lists no one holds."""
    from django.db import connection

    from followup.attention import _LATEST_APPROVED as statement
    from followup.attention import LATEST_APPROVED, REPORT_COLUMNS, REPORT_FIELDS
    from followup.models import Report
    from followup.models.reports import reader_lists
    from responsibilities.access import access_of
    from responsibilities.models import Municipality, OrganisationUnit, User

    def expected(rows):
        return list(
            rows.filter(status__in=Report.APPROVED_STATES)
            .order_by("-approved_at", "unit__path")
            .values(*REPORT_FIELDS, **REPORT_COLUMNS)[:LATEST_APPROVED]
        )

    seen = 0
    for person in User.objects.all():
        rows = statement.fetch(*reader_lists(access_of(person)))
        assert rows == expected(Report.objects.visible_to(person)), person
        seen += len(rows)
    assert seen
    # Lists no one holds in the demo: a value in a wrong place shows.
    made_up = 0
    ale = Municipality.objects.get(slug="ale").pk
    units = tuple(
        sorted(OrganisationUnit.objects.filter(municipality=ale).values_list("pk", flat=True))
    )
    for lists in (
        (units[:5], (), units[:5], (), (), (), (), ()),
        (units, (ale,), (), (), (), (ale,), units[3:], ()),
        ((), (ale,), (), (), (), (), (), (ale,)),
    ):
        rows = statement.fetch(*lists)
        assert rows == expected(Report.objects.visible_by(*lists)), lists
        made_up += len(rows)
    assert made_up
    postgresql = connection.vendor == "postgresql"
    assert all(bool(s.compiled()) == postgresql for s in statement._statements.values())


def test_the_own_actions_panel_reads_what_the_orm_reads(demo):
    """The start page's actions due soon, compiled once with the units' ids as one argument,
    are the rows of the ORM's query over the same units, for every set of units."""
    import datetime as dt

    from django.db import connection

    from followup.attention import _OWN_ACTIONS, _own_actions
    from followup.models import Action
    from responsibilities.models import OrganisationUnit

    # Compiled on PostgreSQL (a list is one array argument there); elsewhere the ORM.
    assert bool(_OWN_ACTIONS.compiled()) == (connection.vendor == "postgresql")
    units = sorted(OrganisationUnit.objects.values_list("pk", flat=True))
    with_actions = sorted(set(Action.objects.values_list("report__unit_id", flat=True)))
    due_by = dt.date(2100, 1, 1)
    seen = 0
    for chosen in (units[:1], with_actions[:1], with_actions[:3], with_actions, units):
        expected = list(_own_actions(chosen, due_by))
        assert _OWN_ACTIONS.fetch(tuple(chosen), due_by) == expected
        seen += len(expected)
    assert seen
    assert _OWN_ACTIONS.fetch(tuple(units), dt.date(1990, 1, 1)) == []


def test_the_programme_panels_read_what_the_orm_reads(demo):
    """The programme panels' versions, compiled once (the municipality lists one argument
    each, only() the columns shown), are the ORM's rows: same versions, values, joined
    programme and municipality, and the same deferred columns."""
    from django.db import connection

    from programmes.attention import _EDITING, _READING, SHOWN_COLUMNS, _versions
    from responsibilities.models import Municipality

    postgresql = connection.vendor == "postgresql"
    assert bool(_EDITING.compiled()) == bool(_READING.compiled()) == postgresql
    ids = sorted(Municipality.objects.values_list("pk", flat=True))

    def shown(version):
        values = {}
        for column in SHOWN_COLUMNS:
            value = version
            for name in column.split("__"):
                value = getattr(value, name)
            values[column] = value
        return version.pk, values, version.get_deferred_fields()

    seen = 0
    for everywhere in (ids[:1], ids, [-1]):
        for editable in (ids[:1], ids[1:], ids):
            expected = [shown(v) for v in _versions(everywhere, editable)]
            read = _EDITING.fetch(tuple(everywhere), tuple(editable))
            assert [shown(v) for v in read] == expected
            seen += len(expected)
        expected = [shown(v) for v in _versions(everywhere)]
        assert [shown(v) for v in _READING.fetch(tuple(everywhere))] == expected
    assert seen
