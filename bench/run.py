"""`make bench`: the benchmarks of issue 10 (not tests), written to bench/RESULTS.md.

  data       two PostgreSQL databases made on first use: <name>_small (2 municipalities, 2 years)
             and <name> (290 municipalities, 10 years: ~116 000 reports), by generate_scale_data;
  queries    queries per main page for the same personas at both sizes (must be equal);
  load       throughput and p50/p95 latency under gunicorn (2 workers, DJANGO_DEBUG=false) for
             the public programme page, the security chief's dashboard and a sector chief's
             report form, each against a bare Django view served the same way in the same run;
  scans      the daily reminder and revision scans: time and queries at both sizes (each in a
             transaction rolled back afterwards, so every run measures a first run);
  pdf        bench/pdf_bench.py (its own section of RESULTS.md).

PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ale_safety_bench);
the databases are created when missing. Options: --quick (a tenth of the municipalities, short
load runs), --skip-load, --skip-pdf, --duration, --users. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ale_safety_bench"
SMALL = {"municipalities": 2, "years": 2}
TARGETS = {"ratio": 0.5, "p95_ms": 150, "queries": 15, "scan_s": 30}


# --- helpers run in the parent -------------------------------------------------------------


def log(*args):
    print(*args, flush=True)


def child(task: str, database_url: str, **env) -> dict:
    """Run `run.py --child task` with the database configured; return its JSON output."""
    environment = {**os.environ, **base_env(database_url), **env}
    out = subprocess.run(
        [sys.executable, __file__, "--child", task],
        env=environment,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def base_env(database_url: str) -> dict:
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "true",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
    }


def manage(database_url: str, *args, **env):
    environment = {**os.environ, **base_env(database_url), **env}
    subprocess.run([sys.executable, "manage.py", *args], env=environment, cwd=ROOT, check=True)


def ensure_database(url: str) -> None:
    """Create the database when PostgreSQL is reachable and it is missing; exit otherwise."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    maintenance = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                log(f"creating database {name}")
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        sys.exit(
            f"make bench needs PostgreSQL (it creates its own databases there): {error}\n"
            f"Start it (e.g. `docker compose up -d db`) or set BENCH_DATABASE_URL "
            f"(now {maintenance.rsplit('/', 1)[0]}/…)."
        )


def prepare(url: str, municipalities: int, years: int) -> dict:
    """Migrate and generate the data set once; return what the database holds."""
    ensure_database(url)
    manage(url, "migrate", "--no-input", "-v0")
    info = child("info", url)
    if not info["generated"]:
        log(f"generating {municipalities} municipalities × {years} years into {url}")
        start = time.perf_counter()
        manage(
            url,
            "generate_scale_data",
            "--municipalities",
            str(municipalities),
            "--years",
            str(years),
        )
        seconds = time.perf_counter() - start
        info = child("info", url)
        info["generation_s"] = round(seconds, 1)
        marker(url).write_text(json.dumps(info))
    elif marker(url).exists():
        info["generation_s"] = json.loads(marker(url).read_text()).get("generation_s")
    return info


