"""An answer keeps the wording it answered: a question reworded while the cycle is open changes
the form of the units that have not answered it, while the answers given, the report page, the
PDFs and the exports keep the words the unit answered (the reviewer is told of the change)."""

import csv
import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse

from followup import reports as documents
from followup.history import changes_of
from followup.models import Answer, Cycle, Report, ReportEvent
from tests.followup.conftest import demo_report, user
from tests.followup.test_report_form import part_key

pytestmark = pytest.mark.django_db
NEW_WORDING = "Vilka risker och sårbarheter har ni identifierat under året?"


def cycle_2026():
    return Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)


def reworded(question, text=NEW_WORDING):
    old = question.text
    question.text = text
    question.save(by=user("ale-sakerhetschef"))
    return old


def question_answered_only_by(report):
    """A text question this report answered and Sektor utbildning's draft did not."""
    draft = demo_report("Sektor utbildning")
    theirs = set(draft.answers.values_list("question_id", flat=True))
    return (
        report.cycle.questions.filter(answers__report=report, answer_type="text")
        .exclude(pk__in=theirs)
        .order_by("position")
        .first()
    )


def url(name, report):
    return reverse(f"followup:{name}", kwargs={"municipality": "ale", "pk": report.pk})


def test_the_form_shows_each_unit_the_wording_it_answered(client, demo):
    draft, submitted = demo_report("Sektor utbildning"), demo_report("Sektor samhällsbyggnad")
    answered_by_both = draft.answers.select_related("question").filter(question__answer_type="text")
    answered_by_both = answered_by_both.first().question
    only_theirs = question_answered_only_by(submitted)
    old_both = reworded(answered_by_both, "Vad har genomförts under året 2026?")
    old_theirs = reworded(only_theirs)

    client.force_login(user("ale-sektorchef"))
    form = client.get(url("report_edit", draft), {"del": part_key(answered_by_both)})
    assert label(answered_by_both, old_both) in form.content.decode()
    form = client.get(url("report_edit", draft), {"del": part_key(only_theirs)})
    assert label(only_theirs, NEW_WORDING) in form.content.decode()
    assert Answer.objects.get(report=draft, question=answered_by_both).question_text == old_both

    client.force_login(user("ale-sakerhetschef"))
    page = client.get(url("report", submitted)).content.decode()
    item = page.split(f'id="answer-{only_theirs.pk}"')[1].split('id="answer-')[0]
    assert f"<dt>{old_theirs}</dt>" in item
    assert f"Frågan har ändrats sedan svaret. Ny formulering: ”{NEW_WORDING}”" in item


def label(question, wording):
    return f'<label for="id_answers-q{question.pk}">{wording}'


def test_readers_other_than_reviewers_see_the_wording_without_the_note(client, demo):
    submitted = demo_report("Sektor samhällsbyggnad")
    old = reworded(question_answered_only_by(submitted))
    submitted.approve(by=user("ale-sakerhetschef"))
    question = question_answered_only_by(submitted)
    for who in ("ale-fortroendevald", "ale-sektorchef-2"):
        client.force_login(user(who))
        page = client.get(url("report", submitted)).content.decode()
        item = page.split(f'id="answer-{question.pk}"')[1].split('id="answer-')[0]
        assert f"<dt>{old}</dt>" in item
        assert "Frågan har ändrats sedan svaret" not in page and NEW_WORDING not in page


def test_a_unit_answering_after_the_rewording_answers_the_new_words(client, demo):
    draft = demo_report("Sektor utbildning")
    question = question_answered_only_by(demo_report("Sektor samhällsbyggnad"))
    reworded(question)
    client.force_login(user("ale-sektorchef"))
    page = client.get(url("report_edit", draft), {"del": part_key(question)}).content.decode()
    opened = page.split('name="opened" value="')[1].split('"')[0]
    response = client.post(
        url("report_edit", draft),
        {
            "revision": str(draft.revision),
            "opened": opened,
            "intent": "save",
            "del": part_key(question),
            f"answers-q{question.pk}": "Hot och våld i skolmiljö.",
        },
    )
    assert response.status_code == 302
    assert Answer.objects.get(report=draft, question=question).question_text == NEW_WORDING


