"""Actions: owners and roles of the plan, the action register, its export, status updates."""

import csv
import datetime
import io
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from followup.models import Action, Report
from responsibilities.audit import AuditEvent
from responsibilities.capabilities import RoleKind
from responsibilities.models import Role, action_owners_for
from tests.followup.conftest import demo_report, reopened, user
from tests.followup.test_report_form import edit_url, form_data

pytestmark = pytest.mark.django_db

REGISTER = reverse("followup:actions", kwargs={"municipality": "ale"})
TODAY = timezone.localdate()


def register(client, **filters):
    return client.get(REGISTER, filters)


def status_url(action):
    return reverse("followup:action_status", kwargs={"municipality": "ale", "pk": action.pk})


def add_action(report, what, **fields) -> Action:
    """An action on any report, also one that has left its unit (opened for the set-up)."""
    with reopened(report.pk):
        return Action.objects.create(report=report, what=what, **fields)


@pytest.fixture
def approved_plan(demo):
    """Sektor samhällsbyggnad's approved 2025 report with two actions: one overdue, one due
    in ten days."""
    report = demo_report("Sektor samhällsbyggnad", 2025)
    overdue = add_action(
        report,
        "Se över inpasseringen till stadshuset",
        due_on=TODAY - datetime.timedelta(days=3),
        status=Action.Status.STARTED,
        owner=user("ale-sektorchef-2"),
    )
    soon = add_action(
        report,
        '=HYPERLINK("http://example.com")',
        due_on=TODAY + datetime.timedelta(days=10),
    )
    return overdue, soon


# --- Roles and owners ------------------------------------------------------------------------


def test_it_leaves_political_bodies_out_of_the_roles_that_own_actions(demo):
    kinds = set(
        Role.objects.filter(municipality__slug="ale")
        .owning_actions()
        .values_list("kind", flat=True)
    )
    assert RoleKind.SECTOR_CHIEF in kinds and RoleKind.SECURITY_CHIEF in kinds
    for political in (
        RoleKind.COUNCIL,
        RoleKind.EXECUTIVE_BOARD,
        RoleKind.COMMITTEE,
        RoleKind.ELECTED_REPRESENTATIVE,
    ):
        assert political not in kinds


