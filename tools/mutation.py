"""Mutation testing of the access rules and the state transitions (`make mutation`).

A pytest plugin (`-p tools.mutation --mutate`): after the tests pass once, each mutant (one
operator changed in one target function: a comparison negated or moved by one, `and`/`or`,
`|`/`&`, `+`/`-`, a `not` dropped, a boolean flipped, a `raise` removed) is swapped into the
running function's code object and the tests run until one fails. Survivors either get a test
or an entry in EXPLAINED; the score goes to tools/MUTATION.md. No dependency: mutmut copies
the tree and reruns pytest per mutant, which with Django and the demo data costs minutes each.
"""

from __future__ import annotations

import ast
import copy
import datetime
import importlib
import inspect
import time
from pathlib import Path

import pytest

TARGETS = {
    "responsibilities.access": [
        "_first_period",
        "wanted_grants_of",
        "_subtrees",
        "sync_permissions",
        "sync_permissions_of",
        "end_expired_assignments",
        "municipalities_with",
        "units_with",
        "municipality_grants",
        "unit_grants",
        "in_units_with",
        "Access._municipal",
        "Access._units",
        "Access.municipality_ids",
        "Access.in_municipality",
        "Access.in_unit",
        "Access.unit_ids",
        "Access.anywhere",
        "Access.within",
        "Access.member_of",
    ],
    "responsibilities.models": [
        "not_ended",
        "in_force",
        "GrantQuerySet.in_force",
        "Assignment.is_active",
        "Assignment.state",
        "Assignment.end",
    ],
    "followup.models.reports": [
        "ReportQuerySet.visible_to",
        "Report.is_editable",
        "Report._move",
        "Report.submit",
        "Report.return_",
        "Report.approve",
        "Report.record_committee",
        "Report.save_draft",
        "Report._store_actions",
    ],
}
TESTS = [
    "tests/responsibilities/test_access.py",
    "tests/followup/test_transitions.py",
    "tests/followup/test_save_draft.py",
    "tests/followup/test_access.py",
]
# Mutants no test can kill, and why (id: reason). Keep this short and honest.
EXPLAINED: dict[str, str] = {
    "responsibilities.access:sync_permissions:118:True->False": (
        "equivalent here: `ignore_conflicts` only matters when a concurrent sync of the same "
        "person inserted the row first; sync_permissions runs in one transaction per person."
    ),
    "responsibilities.models:Assignment.state:331:Lt->LtE": (
        "equivalent: an assignment ending today that has not been ended is active (returned "
        "before this line), and one that starts after it cannot exist (the end-after-start "
        "constraint)."
    ),
}
REPORT = Path(__file__).with_name("MUTATION.md")

COMPARE = {
    ast.Eq: [ast.NotEq],
    ast.NotEq: [ast.Eq],
    ast.Lt: [ast.GtE, ast.LtE],
    ast.LtE: [ast.Gt, ast.Lt],
    ast.Gt: [ast.LtE, ast.GtE],
    ast.GtE: [ast.Lt, ast.Gt],
    ast.In: [ast.NotIn],
    ast.NotIn: [ast.In],
    ast.Is: [ast.IsNot],
    ast.IsNot: [ast.Is],
}
BINARY = {ast.BitOr: ast.BitAnd, ast.BitAnd: ast.BitOr, ast.Add: ast.Sub, ast.Sub: ast.Add}


def pytest_addoption(parser):
    parser.addoption("--mutate", action="store_true", help="Run the mutation tests.")
    parser.addoption(
        "--mutant", action="append", default=[], help="Only mutants whose id contains this."
    )


def _function_nodes(tree, qualname):
    parts = qualname.split(".")
    body = tree.body
    node = None
    for part in parts:
        node = next(
            n
            for n in body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and n.name == part
        )
        body = node.body
    return node


def _mutations(function):
    """(description, path to the node, replacement maker) for every mutation point."""
    for node in ast.walk(function):
        if isinstance(node, ast.Compare):
            for index, op in enumerate(node.ops):
                for new in COMPARE.get(type(op), []):
                    yield (f"{type(op).__name__}->{new.__name__}", node, ("compare", index, new))
        elif isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            yield (f"{type(node.op).__name__}->{new.__name__}", node, ("boolop", new))
        elif isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            new = BINARY[type(node.op)]
            yield (f"{type(node.op).__name__}->{new.__name__}", node, ("binop", new))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield ("not-dropped", node, ("drop_not",))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield (f"{node.value}->{not node.value}", node, ("flip",))
    for parent in ast.walk(function):
        for field in ("body", "orelse"):
            statements = getattr(parent, field, None)
            if isinstance(statements, list):
                for index, statement in enumerate(statements):
                    if isinstance(statement, ast.Raise):
                        yield ("raise-removed", statement, ("remove", parent, field, index))


