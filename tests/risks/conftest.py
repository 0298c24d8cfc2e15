"""Fixtures for risk reports: demo people and units, and a report made the way the form does."""

import datetime

import pytest
from django.utils import timezone

from responsibilities.models import Municipality, OrganisationUnit, User
from risks.lookups import application_areas
from risks.services import report_risk


def user(username) -> User:
    return User.objects.get(username=username)


def unit(name, municipality="ale") -> OrganisationUnit:
    return OrganisationUnit.objects.get(name=name, municipality__slug=municipality)


def make_report(unit_name="Sektor utbildning", by="ale-medarbetare", **fields):
    ale = Municipality.objects.get(slug="ale")
    values = {
        "kind": "flaw",
        "unit": unit(unit_name),
        "place": "Nödingeskolan, bakre entrén",
        "occurred_on": timezone.localdate() - datetime.timedelta(days=1),
        "area": application_areas(ale)[4],
        "description": "Dörren till bakre entrén går inte i lås.",
        "immediate_action": "Vaktmästaren ringdes.",
        "confidential": False,
        **fields,
    }
    return report_risk(by=user(by), municipality=ale, **values)


@pytest.fixture
def new_report(demo):
    return make_report()
