"""The outbox: one waiting row per key, claimed before it runs, swept when nobody took it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from responsibilities import outbox
from responsibilities.models import QueuedTask
from tests.reliability.support import broker_down  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
TASK = "responsibilities.end_expired_assignments"


def test_a_key_keeps_one_waiting_row(broker_down):  # noqa: F811
    first = outbox.enqueue(TASK, key="k")
    again = outbox.enqueue(TASK, key="k")
    assert first.pk == again.pk
    assert outbox.enqueue(TASK).pk != first.pk  # without a key every call is its own row
    assert QueuedTask.objects.filter(task=TASK).count() == 2


def test_a_row_runs_once_however_often_it_is_delivered(broker_down):  # noqa: F811
    row = outbox.enqueue(TASK)
    assert outbox.run(row.pk) is True
    assert outbox.run(row.pk) is False
    row.refresh_from_db()
    assert (row.state, row.attempts) == (QueuedTask.State.DONE, 1)


def test_a_running_row_is_taken_over_only_after_the_claim_window(broker_down, settings):  # noqa: F811
    row = outbox.enqueue(TASK)
    assert outbox.claim(row.pk) is not None  # a worker took it, then died
    assert outbox.claim(row.pk) is None
    assert list(outbox.due()) == []
    later = timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS + 1)
    with time_machine.travel(later):
        assert list(outbox.due()) == [QueuedTask.objects.get(pk=row.pk)]
        assert outbox.sweep(inline=True) == 1
    assert QueuedTask.objects.get(pk=row.pk).state == QueuedTask.State.DONE


def test_the_sweep_leaves_a_recently_dispatched_row_to_its_worker(broker_down, settings):  # noqa: F811
    row = outbox.enqueue(TASK)
    QueuedTask.objects.filter(pk=row.pk).update(dispatched_at=timezone.now())
    assert list(outbox.due()) == []
    assert outbox.sweep() == 0
    later = timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS + 1)
    with time_machine.travel(later):
        assert list(outbox.due()) == [QueuedTask.objects.get(pk=row.pk)]


def test_a_task_that_fails_for_another_reason_is_marked_failed_not_retried(broker_down):  # noqa: F811
    row = outbox.enqueue("no.such.task")
    assert outbox.run(row.pk) is False
    row.refresh_from_db()
    assert row.state == QueuedTask.State.FAILED and "NotRegistered" in row.last_error
    assert list(outbox.due()) == []


def test_the_backoff_doubles_up_to_an_hour():
    assert [outbox.backoff(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
