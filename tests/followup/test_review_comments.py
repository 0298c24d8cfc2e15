"""The review per question: the security chief comments on single answers when returning a
report, the unit replies beside each question, and on resubmission the reviewer sees what
changed. Comments are written with the return, replies with the unit's saves, both only in
the right state, and only those who may read the report see them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followup.models import (
    Answer,
    Attainment,
    InvalidTransition,
    Question,
    Report,
    ReviewComment,
)
from followup.reminders import Notice
from responsibilities.audit import AuditEvent
from responsibilities.models import Notification
from tests.followup.conftest import answer_everything, demo_report, user
from tests.followup.test_report_form import form_data, part_key

pytestmark = pytest.mark.django_db
S = Report.Status


def questions_of(report, answer_type=None):
    questions = report.cycle.questions.select_related("area").order_by("position")
    return list(questions.filter(answer_type=answer_type) if answer_type else questions)


def detail_url(report):
    return reverse("followup:report", kwargs={"municipality": "ale", "pk": report.pk})


def review_url(report):
    return reverse("followup:report_review", kwargs={"municipality": "ale", "pk": report.pk})


def edit_url(report):
    return reverse("followup:report_edit", kwargs={"municipality": "ale", "pk": report.pk})


def returned_with_comments(report, comments, comment="Komplettera."):
    report.return_(by=user("ale-sakerhetschef"), comment=comment, question_comments=comments)
    return report


# --- Model: comments, replies and their states ------------------------------------------------


def test_a_return_writes_its_comments_on_questions_in_the_same_step(submitted_report):
    first, second = questions_of(submitted_report, "text")[:2]
    returned_with_comments(
        submitted_report,
        {first: "Beskriv övningen.", second: "  ", questions_of(submitted_report)[0]: ""},
    )
    comment = ReviewComment.objects.get(report=submitted_report)
    assert (comment.question, comment.body, comment.round) == (first, "Beskriv övningen.", 1)
    assert comment.author.username == "ale-sakerhetschef" and comment.reply == ""
    event = submitted_report.events.get(to_status=S.RETURNED)
    assert comment.created_at == event.at
    audit = AuditEvent.objects.get(
        action=AuditEvent.Action.REPORT_RETURNED, target=str(submitted_report)
    )
    assert audit.detail["question_comments"] == [
        {"question": first.text, "comment": "Beskriv övningen."}
    ]


def test_a_return_needs_some_comment_and_only_on_its_own_questions(submitted_report, demo):
    with pytest.raises(ValidationError, match="vad enheten ska komplettera"):
        submitted_report.return_(by=user("ale-sakerhetschef"), comment=" ", question_comments={})
    other = demo_report("Sektor utbildning", 2025).cycle.questions.first()
    with pytest.raises(ValidationError, match="annan uppföljning"):
        submitted_report.return_(
            by=user("ale-sakerhetschef"), comment="", question_comments={other: "Fel fråga."}
        )
    # A comment on questions alone is enough.
    question = questions_of(submitted_report)[0]
    submitted_report.return_(
        by=user("ale-sakerhetschef"), comment="", question_comments={question: "Bedöm igen."}
    )
    submitted_report.refresh_from_db()
    assert submitted_report.status == S.RETURNED and submitted_report.return_comment == ""
    assert ReviewComment.objects.filter(report=submitted_report).count() == 1


def test_comments_are_written_only_to_a_submitted_report(draft_report):
    question = questions_of(draft_report)[0]
    with pytest.raises(InvalidTransition):
        returned_with_comments(draft_report, {question: "För tidigt."})
    assert not ReviewComment.objects.exists()
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.REPORT_RETURNED, target=str(draft_report)
    ).exists()


def test_the_unit_replies_until_it_submits_again(submitted_report):
    first, second = questions_of(submitted_report, "text")[:2]
    returned_with_comments(submitted_report, {first: "Beskriv övningen.", second: "Och risker?"})
    comments = list(ReviewComment.objects.filter(report=submitted_report).order_by("pk"))
    unit = user("ale-sektorchef-2")
    submitted_report.save_draft(
        by=unit,
        based_on=submitted_report.revision,
        replies={comments[0].pk: " Övningen hölls i mars. ", comments[1].pk: ""},
    )
    comments[0].refresh_from_db()
    assert comments[0].reply == "Övningen hölls i mars." and comments[0].replied_by == unit
    assert comments[0].replied_at is not None
    submitted_report.refresh_from_db()
    submitted_report.submit(by=unit)
    audit = AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_SUBMITTED).latest("pk")
    assert audit.detail["replies"] == 1
    with pytest.raises(InvalidTransition):
        submitted_report.save_draft(
            by=unit, based_on=submitted_report.revision, replies={comments[1].pk: "Sent svar"}
        )
    # Returned again: only the new round's comments take replies.
    returned_with_comments(submitted_report, {first: "Och skolorna?"})
    submitted_report.refresh_from_db()
    with pytest.raises(InvalidTransition, match="senaste returen"):
        submitted_report.save_draft(
            by=unit, based_on=submitted_report.revision, replies={comments[1].pk: "Sent svar"}
        )
    newest = ReviewComment.objects.get(report=submitted_report, round=2)
    submitted_report.save_draft(
        by=unit, based_on=submitted_report.revision, replies={newest.pk: "Alla skolor övade."}
    )
    comments[1].refresh_from_db()
    assert comments[1].reply == ""
    assert ReviewComment.objects.get(pk=newest.pk).reply == "Alla skolor övade."


def test_the_database_keeps_a_sent_comment_and_freezes_replies_with_the_report(
    submitted_report,
):
    question = questions_of(submitted_report)[0]
    returned_with_comments(submitted_report, {question: "Bedöm igen."})
    comment = ReviewComment.objects.get(report=submitted_report)
    with pytest.raises(IntegrityError, match="review_comment_sent"), transaction.atomic():
        ReviewComment.objects.filter(pk=comment.pk).update(body="Ändrad i efterhand")
    ReviewComment.objects.filter(pk=comment.pk).update(reply="Svar", replied_at=comment.created_at)
    submitted_report.refresh_from_db()
    submitted_report.submit(by=user("ale-sektorchef-2"))
    with pytest.raises(IntegrityError, match="submitted_report_frozen"), transaction.atomic():
        ReviewComment.objects.filter(pk=comment.pk).update(reply="Annat svar")
    with pytest.raises(IntegrityError, match="submitted_report_frozen"), transaction.atomic():
        ReviewComment.objects.create(
            report=submitted_report, question=question, round=9, body="Smugglad"
        )
    with pytest.raises(IntegrityError, match="submitted_report_frozen"), transaction.atomic():
        ReviewComment.objects.filter(pk=comment.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewComment.objects.create(report=submitted_report, question=question, round=1, body="")


def test_a_question_with_comments_cannot_be_removed(submitted_report):
    question = Question.objects.create(cycle=submitted_report.cycle, text="Ny fråga")
    returned_with_comments(submitted_report, {question: "Svara på den nya frågan."})
    with pytest.raises(ValidationError, match="kan inte tas bort"):
        question.delete()


def test_the_return_notice_counts_the_comments_on_questions(submitted_report, mailoutbox):
    first, second = questions_of(submitted_report, "text")[:2]
    returned_with_comments(submitted_report, {first: "A.", second: "B."}, comment="")
    notices = Notification.objects.filter(
        kind=Notice.REPORT_RETURNED, subject=f"report:{submitted_report.pk}"
    )
    assert notices.exists()
    expected = (
        "Uppföljningsrapporten för Sektor samhällsbyggnad har skickats tillbaka med "
        "kommentarer om 2 frågor."
    )
    assert {notice.text for notice in notices} == {expected}
    assert mailoutbox and all(expected in mail.body for mail in mailoutbox)


# --- What changed since the previous submission ---------------------------------------------


def resubmitted_with_a_change(report):
    """Returned with a comment on the first text question, replied to, that answer and a
    scale answer changed, submitted again."""
    text = questions_of(report, "text")[0]
    scale = questions_of(report, "scale")[0]
    returned_with_comments(report, {text: "Beskriv övningen."})
    report = Report.objects.with_contents().get(pk=report.pk)
    comment = ReviewComment.objects.get(report=report)
    before = {a.question_id: a.stored_value() for a in report.answers.all()}
    report.save_draft(
        by=user("ale-sektorchef-2"),
        based_on=report.revision,
        answers=[(text, "Krisövning i mars med alla rektorer."), (scale, Attainment.NOT_MET)],
        replies={comment.pk: "Beskrivningen är kompletterad."},
    )
    report.refresh_from_db()
    report.submit(by=user("ale-sektorchef-2"))
    return report, text, scale, before


def test_a_resubmission_shows_the_reviewer_what_changed_and_the_reply(client, submitted_report):
    report, text, scale, before = resubmitted_with_a_change(submitted_report)
    assert report.submission_changes() == {
        text.pk: (before[text.pk], "Krisövning i mars med alla rektorer."),
        scale.pk: (before[scale.pk], Attainment.NOT_MET),
    }
    client.force_login(user("ale-sakerhetschef"))
    page = client.get(detail_url(report)).content.decode()
    assert "2 svar har ändrats sedan förra inskickningen:" in page
    assert "Ändrat sedan förra inskickningen." in page
    assert f'<del class="pre-line">{before[text.pk]}</del>' in page
    assert '<del class="pre-line">Uppfyllt</del>' in page
    assert "Krisövning i mars med alla rektorer." in page
    assert "Kommentar från säkerhetschefen" in page and "Beskriv övningen." in page
    assert "Enhetens svar" in page and "Beskrivningen är kompletterad." in page
    assert "Din senaste retur hade 1 kommentar om en fråga; enheten har svarat på 1." in page


def test_a_submission_before_answers_were_kept_says_so(client, submitted_report):
    report, *_ = resubmitted_with_a_change(submitted_report)
    first = report.events.filter(to_status=S.SUBMITTED).order_by("at", "pk").first()
    type(first).objects.filter(pk=first.pk).update(answers=None)
    assert report.submission_changes() is None
    client.force_login(user("ale-sakerhetschef"))
    page = client.get(detail_url(report)).content.decode()
    assert "Svaren från förra inskickningen sparades inte" in page
    assert "Ändrat sedan förra inskickningen." not in page


# --- The pages, per persona ----------------------------------------------------------------


def snapshot():
    return (
        list(Report.objects.order_by("pk").values_list("pk", "status", "revision")),
        list(ReviewComment.objects.order_by("pk").values_list("pk", "body", "reply")),
        list(Answer.objects.order_by("pk").values_list("pk", "text", "attainment")),
    )


def review_post(report, **comments):
    data = {"intent": "return", "comment": "Se kommentarerna vid frågorna."}
    data.update({f"c{question.pk}": text for question, text in comments.get("on", {}).items()})
    return data


def test_the_security_chief_comments_beside_the_answers_and_returns(client, submitted_report):
    question = questions_of(submitted_report, "text")[0]
    client.force_login(user("ale-sakerhetschef"))
    page = client.get(detail_url(submitted_report)).content.decode()
    assert f'name="c{question.pk}"' in page and 'form="review-form"' in page
    assert "Kommentar om svaret till enheten" in page
    response = client.post(
        review_url(submitted_report),
        review_post(submitted_report, on={question: "Beskriv övningen för skolorna."}),
    )
    assert response.status_code == 302
    comment = ReviewComment.objects.get(report=submitted_report)
    assert comment.body == "Beskriv övningen för skolorna."


@pytest.mark.parametrize(
    ("who", "status"),
    [("ale-sektorchef-2", 403), ("ale-sektorchef", 404), ("ale-fortroendevald", 404)],
)
def test_others_cannot_comment_and_nothing_changes(client, submitted_report, who, status):
    question = questions_of(submitted_report, "text")[0]
    client.force_login(user(who))
    before = snapshot()
    response = client.post(
        review_url(submitted_report), review_post(submitted_report, on={question: "Nej."})
    )
    assert response.status_code == status
    assert snapshot() == before


def test_a_visitor_is_sent_to_the_login_and_nothing_changes(client, submitted_report):
    question = questions_of(submitted_report, "text")[0]
    before = snapshot()
    response = client.post(
        review_url(submitted_report), review_post(submitted_report, on={question: "Nej."})
    )
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")
    assert snapshot() == before


def test_an_approval_with_comments_on_questions_is_refused_and_the_input_kept(
    client, submitted_report
):
    question = questions_of(submitted_report, "text")[0]
    client.force_login(user("ale-sakerhetschef"))
    data = {"intent": "approve", "comment": "", f"c{question.pk}": "Beskriv övningen."}
    response = client.post(review_url(submitted_report), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Granskningen skickades inte" in page
    assert "Kommentarer om frågor skickas till enheten när rapporten returneras." in page
    assert ">Beskriv övningen.</textarea>" in page
    assert "Du har skrivit 1 kommentar vid frågorna." in page
    submitted_report.refresh_from_db()
    assert submitted_report.status == S.SUBMITTED and not ReviewComment.objects.exists()


def test_a_too_long_comment_is_refused_beside_its_own_question_only(client, submitted_report):
    """An error stays with its own question, the page links to it, and the other question
    keeps its text; nothing is saved."""
    first, second = questions_of(submitted_report, "text")[:2]
    client.force_login(user("ale-sakerhetschef"))
    response = client.post(
        review_url(submitted_report),
        review_post(submitted_report, on={first: "x" * 5_001, second: "Beskriv övningen."}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('aria-invalid="true"') == 1
    assert f'id="id_c{first.pk}" rows="3" maxlength="5000" form="review-form" aria-invalid' in page
    assert f'href="#id_c{first.pk}"' in page and f'href="#id_c{second.pk}"' not in page
    assert ">Beskriv övningen.</textarea>" in page
    submitted_report.refresh_from_db()
    assert submitted_report.status == S.SUBMITTED and not ReviewComment.objects.exists()


def test_an_empty_return_is_refused_beside_the_comment_field(client, submitted_report):
    client.force_login(user("ale-sakerhetschef"))
    response = client.post(review_url(submitted_report), {"intent": "return", "comment": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_comment"' in page
    assert "Skriv vad enheten ska komplettera eller ändra." in page
    submitted_report.refresh_from_db()
    assert submitted_report.status == S.SUBMITTED


def test_the_unit_sees_each_comment_beside_its_question_and_replies(client, submitted_report):
    question = questions_of(submitted_report, "text")[0]
    returned_with_comments(submitted_report, {question: "Beskriv övningen."}, comment="")
    comment = ReviewComment.objects.get(report=submitted_report)
    client.force_login(user("ale-sektorchef-2"))
    page = client.get(edit_url(submitted_report)).content.decode()
    assert "Det finns 1 kommentar om en fråga" in page
    key = part_key(question)
    assert f'href="?del={key}#comment-{comment.pk}"' in page
    assert "1 kommentar från säkerhetschefen" in page  # in the parts' list
    page = client.get(edit_url(submitted_report), {"del": key}).content.decode()
    # The question's own block, up to the next question.
    block = next(b for b in page.split('id="question-') if b.startswith(f'{question.pk}"'))
    assert "Kommentar från säkerhetschefen" in block and "Beskriv övningen." in block
    assert f'name="replies-r{comment.pk}"' in block
    submitted_report.refresh_from_db()
    response = client.post(
        edit_url(submitted_report),
        {
            **form_data(submitted_report, key),
            f"replies-r{comment.pk}": "Övningen hölls i mars.",
        },
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.reply == "Övningen hölls i mars."
    page = client.get(detail_url(submitted_report)).content.decode()
    assert "Enhetens svar" in page and "Övningen hölls i mars." in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("ale-sektorchef", 404), ("ale-sakerhetschef", 403), ("ale-fortroendevald", 404)],
)
def test_only_the_unit_replies(client, submitted_report, who, status):
    question = questions_of(submitted_report, "text")[0]
    returned_with_comments(submitted_report, {question: "Beskriv övningen."})
    comment = ReviewComment.objects.get(report=submitted_report)
    submitted_report.refresh_from_db()
    client.force_login(user(who))
    before = snapshot()
    response = client.post(
        edit_url(submitted_report),
        {
            "revision": str(submitted_report.revision),
            "del": part_key(question),
            f"replies-r{comment.pk}": "Inte min rapport.",
        },
    )
    assert response.status_code == status
    assert snapshot() == before


def test_a_council_member_reads_comments_and_replies_of_an_approved_report(
    client, submitted_report
):
    report, text, *_ = resubmitted_with_a_change(submitted_report)
    report.approve(by=user("ale-sakerhetschef"))
    client.force_login(user("ale-fortroendevald"))
    page = client.get(detail_url(report)).content.decode()
    assert "Beskriv övningen." in page and "Beskrivningen är kompletterad." in page
    assert 'form="review-form"' not in page and "Returnera till enheten" not in page


# --- Constant queries however many comments -------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_pages_cost_the_same_with_one_comment_or_many(client, make_municipality):
    world = make_municipality(units=3)
    report, chief, unit = world["report"], world["chief"], world["sector_chief"]
    answer_everything(report)
    questions = list(report.cycle.questions.order_by("position"))
    form_url = reverse(
        "followup:report_edit", kwargs={"municipality": world["municipality"].slug, "pk": report.pk}
    )
    page_url = reverse(
        "followup:report", kwargs={"municipality": world["municipality"].slug, "pk": report.pk}
    )
    counts = {"form": [], "page": []}
    for commented in (questions[:1], questions):
        report = Report.objects.get(pk=report.pk)
        report.submit(by=unit)
        report.return_(
            by=chief, comment="", question_comments=dict.fromkeys(commented, "Komplettera.")
        )
        report = Report.objects.get(pk=report.pk)
        client.force_login(unit)
        client.get(form_url)  # per-process caches warmed
        counts["form"].append(count_queries(client, form_url))
        replies = {
            c.pk: "Klart." for c in report.review_comments.filter(round=report.review_round())
        }
        report.save_draft(by=unit, based_on=report.revision, replies=replies)
        report = Report.objects.get(pk=report.pk)
        report.submit(by=unit)
        client.force_login(chief)
        client.get(page_url)
        counts["page"].append(count_queries(client, page_url))
        report.return_(by=chief, comment="Igen.")
    assert len(questions) == 21
    # The report page as the reviewer sees a resubmission: session, user, access, the bell,
    # report, questions, answers, actions, attachments, events (each submission's answers
    # with them: what changed comes from these), review comments, the history (one query),
    # the risk picture (two). The form: see tests/followup/test_dashboard.py's PAGES.
    assert counts == {"form": [10, 10], "page": [14, 14]}, counts


def test_a_closed_cycle_offers_no_comments_on_questions(client, submitted_report):
    submitted_report.cycle.close(by=user("ale-sakerhetschef"))
    client.force_login(user("ale-sakerhetschef"))
    page = client.get(detail_url(submitted_report)).content.decode()
    assert "Godkänn" in page
    assert 'form="review-form"' not in page and "Kommentera svaret" not in page