def test_it_offers_only_roles_that_own_actions_in_the_form(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    page = client.get(edit_url(draft_report), {"del": "handlingsplan"}).content.decode()
    assert "Sektorchef" in page
    assert "Kommunfullmäktige" not in page and "Kommunstyrelsen</option>" not in page


def test_it_refuses_a_political_body_as_responsible_role(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    council = Role.objects.get(municipality__slug="ale", kind=RoleKind.COUNCIL)
    data = form_data(draft_report, "handlingsplan")
    data["actions-0-responsible_role"] = str(council.pk)
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 400
    assert not draft_report.actions.filter(responsible_role=council).exists()


def test_it_offers_the_people_of_the_unit_as_owners(demo):
    unit = demo_report("Sektor utbildning").unit
    owners = set(action_owners_for(unit).values_list("username", flat=True))
    assert {"ale-sektorchef", "ale-sakerhetschef"} <= owners
    # Another sector's chief, an elected member, another municipality's people and the
    # municipality-wide employee role (every employee of Ale) are not.
    assert not owners & {
        "ale-sektorchef-2",
        "ale-fortroendevald",
        "kalix-sakerhetschef",
        "ale-medarbetare",
    }


def test_it_does_not_offer_a_person_whose_assignment_has_ended(demo):
    unit = demo_report("Sektor utbildning").unit
    chief = user("ale-sektorchef")
    chief.assignments.get(unit=unit).end()
    assert not action_owners_for(unit).filter(pk=chief.pk).exists()


def test_it_saves_an_owner_of_the_unit_and_refuses_one_from_another_unit(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    data = form_data(draft_report, "handlingsplan")
    data["actions-0-owner"] = str(user("ale-sektorchef-2").pk)
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not draft_report.actions.filter(owner__isnull=False).exists()

    data["actions-0-owner"] = str(user("ale-sektorchef").pk)
    assert client.post(edit_url(draft_report), data).status_code == 302
    first = draft_report.actions.order_by("position", "pk").first()
    assert first.owner == user("ale-sektorchef")


def test_it_carries_the_owner_and_area_over_to_next_year(demo):
    report = demo_report("Sektor utbildning", 2025)
    carried = Action.objects.get(
        report__cycle__year=2026, carried_from__report=report, what__startswith="Utbilda"
    )
    assert carried.owner_id is None  # nothing to carry in the demo; set one and carry again
    source = carried.carried_from
    area = report.cycle.application_areas().first()
    with reopened(report.pk):
        Action.objects.filter(pk=source.pk).update(owner=user("ale-sektorchef"), area=area)
    draft = demo_report("Sektor utbildning")
    draft.actions.all().delete()
    Report.objects.filter(pk=draft.pk).delete()
    (new,) = Report.objects.create_for(draft.cycle, [draft.unit])
    moved = new.actions.get(carried_from=source)
    assert (moved.owner, moved.area) == (user("ale-sektorchef"), area)


# --- The register ----------------------------------------------------------------------------


def listed(response) -> set[str]:
    return {row["what"] for row in response.context["page"].object_list}


def test_it_shows_the_security_chief_every_units_actions_but_no_draft(client, approved_plan):
    client.force_login(user("ale-sakerhetschef"))
    response = register(client)
    assert response.status_code == 200
    rows = listed(response)
    assert "Se över inpasseringen till stadshuset" in rows
    assert "Genomföra utrymningsövning på samtliga skolor" in rows  # Sektor utbildning 2025
    # Sektor utbildning's 2026 draft is the unit's own until it is submitted.
    ids = {row["pk"] for row in response.context["page"].object_list}
    draft = set(demo_report("Sektor utbildning").actions.values_list("pk", flat=True))
    assert draft and not ids & draft


def test_it_shows_a_sector_chief_their_own_units_actions_only(client, approved_plan):
    client.force_login(user("ale-sektorchef"))
    rows = listed(register(client))
    assert "Genomföra utrymningsövning på samtliga skolor" in rows
    assert "Se över inpasseringen till stadshuset" not in rows
    # Their own draft's actions too (carried over from 2025).
    response = register(client, year=2026)
    draft = set(demo_report("Sektor utbildning").actions.values_list("pk", flat=True))
    assert draft and draft == {row["pk"] for row in response.context["page"].object_list}

    client.force_login(user("ale-sektorchef-2"))
    rows = listed(register(client))
    assert "Se över inpasseringen till stadshuset" in rows
    assert "Genomföra utrymningsövning på samtliga skolor" not in rows


@pytest.mark.parametrize(
    "username",
    ["ale-fortroendevald", "ale-medarbetare", "kalix-sakerhetschef", "ale-administrator"],
)
def test_it_hides_the_register_from_everyone_else(client, demo, username):
    client.force_login(user(username))
    assert register(client).status_code == 404


def test_it_marks_overdue_actions_in_words(client, approved_plan):
    client.force_login(user("ale-sakerhetschef"))
    page = register(client, due="overdue").content.decode()
    assert "Se över inpasseringen till stadshuset" in page
    assert "Förfallen" in page


def test_it_shows_an_actions_text_and_status_note_as_text_not_markup(client, approved_plan):
    overdue, _soon = approved_plan
    with reopened(overdue.report_id):
        Action.objects.filter(pk=overdue.pk).update(what='<script>alert("x")</script> & co')
    overdue.refresh_from_db()
    chief = user("ale-sakerhetschef")
    overdue.update_status(by=chief, status=Action.Status.DONE, note="<b>klart</b>")
    client.force_login(chief)
    html = register(client).content.decode()
    assert "<script>alert" not in html and "<b>klart</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</th>" in html
    assert '<span class="help">&lt;b&gt;klart&lt;/b&gt;</span>' in html


def test_it_filters_by_due_date(client, approved_plan):
    overdue, soon = approved_plan
    client.force_login(user("ale-sakerhetschef"))
    assert overdue.what in listed(register(client, due="overdue"))
    assert soon.what not in listed(register(client, due="overdue"))
    assert listed(register(client, due="soon")) >= {soon.what}
    assert overdue.what not in listed(register(client, due="soon"))


def test_it_filters_by_unit_status_owner_year_and_area(client, approved_plan):
    overdue, soon = approved_plan
    area = overdue.report.cycle.application_areas().first()
    with reopened(overdue.report_id):
        Action.objects.filter(pk=soon.pk).update(area=area)
    client.force_login(user("ale-sakerhetschef"))
    samhall = overdue.report.unit
    assert listed(register(client, unit=samhall.pk)) == {overdue.what, soon.what}
    assert listed(register(client, status="started", unit=samhall.pk)) == {overdue.what}
    assert listed(register(client, owner=user("ale-sektorchef-2").pk)) == {overdue.what}
    assert listed(register(client, area=area.pk)) == {soon.what}
    assert overdue.what not in listed(register(client, year=2026))
    assert overdue.what in listed(register(client, year=2025))


def test_it_paginates(client, demo):
    report = demo_report("Sektor samhällsbyggnad", 2025)
    with reopened(report.pk):
        Action.objects.bulk_create(
            Action(report=report, what=f"Åtgärd {n:03}", due_on=TODAY, position=n)
            for n in range(60)
        )
    client.force_login(user("ale-sakerhetschef"))
    first = register(client)
    assert len(first.context["page"].object_list) == 50
    assert "sida=2" in first.content.decode()
    second = register(client, sida=2)
    assert len(second.context["page"].object_list) == first.context["page"].paginator.count - 50


@pytest.mark.parametrize("first", [False, True])
@pytest.mark.parametrize("number", [None, "1", "2", "3", "99", "0", "-1", "abc", "1.5", " 2"])
def test_a_page_of_the_register_is_the_one_the_paginator_gives(demo, number, first):
    from django.core.paginator import Paginator

    from followup.views.actions import PER_PAGE, page_of, with_total

    report = demo_report("Sektor samhällsbyggnad", 2025)
    with reopened(report.pk):
        Action.objects.bulk_create(
            Action(report=report, what=f"Åtgärd {n:03}", position=n) for n in range(110)
        )
    rows = Action.objects.order_by("pk").values("pk")
    expected = Paginator(rows, PER_PAGE).get_page(number)
    # The first page given otherwise (as the register's statement gives it) or from the rows.
    page = page_of(
        lambda: rows, number, (lambda: list(with_total(rows)[:PER_PAGE])) if first else None
    )
    assert page.number == expected.number
    assert [row["pk"] for row in page] == [row["pk"] for row in expected]
    assert page.paginator.count == expected.paginator.count == Action.objects.count()
    assert page.paginator.num_pages == expected.paginator.num_pages == 3


@pytest.mark.parametrize("first", [False, True])
@pytest.mark.parametrize("number", [None, "1", "2"])
def test_an_empty_register_has_one_empty_page(demo, number, first):
    from followup.views.actions import page_of

    rows = Action.objects.filter(what="Ingen").values("pk")
    page = page_of(lambda: rows, number, (lambda: []) if first else None)
    assert (page.number, list(page), page.paginator.count, page.paginator.num_pages) == (
        1,
        [],
        0,
        1,
    )


@pytest.fixture
def varied_plan(approved_plan):
    """Actions with different owners and areas in Sektor utbildning's 2025 report, and one in
    its 2026 draft (which the security chief does not see)."""
    overdue, soon = approved_plan
    areas = list(overdue.report.cycle.application_areas())
    with reopened(overdue.report_id):
        Action.objects.filter(pk=soon.pk).update(area=areas[0])
    add_action(
        demo_report("Sektor utbildning", 2025),
        "Öva krisledningen",
        area=areas[-1],
        owner=user("ale-sektorchef"),
        due_on=TODAY,
    )
    add_action(demo_report("Sektor utbildning"), "Utkastets åtgärd", owner=user("ale-kommunchef"))
    return overdue, soon


def test_the_filter_lists_are_the_registers_units_areas_and_owners_in_order(client, varied_plan):
    from programmes.models import SectionItem
    from responsibilities.models import OrganisationUnit, User

    chief = user("ale-sakerhetschef")
    client.force_login(chief)
    form = register(client).context["form"]
    actions = Action.objects.in_register_of(chief).filter(report__unit__municipality__slug="ale")
    units = OrganisationUnit.objects.filter(pk__in=actions.values("report__unit")).order_by("path")
    areas = SectionItem.objects.filter(pk__in=actions.values("area")).order_by("text", "pk")
    owners = User.objects.filter(pk__in=actions.values("owner")).order_by(
        "first_name", "last_name", "username"
    )
    assert form.fields["unit"].choices[1:] == [(unit.pk, unit.name) for unit in units]
    assert form.fields["area"].choices[1:] == [(area.pk, area.text) for area in areas]
    assert form.fields["owner"].choices[1:] == [(person.pk, str(person)) for person in owners]
    assert len(units) == 2 and len(areas) == 2
    assert [str(person) for person in owners] == ["Siri Sektorchef", "Sven Sektorchef"]


def test_the_registers_statements_read_what_its_querysets_read(varied_plan):
    from django.db import connection

    from followup.forms import ActionFilterForm
    from followup.models.reports import register_lists
    from followup.views.actions import (
        CHOICE_ROWS,
        FIRST_PAGE,
        PER_PAGE,
        YEARS,
        in_order,
        page_rows,
        registered,
        with_total,
    )
    from responsibilities.access import access_of
    from responsibilities.models import Municipality, User

    ale = Municipality.objects.get(slug="ale")
    units = tuple(sorted(set(Action.objects.values_list("report__unit", flat=True))))
    assert len(units) >= 2
    people = [(ale.pk, *register_lists(access_of(person))) for person in User.objects.all()]
    # And lists no one holds in the demo, each different: a value in a wrong place shows.
    made_up = [
        (ale.pk, units, (), units[:1], (), (), (ale.pk,), (), ()),
        (ale.pk, units[1:], (ale.pk,), (), (), units, (), units[:1], ()),
    ]
    for register in made_up:
        assert registered(*register)
    found = set()
    for register in people + made_up:
        actions = registered(*register)
        choices = CHOICE_ROWS.fetch(*register)
        assert choices == list(ActionFilterForm.choice_rows(actions)), register
        rows = FIRST_PAGE.fetch(*register)
        assert rows == list(with_total(page_rows(in_order(actions)))[:PER_PAGE]), register
        found.add(len(rows))
    assert len(found) >= 3  # registers of different sizes (the chief's, the sector chiefs')
    assert YEARS.fetch(ale.pk) == list(ActionFilterForm.years_of(ale.pk)) != []
    # Compiled once per shape of the lists on PostgreSQL; elsewhere `__any` is IN (…) of the
    # list's length, and the ORM runs them. A register without units or municipalities, or
    # without reports to read, has no rows: the ORM answers it without a query.
    shapes = [
        statement
        for statements in (CHOICE_ROWS._statements, FIRST_PAGE._statements)
        for shape, statement in statements.items()
        if any(shape[:2]) and any(shape[2:])
    ]
    assert len(shapes) >= 4
    assert all(bool(s.compiled()) == (connection.vendor == "postgresql") for s in shapes)
    assert YEARS.compiled()


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"unit": "samhall", "status": "started", "due": "overdue", "owner": "ale-sektorchef-2"},
        {"unit": "x", "year": "1900", "sida": "2"},
    ],
)
def test_the_filters_are_written_as_djangos_widgets_would(client, varied_plan, filters):
    from django.template.loader import render_to_string

    overdue, _soon = varied_plan
    if filters.get("unit") == "samhall":
        filters = {**filters, "unit": overdue.report.unit_id, "owner": user(filters["owner"]).pk}
    client.force_login(user("ale-sakerhetschef"))
    response = register(client, **filters)
    form = response.context["form"]

    def squeezed(html):
        return re.sub(r">\s+<", "><", " ".join(html.split()))

    expected = "".join(render_to_string("_field.html", {"field": field}) for field in form)
    assert squeezed(expected) in squeezed(response.content.decode())
    assert ("selected>" + "Siri Sektorchef") in squeezed(expected) or "owner" not in filters
    assert ('aria-invalid="true"' in expected) == ("x" in filters.values())


