"""The start page's, dashboard's and report form's queries find their rows by index at a
realistic size: on PostgreSQL, with generated data and fresh statistics (ANALYZE), no plan
reads reports, answers, actions or notifications whole."""

import pytest
from django.core.management import call_command
from django.db import connection

from bench.explain import LARGE_TABLES, page_queries, seq_scans
from bench.run import targets
from followup import reminders
from responsibilities.notifications import Digest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans of PostgreSQL"),
]

PAGES = (
    "start page (security chief)",
    "start page (sector chief)",
    "start page (council member)",
    "notifications (security chief)",
    "dashboard (security chief)",
    "report form (sector chief)",
    "follow-up index (sector chief)",
    "reports page (council member)",
)


@pytest.fixture
def installation(settings):
    """24 municipalities × 4 years (3 840 reports, ~85 000 answers) and the notifications
    the daily scans create for them, with statistics the planner believes."""
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("generate_scale_data", municipalities=24, years=4, force=True, verbosity=0)
    reminders.scan_reports()
    reminders.scan_actions()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return targets()


def test_the_pages_queries_use_an_index_on_the_large_tables(client, installation):
    scanned = {}
    for label, person, path in installation["pages"]:
        if label not in PAGES:
            continue
        client.force_login(person)
        client.get(path)
        for sql in page_queries(client, path):
            tables = seq_scans(connection, sql, None)
            if tables:
                scanned.setdefault(label, []).append((tables, sql[-400:]))
    assert scanned == {}


def test_the_check_finds_a_sequential_scan():
    # The check itself: a query that must read every report is reported.
    sql = 'SELECT COUNT(*) FROM "followup_report" WHERE "status" = \'submitted\''
    assert seq_scans(connection, sql, None) == ["followup_report"]
    assert "responsibilities_notification" in LARGE_TABLES


def test_a_scan_reads_the_days_digests_once_not_once_per_recipient(installation):
    """The digests a scan's notifications go into are found in one pass, whatever the
    statistics say: where they had the digest table empty (the day's first digests, written by
    the same statement, unseen), a lookup per recipient read the whole table for each one,
    time growing with the square of the people."""
    Digest.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE responsibilities_digest")
    plans = []

    def explained(execute, sql, params, many, context):
        if not sql.startswith("WITH new_notification"):
            return execute(sql, params, many, context)
        execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params, many, context)
        plans.append(context["cursor"].fetchone()[0][0]["Plan"])
        return None

    with connection.execute_wrapper(explained):
        reminders.announce_open_cycles()
    assert len(plans) == 1

    def digest_reads(node):
        if node.get("Relation Name") == Digest._meta.db_table and "Scan" in node["Node Type"]:
            yield node["Actual Loops"]
        for child in node.get("Plans", []):
            yield from digest_reads(child)

    takers = Digest.objects.count()
    assert takers > 10
    assert list(digest_reads(plans[0])) == [1]
