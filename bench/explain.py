"""Which tables a page's queries read by a sequential scan (EXPLAIN on PostgreSQL).

`python bench/explain.py` prints, for the benchmark's pages on BENCH_DATABASE_URL, every query
that scans one of the large tables and its execution time; tests/bench/test_index_use.py holds
the same check on generated data in the test database.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# The tables that grow with the installation's reports: never read whole by a page.
LARGE_TABLES = (
    "followup_report",
    "followup_answer",
    "followup_action",
    "followup_reportevent",
    "responsibilities_notification",
)


def plan_nodes(node):
    yield node
    for child in node.get("Plans", ()):
        yield from plan_nodes(child)


def explain(connection, sql, params, analyze=False) -> dict:
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        row = cursor.fetchone()[0]
    return (json.loads(row) if isinstance(row, str) else row)[0]


def seq_scans(connection, sql, params, tables=LARGE_TABLES) -> list[str]:
    """The large tables the query's plan reads with a sequential scan."""
    plan = explain(connection, sql, params)["Plan"]
    return sorted(
        {
            node["Relation Name"]
            for node in plan_nodes(plan)
            if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in tables
        }
    )


def page_queries(client, path) -> list[dict]:
    """The SELECT queries of one request (its SQL and parameters, as the driver ran them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return [q["sql"] for q in context.captured_queries if q["sql"].lstrip().startswith("SELECT")]


def main():
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from bench.run import base_env

    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ale_safety_bench_290x10"
    )
    for key, value in base_env(url).items():  # the settings `make bench` runs the pages with
        os.environ.setdefault(key, value)
    import django

    django.setup()
    import time

    from django.db import connection
    from django.test import Client

    from bench.run import ready_programme_pdfs, targets

    ready_programme_pdfs()  # served, not "being prepared" (the bench runs no worker)
    data = targets()
    clients = {}
    for label, person, path in data["pages"]:
        if person not in clients:
            clients[person] = Client(HTTP_X_FORWARDED_PROTO="https")
            if person is not None:
                clients[person].force_login(person)
        client = clients[person]
        client.get(path)
        for sql in page_queries(client, path):
            start = time.perf_counter()
            plan = explain(connection, sql, None, analyze=True)
            took = (time.perf_counter() - start) * 1000
            scans = [
                n["Relation Name"]
                for n in plan_nodes(plan["Plan"])
                if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in LARGE_TABLES
            ]
            if scans or plan["Execution Time"] > 5:
                print(f"{label}: {plan['Execution Time']:.1f} ms ({took:.0f}) seq {scans}")
                print("   ", sql[:400])


if __name__ == "__main__":
    main()
