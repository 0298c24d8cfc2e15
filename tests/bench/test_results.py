"""bench/run.py judges the per-page targets at the size issue 16 names (290 × 10) and the
growth of the daily scan between it and ten times that."""

import time

import pytest
from django.db import connection

from bench.run import (
    SCAN_RUNS,
    _setting_text,
    callgrind_counts,
    instructions,
    render,
    scan_runs,
    server_settings,
    server_writes,
    target_rows,
)
from responsibilities.models import Municipality


def page(cpu, queries=8):
    return {
        "status": 200,
        "queries": queries,
        "refresh": queries + 1,
        "ms": cpu,
        "cpu_ms": cpu,
        "load": 1.0,
        "path": "/start/",
    }


def size(name, cpu, scan_s, wal_mb=None, checkpoints=None):
    first = {"s": scan_s, "queries": 3, "result": 1}
    if wal_mb is not None:
        first.update(wal_mb=wal_mb, checkpoints=checkpoints)
    return {
        "name": name,
        "size": name,
        "info": {"units": 1, "users": 1, "reports": 1, "answers": 1, "generation_s": 1},
        "queries": {"bare view": page(0.3, 0), "start page (security chief)": page(cpu)},
        "scans": {
            "scan": {
                "first": first,
                "again": {"s": 0.1, "queries": 3, "result": 0},
                "load": 1.0,
            }
        },
    }


REPORT = {
    "command": "bench/run.py",
    "measured": {"date": "2026-12-06T20:00", "commit": "abc1234"},
    "target": "small",
    "small": size("290 × 10", 9.0, 4.0),
    "large": size("2900 × 10", 11.0, 38.0),
}


def test_targets_are_judged_at_the_named_size_and_growth_between_the_two():
    rows = {name: (measured, met) for name, measured, met in target_rows(REPORT)}
    assert rows["start page (security chief): ≤ 10 ms CPU per request"] == (
        "9.0 ms in-process",
        True,
    )
    assert rows["daily scan at 290 × 10 ≤ 10 s"] == ("4.0 s", True)
    assert rows["daily scan grows no faster than the data (290 × 10 → 2900 × 10: 10×)"] == (
        "9.5×",
        True,
    )
    assert rows["queries per page identical at both sizes"] == ("equal", True)
    text = render(REPORT)
    assert "The per-page targets are judged at 290 × 10" in text


def test_a_run_from_before_the_target_size_was_recorded_is_judged_at_the_larger_size():
    old = {**REPORT, "small": size("29 × 10", 9.0, 0.4), "large": size("290 × 10", 11.0, 4.0)}
    del old["target"]
    rows = {name: met for name, _measured, met in target_rows(old)}
    assert rows["start page (security chief): ≤ 10 ms CPU per request"] is False


def test_the_scans_show_the_servers_wal_and_forced_checkpoints_and_its_settings():
    server = {"max_wal_size": "1 GB", "shared_buffers": "128 MB"}
    report = {
        **REPORT,
        "small": size("290 × 10", 9.0, 4.0, wal_mb=240.4, checkpoints=0),
        "large": size("2900 × 10", 11.0, 50.0, wal_mb=2404.0, checkpoints=4),
    }
    report["large"]["scans"]["scan"]["first"]["timed_checkpoints"] = 1
    report["large"]["info"] = {**report["large"]["info"], "server": server}
    text = render(report)
    assert "PostgreSQL (max_wal_size 1 GB, shared_buffers 128 MB)" in text
    assert "| 240 MB / 2404 MB | 0 / 4 (+1 timed) |" in text
    assert "All scans over 290 × 10: 4.0 s, 240 MB of WAL, 0 forced checkpoints." in text
    assert (
        "All scans over 2900 × 10: 50.0 s, 2404 MB of WAL, 4 forced checkpoints "
        "and 1 on the server's timer." in text
    )
    # A run recorded before WAL was measured still renders.
    assert "| – / – | – / – |" in render(REPORT)