def test_an_answer_to_words_changed_after_the_form_was_shown_is_refused(client, demo):
    draft = demo_report("Sektor utbildning")
    question = question_answered_only_by(demo_report("Sektor samhällsbyggnad"))
    client.force_login(user("ale-sektorchef"))
    page = client.get(url("report_edit", draft), {"del": part_key(question)}).content.decode()
    opened = page.split('name="opened" value="')[1].split('"')[0]
    reworded(question)  # meanwhile, by the security chief
    response = client.post(
        url("report_edit", draft),
        {
            "revision": str(draft.revision),
            "opened": opened,
            "intent": "save",
            "del": part_key(question),
            f"answers-q{question.pk}": "Svar på den gamla frågan.",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert f"Säkerhetschefen ändrade frågan ”{NEW_WORDING}” medan du fyllde i formuläret." in page
    assert "Svar på den gamla frågan.</textarea>" in page and NEW_WORDING in page
    assert not Answer.objects.filter(report=draft, question=question).exists()
    draft.refresh_from_db()
    assert draft.revision == 0


def test_the_pdfs_and_the_export_keep_the_wording_answered(client, demo):
    submitted = demo_report("Sektor samhällsbyggnad")
    question = question_answered_only_by(submitted)
    old = reworded(question)
    submitted.approve(by=user("ale-sakerhetschef"))
    report = Report.objects.with_contents().get(pk=submitted.pk)
    unit = documents.unit_html(documents.unit_document(report), language="sv")
    assert old in unit and NEW_WORDING not in unit
    board = documents.consolidated_html(documents.consolidated(cycle_2026()), language="sv")
    assert f'<h3 lang="sv">{NEW_WORDING}</h3>' in board
    assert f"Svarade på frågan som den löd tidigare: ”{old}”" in board

    client.force_login(user("ale-sakerhetschef"))
    response = client.get(
        reverse(
            "followup:export", kwargs={"municipality": "ale", "pk": cycle_2026().pk, "fmt": "csv"}
        )
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    mine = [row for row in rows if row[2] == question.area.text and row[3] == old]
    assert [(row[0], row[5]) for row in mine] == [("Sektor samhällsbyggnad", NEW_WORDING)]
    assert sum(row[5] == NEW_WORDING for row in rows) == 1


def test_the_history_names_the_question_as_answered(demo):
    draft = demo_report("Sektor utbildning")
    answer = draft.answers.select_related("question").filter(question__answer_type="text").first()
    draft.save_draft(
        by=user("ale-sektorchef"),
        based_on=draft.revision,
        answers=[(answer.question, "Ny text.")],
    )
    old = reworded(answer.question, "Helt ny formulering")
    report = Report.objects.with_contents().get(pk=draft.pk)
    subjects = [change.subject for entry in changes_of(report) for change in entry.changes]
    assert subjects == [old]


def test_with_contents_gives_each_answer_its_question_without_a_query(
    demo, django_assert_num_queries
):
    """The answers come without their question's columns: each is given the cycle's
    prefetched question, so reading its type (for its value) costs nothing."""
    submitted = demo_report("Sektor samhällsbyggnad")
    reports = list(Report.objects.with_contents().filter(cycle=submitted.cycle))
    assert sum(len(report.answers.all()) for report in reports) > 0
    with django_assert_num_queries(0):
        for report in reports:
            questions = {question.pk: question for question in report.cycle.questions.all()}
            for answer in report.answers.all():
                assert answer.question is questions[answer.question_id]
                answer.display_value  # noqa: B018 - reads the question's answer type


def test_the_data_migration_fills_the_wording_and_the_latest_submission(demo):
    migration = importlib.import_module("followup.migrations.0011_fill_answer_wording")
    draft, submitted = demo_report("Sektor utbildning"), demo_report("Sektor samhällsbyggnad")
    Answer.objects.filter(report=draft).update(question_text="?")
    event = submitted.events.get(to_status=Report.Status.SUBMITTED)
    kept = event.answers
    ReportEvent.objects.filter(pk=event.pk).update(answers=None)
    migration.fill(apps, None)
    assert not Answer.objects.filter(question_text="?").exists()
    assert all(a.question_text == a.question.text for a in draft.answers.select_related("question"))
    event.refresh_from_db()
    assert event.answers == kept and len(kept) == submitted.answers.count()
    # A returned report may have changed since it was submitted: its submission stays unknown.
    returned = demo_report("Sektor arbetsliv och stöd", 2025)
    ReportEvent.objects.filter(report=returned).update(answers=None)
    migration.fill(apps, None)
    assert not ReportEvent.objects.filter(report=returned, answers__isnull=False).exists()
