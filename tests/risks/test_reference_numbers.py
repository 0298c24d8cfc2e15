"""Reference numbers under concurrency: reports saved at the same moment in one municipality
get consecutive, distinct numbers (a row lock on the year's counter, real PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from risks.models import ReferenceCounter
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_reports_never_share_a_number():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    municipality = MunicipalityFactory(slug="samtidig", name="Samtidig kommun")
    numbers, errors = [], []
    start = threading.Barrier(8)

    def take():
        try:
            start.wait()
            from django.db import transaction

            with transaction.atomic():
                numbers.append(ReferenceCounter.take(municipality.pk, 2026))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 9))
    assert ReferenceCounter.objects.get(municipality=municipality, year=2026).last == 8