# --- Export ----------------------------------------------------------------------------------


def test_it_exports_the_filtered_list_as_csv_with_formulas_neutralised(client, approved_plan):
    overdue, soon = approved_plan
    client.force_login(user("ale-sakerhetschef"))
    url = reverse("followup:actions_export", kwargs={"municipality": "ale", "fmt": "csv"})
    response = client.get(url, {"unit": soon.report.unit_id})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3  # header and the two actions of the unit
    whats = {row[2] for row in rows[1:]}
    assert whats == {overdue.what, "'" + soon.what}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED, detail__rows=2).exists()


def test_it_exports_the_filtered_list_as_xlsx(client, approved_plan):
    from openpyxl import load_workbook

    overdue, _soon = approved_plan
    client.force_login(user("ale-sakerhetschef"))
    url = reverse("followup:actions_export", kwargs={"municipality": "ale", "fmt": "xlsx"})
    response = client.get(url, {"due": "overdue"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    whats = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert overdue.what in whats and all(w != _soon.what for w in whats)


def test_it_exports_nothing_to_someone_outside_the_register(client, approved_plan):
    client.force_login(user("ale-fortroendevald"))
    url = reverse("followup:actions_export", kwargs={"municipality": "ale", "fmt": "csv"})
    assert client.get(url).status_code == 404


# --- Status updates --------------------------------------------------------------------------


def test_the_unit_chief_changes_the_status_of_an_approved_reports_action(client, approved_plan):
    overdue, _soon = approved_plan
    chief = user("ale-sektorchef-2")
    client.force_login(chief)
    response = client.post(
        status_url(overdue),
        {"status": "done", "note": "Nya kortläsare", "filters": "due=overdue&x=1"},
    )
    assert response.status_code == 302 and response["Location"] == REGISTER + "?due=overdue"
    overdue.refresh_from_db()
    assert overdue.status == Action.Status.DONE
    assert (overdue.status_note, overdue.status_changed_by) == ("Nya kortläsare", chief)
    assert overdue.status_changed_at is not None
    latest = overdue.history.latest()
    assert (latest.status, latest.history_user) == (Action.Status.DONE, chief)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACTION_STATUS_CHANGED)
    assert event.actor == chief
    assert event.detail["from_status"] == "started" and event.detail["to_status"] == "done"
    report = Report.objects.get(pk=overdue.report_id)
    assert report.status == Report.Status.APPROVED


def test_the_security_chief_changes_a_status_from_the_register(client, approved_plan):
    overdue, _soon = approved_plan
    client.force_login(user("ale-sakerhetschef"))
    page = register(client, due="overdue").content.decode()
    assert status_url(overdue) + "?due=overdue" in page
    form = client.get(status_url(overdue), {"due": "overdue"}).content.decode()
    assert 'name="filters" value="due=overdue"' in form  # leads back to the same list
    client.post(status_url(overdue), {"status": "delayed"})
    overdue.refresh_from_db()
    assert overdue.status == Action.Status.DELAYED


@pytest.mark.parametrize(
    "username", ["ale-sektorchef", "ale-fortroendevald", "ale-medarbetare", "kalix-sakerhetschef"]
)
def test_it_refuses_a_status_change_by_anyone_else(client, approved_plan, username):
    overdue, _soon = approved_plan
    client.force_login(user(username))
    response = client.post(status_url(overdue), {"status": "done", "note": "x"})
    assert response.status_code == 404
    overdue.refresh_from_db()
    assert overdue.status == Action.Status.STARTED and overdue.status_changed_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACTION_STATUS_CHANGED).exists()


