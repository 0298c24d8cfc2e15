"""The organisation's invariants hold in the database, whoever writes the rows."""

import pytest
from django.db import IntegrityError, transaction

from responsibilities.models import Assignment, Municipality, OrganisationUnit, Role
from tests.factories import AssignmentFactory, RoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def unit(name, municipality="ale"):
    return OrganisationUnit.objects.get(name=name, municipality__slug=municipality)


def refused(message):
    return pytest.raises(IntegrityError, match=message)


def test_a_unit_cannot_report_to_a_unit_of_another_municipality(demo):
    with refused("unit_parent_same_municipality"), transaction.atomic():
        OrganisationUnit.objects.filter(pk=unit("Sektor utbildning").pk).update(
            parent=unit("Teknisk förvaltning", "kalix")
        )
    with refused("unit_parent_same_municipality"), transaction.atomic():
        UnitFactory(
            municipality=Municipality.objects.get(slug="ale"),
            parent=unit("Kommunstyrelsen", "kalix"),
        )


def test_a_unit_with_sub_units_cannot_move_to_another_municipality(demo):
    kalix = Municipality.objects.get(slug="kalix")
    parent = UnitFactory(municipality=Municipality.objects.get(slug="ale"))
    UnitFactory(municipality=parent.municipality, parent=parent)
    with refused("unit_parent_same_municipality"), transaction.atomic():
        OrganisationUnit.objects.filter(pk=parent.pk).update(municipality=kalix, parent=None)


def test_a_held_unit_or_role_cannot_move_to_another_municipality(demo):
    kalix = Municipality.objects.get(slug="kalix")
    leaf = UnitFactory(municipality=Municipality.objects.get(slug="ale"))
    role = RoleFactory(municipality=leaf.municipality, kind="manager")
    AssignmentFactory(person=UserFactory(), role=role, unit=leaf)
    with refused("assignment_unit_same_municipality"), transaction.atomic():
        OrganisationUnit.objects.filter(pk=leaf.pk).update(municipality=kalix)
    with refused("assignment_unit_same_municipality"), transaction.atomic():
        Role.objects.filter(pk=role.pk).update(municipality=kalix)


def test_an_assignment_cannot_join_a_role_and_a_unit_of_two_municipalities(demo):
    ale_role = Role.objects.get(municipality__slug="ale", kind="sector_chief")
    with refused("assignment_unit_same_municipality"), transaction.atomic():
        Assignment.objects.create(
            person=UserFactory(), role=ale_role, unit=unit("Teknisk förvaltning", "kalix")
        )
    held = Assignment.objects.get(person__username="ale-sektorchef")
    with refused("assignment_unit_same_municipality"), transaction.atomic():
        Assignment.objects.filter(pk=held.pk).update(unit=unit("Teknisk förvaltning", "kalix"))


def test_same_municipality_changes_pass(demo):
    moved = unit("Förskoleenheten Nödinge")
    moved.parent = unit("Sektor samhällsbyggnad")
    moved.save()
    held = Assignment.objects.get(person__username="ale-sektorchef")
    Assignment.objects.filter(pk=held.pk).update(unit=unit("Sektor samhällsbyggnad"))
    assert unit("Förskoleenheten Nödinge").parent == unit("Sektor samhällsbyggnad")
