import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command

from programmes.models import ProgrammeVersion, Section
from responsibilities.models import Assignment, OrganisationUnit, User

pytestmark = pytest.mark.django_db
DEMO_USERS = [
    "ale-sakerhetschef",
    "ale-sektorchef",
    "ale-sektorchef-2",
    "ale-fortroendevald",
    "ale-medarbetare",
    "kalix-sakerhetschef",
]


def snapshot() -> str:
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"responsibilities", "programmes", "followup", "risks", "guardian"}
    ]
    return serializers.serialize("json", [o for m in models for o in m._default_manager.all()])


def test_it_is_idempotent(demo):
    before = snapshot()
    call_command("load_demo", force=True, verbosity=0)
    assert snapshot() == before


def test_it_refuses_to_run_in_production_unless_forced(db, settings):
    settings.DEBUG = settings.LOCAL = False
    User.objects.all().delete()
    with pytest.raises(CommandError, match="in production"):
        call_command("load_demo", verbosity=0)
    assert not User.objects.exists()


def test_it_loads_both_documents_as_adopted_versions(demo):
    ale = ProgrammeVersion.objects.get(programme__municipality__slug="ale")
    kalix = ProgrammeVersion.objects.get(programme__municipality__slug="kalix")
    assert ale.status == kalix.status == ProgrammeVersion.Status.ADOPTED
    assert ale.revision_due.year == 2024
    assert ale.revision_state()[0] == "overdue"
    assert (kalix.decision_date.isoformat(), kalix.paragraph) == ("2007-09-17", "130")
    assert kalix.adopting_body.name == "Kommunfullmäktige"


def test_it_counts_every_purpose_goal_area_and_clause(demo):
    def items(municipality, kind):
        return list(
            Section.objects.get(version__programme__municipality__slug=municipality, kind=kind)
            .items.order_by("position")
            .values_list("text", flat=True)
        )

    assert len(items("ale", Section.Kind.PURPOSES)) == 3
    assert items("ale", Section.Kind.APPLICATION_AREAS)[1] == (
        "Skydd mot olyckor samt systematiskt brandskyddsarbete (SBA)"
    )
    assert len(items("ale", Section.Kind.APPLICATION_AREAS)) == 5
    assert len(items("ale", Section.Kind.RESPONSIBILITIES)) == 9
    assert len(items("kalix", Section.Kind.GOALS)) == 4
    assert len(items("kalix", Section.Kind.RESPONSIBILITIES)) == 5
    clauses = Section.objects.get(
        version__programme__municipality__slug="ale", kind=Section.Kind.RESPONSIBILITIES
    ).items.all()
    assert all(clause.role_id for clause in clauses)


def test_it_creates_the_demo_users_with_roles(demo, client):
    for username in DEMO_USERS:
        assert client.login(username=username, password="demo"), username
        assert Assignment.objects.active().filter(person__username=username).exists()
    chief = Assignment.objects.get(person__username="ale-sektorchef")
    assert chief.unit.name == "Sektor utbildning"
    other = Assignment.objects.get(person__username="ale-sektorchef-2")
    assert other.unit != chief.unit


def test_demo_units_are_labelled_and_sized(demo):
    ale = OrganisationUnit.objects.filter(municipality__slug="ale", is_demo=True)
    assert ale.filter(kind="sector").count() >= 4
    assert ale.filter(kind="company").count() >= 2
    assert ale.filter(kind="committee").count() >= 3
    assert all(str(unit).endswith("(demo)") for unit in ale)
    assert OrganisationUnit.objects.filter(municipality__slug="kalix", is_demo=True).count() >= 3