def test_it_refuses_the_same_status_again(client, approved_plan):
    overdue, _soon = approved_plan
    client.force_login(user("ale-sakerhetschef"))
    response = client.post(status_url(overdue), {"status": "started"})
    assert response.status_code == 400
    assert "har redan" in response.content.decode()
    overdue.refresh_from_db()
    assert overdue.status_changed_at is None


def test_it_sends_a_carried_over_action_to_its_later_copy(client, demo):
    source = Action.objects.get(
        report__cycle__year=2025, what="Ta fram rutin för hot och våld i skolmiljö"
    )
    client.force_login(user("ale-sektorchef"))
    response = client.post(status_url(source), {"status": "done"}, follow=True)
    assert "2026" in response.content.decode()
    source.refresh_from_db()
    assert source.status == Action.Status.STARTED


def test_a_status_change_moves_an_open_reports_revision_on(client, draft_report):
    action = draft_report.actions.order_by("pk").first()
    client.force_login(user("ale-sektorchef"))
    client.post(status_url(action), {"status": "delayed"})
    draft_report.refresh_from_db()
    assert draft_report.revision == 1  # a form opened before is told, not overwritten


def test_the_rest_of_a_frozen_reports_action_stays_frozen(approved_plan):
    overdue, _soon = approved_plan
    for change in ({"what": "Något annat"}, {"owner": None}, {"due_on": TODAY}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Action.objects.filter(pk=overdue.pk).update(**change)
    Action.objects.filter(pk=overdue.pk).update(status=Action.Status.DONE)


def test_a_note_needs_a_recorded_status_change(approved_plan):
    overdue, _soon = approved_plan
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=overdue.pk).update(status_note="Utan ändring")


