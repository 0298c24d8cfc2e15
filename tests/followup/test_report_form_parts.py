"""The report form part by part: the overview's counts, a save that keeps the place, the error
summary, and a refused file that does not hold back the answers."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from followup.models import Answer, Attachment
from tests.followup.conftest import user
from tests.followup.test_report_form import edit_url, form_data
from tests.storage_support import fresh_storage, stored_names

pytestmark = pytest.mark.django_db
EXECUTABLE = b"MZ\x90\x00" + b"\0" * 60


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    return fresh_storage(settings, tmp_path)


def work_done(report, area="Krisberedskap"):
    return report.cycle.questions.get(area__text=area, text__startswith="Vad har genomförts")


def overview(page):
    """The overview's entries as (link target, name, counts) in page order."""
    start = page.index('id="report-parts"')
    nav = page[start : page.index("</nav>", start)]
    return [
        (target, name, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", counts)).strip())
        for target, name, counts in re.findall(
            r'<a href="#([^"]+)"[^>]*>([^<]+)</a>\s*<span class="meta">(.*?)</span></li>',
            nav,
            re.S,
        )
    ]


def test_it_lists_every_part_with_answered_and_missing_counts(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    page = client.get(edit_url(draft_report)).content.decode()
    assert overview(page) == [
        ("del-1", "Trygghetsskapande och brottsförebyggande arbete", "2 av 5 besvarade"),
        (
            "del-2",
            "Skydd mot olyckor samt systematiskt brandskyddsarbete (SBA)",
            "2 av 5 besvarade",
        ),
        ("del-3", "Krisberedskap", "0 av 5 besvarade, 2 obligatoriska saknas"),
        ("del-4", "Civilt försvar och säkerhetsskydd", "0 av 5 besvarade, 2 obligatoriska saknas"),
        ("del-5", "Informationssäkerhet", "0 av 5 besvarade, 2 obligatoriska saknas"),
        ("del-allmant", "Övergripande frågor", "5 av 6 besvarade"),
        ("actions", "Handlingsplan", "2 åtgärder"),
        ("attachments", "Bilagor", "0 filer"),
    ]
    for target, _name, _counts in overview(page):
        assert f'id="{target}"' in page  # every link reaches its part


def test_the_counts_follow_the_saved_answers(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = work_done(draft_report)
    data = form_data(draft_report, **{f"answers-q{question.pk}": "Övning i mars."})
    client.post(edit_url(draft_report), data)
    entries = {t: c for t, _n, c in overview(client.get(edit_url(draft_report)).content.decode())}
    assert entries["del-3"] == "1 av 5 besvarade, 1 obligatorisk saknas"


def test_a_save_returns_to_the_same_part(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = work_done(draft_report)
    data = form_data(draft_report, **{"del": "3", f"answers-q{question.pk}": "Övning i mars."})
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft_report) + "?del=3#del-3"
    assert Answer.objects.get(report=draft_report, question=question).text == "Övning i mars."
    page = client.get(response["Location"]).content.decode()
    assert '<a href="#del-3" aria-current="location">Krisberedskap</a>' in page
    assert page.count('aria-current="location"') == 1


@pytest.mark.parametrize("value", ["99", "0", "-1", "3 ", "3#x", "actions", "del-3", "ä", ""])
def test_a_bad_part_is_no_part_and_never_an_error(client, draft_report, value):
    client.force_login(user("ale-sektorchef"))
    page = client.get(edit_url(draft_report), {"del": value})
    assert page.status_code == 200
    assert 'aria-current="location"' not in page.content.decode()
    response = client.post(edit_url(draft_report), form_data(draft_report, **{"del": value}))
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft_report)  # the top of the form
    draft_report.refresh_from_db()
    assert draft_report.revision == 1  # and the draft was saved


def test_the_error_summary_links_to_each_field_once(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    scale = draft_report.cycle.questions.get(area__text="Krisberedskap", answer_type="scale")
    data = form_data(
        draft_report,
        **{
            f"answers-q{scale.pk}": "kanske",
            "actions-TOTAL_FORMS": "3",
            "actions-2-what": "Ny åtgärd",
            "actions-2-starts_on": "2026-12-01",
            "actions-2-due_on": "2026-01-01",
            "actions-2-status": "not_started",
        },
    )
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[
        page.index('class="error-summary"') : page.index(
            "</div>", page.index('class="error-summary"')
        )
    ]
    assert 'role="alert"' in summary and "Det finns fel i formuläret" in summary
    links = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', summary)
    assert [target for target, _text in links] == [
        f"id_answers-q{scale.pk}_0",
        "id_actions-2-due_on",
    ]
    assert links[1][1] == "Åtgärd 3, Klart senast: Slutdatum kan inte vara före startdatum."
    for target, _text in links:
        assert f'id="{target}"' in page
    # Beside the field, described by it; and no second message at the top.
    assert f'id="id_answers-q{scale.pk}_error"' in page
    assert f'aria-describedby="id_answers-q{scale.pk}_error"' in page
    assert page.count("Rapporten sparades inte.") == 1
    assert page.count("Slutdatum kan inte vara före startdatum.") == 2  # summary and field
    assert 'aria-invalid="true"' in page
    # An action row's field is described by its own message too.
    assert 'id="id_actions-2-due_on_error"' in page
    assert 'aria-describedby="id_actions-2-due_on_error"' in page


def test_a_refused_file_does_not_hold_back_the_answers(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = work_done(draft_report)
    data = form_data(
        draft_report,
        **{
            "del": "bilagor",
            f"answers-q{question.pk}": "Övning i mars.",
            "actions-TOTAL_FORMS": "3",
            "actions-2-what": "Öva krisledningen",
            "actions-2-due_on": "2027-05-31",
            "actions-2-status": "not_started",
        },
    )
    data["attachment-file"] = SimpleUploadedFile("program.pdf", EXECUTABLE)
    data["attachment-description"] = "Protokoll"
    response = client.post(edit_url(draft_report), data)

    assert response.status_code == 400
    assert Answer.objects.get(report=draft_report, question=question).text == "Övning i mars."
    assert draft_report.actions.filter(what="Öva krisledningen").count() == 1
    assert not Attachment.objects.exists() and stored_names() == []
    draft_report.refresh_from_db()
    page = response.content.decode()
    assert f'name="revision" value="{draft_report.revision}"' in page  # saving again works
    assert "Dina svar har sparats. Filen bifogades inte:" in page
    assert "Övning i mars." in page
    # The new row is shown as saved (with its id), so saving again does not add it twice.
    saved = draft_report.actions.get(what="Öva krisledningen")
    assert f'value="{saved.pk}"' in page
    # The message once in the summary (linking to the file field) and once beside the field.
    refused = "stämmer innehållet inte med filnamnet"
    assert page.count(refused) == 2
    assert '<a href="#id_attachment-file">Bifoga en fil: ' in page
    field = page[page.index('id="attachments"') :]
    assert refused in field[: field.index('id="id_attachment-file"') + 200]
    assert 'aria-describedby="id_attachment-file_helptext id_attachment-file_error"' in page
    assert 'value="Protokoll"' in page  # the description typed is kept


def test_an_edit_of_an_old_revision_with_a_bad_file_saves_nothing(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = work_done(draft_report)
    data = form_data(draft_report, revision="7", **{f"answers-q{question.pk}": "Min version"})
    data["attachment-file"] = SimpleUploadedFile("program.pdf", EXECUTABLE)
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 409
    assert "Min version" in response.content.decode()
    assert not Answer.objects.filter(report=draft_report, question=question).exists()
