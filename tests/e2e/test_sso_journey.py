"""Sign-in with the municipality's account in Chromium, through the real redirects: a new person
reaches Ale as an employee through the OpenID provider (from the public page, at 390 px) and
through the SAML identity provider (from the e-mail address typed), and an expired SAML answer
is refused with a Swedish message. The providers are the processes of tests/sso/peers.py."""

import pytest
from playwright.sync_api import expect

from responsibilities.capabilities import RoleKind
from responsibilities.models import Assignment, User
from tests.e2e.conftest import assert_accessible, screenshot
from tests.sso.peers import OIDC_ISSUER, saml_control

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sso_page(browser, live_server):
    """A page on 127.0.0.1 (the providers accept loopback callbacks on any port)."""
    context = browser.new_context(
        base_url=live_server.url.replace("localhost", "127.0.0.1"),
        locale="sv-SE",
        viewport={"width": 390, "height": 844},
    )
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_a_new_employee_signs_in_with_ale_s_account_and_out_again(sso_page, oidc_world):
    page = sso_page
    page.goto("/ale/")
    page.get_by_role("link", name="Logga in med Ale kommuns konto").click()
    page.wait_for_url("**/konto/logga-in/?kommun=ale")
    assert_accessible(page)
    page.get_by_role("button", name="Logga in med Ale kommuns konto").click()

    page.wait_for_url(f"{OIDC_ISSUER.removesuffix('/o')}/login/**")
    page.get_by_label("Användarnamn").fill("eva")
    page.get_by_label("Lösenord").fill("eva")
    page.get_by_role("button", name="Logga in hos leverantören").click()

    page.wait_for_url("**/start/")
    expect(page.get_by_role("heading", name="Din kommuns program")).to_be_visible()
    eva = User.objects.get(email="eva.e2e@ale.se")
    assert Assignment.objects.get(person=eva).role.kind == RoleKind.EMPLOYEE
    assert_accessible(page)
    screenshot(page, "sso-oidc-start-390")

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{OIDC_ISSUER}/logout/**")
    page.goto("/start/")
    page.wait_for_url("**/konto/logga-in/**")


def test_a_new_employee_signs_in_through_saml_from_the_address_typed(sso_page, saml_world):
    page = sso_page
    saml_control(
        {"subject": "stina-1", "email": "stina@ale.se", "first_name": "Stina", "last_name": "S"}
    )
    page.goto("/konto/logga-in/")
    page.get_by_label("Din e-postadress i tjänsten").fill("stina@ale.se")
    page.get_by_role("button", name="Fortsätt med kommunens konto").click()
    page.get_by_role("button", name="Logga in med Ale kommuns konto").click()
    page.get_by_role("button", name="Fortsätt").click()  # the IdP's page posts the answer back

    page.wait_for_url("**/start/")
    assert User.objects.get(email="stina@ale.se").municipality.slug == "ale"
    screenshot(page, "sso-saml-start-390")


def test_an_expired_saml_answer_is_refused_in_swedish(sso_page, saml_world):
    page = sso_page
    saml_control({"subject": "sven-1", "email": "sven@ale.se"}, fault="expired")
    page.goto("/konto/logga-in/?kommun=ale")
    page.get_by_role("button", name="Logga in med Ale kommuns konto").click()
    page.get_by_role("button", name="Fortsätt").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Svaret från identitetsleverantören har gått ut")
    expect(page.get_by_role("heading", name="Inloggningen nekades")).to_be_visible()
    assert not User.objects.filter(email="sven@ale.se").exists()
    assert_accessible(page)
    screenshot(page, "sso-refused-390")
