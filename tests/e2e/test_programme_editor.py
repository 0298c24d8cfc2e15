"""The security chief revises the programme in a real browser, and two editors collide."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PURPOSE = "fastställa mätbara mål för kommunens trygghets- och säkerhetsarbete"
NEW_AREA = "Cybersäkerhet och digital beredskap"


def section(page, heading):
    return page.locator("section.editor-part").filter(
        has=page.get_by_role("heading", name=re.compile(f"^{heading}"))
    )


def test_the_security_chief_revises_compares_and_adopts_the_programme(page, demo):
    log_in(page, "ale-sakerhetschef")
    page.goto("/styrdokument/")
    assert_accessible(page)
    page.get_by_role(
        "link", name="Program för trygghet och säkerhet i Ale kommun 2021–2024"
    ).click()
    expect(page.get_by_text("Revisionen är försenad")).to_be_visible()
    page.get_by_role("button", name="Starta revidering").click()
    page.wait_for_url("**/utkast/")
    expect(page.get_by_role("heading", name=re.compile("^Redigera utkast"))).to_be_visible()
    assert_accessible(page)

    # Change a purpose inline (htmx loads the form into the list item).
    purposes = section(page, "Syfte")
    first = purposes.locator("ol.editor-items > li").first
    first.get_by_role("link", name=re.compile("^Ändra")).click()
    first.get_by_label("Text").fill(NEW_PURPOSE)
    first.get_by_role("button", name="Spara").click()
    expect(purposes.locator("ol.editor-items > li").first.locator(".item-text")).to_have_text(
        NEW_PURPOSE
    )

    # Add an application area, then move it up one place.
    areas = section(page, "Tillämpning")
    areas.get_by_label("Ny punkt i ”Tillämpning”").fill(NEW_AREA)
    areas.get_by_role("button", name=re.compile("^Lägg till punkt")).click()
    items = areas.locator("ol.editor-items > li .item-text")
    items.filter(has_text=NEW_AREA).wait_for()
    expect(items.last).to_have_text(NEW_AREA)
    before = items.all_inner_texts()
    areas.locator("ol.editor-items > li").last.get_by_role(
        "button", name=re.compile("^Upp")
    ).click()
    expect(items.last).not_to_have_text(NEW_AREA)
    expect(items).to_have_text([*before[:-2], before[-1], before[-2]])
    screenshot(page, "programme-editor")

    # Compare with the adopted version: the changes are marked, not by colour alone.
    page.get_by_role("link", name="Jämför med fastställd version").click()
    expect(page.locator("ins", has_text="mätbara").first).to_be_visible()
    expect(page.locator("ins", has_text="Cybersäkerhet").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "programme-compare")

    # Preview shows the draft as the public page will.
    page.go_back()
    page.get_by_role("link", name="Förhandsgranska").click()
    expect(page.get_by_text(NEW_AREA)).to_be_visible()
    page.get_by_role("link", name="Tillbaka till redigeringen").click()

    # Adopt with § and Dnr.
    page.get_by_role("link", name="Registrera fastställande").click()
    page.get_by_label("Antaget av").select_option(label="Kommunfullmäktige")
    page.get_by_label("Beslutsdatum").fill("2025-03-24")
    page.get_by_label("§-nummer").fill("27")
    page.get_by_label("Diarienummer (Dnr)").fill("KS 2025/112")
    page.get_by_label("Revideras senast").fill("2028-12-31")
    assert_accessible(page)
    page.get_by_role("button", name="Registrera fastställande").click()
    expect(page.get_by_text("Beslutet är registrerat")).to_be_visible()

    # The public page shows the new version; the old one stays reachable.
    page.goto("/ale/program/trygghet-och-sakerhet/")
    expect(page.get_by_text(NEW_PURPOSE)).to_be_visible()
    expect(page.get_by_text("§ 27").first).to_be_visible()
    page.get_by_role("link", name=re.compile("2021–2024")).click()
    expect(page.get_by_text("Ersatt version")).to_be_visible()
    expect(page.get_by_text(NEW_PURPOSE)).to_have_count(0)
    assert_accessible(page)


def test_the_key_steps_work_in_english_without_javascript(new_page, demo):
    page = new_page(language="en", javascript=False)
    log_in(page, "ale-sakerhetschef")
    page.goto("/styrdokument/ale/trygghet-och-sakerhet/")
    # The user's stored language (Swedish) wins over the browser's; switch as a user would.
    page.get_by_role("button", name="In English").click()
    page.get_by_role("button", name="Start a revision").click()
    purposes = section(page, "Syfte")
    purposes.locator("ol.editor-items > li").first.get_by_role(
        "link", name=re.compile("^Edit")
    ).click()
    page.get_by_label("Text").fill(NEW_PURPOSE)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    purposes = section(page, "Syfte")
    purposes.get_by_label("New list item in “Syfte”").fill("bidra till ett tryggare Ale")
    purposes.get_by_role("button", name=re.compile("^Add list item")).click()
    purposes = section(page, "Syfte")
    purposes.locator("ol.editor-items > li").last.get_by_role(
        "button", name=re.compile("^Up")
    ).click()
    texts = section(page, "Syfte").locator(".item-text").all_inner_texts()
    assert texts[-2] == "bidra till ett tryggare Ale"
    page.get_by_role("link", name="Compare with the adopted version").click()
    expect(page.locator("ins", has_text="tryggare").first).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Record adoption").click()
    page.get_by_label("Adopted by").select_option(label="Kommunfullmäktige")
    page.get_by_role("button", name="Record adoption").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("Decision date").fill("2025-03-24")
    page.get_by_label("§ number").fill("27")
    page.get_by_role("button", name="Record adoption").click()
    expect(page.get_by_text("The adoption was recorded")).to_be_visible()
    page.goto("/ale/program/trygghet-och-sakerhet/")
    expect(page.get_by_text("bidra till ett tryggare Ale")).to_be_visible()


def test_two_editors_of_the_same_item_do_not_lose_an_edit(new_page, demo):
    from programmes.models import Programme, SectionItem
    from responsibilities.models import User

    programme = Programme.objects.get(slug="trygghet-och-sakerhet")
    draft = programme.start_revision(by=User.objects.get(username="ale-sakerhetschef"))
    item = SectionItem.objects.filter(section__version=draft, section__kind="purposes").first()
    edit_url = f"/styrdokument/ale/trygghet-och-sakerhet/utkast/punkter/{item.pk}/"
    first, second = new_page(), new_page()
    for page in (first, second):
        log_in(page, "ale-sakerhetschef")
        page.goto(edit_url)
    first.get_by_label("Text").fill("Första redaktörens text")
    first.get_by_role("button", name="Spara").click()
    expect(first.get_by_text("Sparat.")).to_be_visible()
    second.get_by_label("Text").fill("Andra redaktörens text")
    second.get_by_role("button", name="Spara").click()
    expect(second.get_by_text("Någon annan sparade den här delen")).to_be_visible()
    expect(second.locator(".conflict").get_by_text("Första redaktörens text").first).to_be_visible()
    expect(second.get_by_label("Text")).to_have_value("Andra redaktörens text")
    assert_accessible(second)
    screenshot(second, "programme-conflict")
    item.refresh_from_db()
    assert item.text == "Första redaktörens text"
    # They merge and save deliberately on top of the current revision.
    second.get_by_label("Text").fill("Första och andra redaktörens text")
    second.get_by_role("button", name="Spara").click()
    expect(second.get_by_text("Sparat.")).to_be_visible()
    item.refresh_from_db()
    assert item.text == "Första och andra redaktörens text"


def test_the_formatting_toolbar_inserts_markup(page, demo):
    from programmes.models import Programme, Section
    from responsibilities.models import User

    programme = Programme.objects.get(slug="trygghet-och-sakerhet")
    draft = programme.start_revision(by=User.objects.get(username="ale-sakerhetschef"))
    background = draft.sections.get(kind=Section.Kind.BACKGROUND)
    log_in(page, "ale-sakerhetschef")
    page.goto(f"/styrdokument/ale/trygghet-och-sakerhet/utkast/avsnitt/{background.pk}/")
    body = page.get_by_label("Text före listan")
    body.fill("Ett viktigt ord")
    body.evaluate("area => area.setSelectionRange(4, 11)")
    page.get_by_role("group", name="Formatering").first.get_by_role("button", name="Fet").click()
    expect(body).to_have_value("Ett **viktigt** ord")
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**#section-{background.pk}")  # saved: back in the editor at the section
    background.refresh_from_db()
    assert background.body == "<p>Ett <strong>viktigt</strong> ord</p>"