def marker(url: str) -> Path:
    path = ROOT / "var" / "bench" / f"generated-{url.rsplit('/', 1)[1]}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn with 2 workers, DJANGO_DEBUG=false and a throwaway secret, on 127.0.0.1."""

    def __init__(self, url: str, secret: str, workers: int = 2):
        self.port = free_port()
        self.env = {
            **os.environ,
            **base_env(url),
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secret,
            "DATABASE_CONN_MAX_AGE": "60",
        }
        self.args = [
            str(Path(sys.executable).parent / "gunicorn"),
            "ale_safety.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
        ]

    def __enter__(self):
        self.process = subprocess.Popen(self.args, env=self.env, cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = get(self.port, "/healthz")
                if status in (200, 503):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def headers(cookie: str | None) -> dict:
    # The proxy's header: production redirects plain http to https otherwise.
    result = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept-Language": "sv"}
    if cookie:
        result["Cookie"] = f"sessionid={cookie}"
    return result


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers(cookie))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def load(
    port: int, path: str, cookie: str | None, users: int, duration: float, think: float = 0.0
) -> dict:
    """`users` threads requesting `path` for `duration` seconds, back to back or with `think`
    seconds between a response and the next request (keep-alive where the server allows it);
    bounded to 200 000 requests."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + duration
    budget = [200_000]

    def user():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, codes = [], {}
        while time.monotonic() < stop:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers(cookie))
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            mine.append(time.perf_counter() - start)
            codes[status] = codes.get(status, 0) + 1
            if think:
                time.sleep(think)
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    began = time.perf_counter()
    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "statuses": statuses,
    }


# --- tasks run in a child process with Django set up ---------------------------------------


def setup_django():
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def task_info() -> dict:
    from followup import scale
    from followup.models import Answer, Report
    from responsibilities.models import Municipality, OrganisationUnit, User

    return {
        "generated": scale.already_generated(),
        "municipalities": Municipality.objects.count(),
        "units": OrganisationUnit.objects.count(),
        "users": User.objects.count(),
        "reports": Report.objects.count(),
        "answers": Answer.objects.count(),
    }


def targets(slug: str = "skala-001") -> dict:
    """The objects the pages are measured on: the same personas at every size."""
    from followup.models import Cycle, Report
    from responsibilities.models import User

    chief = User.objects.get(username=f"{slug}-sakerhetschef")
    sector_chief = User.objects.get(username=f"{slug}-sektorchef-2")  # its report is a draft
    reader = User.objects.get(username=f"{slug}-fortroendevald-1")  # reads approved reports
    cycle = Cycle.objects.filter(
        version__programme__municipality__slug=slug, status=Cycle.Status.OPEN
    ).get()
    own = Report.objects.get(
        cycle=cycle, unit__assignments__person=sector_chief, unit__kind="sector"
    )
    # A report waiting for review (the page's queries depend on the report's state).
    submitted = (
        Report.objects.filter(cycle=cycle, status=Report.Status.SUBMITTED)
        .order_by("unit__path")
        .first()
    )
    m = f"/uppfoljning/{slug}"
    program = f"/{slug}/program/trygghet-och-sakerhet/"
    return {
        "chief": chief,
        "sector_chief": sector_chief,
        "reader": reader,
        "pages": [
            ("public home", None, "/"),
            ("municipality page", None, f"/{slug}/"),
            ("programme page", None, program),
            ("programme PDF (cached)", None, program + "pdf/"),
            ("start page (security chief)", chief, "/start/"),
            ("notifications (security chief)", chief, "/konto/notiser/"),
            ("follow-up index (security chief)", chief, f"{m}/"),
            ("dashboard (security chief)", chief, f"{m}/omgang/{cycle.pk}/"),
            ("report form (sector chief)", sector_chief, f"{m}/rapport/{own.pk}/redigera/"),
            ("report page (sector chief)", sector_chief, f"{m}/rapport/{own.pk}/"),
            ("report page (security chief)", chief, f"{m}/rapport/{submitted.pk}/"),
            ("export CSV (security chief)", chief, f"{m}/omgang/{cycle.pk}/export.csv"),
            ("start page (sector chief)", sector_chief, "/start/"),
            ("follow-up index (sector chief)", sector_chief, f"{m}/"),
            ("start page (council member)", reader, "/start/"),
            ("reports page (council member)", reader, f"{m}/rapporter/"),
        ],
    }


def task_queries(slug: str = "skala-001") -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    data = targets(slug)
    clients = {}
    result = {}
    for label, person, path in [("bare view", None, "/bench/bare/"), *data["pages"]]:
        if person not in clients:
            # Behind the proxy's https header, as production runs (no redirect to https).
            clients[person] = Client(HTTP_X_FORWARDED_PROTO="https")
            if person is not None:
                clients[person].force_login(person)
        client = clients[person]
        client.get(path)  # warm: PDF rendered once, caches filled
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        queries = len(captured)  # now: the next request empties the connection's log
        # Time and CPU of this process (the app's own work; the database's is in the rest).
        runs = 5
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(runs):
            client.get(path)
        result[label] = {
            "path": path,
            "status": response.status_code,
            "queries": queries,
            "ms": round((time.perf_counter() - start) * 1000 / runs, 1),
            "cpu_ms": round((time.process_time() - cpu) * 1000 / runs, 1),
        }
    return result


def task_sessions() -> dict:
    """Sessions for the personas, signed with the server's secret (no login form, no axes)."""
    from django.test import Client

    data = targets()
    cookies = {}
    for key in ("chief", "sector_chief"):
        client = Client()
        client.force_login(data[key])
        cookies[key] = client.cookies["sessionid"].value
    pages = {label: path for label, _person, path in data["pages"]}
    return {
        "cookies": cookies,
        "paths": {
            "programme": pages["programme page"],
            "dashboard": pages["dashboard (security chief)"],
            "report_form": pages["report form (sector chief)"],
        },
    }


