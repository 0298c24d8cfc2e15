"""Steps that ask someone to act are e-mailed at once through the outbox, in the recipient's
language, and the daily digest does not repeat them; the bell keeps them."""

import pytest
from django.conf import settings
from django.urls import reverse

from followup.reminders import Notice
from responsibilities import outbox
from responsibilities.models import Notification, User
from responsibilities.tasks import send_digests
from tests.followup.conftest import answer_everything, demo_report
from tests.reliability.support import broker_down  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
COMMENT = "Komplettera riskerna."


def return_report(client):
    report = demo_report("Sektor samhällsbyggnad")
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    response = client.post(
        reverse("followup:report_review", kwargs={"municipality": "ale", "pk": report.pk}),
        {"intent": "return", "comment": COMMENT},
    )
    assert response.status_code == 302
    return report


def test_a_return_is_emailed_at_once_and_not_again_in_the_digest(client, demo, mailoutbox):
    report = return_report(client)
    notices = Notification.objects.filter(
        kind=Notice.REPORT_RETURNED, subject=f"report:{report.pk}"
    )
    people = sorted(notices.values_list("recipient__email", flat=True))
    assert people
    assert len(mailoutbox) == len(people)
    assert sorted(address for mail in mailoutbox for address in mail.to) == people
    mail = mailoutbox[0]
    assert mail.subject == "Sektor samhällsbyggnad: uppföljningen 2026 har returnerats"
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"
    assert COMMENT in mail.body
    assert f"{settings.SITE_URL}/uppfoljning/ale/" in mail.body
    assert all(notice.emailed_at for notice in notices)  # still in the bell

    mailoutbox.clear()
    send_digests()
    assert not [mail for mail in mailoutbox if COMMENT in mail.body]
    assert not notices.exclude(digest=None).exists()


def test_it_is_written_in_the_recipients_language(client, demo, mailoutbox):
    User.objects.filter(username="ale-sektorchef-2").update(language="en")
    return_report(client)
    english = [m for m in mailoutbox if "ale-sektorchef-2" in " ".join(m.to)]
    assert [m.subject for m in english] == [
        "Sektor samhällsbyggnad: the follow-up 2026 has been returned"
    ]


def test_with_the_broker_down_the_mail_waits_in_the_outbox(
    client,
    demo,
    mailoutbox,
    broker_down,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        return_report(client)
    owed = outbox.QueuedTask.objects.filter(
        task=outbox.EMAIL_TASK, state=outbox.QueuedTask.State.PENDING
    )
    assert owed.count() >= 1
    assert mailoutbox == []
    outbox.sweep(inline=True)
    assert [m.subject for m in mailoutbox if "returnerats" in m.subject]


def test_submission_and_approval_are_emailed_too(demo, mailoutbox):
    draft = demo_report("Sektor utbildning")
    answer_everything(draft)
    draft.submit(by=User.objects.get(username="ale-sektorchef"))
    to_reviewers = [m for m in mailoutbox if "granskning" in m.subject]
    assert to_reviewers
    assert to_reviewers[0].subject == (
        "Sektor utbildning: uppföljningen 2026 har lämnats in för granskning"
    )
    report = demo_report("Sektor samhällsbyggnad")
    report.approve(by=User.objects.get(username="ale-sakerhetschef"))
    assert "Sektor samhällsbyggnad: uppföljningen 2026 har godkänts" in {
        m.subject for m in mailoutbox
    }
