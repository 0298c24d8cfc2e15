"""Property-based fuzzing (Hypothesis) of the main forms through the test client: random text,
numbers, dates and unicode (NUL included) → a 2xx, 3xx or 4xx, never a 5xx; and when the form
is refused (anything but a redirect) the database is unchanged.

Each example runs in a savepoint that is rolled back, so every example starts from the demo.
"""

import datetime

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup.models import Cycle
from programmes.models import Programme, ProgrammeVersion, Section
from responsibilities.models import OrganisationUnit, Role, User
from tests.followup.conftest import demo_report
from tests.followup.test_report_form import edit_url, form_data

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
DOMAIN_APPS = {"responsibilities", "programmes", "followup"}
ALE = {"municipality": "ale", "slug": "trygghet-och-sakerhet"}

texts = st.text(max_size=300)  # any unicode, NUL and control characters included
numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
dates = st.one_of(
    st.dates().map(datetime.date.isoformat),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
    st.sampled_from(["2026-02-30", "0000-00-00", "9999-12-31", "2026-13-01", "igår"]),
)
anything = st.one_of(texts, numbers, dates, st.just(""))


def snapshot() -> list:
    """Every row of the domain tables (raw values: far cheaper than serialising objects)."""
    models = [m for m in apps.get_models() if m._meta.app_label in DOMAIN_APPS]
    return [sorted(m._base_manager.values_list(), key=repr) for m in models]


def post_and_check(client, url, data):
    with transaction.atomic():
        before = snapshot()
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)
        if response.status_code != 302:
            assert snapshot() == before, f"a refused form changed the database: {data!r}"
        transaction.set_rollback(True)
    return response


def logged_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_the_report_form(client, demo):
    report = demo_report("Sektor utbildning")
    logged_in(client, "ale-sektorchef")
    questions = list(report.cycle.questions.values_list("pk", flat=True))
    url = edit_url(report)
    base = form_data(report)

    @FUZZ
    @given(
        answers=st.dictionaries(st.sampled_from(questions), anything, max_size=6),
        action=st.fixed_dictionaries(
            {
                "actions-0-what": anything,
                "actions-0-status": st.one_of(st.sampled_from(["not_started", "done"]), texts),
                "actions-0-starts_on": dates,
                "actions-0-due_on": dates,
                "actions-0-responsible_role": anything,
            }
        ),
        extra=st.fixed_dictionaries(
            {
                "intent": st.sampled_from(["save", "next", "previous", "submit", "", "x\0"]),
                "del": st.sampled_from(
                    ["1", "allmant", "handlingsplan", "bilagor", "", "9", "x\0"]
                ),
                "revision": st.one_of(st.just(base["revision"]), numbers, texts),
                "actions-TOTAL_FORMS": st.one_of(st.just("1"), numbers),
            }
        ),
    )
    def fuzz(answers, action, extra):
        data = {**base, **{f"answers-q{pk}": value for pk, value in answers.items()}}
        post_and_check(client, url, {**data, **action, **extra})

    fuzz()


def test_the_unit_and_person_forms(client, demo):
    logged_in(client, "ale-sakerhetschef")
    units = list(
        OrganisationUnit.objects.filter(municipality__slug="ale").values_list("pk", flat=True)
    )
    unit_url = reverse("manage:unit_create", kwargs={"municipality": "ale"})
    person_url = reverse("manage:person_create", kwargs={"municipality": "ale"})

    @FUZZ
    @given(
        unit=st.fixed_dictionaries(
            {
                "name": anything,
                "short_name": anything,
                "kind": st.one_of(st.sampled_from(["unit", "sector", "council"]), texts),
                "parent": st.one_of(st.sampled_from(units).map(str), numbers, texts),
            }
        ),
        person=st.fixed_dictionaries(
            {
                "first_name": anything,
                "last_name": anything,
                "email": st.one_of(st.emails(), texts),
                "username": anything,
                "is_active": st.sampled_from(["on", "", "\0"]),
            }
        ),
    )
    def fuzz(unit, person):
        post_and_check(client, unit_url, unit)
        post_and_check(client, person_url, person)

    fuzz()


def test_the_assignment_form(client, demo):
    logged_in(client, "ale-sakerhetschef")
    people = list(User.objects.filter(username__startswith="ale-").values_list("pk", flat=True))
    roles = list(Role.objects.filter(municipality__slug="ale").values_list("pk", flat=True))
    units = list(
        OrganisationUnit.objects.filter(municipality__slug="ale").values_list("pk", flat=True)
    )
    kalix = list(
        OrganisationUnit.objects.filter(municipality__slug="kalix").values_list("pk", flat=True)
    )
    url = reverse("manage:assignment_create", kwargs={"municipality": "ale"})

    @FUZZ
    @given(
        st.fixed_dictionaries(
            {
                "person": st.one_of(st.sampled_from(people).map(str), numbers, texts),
                "role": st.one_of(st.sampled_from(roles).map(str), numbers, texts),
                "unit": st.one_of(st.sampled_from(units + kalix).map(str), numbers, texts),
                "starts_on": dates,
                "ends_on": st.one_of(dates, st.just("")),
            }
        )
    )
    def fuzz(data):
        post_and_check(client, url, data)

    fuzz()


