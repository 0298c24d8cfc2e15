"""OpenID Connect sign-in against a real OpenID provider (django-oauth-toolkit, own process)."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from django.utils.html import escape

from responsibilities.access import Access
from responsibilities.audit import AuditEvent
from responsibilities.capabilities import Capability, RoleKind
from responsibilities.models import Assignment, Municipality, Role, User
from responsibilities.sso.models import GroupRoleMapping
from tests.sso.flows import oidc_authorize, oidc_provider_login, oidc_sign_in, path_of

pytestmark = pytest.mark.django_db


def actions(**filters):
    return list(AuditEvent.objects.filter(**filters).values_list("action", flat=True))


def refusal(response):
    assert response.status_code == 403
    return response.content.decode()


def test_it_sends_pkce_state_and_nonce(client, oidc_world):
    query = parse_qs(urlparse(oidc_authorize(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 12
    assert len(query["nonce"][0]) >= 32
    assert query["client_id"] == ["ale"]


def test_it_creates_a_new_person_as_an_employee_of_the_default_unit(client, oidc_world):
    response = oidc_sign_in(client, "nora")

    assert response.status_code == 302
    assert response["Location"] == "/start/"
    person = User.objects.get(email="nora.ny@ale.se")
    assert person.municipality.slug == "ale"
    assert not person.has_usable_password()
    assignment = Assignment.objects.get(person=person)
    assert assignment.role.kind == RoleKind.EMPLOYEE
    assert assignment.unit == oidc_world["ale"].default_unit
    account = SocialAccount.objects.get(user=person)
    assert account.provider == "ale"
    assert account.uid == account.extra_data["id_token"]["sub"]
    logged = actions(actor=person)
    assert AuditEvent.Action.SSO_CREATED in logged
    assert AuditEvent.Action.SSO_LOGIN in logged
    start = client.get("/start/")
    assert start.status_code == 200
    assert "Nora" in start.content.decode()


def test_it_gives_a_new_person_no_privileges(client, oidc_world):
    oidc_sign_in(client, "nora")
    access = Access(User.objects.get(email="nora.ny@ale.se"))
    ale = Municipality.objects.get(slug="ale")
    assert access.in_municipality(Capability.READ_INTERNAL, ale)
    for capability in (Capability.EDIT_PROGRAMME, Capability.ADMINISTER_PEOPLE):
        assert not access.anywhere(capability)


def test_it_finds_the_same_person_by_subject_the_next_time(client, oidc_world):
    oidc_sign_in(client, "nora")
    client.post("/konto/logga-ut/")
    second = oidc_sign_in(client, "nora")

    assert second["Location"] == "/start/"
    assert User.objects.filter(email="nora.ny@ale.se").count() == 1
    assert actions(action=AuditEvent.Action.SSO_CREATED).count(AuditEvent.Action.SSO_CREATED) == 1
    assert actions(action=AuditEvent.Action.SSO_LOGIN).count(AuditEvent.Action.SSO_LOGIN) == 2


def test_it_links_an_existing_person_once_by_verified_email(client, oidc_world):
    ale = Municipality.objects.get(slug="ale")
    lisa = User.objects.create_user(
        "lisa", email="Lisa.Linkad@ale.se", password="x", municipality=ale
    )

    response = oidc_sign_in(client, "lisa")

    assert response["Location"] == "/start/"
    assert SocialAccount.objects.get(provider="ale").user == lisa
    assert AuditEvent.Action.SSO_LINKED in actions(actor=lisa)
    assert AuditEvent.Action.SSO_CREATED not in actions(actor=lisa)
    assert int(client.session["_auth_user_id"]) == lisa.pk


def test_it_refuses_to_link_by_an_unverified_email(client, oidc_world):
    ale = Municipality.objects.get(slug="ale")
    User.objects.create_user("olle", email="olle.overifierad@ale.se", municipality=ale)

    page = refusal(oidc_sign_in(client, "olle"))

    assert "bekräftade inte adressen" in page
    assert not SocialAccount.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SSO_FAILED)
    assert event.detail["reason"] == "email_in_use"
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_person_of_another_municipality(client, oidc_world):
    kalix = Municipality.objects.get(slug="kalix")
    User.objects.create_user("kim", email="kim.kalix@kalix.se", municipality=kalix)

    page = refusal(oidc_sign_in(client, "kim", slug="ale"))

    assert "tillhör en annan kommun" in page
    assert not SocialAccount.objects.exists()
    assert AuditEvent.objects.get(action=AuditEvent.Action.SSO_FAILED).detail["reason"] == (
        "other_municipality"
    )


def test_it_refuses_an_address_of_another_municipality_at_first_sign_in(client, oidc_world):
    page = refusal(oidc_sign_in(client, "kim", slug="ale"))

    assert "tillhör en annan kommun" in page
    assert not User.objects.filter(email="kim.kalix@kalix.se").exists()


def test_it_refuses_a_person_linked_to_one_municipality_at_another(client, oidc_world):
    oidc_sign_in(client, "nora", slug="ale")
    nora = User.objects.get(email="nora.ny@ale.se")
    client.post("/konto/logga-ut/")
    SocialAccount.objects.filter(user=nora).update(provider="kalix")

    page = refusal(oidc_sign_in(client, "nora", slug="kalix"))

    assert "tillhör en annan kommun" in page
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_replayed_state(client, oidc_world):
    callback = oidc_provider_login(oidc_authorize(client), "nora")
    assert client.get(path_of(callback))["Location"] == "/start/"

    page = refusal(client.get(path_of(callback)))

    assert "redan använts" in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SSO_FAILED, detail__reason="replayed"
    ).exists()


def test_it_refuses_an_id_token_with_another_nonce(client, oidc_world):
    callback = oidc_provider_login(oidc_authorize(client), "nora")
    session = client.session
    for state in session["socialaccount_states"].values():
        state[0]["nonce"] = "a-nonce-from-another-attempt"
    session.save()

    page = refusal(client.get(path_of(callback)))

    assert "redan använts" in page
    assert not User.objects.filter(email="nora.ny@ale.se").exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SSO_FAILED)
    assert event.detail == {**event.detail, "reason": "replayed", "check": "nonce"}


def test_a_group_mapping_gives_a_role_and_takes_it_away_again(client, oidc_world):
    ale = oidc_world["ale"]
    chief = Role.objects.get(municipality=ale.municipality, kind=RoleKind.SECURITY_CHIEF)
    mapping = GroupRoleMapping.objects.create(provider=ale, group="sg-sakerhetschefer", role=chief)

    oidc_sign_in(client, "sara")
    sara = User.objects.get(email="sara.sakerhet@ale.se")
    held = Assignment.objects.active().get(person=sara, role=chief)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SSO_ROLE_GRANTED, detail__group="sg-sakerhetschefer"
    ).exists()

    mapping.group = "sg-nagot-annat"
    mapping.save()
    client.post("/konto/logga-ut/")
    oidc_sign_in(client, "sara")

    held.refresh_from_db()
    assert held.ended_at is not None
    assert not Assignment.objects.active().filter(person=sara, role=chief).exists()
    assert AuditEvent.Action.SSO_ROLE_REVOKED in actions(actor=sara)


def test_deleting_a_group_mapping_ends_its_roles(client, oidc_world):
    ale = oidc_world["ale"]
    chief = Role.objects.get(municipality=ale.municipality, kind=RoleKind.SECURITY_CHIEF)
    mapping = GroupRoleMapping.objects.create(provider=ale, group="sg-sakerhetschefer", role=chief)
    oidc_sign_in(client, "sara")
    sara = User.objects.get(email="sara.sakerhet@ale.se")

    mapping.delete()

    assert not Assignment.objects.active().filter(person=sara, role=chief).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SSO_SETTINGS_CHANGED, detail__change="deleted"
    ).exists()


def test_logout_ends_the_session_here_and_at_the_provider(client, oidc_world, oidc_idp):
    oidc_sign_in(client, "nora")

    response = client.post("/konto/logga-ut/")

    assert response.status_code == 200
    target = urlparse(response.context["provider_logout"])
    refresh = f'content="0;url={escape(response.context["provider_logout"])}"'
    assert refresh in response.content.decode()
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{oidc_idp}/logout/"
    assert parse_qs(target.query)["client_id"] == ["ale"]
    assert parse_qs(target.query)["post_logout_redirect_uri"] == ["http://testserver/"]
    assert client.get("/start/").status_code == 302


def test_a_privileged_sso_session_is_not_sent_to_set_up_a_code_app(client, oidc_world, settings):
    # The identity provider does its own second step; local privileged logins still need TOTP.
    settings.OTP_REQUIRED_FOR_PRIVILEGED = True
    ale = oidc_world["ale"]
    chief = Role.objects.get(municipality=ale.municipality, kind=RoleKind.SECURITY_CHIEF)
    GroupRoleMapping.objects.create(provider=ale, group="sg-sakerhetschefer", role=chief)
    oidc_sign_in(client, "sara")

    assert client.get("/start/").status_code == 200

    local = client.__class__(HTTP_HOST="testserver")
    local.force_login(User.objects.get(username="ale-sakerhetschef"))
    assert local.get("/start/")["Location"] == "/konto/tvastegsverifiering/"