# --- Query counts ----------------------------------------------------------------------------


@pytest.fixture
def municipality_with_actions(make_municipality):
    def build(units, per_report):
        data = make_municipality(units=units)
        area = data["cycle"].application_areas().first()
        role = Role.objects.get(municipality=data["municipality"], kind=RoleKind.SECTOR_CHIEF)
        for report in data["cycle"].reports.all():
            with reopened(report.pk):
                Action.objects.bulk_create(
                    Action(
                        report=report,
                        what=f"Åtgärd {n}",
                        area=area,
                        responsible_role=role,
                        owner=data["sector_chief"],
                        due_on=TODAY + datetime.timedelta(days=n - 2),
                        position=n,
                    )
                    for n in range(per_report)
                )
        return data

    return build


@pytest.mark.parametrize(("units", "per_report"), [(2, 3), (12, 8)])
def test_the_register_takes_a_constant_number_of_queries(
    client, municipality_with_actions, django_assert_num_queries, units, per_report
):
    data = municipality_with_actions(units, per_report)
    client.force_login(data["chief"])
    url = reverse("followup:actions", kwargs={"municipality": data["municipality"].slug})
    # session, user, access, the bell; the filters' units, areas and owners (one query) and
    # years, the page of actions with their count
    with django_assert_num_queries(7):
        response = client.get(url, {"due": "soon"})
    assert response.status_code == 200
    assert response.context["page"].object_list