def scans():
    """The daily scans in the order the beat schedule runs them (optional ones if present)."""
    import importlib

    from programmes.revision import scan_revisions
    from responsibilities.access import end_expired_assignments
    from responsibilities.deadlines import notify_yearly_deadlines
    from responsibilities.notifications import collect_digests

    found = [
        ("programmes.revision.scan_revisions", scan_revisions),
        ("responsibilities.deadlines.notify_yearly_deadlines", notify_yearly_deadlines),
        ("responsibilities.access.end_expired_assignments", end_expired_assignments),
    ]
    try:
        reminders = importlib.import_module("followup.reminders")
    except ImportError:
        reminders = None
    if reminders is not None:
        for name in sorted(dir(reminders)):
            function = getattr(reminders, name)
            if (
                callable(function)
                and getattr(function, "__module__", "") == reminders.__name__
                and re.match(r"(scan|send|notify|remind)", name)
            ):
                found.append((f"followup.reminders.{name}", function))
    found.append(("responsibilities.notifications.collect_digests", collect_digests))
    return found


def task_scans() -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    class Rollback(Exception):
        pass

    from django.urls import reverse

    reverse("programmes:home")  # load the URL conf (and its imports) before timing
    result = {}
    try:
        with transaction.atomic():
            for name, function in scans():
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    outcome = function()
                    seconds = time.perf_counter() - start
                size = len(outcome) if isinstance(outcome, list | tuple | set) else outcome
                result[name] = {
                    "s": round(seconds, 3),
                    "queries": len(queries),
                    "result": size if isinstance(size, int) else None,
                }
            raise Rollback
    except Rollback:
        pass
    return result


# --- RESULTS.md ------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.*)", text)[1]
    except (OSError, TypeError):
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def commit() -> str:
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    dirty = " (uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return git("rev-parse", "--short", "HEAD").strip() + dirty


def ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def render(report: dict) -> str:
    small, large = report["small"], report["large"]
    lines = [
        "## Setup",
        "",
        f"- Machine: {machine()} (shared with other work: figures move by tens of percent)",
        f"- Date: {datetime.datetime.now().isoformat(timespec='minutes')}",
        f"- Commit: {commit()}; Python {platform.python_version()}; PostgreSQL",
        f"- Command: `{report['command']}`",
        "",
        "| data set | municipalities | units | people | reports | answers | generated in |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, info in (("small", small["info"]), ("large", large["info"])):
        took = f"{info['generation_s']} s" if info.get("generation_s") else "(earlier run)"
        lines.append(
            f"| {name} | {info['municipalities']} | {info['units']} | {info['users']} "
            f"| {info['reports']} | {info['answers']} | {took} |"
        )
    lines += [
        "",
        "## Queries per page",
        "",
        f"Same personas and pages (municipality skala-001) at both sizes, measured in-process "
        f"(second request, caches warm). Target: ≤ {TARGETS['queries']} and equal at both sizes.",
        "",
        "Time and CPU: mean of 5 requests in one process with DJANGO_DEBUG=false (the test "
        "client, no network); CPU is this process's only, the database's work is in the time.",
        "",
        "| page | status | queries small | queries large | equal | ≤ 15 | time large | CPU large |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, big in large["queries"].items():
        little = small["queries"].get(label, {})
        lines.append(
            f"| {label} | {big['status']} | {little.get('queries')} | {big['queries']} "
            f"| {ok(little.get('queries') == big['queries'])} "
            f"| {ok(big['queries'] <= TARGETS['queries'])} | {big['ms']:.1f} ms "
            f"| {big['cpu_ms']:.1f} ms |"
        )
    if report.get("load"):
        load_ = report["load"]
        bare = load_["bare"]
        lines += [
            "",
            "## Throughput and latency",
            "",
            f"gunicorn, 2 sync workers, DJANGO_DEBUG=false, large data set, PostgreSQL and the "
            f"load generator (threads, http.client) on the same 2 shared cores. Each page "
            f"{load_['duration']:.0f} s *saturated* ({load_['users']} users back to back: "
            f"throughput, and latency mostly queueing) and {load_['duration']:.0f} s *paced* "
            f"({load_['users']} users, {load_['think']:g} s between a response and the next "
            "request: the latency a user sees at that load). Ratio = the page's saturated "
            f"throughput / the bare view's. Targets: ratio ≥ {TARGETS['ratio']:.0%}, p95 ≤ "
            f"{TARGETS['p95_ms']} ms at {load_['users']} users.",
            "",
            "| page | req/s saturated | ratio to bare | p50 / p95 saturated | req/s paced "
            "| p50 / p95 paced | errors | ratio | p95 paced |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for label, row in load_["pages"].items():
            ratio = row["rps"] / bare["rps"]
            paced = row["paced"]
            errors = sum(
                n
                for part in (row, paced)
                for code, n in part["statuses"].items()
                if str(code) != "200"
            )
            lines.append(
                f"| {label} | {row['rps']:.0f} | {ratio:.1%} "
                f"| {row['p50_ms']:.0f} / {row['p95_ms']:.0f} ms | {paced['rps']:.1f} "
                f"| {paced['p50_ms']:.0f} / {paced['p95_ms']:.0f} ms | {errors} "
                f"| {ok(ratio >= TARGETS['ratio']) if label != 'bare view' else '–'} "
                f"| {ok(paced['p95_ms'] <= TARGETS['p95_ms'])} |"
            )
    lines += [
        "",
        "## Daily scans",
        "",
        "Each scan run once over each data set inside a transaction that is rolled back (so "
        "every run measures a first run that finds work). Target: the large set within "
        f"{TARGETS['scan_s']} s, and a number of queries that does not grow with the reports.",
        "",
        "| scan | time small | queries small | time large | queries large | result large |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, big in large["scans"].items():
        little = small["scans"].get(name, {})
        lines.append(
            f"| `{name}` | {little.get('s', 0) * 1000:.0f} ms | {little.get('queries')} "
            f"| {big['s'] * 1000:.0f} ms | {big['queries']} | {big['result']} |"
        )
    total = sum(row["s"] for row in large["scans"].values())
    verdict = ok(total <= TARGETS["scan_s"])
    lines += ["", f"All scans over the large set: {total:.1f} s ({verdict})."]
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    return "\n".join(lines) + "\n"


def write_results(section: str) -> None:
    """Replace every section but the PDF one (owned by pdf_bench.py)."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pdf = re.search(r"\n## PDF\n.*?(?=\n## (?!PDF)|\Z)", text, flags=re.S)
    head = "# Benchmark results\n\nWritten by `make bench` (bench/run.py); the PDF section by "
    head += "bench/pdf_bench.py, which `make bench` runs too.\n\n"
    RESULTS.write_text(head + section + (pdf.group(0) if pdf else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="29 municipalities, 5 s per page")
    parser.add_argument("--municipalities", type=int, default=290)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per page")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds between a user's requests when paced"
    )
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    args = parser.parse_args()
    if args.child:
        setup_django()
        task = {
            "info": task_info,
            "queries": task_queries,
            "sessions": task_sessions,
            "scans": task_scans,
        }[args.child]
        print(json.dumps(task(), default=str))
        return
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL).rstrip("/")
    if args.quick:
        args.municipalities, args.duration = max(1, args.municipalities // 10), 5.0
        url += "_quick"
    report = {"command": " ".join(["bench/run.py", *sys.argv[1:]])}
    for name, db, size in (
        ("small", url + "_small", SMALL),
        ("large", url, {"municipalities": args.municipalities, "years": args.years}),
    ):
        info = prepare(db, **size)
        log(name, info)
        report[name] = {"info": info}
        collectstatic(db)
        report[name]["queries"] = child(
            "queries", db, DJANGO_DEBUG="false", DJANGO_SECRET_KEY=os.urandom(32).hex()
        )
        log(json.dumps(report[name]["queries"], indent=1))
        report[name]["scans"] = child("scans", db)
        log(json.dumps(report[name]["scans"], indent=1))
    if not args.skip_load:
        report["load"] = run_load(url, args.users, args.duration, args.think)
    write_results(render(report))
    if not args.skip_pdf:
        subprocess.run([sys.executable, str(ROOT / "bench" / "pdf_bench.py")], cwd=ROOT, check=True)
    log("written to", RESULTS)


def collectstatic(url: str) -> None:
    # DJANGO_DEBUG=false serves hashed static names from a manifest (under var/bench/static).
    manage(url, "collectstatic", "--no-input", "-v0", DJANGO_DEBUG="false", DJANGO_SECRET_KEY="-")


def run_load(url: str, users: int, duration: float, think: float) -> dict:
    secret = os.urandom(32).hex()  # throwaway: the sessions are signed with it too
    sessions = child("sessions", url, DJANGO_SECRET_KEY=secret)
    cookies, paths = sessions["cookies"], sessions["paths"]
    plan = [
        ("bare view", "/bench/bare/", None),
        ("public programme page", paths["programme"], None),
        ("dashboard (security chief)", paths["dashboard"], cookies["chief"]),
        ("report form (sector chief)", paths["report_form"], cookies["sector_chief"]),
    ]
    pages = {}
    with Gunicorn(url, secret) as server:
        for label, path, cookie in plan:
            status, _body = get(server.port, path, cookie)
            if status != 200:
                raise RuntimeError(f"{label}: {path} answered {status}")
            load(server.port, path, cookie, users, min(2.0, duration))  # warm up
            pages[label] = load(server.port, path, cookie, users, duration)
            pages[label]["paced"] = load(server.port, path, cookie, users, duration, think)
            log(label, pages[label])
    return {
        "users": users,
        "duration": duration,
        "think": think,
        "bare": pages["bare view"],
        "pages": pages,
    }


if __name__ == "__main__":
    main()