def _apply(tree_copy, original_tree, node, change):
    """Apply the change to the node's twin in the copied tree."""
    twins = dict(zip(map(id, ast.walk(original_tree)), ast.walk(tree_copy), strict=True))
    twin = twins[id(node)]
    kind = change[0]
    if kind == "compare":
        twin.ops[change[1]] = change[2]()
    elif kind in ("boolop", "binop"):
        twin.op = change[1]()
    elif kind == "drop_not":
        replace_child(tree_copy, twin, twin.operand)
    elif kind == "flip":
        twin.value = not twin.value
    elif kind == "remove":
        parent = twins[id(change[1])]
        getattr(parent, change[2])[change[3]] = ast.Pass()
    return ast.fix_missing_locations(tree_copy)


def replace_child(tree, old, new):
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if item is old:
                        value[index] = new
                        return


def _live_function(module, qualname):
    obj = module
    for part in qualname.split("."):
        obj = inspect.getattr_static(obj, part)
        if isinstance(obj, property):
            obj = obj.fget
        elif hasattr(obj, "func") and not callable(getattr(obj, "__code__", None)):
            obj = obj.func  # functools.cached_property
    return inspect.unwrap(obj)


def _code_named(code, qualname):
    if code.co_qualname == qualname:
        return code
    for const in code.co_consts:
        if inspect.iscode(const):
            found = _code_named(const, qualname)
            if found is not None:
                return found
    return None


def mutants():
    for module_name, qualnames in TARGETS.items():
        module = importlib.import_module(module_name)
        path = inspect.getsourcefile(module)
        source = Path(path).read_text(encoding="utf-8")
        tree = ast.parse(source)
        for qualname in qualnames:
            function = _function_nodes(tree, qualname)
            live = _live_function(module, qualname)
            for description, node, change in _mutations(function):
                mutated = _apply(copy.deepcopy(tree), tree, node, change)
                code = _code_named(compile(mutated, path, "exec"), qualname)
                mutant_id = f"{module_name}:{qualname}:{node.lineno}:{description}"
                yield mutant_id, live, code


def _passes(items) -> bool:
    from _pytest.runner import runtestprotocol

    for index, item in enumerate(items):
        # Keep the session's fixtures (database, demo data) for the next run.
        nextitem = items[index + 1] if index + 1 < len(items) else items[0]
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
        if any(report.failed for report in reports):
            return False
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    if not session.config.getoption("mutate"):
        return None
    items = session.items
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    started = time.monotonic()
    if not _passes(items):
        raise pytest.UsageError("The tests fail without mutants: fix them first.")
    killed, survived = [], []
    wanted = session.config.getoption("mutant")
    for mutant_id, live, code in mutants():
        if wanted and not any(part in mutant_id for part in wanted):
            continue
        original = live.__code__
        live.__code__ = code
        try:
            caught = not _passes(items)
        except Exception:  # noqa: BLE001 - a mutant that breaks the run is caught as well
            caught = True
        finally:
            live.__code__ = original
        (killed if caught else survived).append(mutant_id)
        terminal.write_line(f"{'killed  ' if caught else 'SURVIVED'} {mutant_id}")
    explained = [m for m in survived if m in EXPLAINED]
    total = len(killed) + len(survived)
    score = 100 * (len(killed) + len(explained)) / total if total else 100.0
    lines = [
        "# Mutation score: access rules and state transitions",
        "",
        f"Run by `make mutation` on {datetime.date.today().isoformat()} "
        f"({time.monotonic() - started:.0f} s, {len(items)} tests).",
        "",
        f"- mutants: {total}",
        f"- killed by a test: {len(killed)}",
        f"- surviving, explained below: {len(explained)}",
        f"- surviving, unexplained: {len(survived) - len(explained)}",
        f"- **score: {score:.1f} %** (killed + explained, of all); "
        f"killed alone: {100 * len(killed) / total:.1f} %"
        if total
        else "",
        "",
        "Targets: " + ", ".join(f"`{m}`" for m in TARGETS) + ".",
        "Tests: " + ", ".join(f"`{t}`" for t in TESTS) + ".",
        "",
        "## Survivors",
        "",
    ]
    lines += [f"- `{m}`: {EXPLAINED.get(m, '**unexplained**')}" for m in survived] or ["None."]
    if not wanted:  # a partial run (--mutant) does not replace the recorded score
        REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    terminal.write_line(f"mutation score {score:.1f} % ({len(killed)}/{total} killed)")
    session.testsfailed = len(survived) - len(explained)
    return True
