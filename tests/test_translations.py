"""Every message is translated: Swedish complete, English (the source language) not fuzzy."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_message_is_fuzzy_or_untranslated(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in po.fuzzy_entries()] == []
    if language == "sv":
        assert [e.msgid for e in po.untranslated_entries()] == []


def test_the_catalogue_holds_every_message_in_the_code(tmp_path, settings, monkeypatch):
    # makemessages over a copy of the code: a string added without updating the catalogue
    # fails here. (makemessages writes next to the files it reads, so it must be a copy.)
    base = Path(settings.BASE_DIR)
    for folder in (
        "ale_safety",
        "responsibilities",
        "programmes",
        "followup",
        "risks",
        "templates",
    ):
        shutil.copytree(base / folder, tmp_path / folder)
    shutil.copytree(LOCALE, tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["sv"], verbosity=0)
    wanted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/sv/LC_MESSAGES/django.po"))}
    have = {e.msgid for e in polib.pofile(str(LOCALE / "sv/LC_MESSAGES/django.po"))}
    assert sorted(wanted - have) == []


def test_the_compiled_catalogue_is_used(client, db):
    response = client.get("/okand-sida/")
    assert "Sidan finns inte" in response.content.decode()
