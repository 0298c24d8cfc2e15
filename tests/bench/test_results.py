"""bench/run.py judges the per-page targets at the size issue 16 names (290 × 10) and the
growth of the daily scan between it and ten times that."""

from bench.run import render, target_rows


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


def size(name, cpu, scan_s):
    return {
        "name": name,
        "size": name,
        "info": {"units": 1, "users": 1, "reports": 1, "answers": 1, "generation_s": 1},
        "queries": {"bare view": page(0.3, 0), "start page (security chief)": page(cpu)},
        "scans": {
            "scan": {
                "first": {"s": scan_s, "queries": 3, "result": 1},
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
