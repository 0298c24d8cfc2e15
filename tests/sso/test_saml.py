"""SAML 2.0 sign-in against a real identity provider (tests/sso/saml_idp.py, own process)."""

from xml.etree import ElementTree

import pytest
from allauth.socialaccount.models import SocialAccount

from responsibilities.audit import AuditEvent
from responsibilities.capabilities import RoleKind
from responsibilities.models import Assignment, User
from tests.sso.flows import saml_deliver, saml_post_back, saml_sign_in
from tests.sso.peers import saml_control

pytestmark = pytest.mark.django_db

SIRI = {
    "subject": "siri-0001",
    "email": "siri.saml@ale.se",
    "first_name": "Siri",
    "last_name": "Samlsson",
    "groups": ["alla-anstallda"],
}


def refused_reason(response):
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditEvent.Action.SSO_FAILED)
    return response.content.decode(), event.detail["reason"]


def test_it_serves_the_sp_metadata(client, saml_world):
    response = client.get("/konto/sso/saml/ale/metadata/")

    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    md = "{urn:oasis:names:tc:SAML:2.0:metadata}"
    assert root.get("entityID") == "http://testserver/konto/sso/saml/ale/metadata/"
    acs = root.find(f"{md}SPSSODescriptor/{md}AssertionConsumerService")
    assert acs.get("Location") == "http://testserver/konto/sso/saml/ale/acs/"


def test_a_signed_assertion_signs_a_new_person_in_as_an_employee(client, saml_world):
    response = saml_sign_in(client, SIRI)

    assert response.status_code == 302
    assert response["Location"] == "/start/"
    siri = User.objects.get(email="siri.saml@ale.se")
    assert (siri.first_name, siri.municipality.slug) == ("Siri", "ale")
    assignment = Assignment.objects.get(person=siri)
    assert (assignment.role.kind, assignment.unit.name) == (RoleKind.EMPLOYEE, "Sektor utbildning")
    assert SocialAccount.objects.get(user=siri).uid == "siri-0001"
    assert int(client.session["_auth_user_id"]) == siri.pk


@pytest.mark.parametrize(
    ("fault", "reason", "message"),
    [
        ("bad_signature", "bad_signature", "ogiltig signatur"),
        ("unsigned", "bad_signature", "ogiltig signatur"),
        ("wrong_audience", "wrong_audience", "avsett för en annan tjänst"),
        ("expired", "expired", "har gått ut"),
    ],
)
def test_it_refuses_a_faulty_assertion(client, saml_world, fault, reason, message):
    page, logged = refused_reason(saml_sign_in(client, SIRI, fault=fault))

    assert message in page
    assert logged == reason
    assert not User.objects.filter(email__in=["siri.saml@ale.se", "chefen@ale.se"]).exists()
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_replayed_assertion(client, saml_world):
    saml_control(SIRI)
    acs, fields = saml_post_back(client)
    assert saml_deliver(client, acs, fields)["Location"] == "/start/"
    client.post("/konto/logga-ut/")

    page, logged = refused_reason(saml_deliver(client, acs, fields))

    assert "redan använts" in page
    assert logged == "replayed"
    assert "_auth_user_id" not in client.session
