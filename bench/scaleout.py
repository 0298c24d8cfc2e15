"""Throughput with one web process and with two (issue 17), written to bench/RESULTS.md.

The same pages as bench/run.py, on its 29 × 10 database (made on first use): first one gunicorn
with one worker process, then two gunicorns (one worker each, as two hosts would run them, on
two ports) with the connections split between them and the throughputs added. A benchmark, not
a test: the machine is shared, so the load average is written beside each figure.

    python bench/scaleout.py [--duration 5] [--users 20]
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    DEFAULT_URL,
    RESULTS,
    Gunicorn,
    child,
    collectstatic,
    commit,
    database,
    get,
    log,
    machine,
    prepare,
    wrk,
)

PAGES = ("programme page", "start page (sector chief)", "dashboard (security chief)")
SECTION = "Several web processes"


def measure(servers, path, cookie, users, duration) -> dict:
    """wrk against every server at once, the connections split between them."""
    share = max(users // len(servers), 1)
    with ThreadPoolExecutor(len(servers)) as pool:
        rows = list(
            pool.map(
                lambda server: wrk(
                    server.port, path, cookie, share, duration, 0, server.process.pid
                ),
                servers,
            )
        )
    return {
        "rps": sum(row["rps"] for row in rows),
        "p95_ms": max(row["p95_ms"] for row in rows),
        "errors": sum(row["errors"] for row in rows),
        "load": round(os.getloadavg()[0], 1),
    }


def run(url: str, users: int, duration: float) -> list[tuple]:
    secret = os.urandom(32).hex()
    plan = child("sessions", url, DJANGO_SECRET_KEY=secret)["plan"]
    plan = [("bare view", "/bench/bare/", None)] + [row for row in plan if row[0] in PAGES]
    results = []
    with Gunicorn(url, secret, workers=1) as one:
        for label, path, cookie in plan:
            assert get(one.port, path, cookie)[0] == 200, (label, path)
            wrk(one.port, path, cookie, users, 1)  # warm up
            results.append([label, measure([one], path, cookie, users, duration)])
            log(f"one process, {label}: {results[-1][1]['rps']:.0f} req/s")
    with Gunicorn(url, secret, workers=1) as first, Gunicorn(url, secret, workers=1) as second:
        for index, (label, path, cookie) in enumerate(plan):
            for server in (first, second):
                wrk(server.port, path, cookie, users // 2, 1)  # warm up
            results[index].append(measure([first, second], path, cookie, users, duration))
            log(f"two processes, {label}: {results[index][2]['rps']:.0f} req/s")
    return results


def render(results, users, duration) -> str:
    lines = [
        f"## {SECTION}",
        "",
        f"Written by `bench/scaleout.py` on {datetime.datetime.now():%Y-%m-%dT%H:%M}, commit "
        f"{commit()}, {machine()}. 29 × 10 data, gunicorn with DJANGO_DEBUG=false: one process "
        f"(one worker), then two processes (one worker each, two ports, as two hosts) sharing "
        f"PostgreSQL and the cache; wrk with {users} connections for {duration:g} s per page, "
        "split between the processes. Both processes, wrk and PostgreSQL share the same two "
        "cores, so two processes can at best double a page whose cost is in Python.",
        "",
        "| page | one process: req/s | two processes: req/s | factor | p95 one / two | "
        "errors | load |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, one, two in results:
        factor = two["rps"] / one["rps"] if one["rps"] else float("nan")
        lines.append(
            f"| {label} | {one['rps']:.0f} | {two['rps']:.0f} | {factor:.2f}× | "
            f"{one['p95_ms']:.0f} / {two['p95_ms']:.0f} ms | {one['errors'] + two['errors']} | "
            f"{one['load']} / {two['load']} |"
        )
    return "\n".join(lines) + "\n"


def write(section: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    text = re.sub(rf"\n## {SECTION}\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip()
    RESULTS.write_text(text + "\n\n" + section)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    url = database(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL), 29, 10)
    prepare(url, 29, 10)
    collectstatic(url)
    results = run(url, args.users, args.duration)
    write(render(results, args.users, args.duration))
    log(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