@pytest.mark.parametrize(("units", "per_report"), [(2, 3), (12, 8)])
def test_the_export_takes_a_constant_number_of_queries(
    client, municipality_with_actions, django_assert_num_queries, units, per_report
):
    data = municipality_with_actions(units, per_report)
    client.force_login(data["chief"])
    url = reverse(
        "followup:actions_export", kwargs={"municipality": data["municipality"].slug, "fmt": "csv"}
    )
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode("utf-8-sig").count("Åtgärd") >= units // 2 * per_report


def test_the_reports_history_tells_who_changed_the_status_and_why(client, approved_plan):
    overdue, _soon = approved_plan
    client.force_login(user("ale-sektorchef-2"))
    client.post(status_url(overdue), {"status": "done", "note": "Nya kortläsare"})
    url = reverse("followup:report", kwargs={"municipality": "ale", "pk": overdue.report_id})
    changes = client.get(url).context["changes"]
    latest = changes[0]
    assert latest.who == user("ale-sektorchef-2")
    (change,) = latest.changes
    assert ("status", "Påbörjad", "Genomförd") in [(str(f[0]), f[1], f[2]) for f in change.fields]
    assert ("anteckning om status", "", "Nya kortläsare") in [
        (str(f[0]), f[1], f[2]) for f in change.fields
    ]


def test_it_keeps_a_role_chosen_before_the_list_was_limited_until_it_is_changed(
    client, draft_report
):
    council = Role.objects.get(municipality__slug="ale", kind=RoleKind.COUNCIL)
    first = draft_report.actions.order_by("position", "pk").first()
    Action.objects.filter(pk=first.pk).update(responsible_role=council)
    client.force_login(user("ale-sektorchef"))
    data = form_data(draft_report, "handlingsplan")
    data["actions-0-responsible_role"] = str(council.pk)
    data["actions-0-what"] = "Utbilda rektorer i krisledning under våren"
    assert client.post(edit_url(draft_report), data).status_code == 302
    first.refresh_from_db()
    assert (first.responsible_role, first.what) == (council, data["actions-0-what"])
    # Choosing it for another row is refused.
    draft_report.refresh_from_db()
    data = form_data(draft_report, "handlingsplan")
    data["actions-1-responsible_role"] = str(council.pk)
    data["actions-0-responsible_role"] = str(council.pk)
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 400
    assert "Den här rollen kan inte äga en åtgärd" in response.content.decode()


@pytest.mark.parametrize(
    "text",
    ["Kort", "x" * 60, "x" * 61, "e\u0301" * 59, "e\u0301" * 61, "A\u030a" * 60 + "b", "Ö" * 90],
)
def test_the_short_text_of_a_row_is_truncatechars(text):
    from django.template.defaultfilters import truncatechars

    from followup.views.actions import shortened

    assert shortened(text) == truncatechars(text, 60)
