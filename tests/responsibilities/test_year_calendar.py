"""The årshjul: every deadline of a municipality in a year, from the calendar registry."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from followup.models import Cycle, Report
from programmes.models import ProgrammeVersion
from responsibilities.notifications import YearlyDeadline
from risks.models import RiskEntry
from tests.factories import UnitFactory, VersionFactory
from tests.followup import conftest as followup
from tests.followup.conftest import user

pytestmark = pytest.mark.django_db
world = followup.make_municipality  # the follow-up's fixture, under another name here
ALE = reverse("year_calendar", kwargs={"municipality": "ale"})
TODAY = datetime.datetime(2026, 6, 10, 12, tzinfo=datetime.UTC)


def month(response, number) -> list:
    return response.context["months"][number - 1]["entries"]


def titles(response, number) -> list[str]:
    return [e["deadline"].title for e in month(response, number) if e["deadline"]]


@pytest.fixture
def chief(client, demo):
    client.force_login(user("ale-sakerhetschef"))
    return client


@time_machine.travel(TODAY, tick=False)
def test_it_shows_the_current_year_month_by_month_with_every_kind_of_deadline(chief):
    response = chief.get(ALE)
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert len(response.context["months"]) == 12
    assert "Uppföljning av krisberedskap till länsstyrelsen" in titles(response, 2)
    assert "Uppföljning 2025: rapporterna ska vara inne" in titles(response, 1)
    assert "Uppföljning 2026 öppnar" in titles(response, 11)
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2025)
    board = titles(response, cycle.board_date.month)
    assert "Uppföljning 2025 rapporterad till kommunstyrelsen" in board
    committee = [
        t for m in range(1, 13) for t in titles(response, m) if "rapporterad till nämnden" in t
    ]
    reported = Report.objects.filter(
        cycle=cycle, committee_date__year=2026, unit__municipality__slug="ale"
    )
    assert len(committee) == reported.count() > 0
    # Not an election year's follow-up: no RSA in 2026.
    assert not any("RSA" in t for m in range(1, 13) for t in titles(response, m))
    page = response.content.decode()
    assert "Årshjul 2026, Ale kommun" in page and "15 februari" in page


@time_machine.travel(TODAY, tick=False)
def test_the_rsa_falls_on_31_october_of_the_year_after_an_election(chief):
    response = chief.get(ALE, {"ar": "2027"})
    assert response.context["year"] == 2027
    assert "Risk- och sårbarhetsanalys (RSA) till länsstyrelsen" in titles(response, 10)
    rsa = [e["deadline"] for e in month(response, 10) if e["deadline"]]
    assert [d.date for d in rsa if "RSA" in d.title] == [datetime.date(2027, 10, 31)]
    assert "Uppföljning 2026: rapporterna ska vara inne" in titles(response, 1)


@time_machine.travel(TODAY, tick=False)
def test_the_revision_date_of_an_adopted_document_is_shown_in_its_year(chief):
    version = ProgrammeVersion.objects.get(
        programme__municipality__slug="ale", status=ProgrammeVersion.Status.ADOPTED
    )
    ProgrammeVersion.objects.filter(pk=version.pk).update(
        revision_due=datetime.date(2026, 9, 30)
    )  # the adopted text is frozen by a trigger; its dates are not
    response = chief.get(ALE)
    assert f"Revision senast: {version.title}" in titles(response, 9)
    entry = next(e["deadline"] for e in month(response, 9) if e["deadline"])
    assert entry.url == version.programme.get_absolute_url()


@time_machine.travel(TODAY, tick=False)
def test_today_is_marked_where_it_falls(chief):
    response = chief.get(ALE)
    june = month(response, 6)
    today = {"deadline": None, "is_today": True, "iso": "2026-06-10", "day": "10 juni"}
    assert [e for e in june if e["is_today"]] == [today]
    assert response.context["months"][5]["is_current"]
    assert 'aria-current="date"' in response.content.decode()
    other = chief.get(ALE, {"ar": "2025"})
    assert not any(e["is_today"] for m in other.context["months"] for e in m["entries"])


@time_machine.travel(TODAY, tick=False)
def test_a_deadline_on_today_is_marked_itself(chief):
    YearlyDeadline.objects.create(
        municipality=user("ale-sakerhetschef").municipality, name="Övning", month=6, day=10
    )
    response = chief.get(ALE)
    assert [(e["deadline"].title, e["is_today"]) for e in month(response, 6)] == [("Övning", True)]
    assert "(idag)" in response.content.decode()


@pytest.mark.parametrize(
    "value", ["abc", "1899", "2101", "20260", "026", "", " 2026", "2026.0", "２０２６", "-2026"]
)
def test_a_bad_year_is_not_found(chief, value):
    assert chief.get(ALE, {"ar": value}).status_code == 404


@pytest.mark.parametrize("value", ["1900", "2100"])
def test_the_first_and_last_years_are_shown(chief, value):
    response = chief.get(ALE, {"ar": value})
    assert response.status_code == 200 and response.context["year"] == int(value)


@time_machine.travel(TODAY, tick=False)
def test_links_lead_only_where_the_viewer_may_go(client, demo):
    client.force_login(user("ale-medarbetare"))
    response = client.get(ALE)
    assert response.status_code == 200
    january = [e["deadline"] for e in month(response, 1) if e["deadline"]]
    due = next(d for d in january if d.title == "Uppföljning 2025: rapporterna ska vara inne")
    assert due.url == ""  # an employee does not oversee the follow-up
    client.force_login(user("ale-sakerhetschef"))
    january = [e["deadline"] for e in month(client.get(ALE), 1) if e["deadline"]]
    due = next(d for d in january if d.title == "Uppföljning 2025: rapporterna ska vara inne")
    assert due.url == reverse(
        "followup:cycle",
        kwargs={
            "municipality": "ale",
            "pk": Cycle.objects.get(version__programme__municipality__slug="ale", year=2025).pk,
        },
    )


def test_another_municipality_is_not_found_and_a_visitor_is_sent_to_log_in(client, demo):
    client.force_login(user("kalix-sakerhetschef"))
    assert client.get(ALE).status_code == 404
    client.logout()
    response = client.get(ALE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_is_in_english_too(chief):
    user("ale-sakerhetschef").__class__.objects.filter(username="ale-sakerhetschef").update(
        language="en"
    )
    page = chief.get(ALE, {"ar": "2027"}).content.decode()
    assert "Annual calendar 2027" in page and "October" in page


def _add_cycles_and_documents(world, count):
    """`count` more cycles with every date in 2026 and committee reports, documents and
    risks to review."""
    municipality, chief = world["municipality"], world["chief"]
    council = UnitFactory(municipality=municipality, kind="council")
    for year in range(2000, 2000 + count):
        cycle = Cycle.create_for(
            world["cycle"].version,
            year,
            by=chief,
            opens_on=datetime.date(2026, 3, 1),
            due_on=datetime.date(2026, 4, 1),
        )
        Cycle.objects.filter(pk=cycle.pk).update(
            status=Cycle.Status.CLOSED, board_date=datetime.date(2026, 5, 1)
        )
    Report.objects.filter(cycle=world["cycle"]).update(
        status=Report.Status.REPORTED, committee_date=datetime.date(2026, 2, 1)
    )
    for number in range(count):
        version = VersionFactory(programme__municipality=municipality)
        version.adopt(by=None, adopting_body=council, decision_date=datetime.date(2022, 6, 1))
        RiskEntry.objects.create(
            municipality=municipality,
            unit=council,
            title=f"Risk {number}",
            likelihood=2,
            consequence=3,
            review_on=datetime.date(2026, 7, 1),
        )


@pytest.mark.parametrize("extra", [0, 15])
@time_machine.travel(TODAY, tick=False)
def test_the_number_of_queries_does_not_grow_with_cycles_and_documents(
    client, world, django_assert_num_queries, extra
):
    world = world(units=5)
    _add_cycles_and_documents(world, extra)
    client.force_login(world["chief"])
    target = reverse("year_calendar", kwargs={"municipality": world["municipality"].slug})
    client.get(target)  # warms the per-process caches (content types, translations)
    # session, user, access (its rows name the municipality), the bell; yearly dates,
    # documents, cycles, committee reports (with what says whether the viewer may read them),
    # risk reviews
    with django_assert_num_queries(9):
        response = client.get(target)
    shown = sum(1 for m in response.context["months"] for e in m["entries"] if e["deadline"])
    assert shown >= 4 * extra


@time_machine.travel(TODAY, tick=False)
def test_risk_reviews_are_shown_to_those_who_may_open_the_risk(client, demo):
    entry = RiskEntry.objects.filter(
        municipality__slug="ale", retired_at=None, confidential=False
    ).first()
    RiskEntry.objects.filter(pk=entry.pk).update(review_on=datetime.date(2026, 8, 20))
    client.force_login(user("ale-sakerhetschef"))
    august = [e["deadline"] for e in month(client.get(ALE), 8) if e["deadline"]]
    assert [(d.title, d.url) for d in august] == [
        (
            f"Översyn av risk: {entry.title}",
            reverse("risks:entry", kwargs={"municipality": "ale", "pk": entry.pk}),
        )
    ]
    client.force_login(user("ale-medarbetare"))
    assert titles(client.get(ALE), 8) == []


@time_machine.travel(TODAY, tick=False)
def test_the_risk_handler_of_the_municipality_sees_every_units_reviews_a_sector_chief_theirs(
    client, demo
):
    entries = RiskEntry.objects.filter(municipality__slug="ale", confidential=False)
    own = entries.filter(unit__name="Sektor utbildning").first()
    other = entries.filter(unit__name="Sektor samhällsbyggnad").first()
    retired = entries.filter(unit__name="Ale bostadsbolag AB").first()
    RiskEntry.objects.filter(pk__in=[own.pk, other.pk, retired.pk]).update(
        review_on=datetime.date(2026, 9, 1)
    )
    RiskEntry.objects.filter(pk=retired.pk).update(retired_at=TODAY)
    client.force_login(user("ale-sakerhetschef"))
    assert sorted(titles(client.get(ALE), 9)) == sorted(
        f"Översyn av risk: {entry.title}" for entry in (own, other)
    )
    client.force_login(user("ale-sektorchef"))
    assert titles(client.get(ALE), 9) == [f"Översyn av risk: {own.title}"]


@pytest.mark.parametrize(
    "username",
    [
        "ale-sakerhetschef",
        "ale-sektorchef",
        "ale-sektorchef-2",
        "ale-fortroendevald",
        "ale-medarbetare",
        "ale-kommunchef",
        "ale-administrator",
        "kalix-sakerhetschef",
    ],
)
def test_a_committee_report_is_marked_readable_exactly_when_visible_to_lets_the_person_read_it(
    demo, username
):
    from followup.calendar import cycle_deadlines_in
    from responsibilities.models import Municipality

    ale = Municipality.objects.get(slug="ale")
    reports = Report.objects.filter(
        cycle__version__programme__municipality=ale, committee_date__isnull=False
    )
    assert reports.count() >= 2
    viewer = user(username)
    linked = {
        deadline.uid: bool(deadline.url)
        for year in {report.committee_date.year for report in reports}
        for deadline in cycle_deadlines_in(ale, year, viewer)
        if deadline.uid.startswith("committee-")
    }
    visible = set(Report.objects.visible_to(viewer).values_list("pk", flat=True))
    assert linked == {f"committee-{report.pk}": report.pk in visible for report in reports}


def test_the_years_queries_are_compiled_once_and_read_what_the_orm_reads(demo):
    from followup.calendar import CYCLES, REPORTED, _cycles_in, _reported_in
    from programmes.calendar import ADOPTED_OF, _adopted_of
    from responsibilities.calendar import _YEARLY, _yearly_deadlines_of
    from responsibilities.models import Municipality

    read = {"cycles": 0, "reported": 0, "yearly": 0, "documents": 0}
    for municipality in Municipality.objects.all():
        documents = [(v.pk, v.title, v.next_review) for v in ADOPTED_OF.fetch(municipality.pk)]
        assert documents == [(v.pk, v.title, v.next_review) for v in _adopted_of(municipality.pk)]
        read["documents"] += len(documents)
        for year in (2024, 2025, 2026, 2027):
            span = (municipality.pk, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            for drafts, statement in CYCLES.items():
                cycles = statement.fetch(*span)
                assert cycles == list(_cycles_in(*span, drafts=drafts))
                read["cycles"] += len(cycles)
            reported = REPORTED.fetch(*span)
            assert reported == list(_reported_in(*span))
            read["reported"] += len(reported)
        yearly = [(d.pk, d.name, d.month, d.day) for d in _YEARLY.fetch(municipality.pk)]
        assert yearly == [
            (d.pk, d.name, d.month, d.day) for d in _yearly_deadlines_of(municipality.pk)
        ]
        read["yearly"] += len(yearly)
    assert all(read.values()), read
    assert all(s.compiled() for s in (*CYCLES.values(), REPORTED, _YEARLY, ADOPTED_OF))
