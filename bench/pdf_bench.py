"""Benchmark of the programme PDF (not a test): time and peak memory of

  render      the Ale programme from the database to a PDF on disk, cache empty,
  cached      the same request again (HTML + hash + file found),
  weasyprint  WeasyPrint alone on the same HTML,
  render_x10  a draft with the Ale content ten times over (the size of a long programme),
  interleaved render and WeasyPrint alone taking turns in one process, for a ratio that the
              load of a shared machine disturbs less,

each measured in its own process so peak RSS belongs to that case. Writes bench/RESULTS.md
(section "PDF"). Run: .venv/bin/python bench/pdf_bench.py [--runs 7]
"""

import argparse
import datetime
import io
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import commit, machine  # noqa: E402 - as bench/scaleout.py

SLUG = "trygghet-och-sakerhet"
MODES = ("render", "cached", "weasyprint", "render_x10", "interleaved")


def maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def measure(mode: str, runs: int) -> dict:
    """Runs inside a child process with the benchmark database configured."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ale_safety.settings")
    django.setup()
    import pypdf
    from django.core.files.storage import default_storage

    from programmes import pdf

    def fresh():
        return pdf.versions_for_pdf().get(programme__slug=SLUG, status="adopted")

    def large():
        return pdf.versions_for_pdf().get(pk=large_draft(fresh()).pk)

    def clear():
        if not default_storage.exists(pdf.FOLDER):  # nothing rendered yet in this media root
            return
        _directories, names = default_storage.listdir(pdf.FOLDER)
        for name in names:
            default_storage.delete(f"{pdf.FOLDER}/{name}")

    html = pdf.version_html(fresh(), language="sv")
    actions = {
        "render": lambda: (clear(), pdf.render_version(fresh(), language="sv")),
        "cached": lambda: pdf.render_version(fresh(), language="sv"),
        "weasyprint": lambda: pdf.write_pdf(html),
        "render_x10": lambda: (clear(), pdf.render_version(large(), language="sv")),
    }
    if mode == "interleaved":
        return interleaved(runs, actions["render"], actions["weasyprint"])
    action = actions[mode]
    if mode == "cached":
        pdf.render_version(fresh(), language="sv")  # fill the cache, untimed
    baseline = maxrss_kib()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    peak = maxrss_kib()
    tracemalloc.start()
    action()
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rendered = pdf.render_version(large() if mode == "render_x10" else fresh(), language="sv")
    return {
        "first": seconds[0],
        "median": statistics.median(seconds[1:] or seconds),
        "maxrss_kib": peak,
        "rss_growth_kib": peak - baseline,
        "python_peak_kib": traced_peak // 1024,
        "pages": len(pypdf.PdfReader(io.BytesIO(rendered.read())).pages),
        "pdf_bytes": len(rendered.read()),
    }


def interleaved(runs: int, full, alone) -> dict:
    full(), alone()  # warm up fonts and dictionaries
    times = {"full": [], "alone": []}
    for _ in range(runs):
        for name, action in (("full", full), ("alone", alone)):
            start = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def large_draft(adopted):
    """A draft in a document of its own holding the adopted content ten times (made once)."""
    from programmes.models import Programme, ProgrammeVersion, Section, SectionItem

    programme, created = Programme.objects.get_or_create(
        municipality=adopted.programme.municipality, slug="bench-x10", kind="programme"
    )
    if not created:
        return programme.versions.get()
    draft = ProgrammeVersion.objects.create(programme=programme, number=1, title=adopted.title)
    position = 0
    for _copy in range(10):
        for section in adopted.sections.all():
            position += 1
            copy = Section.objects.create(
                version=draft,
                kind=section.kind,
                position=position,
                heading=section.heading,
                body=section.body,
                closing=section.closing,
            )
            SectionItem.objects.bulk_create(
                SectionItem(section=copy, position=item.position, text=item.text)
                for item in section.items.all()
            )
    return draft


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def write_results(results: dict, runs: int) -> Path:
    import weasyprint

    r, c = results["render"], results["cached"]
    ratio = results.pop("interleaved")
    labels = {
        "render": "render (DB → HTML → PDF on disk, cache empty)",
        "render_x10": "render of a document ten times as long, cache empty",
        "cached": "cached repeat (DB → HTML → hash → file found)",
        "weasyprint": "WeasyPrint alone on the same HTML",
    }
    rows = "\n".join(
        f"| {labels[mode]} | {ms(x['first'])} | {ms(x['median'])} | {mib(x['maxrss_kib'])} "
        f"| {mib(x['rss_growth_kib'])} | {mib(x['python_peak_kib'])} |"
        for mode, x in results.items()
    )
    section = f"""## PDF

Programme PDF of the Ale demo document ({r["pages"]} pages, {r["pdf_bytes"] // 1024} KiB,
PDF/A-2a, tagged; ten times as long: {results["render_x10"]["pages"]} pages), by
`bench/pdf_bench.py`, {runs} runs per case, each case in its own process. The machine is shared
with other work, so differences of a few tens of milliseconds are noise.

- Machine: {machine()}
- Date: {datetime.date.today().isoformat()}
- Commit: {commit()}; Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}

| case | first run | median of the rest | peak RSS | RSS growth | Python heap peak |
| --- | --- | --- | --- | --- | --- |
{rows}

Ratios of medians: full render / WeasyPrint alone = {ratio["full"] / ratio["alone"]:.2f}
(interleaved in one process: {ms(ratio["full"])} / {ms(ratio["alone"])}); this ratio moves by
tens of percent between runs on a shared machine. What the full render adds to WeasyPrint is
the cached path (queries, template, hash: {ms(c["median"])}, i.e.
{c["median"] / results["weasyprint"]["median"]:.1%} of WeasyPrint alone) plus writing the file;
a cached repeat costs {c["median"] / r["median"]:.1%} of a render.
"First run" includes loading fonts and hyphenation dictionaries in a fresh process. RSS growth is
peak RSS after the runs minus peak RSS before them (Django and the demo data already loaded).
"""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    text = re.sub(r"\n## PDF\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip() + "\n\n" + section
    path.write_text(text)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--measure", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs)))
        return
    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_DEBUG": "true",
            "REDIS_URL": "",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, "load_demo", "-v0"], env=env, check=True)
        results = {}
        for mode in MODES:
            out = subprocess.run(
                [sys.executable, __file__, "--measure", mode, "--runs", str(args.runs)],
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
            results[mode] = json.loads(out.strip().splitlines()[-1])
            print(mode, results[mode])
    print("written to", write_results(results, args.runs))


if __name__ == "__main__":
    main()
