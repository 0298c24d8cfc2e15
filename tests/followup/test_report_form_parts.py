"""The report form one part at a time: the overview's counts, a post that saves only its own
part, the buttons that save and move, unknown parts, the error summaries (of the part, and of
a refused submission across every part), a refused file, who may edit, and the queries."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from followup.models import Action, Answer, Attachment, Question, Report, ReviewComment
from tests.followup.conftest import reopened, user
from tests.followup.test_report_form import (
    ACTIONS,
    ATTACHMENTS,
    GENERAL,
    area_part,
    edit_url,
    form_data,
    key_of,
    part_key,
    part_questions,
)
from tests.storage_support import fresh_storage, stored_names

pytestmark = pytest.mark.django_db
EXECUTABLE = b"MZ\x90\x00" + b"\0" * 60
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PARTS = [1, 2, 3, 4, 5, GENERAL, ACTIONS, ATTACHMENTS]  # an int: an area, by its place


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    return fresh_storage(settings, tmp_path)


def work_done(report, area="Krisberedskap"):
    return report.cycle.questions.get(area__text=area, text__startswith="Vad har genomförts")


def overview(page):
    """The overview's entries as (link, name, counts) in page order."""
    start = page.index('id="report-parts"')
    nav = page[start : page.index("</nav>", start)]
    return [
        (target, name, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", counts)).strip())
        for target, name, counts in re.findall(
            r'<a href="([^"]+)"[^>]*>([^<]+)</a>\s*<span class="meta">(.*?)</span></li>',
            nav,
            re.S,
        )
    ]


def summary_links(page):
    start = page.index('class="error-summary"')
    summary = page[start : page.index("</div>", start)]
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', summary)


def contents(report):
    """Everything the form can change, to compare before and after a post."""
    answers = {
        a.question_id: (a.attainment, a.text, a.yes_no, a.number, a.date)
        for a in Answer.objects.filter(report=report)
    }
    actions = list(
        Action.objects.filter(report=report)
        .order_by("pk")
        .values_list("pk", "what", "due_on", "status", "responsible_role", "owner")
    )
    files = list(Attachment.objects.filter(report=report).values_list("pk", "original_name"))
    replies = list(ReviewComment.objects.filter(report=report).values_list("pk", "reply"))
    return answers, actions, files, replies


def only_part(before, after, questions):
    """The answers of other questions than these are the same before and after."""
    ids = {q.pk for q in questions}
    return {k: v for k, v in before.items() if k not in ids} == {
        k: v for k, v in after.items() if k not in ids
    }


# --- The overview -----------------------------------------------------------------------


def test_it_lists_every_part_with_answered_and_missing_counts(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    page = client.get(edit_url(draft_report)).content.decode()
    a = [area_part(draft_report, place) for place in range(1, 6)]
    assert overview(page) == [
        (
            f"?del={a[0]}#del-{a[0]}",
            "Trygghetsskapande och brottsförebyggande arbete",
            "2 av 5 besvarade",
        ),
        (
            f"?del={a[1]}#del-{a[1]}",
            "Skydd mot olyckor samt systematiskt brandskyddsarbete (SBA)",
            "2 av 5 besvarade",
        ),
        (f"?del={a[2]}#del-{a[2]}", "Krisberedskap", "0 av 5 besvarade, 2 obligatoriska saknas"),
        (
            f"?del={a[3]}#del-{a[3]}",
            "Civilt försvar och säkerhetsskydd",
            "0 av 5 besvarade, 2 obligatoriska saknas",
        ),
        (
            f"?del={a[4]}#del-{a[4]}",
            "Informationssäkerhet",
            "0 av 5 besvarade, 2 obligatoriska saknas",
        ),
        ("?del=allmant#del-allmant", "Övergripande frågor", "5 av 6 besvarade"),
        ("?del=handlingsplan#actions", "Handlingsplan", "2 åtgärder"),
        ("?del=bilagor#attachments", "Bilagor", "0 filer"),
    ]
    # The overview alone: no part's fields, a way into the first part, the completeness check
    # and the submit button.
    assert 'name="answers-' not in page and 'aria-current="step"' not in page
    assert f'<a class="button" href="?del={a[0]}#del-{a[0]}">Börja med första delen' in page
    assert "6 obligatoriska frågor måste besvaras innan du kan skicka in" in page
    assert 'name="intent" value="submit"' in page
    for link, _name, _counts in overview(page):
        query, anchor = link.split("#")
        part = client.get(edit_url(draft_report) + query).content.decode()
        assert f'id="{anchor}"' in part  # every link reaches its part


def test_the_counts_follow_the_saved_answers(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = work_done(draft_report)
    data = form_data(draft_report, 3, **{f"answers-q{question.pk}": "Övning i mars."})
    client.post(edit_url(draft_report), data)
    entries = {t: c for t, _n, c in overview(client.get(edit_url(draft_report)).content.decode())}
    key = area_part(draft_report, 3)
    assert entries[f"?del={key}#del-{key}"] == "1 av 5 besvarade, 1 obligatorisk saknas"


@pytest.mark.parametrize("key", PARTS)
def test_a_part_shows_its_own_fields_only(client, draft_report, key):
    client.force_login(user("ale-sektorchef"))
    number = PARTS.index(key) + 1
    key = key_of(draft_report, key)
    page = client.get(edit_url(draft_report), {"del": key}).content.decode()
    mine = {f"answers-q{q.pk}" for q in part_questions(draft_report, key)}
    shown = set(re.findall(r'name="(answers-q\d+)"', page))
    assert shown == mine
    assert ('name="actions-TOTAL_FORMS"' in page) == (key == ACTIONS)
    assert ('name="attachment-file"' in page) == (key == ATTACHMENTS)
    assert f'name="del" value="{key}"' in page
    assert page.count('aria-current="step"') == 1
    assert f"Del {number} av 8" in page
    # The buttons: forward (or submit on the last part), stay, back (not on the first).
    assert ('value="next"' in page) == (key != ATTACHMENTS)
    assert ('name="intent" value="submit"' in page) == (key == ATTACHMENTS)
    assert ('value="previous"' in page) == (number != 1)
    assert "Spara och stanna här" in page


@pytest.mark.parametrize(
    "value", ["99", "0", "-1", "3 ", "3#x", "actions", "del-3", "ä", "omrade-999"]
)
def test_an_unknown_part_is_the_overview_and_a_post_to_it_saves_nothing(
    client, draft_report, value
):
    client.force_login(user("ale-sektorchef"))
    page = client.get(edit_url(draft_report), {"del": value})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'aria-current="step"' not in text and 'name="answers-' not in text
    assert "Börja med första delen" in text
    assert "Den del av rapporten som du bad om finns inte längre i den" in text
    question = work_done(draft_report)
    before = contents(draft_report)
    response = client.post(
        edit_url(draft_report),
        form_data(draft_report, 3, **{"del": value, f"answers-q{question.pk}": "Bortglömt"}),
    )
    # Refused, the input shown again in the part its fields belong to.
    assert response.status_code == 409
    told = response.content.decode()
    assert "Inget sparades: rapportens delar har ändrats medan du hade formuläret öppet." in told
    assert f'name="del" value="{area_part(draft_report, 3)}"' in told
    assert "Bortglömt</textarea>" in told
    assert "Utkastet har sparats." not in told
    assert contents(draft_report) == before
    assert Report.objects.get(pk=draft_report.pk).revision == 0


def test_a_post_naming_no_part_saves_nothing(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    question = work_done(draft_report)
    before = contents(draft_report)
    response = client.post(
        edit_url(draft_report),
        form_data(draft_report, 3, **{"del": "", f"answers-q{question.pk}": "Bortglömt"}),
    )
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft_report)  # the overview
    assert contents(draft_report) == before
    assert Report.objects.get(pk=draft_report.pk).revision == 0
    told = client.get(response["Location"]).content.decode()
    assert "Inget sparades: formuläret angav inte vilken del av rapporten det gäller." in told


# --- Parts named by what they hold, while the security chief changes the questions ----------


def unanswer(questions):
    """Delete the questions' answers in every report (only unanswered questions can be
    removed); the database keeps a submitted report's answers, so it is opened meanwhile."""
    for report_id in set(
        Answer.objects.filter(question__in=questions).values_list("report", flat=True)
    ):
        with reopened(report_id):
            Answer.objects.filter(report=report_id, question__in=questions).delete()


def empty_area(report, name):
    """The security chief removes every question of the area, as they may while a unit has
    the form open."""
    questions = list(report.cycle.questions.filter(area__text=name))
    unanswer(questions)
    report.cycle.save_questions(
        by=user("ale-sakerhetschef"), area=questions[0].area, questions=[], removed=questions
    )


def remove_questions(report, questions):
    unanswer(questions)
    area = questions[0].area
    kept = [q for q in report.cycle.questions.filter(area=area) if q not in questions]
    report.cycle.save_questions(
        by=user("ale-sakerhetschef"), area=area, questions=kept, removed=questions
    )


def test_a_part_is_named_by_its_area_not_its_place(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    civil = draft_report.cycle.questions.get(
        area__text="Civilt försvar och säkerhetsskydd", text__startswith="Vad har genomförts"
    )
    key = part_key(civil)
    page = client.get(edit_url(draft_report), {"del": key}).content.decode()
    assert f'name="del" value="{key}"' in page and "Del 4 av 8" in page
    typed = form_data(draft_report, key, **{f"answers-q{civil.pk}": "Övning med hemvärnet."})
    # Meanwhile the area before it loses its questions: the part is now the third.
    empty_area(draft_report, "Krisberedskap")
    response = client.post(edit_url(draft_report), typed)
    assert response.status_code == 302
    assert Answer.objects.get(report=draft_report, question=civil).text == "Övning med hemvärnet."
    page = client.get(response["Location"]).content.decode()
    assert "Utkastet har sparats." in page and "Del 3 av 7" in page


def test_a_post_to_an_area_emptied_meanwhile_saves_nothing_and_shows_the_input(
    client, draft_report
):
    client.force_login(user("ale-sektorchef"))
    work = work_done(draft_report)
    typed = form_data(draft_report, part_key(work), **{f"answers-q{work.pk}": "Övning i mars."})
    empty_area(draft_report, "Krisberedskap")
    draft_report.refresh_from_db()
    before = contents(draft_report)
    response = client.post(edit_url(draft_report), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Inget sparades: den del av rapporten som formuläret gällde finns inte längre" in page
    assert "Utkastet har sparats." not in page
    # What was typed is shown, labelled, to be copied where it belongs.
    strays = page[
        page.index('id="stray-input"') : page.index("</section>", page.index('id="stray-input"'))
    ]
    assert "En fråga som har tagits bort" in strays and "Övning i mars." in strays
    assert "Börja med första delen" in page  # the overview, with the parts as they are now
    assert contents(draft_report) == before
    assert Report.objects.get(pk=draft_report.pk).revision == 0


def test_a_post_with_a_question_removed_meanwhile_saves_nothing_and_keeps_the_input(
    client, draft_report
):
    client.force_login(user("ale-sektorchef"))
    work = work_done(draft_report)
    risks = draft_report.cycle.questions.get(
        area=work.area, text__startswith="Vilka risker och sårbarheter"
    )
    typed = form_data(
        draft_report,
        part_key(work),
        **{f"answers-q{work.pk}": "Övning i mars.", f"answers-q{risks.pk}": "Strömavbrott."},
    )
    remove_questions(draft_report, [risks])
    draft_report.refresh_from_db()
    before = contents(draft_report)
    response = client.post(edit_url(draft_report), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Inget sparades: frågorna i den här delen har ändrats medan du hade formuläret" in page
    assert f'name="del" value="{part_key(work)}"' in page  # the same part again
    assert "Övning i mars.</textarea>" in page  # kept in its field
    strays = page[page.index('id="stray-input"') :]
    assert "En fråga som har tagits bort" in strays and "Strömavbrott." in strays
    assert "data-unsaved" in page
    assert contents(draft_report) == before
    assert Report.objects.get(pk=draft_report.pk).revision == 0


def test_an_area_added_meanwhile_does_not_move_a_post(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    civil = draft_report.cycle.questions.get(
        area__text="Civilt försvar och säkerhetsskydd", text__startswith="Vad har genomförts"
    )
    empty_area(draft_report, "Krisberedskap")
    typed = form_data(draft_report, part_key(civil), **{f"answers-q{civil.pk}": "Stabsövning."})
    # The area gets a question again: every part after it moves one place on.
    area = draft_report.cycle.application_areas().get(text="Krisberedskap")
    draft_report.cycle.save_questions(
        by=user("ale-sakerhetschef"),
        area=area,
        questions=[Question(cycle=draft_report.cycle, area=area, text="Ny fråga")],
    )
    response = client.post(edit_url(draft_report), typed)
    assert response.status_code == 302
    assert Answer.objects.get(report=draft_report, question=civil).text == "Stabsövning."


def test_an_address_naming_a_place_goes_to_the_area_at_that_place(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    response = client.get(edit_url(draft_report), {"del": "4", "inskickning": "1"})
    assert response.status_code == 302
    fourth = area_part(draft_report, 4)
    assert response["Location"] == f"{edit_url(draft_report)}?del={fourth}&inskickning=1"
    page = client.get(response["Location"]).content.decode()
    assert "Civilt försvar och säkerhetsskydd</h2>" in page


def test_an_old_post_naming_a_place_is_saved_only_where_its_fields_belong(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    civil = draft_report.cycle.questions.get(
        area__text="Civilt försvar och säkerhetsskydd", text__startswith="Vad har genomförts"
    )
    # What a page of the form's first version posted for the fourth area.
    typed = form_data(draft_report, civil, **{"del": "4", f"answers-q{civil.pk}": "Före."})
    response = client.post(edit_url(draft_report), typed)
    assert response.status_code == 302  # its fields are the fourth area's: saved there
    assert Answer.objects.get(report=draft_report, question=civil).text == "Före."
    draft_report.refresh_from_db()
    typed = form_data(draft_report, civil, **{"del": "4", f"answers-q{civil.pk}": "Efter."})
    empty_area(draft_report, "Krisberedskap")  # the fourth area is now the third
    response = client.post(edit_url(draft_report), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Det du skrev hör till delen ”Civilt försvar och säkerhetsskydd”" in page
    assert f'name="del" value="{part_key(civil)}"' in page  # shown in its own part
    assert "Efter.</textarea>" in page
    assert Answer.objects.get(report=draft_report, question=civil).text == "Före."


# --- A post saves its own part only --------------------------------------------------------


def test_saving_a_part_leaves_the_other_parts_untouched(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    crisis = part_questions(draft_report, area_part(draft_report, 3))
    others = [q for q in draft_report.cycle.questions.all() if q not in crisis]
    answered_elsewhere = Answer.objects.filter(report=draft_report).exclude(question__in=crisis)
    assert answered_elsewhere.count() == 9  # parts 1, 2 and the general ones have answers
    before = contents(draft_report)
    work = work_done(draft_report)
    # Only part 3's fields, as the browser posts them; and a field of part 1 forged in.
    elsewhere = next(
        q for q in others if q.answer_type == "text" and part_key(q) == area_part(draft_report, 1)
    )
    data = form_data(draft_report, 3, **{f"answers-q{work.pk}": "Övning i mars."})
    assert not any(f"answers-q{q.pk}" in data for q in others)
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 302
    after = contents(draft_report)
    assert Answer.objects.get(report=draft_report, question=work).text == "Övning i mars."
    assert only_part(before[0], after[0], crisis)  # no answer of another part blanked
    assert after[1:] == before[1:]  # actions, files and replies as they were
    # A field of another part in the post: refused whole, nothing saved.
    draft_report.refresh_from_db()
    before = contents(draft_report)
    forged = form_data(
        draft_report,
        3,
        **{f"answers-q{work.pk}": "Ändrat", f"answers-q{elsewhere.pk}": "Smugglat"},
    )
    response = client.post(edit_url(draft_report), forged)
    assert response.status_code == 409
    assert contents(draft_report) == before


def test_a_field_of_the_part_left_out_of_the_post_is_left_as_it_is(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    saved = Answer.objects.filter(report=draft_report, question__area__isnull=False).first()
    key = part_key(saved.question)
    data = form_data(draft_report, key)
    del data[f"answers-q{saved.question_id}"]
    before = contents(draft_report)
    assert client.post(edit_url(draft_report), data).status_code == 302
    assert contents(draft_report) == before


def test_saving_the_action_plan_leaves_the_answers_untouched(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    before = contents(draft_report)
    data = form_data(draft_report, ACTIONS, **{"actions-0-what": "Utbilda alla rektorer"})
    assert client.post(edit_url(draft_report), data).status_code == 302
    after = contents(draft_report)
    assert after[0] == before[0]
    assert [a[1] for a in after[1]][0] == "Utbilda alla rektorer"


def test_action_fields_in_a_question_part_are_not_read(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    before = contents(draft_report)
    data = form_data(
        draft_report,
        3,
        **{
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "1",
            "actions-0-id": str(draft_report.actions.first().pk),
            "actions-0-what": "Smugglad",
            "actions-0-DELETE": "on",
            "remove_attachment": "1",
        },
    )
    assert client.post(edit_url(draft_report), data).status_code == 302
    assert contents(draft_report)[1:] == before[1:]


def test_replies_are_saved_with_their_own_part_only(client, submitted_report):
    first = submitted_report.cycle.questions.get(area__text="Krisberedskap", answer_type="scale")
    general = submitted_report.cycle.questions.filter(area__isnull=True).first()
    submitted_report.return_(
        by=user("ale-sakerhetschef"),
        comment="",
        question_comments={first: "Varför delvis?", general: "Komplettera."},
    )
    submitted_report.refresh_from_db()
    on_first, on_general = ReviewComment.objects.filter(report=submitted_report).order_by("pk")
    client.force_login(user("ale-sektorchef-2"))
    overview_page = client.get(edit_url(submitted_report)).content.decode()
    # The returned notice links each comment to its part.
    assert f'href="?del={part_key(first)}#comment-{on_first.pk}"' in overview_page
    assert f'href="?del=allmant#comment-{on_general.pk}"' in overview_page
    page = client.get(edit_url(submitted_report), {"del": part_key(first)}).content.decode()
    assert f'name="replies-r{on_first.pk}"' in page
    assert f'name="replies-r{on_general.pk}"' not in page
    # A reply to another part's comment in the post: refused whole.
    forged = form_data(
        submitted_report,
        first,
        **{
            f"replies-r{on_first.pk}": "Övningen blev halvdags.",
            f"replies-r{on_general.pk}": "Smugglat svar",
        },
    )
    assert client.post(edit_url(submitted_report), forged).status_code == 409
    on_first.refresh_from_db()
    on_general.refresh_from_db()
    assert (on_first.reply, on_general.reply) == ("", "")
    data = form_data(
        submitted_report, first, **{f"replies-r{on_first.pk}": "Övningen blev halvdags."}
    )
    assert client.post(edit_url(submitted_report), data).status_code == 302
    on_first.refresh_from_db()
    on_general.refresh_from_db()
    assert (on_first.reply, on_general.reply) == ("Övningen blev halvdags.", "")


# --- Moving between the parts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "intent", "goes_to"),
    [
        (3, "next", 4),
        (3, "previous", 2),
        (3, "save", 3),
        (3, "", 3),
        (5, "next", GENERAL),
        (GENERAL, "next", ACTIONS),
        (ACTIONS, "next", ATTACHMENTS),
        (ATTACHMENTS, "previous", ACTIONS),
        (1, "previous", None),  # nothing before the first part: the overview
        (ACTIONS, "bogus", ACTIONS),
    ],
)
def test_the_buttons_save_and_move(client, draft_report, key, intent, goes_to):
    client.force_login(user("ale-sektorchef"))
    response = client.post(edit_url(draft_report), form_data(draft_report, key, intent=intent))
    assert response.status_code == 302
    goes_to = key_of(draft_report, goes_to)
    anchor = {ACTIONS: "actions", ATTACHMENTS: "attachments"}.get(goes_to, f"del-{goes_to}")
    expected = f"?del={goes_to}#{anchor}" if goes_to else ""
    assert response["Location"] == edit_url(draft_report) + expected
    assert Report.objects.get(pk=draft_report.pk).revision == 1  # saved on the way
    page = client.get(response["Location"]).content.decode()
    assert "Utkastet har sparats." in page


def test_next_saves_what_was_typed_before_moving(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    work = work_done(draft_report)
    data = form_data(draft_report, 3, intent="next", **{f"answers-q{work.pk}": "Övning i mars."})
    response = client.post(edit_url(draft_report), data)
    fourth = area_part(draft_report, 4)
    assert response["Location"].endswith(f"?del={fourth}#del-{fourth}")
    assert Answer.objects.get(report=draft_report, question=work).text == "Övning i mars."


def test_next_with_an_error_stays_in_the_part(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    scale = draft_report.cycle.questions.get(area__text="Krisberedskap", answer_type="scale")
    data = form_data(draft_report, 3, intent="next", **{f"answers-q{scale.pk}": "kanske"})
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 400
    assert f'name="del" value="{area_part(draft_report, 3)}"' in response.content.decode()


# --- Error summaries -----------------------------------------------------------------------


def test_the_error_summary_links_to_each_field_once(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    scale = draft_report.cycle.questions.get(area__text="Krisberedskap", answer_type="scale")
    yes_no = draft_report.cycle.questions.filter(area__isnull=True, answer_type="yes_no").first()
    response = client.post(
        edit_url(draft_report), form_data(draft_report, 3, **{f"answers-q{scale.pk}": "kanske"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "Det finns fel i formuläret" in page
    links = summary_links(page)
    assert [target for target, _text in links] == [f"#id_answers-q{scale.pk}_0"]
    assert links[0][1].startswith("Måluppfyllelse inom området: Välj ett giltigt alternativ.")
    assert f'id="id_answers-q{scale.pk}_0"' in page
    # Beside the field, described by it; and no second message at the top.
    assert f'id="id_answers-q{scale.pk}_error"' in page
    assert f'aria-describedby="id_answers-q{scale.pk}_error"' in page
    assert page.count("Rapporten sparades inte.") == 1
    assert 'aria-invalid="true"' in page
    assert "data-unsaved" in page  # the browser asks before a link leaves the input
    # The action plan's rows: each error linked to its field.
    response = client.post(
        edit_url(draft_report),
        form_data(
            draft_report,
            ACTIONS,
            **{
                "actions-TOTAL_FORMS": "3",
                "actions-2-what": "Ny åtgärd",
                "actions-2-starts_on": "2026-12-01",
                "actions-2-due_on": "2026-01-01",
                "actions-2-status": "not_started",
            },
        ),
    )
    page = response.content.decode()
    assert summary_links(page) == [
        ("#id_actions-2-due_on", "Åtgärd 3, Klart senast: Slutdatum kan inte vara före startdatum.")
    ]
    assert page.count("Slutdatum kan inte vara före startdatum.") == 2  # summary and field
    assert 'aria-describedby="id_actions-2-due_on_error"' in page
    # A yes-or-no question of the general part.
    response = client.post(
        edit_url(draft_report),
        form_data(draft_report, GENERAL, **{f"answers-q{yes_no.pk}": "kanske"}),
    )
    assert [t for t, _m in summary_links(response.content.decode())] == [
        f"#id_answers-q{yes_no.pk}_0"
    ]


def test_submitting_from_the_last_part_lists_what_is_missing_in_every_part(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    Action.objects.filter(report=draft_report).update(due_on=None)
    data = form_data(draft_report, ATTACHMENTS, intent="submit")
    data["attachment-file"] = SimpleUploadedFile("protokoll.pdf", PDF)
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft_report) + "?del=bilagor&inskickning=1"
    assert Report.objects.get(pk=draft_report.pk).status == Report.Status.DRAFT
    assert Attachment.objects.filter(report=draft_report).count() == 1  # the part was saved
    page = client.get(response["Location"]).content.decode()
    assert "Rapporten har inte skickats in" in page
    assert "Utkastet har sparats." in page
    assert 'name="del" value="bilagor"' in page  # the last part again
    required = [
        q
        for q in draft_report.cycle.questions.order_by("position")
        if q.required and not Answer.objects.filter(report=draft_report, question=q).exists()
    ]
    links = summary_links(page)
    expected = [
        f"?del={part_key(q)}#id_answers-q{q.pk}{'_0' if q.answer_type == 'scale' else ''}"
        for q in required
    ]
    expected += ["?del=handlingsplan#id_actions-0-due_on", "?del=handlingsplan#id_actions-1-due_on"]
    assert [href for href, _text in links] == expected
    assert links[0][1] == f"Krisberedskap: {required[0].text}"
    assert links[-1][1] == "Handlingsplan: åtgärd 2 saknar slutdatum"
    assert {part_key(q) for q in required} == {area_part(draft_report, n) for n in (3, 4, 5)}
    # Every link reaches its field on its part's page.
    for href, _text in links:
        query, target = href.split("#")
        linked = client.get(edit_url(draft_report) + query).content.decode()
        assert f'id="{target}"' in linked


def test_a_refused_file_does_not_hold_back_the_rest_of_the_part(client, draft_report):
    client.force_login(user("ale-sektorchef"))
    kept = Attachment.objects.create(
        report=draft_report,
        file=SimpleUploadedFile("gammal.pdf", PDF),
        original_name="gammal.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    draft_report.refresh_from_db()
    data = form_data(draft_report, ATTACHMENTS, intent="submit", remove_attachment=str(kept.pk))
    data["attachment-file"] = SimpleUploadedFile("program.pdf", EXECUTABLE)
    data["attachment-description"] = "Protokoll"
    response = client.post(edit_url(draft_report), data)

    assert response.status_code == 400
    assert not Attachment.objects.exists()  # the removal was saved, the file not stored
    report = Report.objects.get(pk=draft_report.pk)
    assert report.status == Report.Status.DRAFT  # and nothing submitted
    page = response.content.decode()
    assert f'name="revision" value="{report.revision}"' in page  # saving again works
    assert "Dina svar har sparats. Filen bifogades inte:" in page
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
    Report.objects.filter(pk=draft_report.pk).update(revision=7)
    data = form_data(draft_report, ATTACHMENTS, revision="0")
    data["attachment-file"] = SimpleUploadedFile("protokoll.pdf", PDF)
    response = client.post(edit_url(draft_report), data)
    assert response.status_code == 409
    assert not Attachment.objects.exists() and stored_names() == []


# --- Who may edit ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("ale-sektorchef", None),  # the unit's sector chief
        ("ale-sektorchef-2", 404),  # another unit's
        ("ale-sakerhetschef", 404),  # never sees a draft
        ("ale-fortroendevald", 404),
        ("ale-medarbetare", 404),
        ("kalix-sakerhetschef", 404),
    ],
)
@pytest.mark.parametrize("key", [3, ACTIONS])
def test_only_the_units_chief_edits_a_part(client, draft_report, who, status, key):
    client.force_login(user(who))
    work = work_done(draft_report)
    before = contents(draft_report)
    # The part's own fields (an answer in an area, a row in the action plan), and action
    # fields in the area's post, which it does not read.
    typed = {f"answers-q{work.pk}": "Inte min rapport"} if key == 3 else {}
    data = form_data(
        draft_report, key, intent="next", **typed, **{"actions-0-what": "Inte min åtgärd"}
    )
    get = client.get(edit_url(draft_report), {"del": key_of(draft_report, key)})
    post = client.post(edit_url(draft_report), data)
    if status is None:
        assert get.status_code == 200 and post.status_code == 302
        assert contents(draft_report) != before
    else:
        assert (get.status_code, post.status_code) == (status, status)
        assert contents(draft_report) == before
        assert Report.objects.get(pk=draft_report.pk).revision == 0


# --- Queries ---------------------------------------------------------------------------------

# Session, user, access (two), the bell's count; the report (with the counts of its actions,
# files and returns), questions, answers; the risk picture's three on the overview and the
# question parts; the action plan's rows, roles, owners and areas; the files. The review
# comments add one once the report has been returned (a draft never returned has none).
QUERIES = {None: 9, 3: 9, GENERAL: 9, ACTIONS: 11, ATTACHMENTS: 8}


def grow(report):
    """More of everything the form shows: questions in every area, a return with a comment on
    every question (and a reply to each), more actions and files."""
    cycle = report.cycle
    last = max(cycle.questions.values_list("position", flat=True))
    areas = list(dict.fromkeys(q.area for q in cycle.questions.order_by("position")))
    Question.objects.bulk_create(
        Question(
            cycle=cycle,
            area=area,
            text=f"Extra fråga {n}",
            answer_type=Question.AnswerType.TEXT,
            position=last + 1 + n,
        )
        for n, area in enumerate(areas * 4)
    )
    report.events.create(from_status="submitted", to_status="returned")
    now = timezone.now()
    ReviewComment.objects.bulk_create(
        ReviewComment(
            report=report, question=q, round=1, body="Varför?", reply="Därför.", replied_at=now
        )
        for q in cycle.questions.all()
    )
    Action.objects.bulk_create(
        Action(report=report, what=f"Åtgärd {n}", position=10 + n) for n in range(10)
    )
    Attachment.objects.bulk_create(
        Attachment(
            report=report,
            file=f"followup/x{n}.pdf",
            original_name=f"x{n}.pdf",
            content_type="application/pdf",
            size=10,
        )
        for n in range(5)
    )


@pytest.mark.parametrize("key", list(QUERIES))
def test_the_queries_do_not_grow_with_the_report(
    client, draft_report, django_assert_num_queries, key
):
    client.force_login(user("ale-sektorchef"))
    url = edit_url(draft_report) + (f"?del={key_of(draft_report, key)}" if key else "")
    client.get(url)  # per-process caches warmed
    with django_assert_num_queries(QUERIES[key]):
        assert client.get(url).status_code == 200
    grow(draft_report)  # returned once: its review comments are read
    with django_assert_num_queries(QUERIES[key] + 1):
        page = client.get(url).content.decode()
    if key == 3:
        assert page.count("Varför?") == 9 and "Extra fråga" in page


def test_every_part_is_valid_html(client, draft_report, tmp_path):
    import json
    import subprocess

    from tests.ui.test_valid_html import checker

    command = checker()
    client.force_login(user("ale-sektorchef"))
    pages = {
        f"{key or 'overview'}.html": {"del": key_of(draft_report, key)} if key else {}
        for key in [None, *PARTS]
    }
    pages["refused.html"] = {"del": area_part(draft_report, 3), "inskickning": "1"}
    for name, query in pages.items():
        (tmp_path / name).write_bytes(client.get(edit_url(draft_report), query).content)
    scale = draft_report.cycle.questions.get(area__text="Krisberedskap", answer_type="scale")
    errors = client.post(
        edit_url(draft_report), form_data(draft_report, 3, **{f"answers-q{scale.pk}": "x"})
    )
    (tmp_path / "errors.html").write_bytes(errors.content)
    result = subprocess.run(  # noqa: S603 - our own arguments
        [*command, "--errors-only", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    assert [m for m in messages if m.get("type") in ("error", "non-document-error")] == []
    assert len(list(tmp_path.iterdir())) == 11


def test_the_form_reads_the_report_its_questions_and_answers_as_the_orm_reads_them(demo):
    from followup.views import report_form

    statements = (report_form._REPORT, report_form._QUESTIONS, report_form._ANSWERS)
    assert all(statement.compiled() for statement in statements)
    fields = ("status", "revision", "unit_id", "cycle_id")
    counts = ("action_count", "undated_action_count", "attachment_count", "return_count")
    for report in Report.objects.for_form():
        slug = report.cycle.version.programme.municipality.slug
        [read] = report_form._REPORT.fetch(report.pk, slug)
        assert [getattr(read, name) for name in fields + counts] == [
            getattr(report, name) for name in fields + counts
        ]
        assert (read.unit.name, read.cycle.version.title, read.cycle.municipality.slug) == (
            report.unit.name,
            report.cycle.version.title,
            slug,
        )
        assert report_form._REPORT.fetch(report.pk, f"{slug}-not") == []
        questions = report_form._QUESTIONS.fetch(report.cycle_id)
        assert questions == list(report.cycle.questions.order_by("position"))
        assert [q.area for q in questions] == [q.area for q in report.cycle.questions.all()]
        answers = report_form._ANSWERS.fetch(report.pk)
        assert answers == list(report.answers.order_by("question__position"))