def test_the_scans_are_run_several_times_the_sizes_taking_turns_and_the_median_run_judged(
    monkeypatch,
):
    """Each run after a VACUUM of the dead rows and a CHECKPOINT; the two sizes take turns."""
    import bench.run

    steps = []
    totals = {"small": iter([5.0, 3.0, 4.0, 6.0, 2.0]), "large": iter([40, 50, 30, 60, 45])}

    def child(task, url):
        steps.append(("scans", url))
        key = url.rsplit("_", 1)[1]
        return size("290 × 10", 9.0, next(totals[key]))["scans"]

    monkeypatch.setattr(bench.run, "child", child)
    monkeypatch.setattr(bench.run, "vacuum_dead", lambda url: steps.append(("vacuum", url)))
    monkeypatch.setattr(bench.run, "checkpoint", lambda url: steps.append(("checkpoint", url)))
    urls = {"small": "postgres://bench_small", "large": "postgres://bench_large"}
    scanned = scan_runs(urls)
    assert (
        steps
        == [(step, url) for url in urls.values() for step in ("vacuum", "checkpoint", "scans")]
        * SCAN_RUNS
    )
    assert SCAN_RUNS == 5
    assert scanned["small"]["totals"] == [5.0, 3.0, 4.0, 6.0, 2.0]
    assert scanned["small"]["steps"]["scan"]["first"]["s"] == 4.0
    assert scanned["large"]["steps"]["scan"]["first"]["s"] == 45
    report = {**REPORT, "small": {**REPORT["small"], "scan_totals": scanned["small"]["totals"]}}
    assert (
        "All scans over 290 × 10: 4.0 s, 0 MB of WAL, 0 forced checkpoints (the median of "
        "5 runs: 5.0, 3.0, 4.0, 6.0, 2.0 s)." in render(report)
    )


def test_server_settings_are_written_in_their_unit():
    assert _setting_text("1024", "MB") == "1 GB"
    assert _setting_text("16384", "8kB") == "128 MB"
    assert _setting_text("300", "s") == "300 s"
    assert _setting_text("on", None) == "on"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's WAL and settings")
def test_the_server_is_read_for_its_wal_checkpoints_and_settings():
    before = server_writes()
    Municipality.objects.create(name="Walby", slug="walby")
    after = server_writes()
    assert after["wal"] > before["wal"]
    # Read as they are now, not from the snapshot the test's transaction took at first use.
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    # The checkpointer reports its counters just after the checkpoint the command waited for.
    for _ in range(50):
        if server_writes()["requested"] > after["requested"]:
            break
        time.sleep(0.1)
    assert server_writes()["requested"] > after["requested"]
    assert set(server_settings()) == {"max_wal_size", "shared_buffers", "checkpoint_timeout"}


def test_instruction_counts_are_read_from_callgrinds_dumps_and_shown_beside_the_bare_view(
    tmp_path,
):
    (tmp_path / "callgrind.out.7.1").write_text(
        "version: 1\ndesc: Trigger: Client Request: page 5 bare view\nsummary: 8000000\n"
    )
    (tmp_path / "callgrind.out.7.2").write_text(
        "desc: Trigger: Client Request: page 5 start page (security chief)\n"
        "events: Ir\ntotals: 100000000\n"
    )
    (tmp_path / "callgrind.out.7").write_text("desc: Trigger: Program termination\ntotals: 9\n")
    counts = callgrind_counts(tmp_path)
    assert counts == {"bare view": 1_600_000, "start page (security chief)": 20_000_000}
    report = {**REPORT, "small": {**REPORT["small"], "instructions": counts}}
    assert "| 20.0 M · 12.5× | – |" in render(report)
    rows = {name: measured for name, measured, _met in target_rows(report)}
    assert rows["start page (security chief): ≤ 10 ms CPU per request"] == (
        "9.0 ms in-process; 12.5× the bare view's instructions"
    )
    assert rows["every signed-in page ≤ 20× the bare view's instructions"] == (
        "at most 12.5× (start page (security chief))"
    )
    heavy = {**counts, "start page (security chief)": 33_600_000}
    report = {**REPORT, "small": {**REPORT["small"], "instructions": heavy}}
    judged = {name: (measured, met) for name, measured, met in target_rows(report)}
    assert judged["every signed-in page ≤ 20× the bare view's instructions"] == (
        "at most 21.0× (start page (security chief))",
        False,
    )
    names = [name for name, _measured, _met in target_rows(REPORT)]
    assert "every signed-in page ≤ 20× the bare view's instructions" not in names


def test_no_instruction_counts_where_the_machine_cannot_make_them(monkeypatch):
    monkeypatch.setattr("bench.run.shutil.which", lambda name: None)
    assert instructions("postgres://nowhere/none") == {}