def test_the_cycle_and_question_forms(client, demo):
    logged_in(client, "ale-sakerhetschef")
    version = ProgrammeVersion.objects.get(programme__municipality__slug="ale", status="adopted")
    cycle_url = reverse("followup:cycle_create", kwargs={"municipality": "ale"})
    created = client.post(
        cycle_url,
        {"version": version.pk, "year": "2027", "opens_on": "2027-11-01", "due_on": "2028-01-31"},
    )
    assert created.status_code == 302
    cycle = Cycle.objects.get(version=version, year=2027)
    question_url = reverse(
        "followup:cycle_questions", kwargs={"municipality": "ale", "pk": cycle.pk}
    )
    area = cycle.questions.filter(area__isnull=False).order_by("position").first().area_id
    keys = [str(area), "allmanna"]

    @FUZZ
    @given(
        new_cycle=st.fixed_dictionaries(
            {
                "version": st.one_of(st.just(str(version.pk)), numbers, texts),
                "year": st.one_of(st.integers(1, 10000).map(str), numbers, texts),
                "opens_on": dates,
                "due_on": dates,
            }
        ),
        question=st.fixed_dictionaries(
            {
                "area": st.one_of(st.sampled_from(keys), numbers, texts),
                "omrade-{area}-TOTAL_FORMS": st.one_of(st.sampled_from(["1", "2"]), numbers),
                "omrade-{area}-INITIAL_FORMS": st.one_of(st.sampled_from(["0", "1"]), numbers),
                "omrade-{area}-0-id": st.one_of(numbers, texts),
                "omrade-{area}-0-text": anything,
                "omrade-{area}-0-help_text": anything,
                "omrade-{area}-0-answer_type": st.one_of(
                    st.sampled_from(["text", "scale", "yes_no", "number", "date"]), texts
                ),
                "omrade-{area}-0-required": st.sampled_from(["on", "", "\0"]),
                "omrade-{area}-0-ORDER": st.one_of(numbers, texts),
                "omrade-{area}-0-DELETE": st.sampled_from(["on", ""]),
            }
        ),
    )
    def fuzz(new_cycle, question):
        post_and_check(client, cycle_url, new_cycle)
        key = question["area"] if question["area"] in keys else keys[0]
        post_and_check(
            client, question_url, {k.replace("{area}", key): v for k, v in question.items()}
        )

    fuzz()


def test_the_programme_item_and_adoption_forms(client, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    chief = User.objects.get(username="ale-sakerhetschef")
    draft = Programme.objects.get(municipality__slug="ale", slug=ALE["slug"]).start_revision(
        by=chief
    )
    client.force_login(chief)
    section = draft.sections.get(kind=Section.Kind.PURPOSES)
    item = section.items.order_by("position").first()
    bodies = list(
        OrganisationUnit.objects.filter(municipality__slug="ale").values_list("pk", flat=True)
    )

    def url(name, **kwargs):
        return reverse(f"programmes:{name}", kwargs={**ALE, **kwargs})

    @FUZZ
    @given(
        item_data=st.fixed_dictionaries(
            {
                "text": anything,
                "revision": st.one_of(st.just("0"), numbers, texts),
                "role": anything,
            }
        ),
        section_data=st.fixed_dictionaries(
            {
                "heading": anything,
                "kind": st.one_of(st.sampled_from(["purposes", "text"]), texts),
                "body": anything,
                "closing": anything,
                "revision": st.one_of(st.just("0"), numbers),
            }
        ),
        adoption=st.fixed_dictionaries(
            {
                "adopting_body": st.one_of(st.sampled_from(bodies).map(str), numbers, texts),
                "decision_date": dates,
                "paragraph": anything,
                "case_number": anything,
                "revision_due": st.one_of(dates, st.just("")),
            }
        ),
        related=st.fixed_dictionaries(
            {"title": anything, "url": st.one_of(texts, st.just("javascript:alert(1)"))}
        ),
    )
    def fuzz(item_data, section_data, adoption, related):
        post_and_check(client, url("edit_item", pk=item.pk), item_data)
        post_and_check(client, url("edit_section", pk=section.pk), section_data)
        post_and_check(client, url("add_item", pk=section.pk), {"text": item_data["text"]})
        post_and_check(client, url("add_related"), related)
        post_and_check(client, url("adopt"), adoption)

    fuzz()


def test_a_forged_row_count_does_not_build_thousands_of_forms(client, demo):
    """Found by the fuzzing above: TOTAL_FORMS=10**9 took 21 s (2,000 action forms built).
    Pinned by the number of forms built, not by a time (the machines are shared)."""
    from followup.forms import MAX_ACTIONS

    report = demo_report("Sektor utbildning")
    logged_in(client, "ale-sektorchef")
    response = post_and_check(
        client,
        edit_url(report),
        {**form_data(report, "handlingsplan"), "actions-TOTAL_FORMS": str(10**9)},
    )
    assert response.status_code == 400
    assert len(response.context["actions"].forms) <= MAX_ACTIONS
