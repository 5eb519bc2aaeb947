"""What ``importtime`` and ``calibrate`` print: the report as JSON-ready data and as text."""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from qemlflow_lint.measure.blame import Attribution, only_checks_availability, parse_file
from qemlflow_lint.measure.importtime import Interpreter, Measurement, ModuleCost
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.printable import code_span
from qemlflow_lint.model.words import plural
from qemlflow_lint.project.graph import ImportGraph

_NOT_AT_IMPORT = "(not an import-time statement: imported inside a function?)"
_NO_IMPORTER = "(no first-party module above it in the log: loaded through importlib, or by a plugin hook?)"
_MEASURED = "(imported by `import {module}` itself: no first-party module above it)"


def import_roots(folder: str) -> tuple[str, ...]:
    """The folders a project's modules import from without being installed: the folder
    itself and its ``src/``, put first on the children's ``PYTHONPATH``."""
    roots = [os.path.abspath(folder)]
    src = os.path.join(roots[0], "src")
    if os.path.isdir(src):
        roots.append(src)
    return tuple(roots)


def graphs_by_module(graphs: Sequence[ImportGraph]) -> dict[str, ImportGraph]:
    """Each first-party module with the import graph of its project (the first project
    that has a module of that name wins)."""
    found: dict[str, ImportGraph] = {}
    for graph in graphs:
        for name in graph.modules:
            found.setdefault(name, graph)
    return found


def _statement(graphs: Mapping[str, ImportGraph], attribution: Attribution, module: str) -> dict[str, Any]:
    """Where the attribution's importer imports it: ``path``, ``line``, ``text``, or a note."""
    if not attribution.importer:
        note = _MEASURED.format(module=module) if attribution.via == module else _NO_IMPORTER
        return {"path": None, "line": None, "text": None, "note": note}
    graph = graphs[attribution.importer]
    path = display_path(graph.modules[attribution.importer].path)
    statement = graph.statement_importing(attribution.importer, attribution.via)
    if statement is None:
        return {"path": path, "line": None, "text": None, "note": _NOT_AT_IMPORT}
    return {"path": path, "line": statement.line, "text": statement.text.strip(), "note": None}


def _availability_check(
    graphs: Mapping[str, ImportGraph], attribution: Attribution, trees: dict[str, ast.Module | None]
) -> dict[str, str] | None:
    """For an import that only tests whether the module is installed: the module to ask
    ``importlib.util.find_spec`` about (its top-level package: finding a submodule would
    import the package) and the expression to use instead; None otherwise.

    ``trees`` caches the importers' parsed files across attributions.
    """
    if not attribution.importer:
        return None
    graph = graphs[attribution.importer]
    statement = graph.statement_importing(attribution.importer, attribution.via)
    if statement is None:
        return None
    path = graph.modules[attribution.importer].path
    if path not in trees:
        trees[path] = parse_file(path)
    tree = trees[path]
    if tree is None or not only_checks_availability(
        tree, statement, attribution.via, attribution.importer, graph
    ):
        return None
    top = attribution.via.partition(".")[0]
    return {"module": top, "use_instead": f'importlib.util.find_spec("{top}") is not None'}


def _ms(microseconds: float) -> float:
    return round(microseconds / 1000, 3)


def budget_verdict(module: str, median_us: float, budget: float) -> dict[str, Any]:
    """The ``--budget`` gate: whether the median import time is within ``budget`` seconds."""
    seconds = median_us / 1e6
    passed = seconds <= budget
    if passed:
        text = f"PASS: {module} imports in {seconds:.3f} s (median), within the {budget:g} s budget"
    else:
        text = f"FAIL: {module} imports in {seconds:.3f} s (median), over the {budget:g} s budget"
    return {"seconds": budget, "passed": passed, "verdict": text}


def importtime_report(
    measurement: Measurement,
    interpreter: Interpreter,
    costs: Sequence[ModuleCost],
    attributions: Sequence[Attribution],
    graphs: Mapping[str, ImportGraph],
    *,
    python: str,
    costly_ms: float,
    costly_share: float,
    budget: float | None,
) -> dict[str, Any]:
    """Everything ``importtime`` found, as JSON-ready data (milliseconds throughout;
    ``costly_share`` in percent)."""
    spread = measurement.spread
    trees: dict[str, ast.Module | None] = {}
    return {
        "module": measurement.module,
        "python": {"executable": python, "version": interpreter.version},
        "runs": len(measurement.runs),
        "median_ms": _ms(measurement.median_us),
        "spread_ms": {
            "min": _ms(spread.low),
            "q1": _ms(spread.first_quartile),
            "q3": _ms(spread.third_quartile),
            "max": _ms(spread.high),
        },
        "run_ms": [_ms(value) for value in measurement.net_us],
        "baseline_ms": _ms(measurement.baseline_us),
        "top_modules": [
            {
                "module": cost.name,
                "self_ms": _ms(cost.self_us),
                "cumulative_ms": _ms(cost.cumulative_us),
                "failed": measurement.failed(cost.name),
            }
            for cost in costs
        ],
        "costly_ms": costly_ms,
        "costly_share_percent": costly_share,
        "attributions": [
            {
                "module": a.module,
                "heavy": a.heavy or None,
                "failed": a.failed,
                "cumulative_ms": _ms(a.cumulative_us),
                "share_percent": round(a.share * 100, 1),
                "large_share": a.large_share,
                "brings_in": list(a.brings_in),
                "imported_by": a.importer or None,
                "via": a.via,
                "statement": _statement(graphs, a, measurement.module),
                "saving_up_to_ms": _ms(a.saving_us),
                "modules_loaded_through_it": a.saving_modules,
                "availability_check": _availability_check(graphs, a, trees),
            }
            for a in attributions
        ],
        "budget": None
        if budget is None
        else budget_verdict(measurement.module, measurement.median_us, budget),
    }


def _describe(attribution: Mapping[str, Any]) -> str:
    """One attribution's headline: what it is and what it cost."""
    if attribution["heavy"]:
        why = f"heavy ({attribution['heavy']})"
    elif attribution["large_share"]:
        why = f"costly ({attribution['share_percent']:.0f}% of the import)"
    else:
        why = "costly"
    if attribution["failed"]:
        return (
            f"  {attribution['module']}: {why}, its import failed (tried and caught: not installed?); "
            f"the attempt took {attribution['cumulative_ms']:.1f} ms"
        )
    extra = f"; brings in {', '.join(attribution['brings_in'])}" if attribution["brings_in"] else ""
    return f"  {attribution['module']}: {why}, {attribution['cumulative_ms']:.1f} ms cumulative{extra}"


def render_importtime_json(report: Mapping[str, Any]) -> str:
    """``importtime --format json``: the report as indented JSON, non-ASCII kept."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def render_importtime_text(report: Mapping[str, Any]) -> str:
    """The human-readable ``importtime`` report."""
    spread = report["spread_ms"]
    runs = report["runs"]
    lines = [
        f"{report['module']}: {report['median_ms']:.1f} ms to import "
        f"(median of {plural(runs, 'run')}; min–max {spread['min']:.1f}–{spread['max']:.1f} ms, "
        f"IQR {spread['q1']:.1f}–{spread['q3']:.1f} ms)",
        f"  bare interpreter start-up {report['baseline_ms']:.1f} ms subtracted; "
        f"Python {report['python']['version']} ({display_path(report['python']['executable'])})",
    ]
    if report["top_modules"]:
        lines += [
            "",
            "Costliest modules (medians in ms; self = its own code, cumulative = with what it imported):",
            f"  {'self':>8}  {'cumulative':>10}  module",
        ]
        lines += [
            f"  {m['self_ms']:8.1f}  {m['cumulative_ms']:10.1f}  {m['module']}"
            + ("  (its import failed)" if m["failed"] else "")
            for m in report["top_modules"]
        ]
    lines.append("")
    attributions = report["attributions"]
    costly = f"≥ {report['costly_ms']:g} ms or ≥ {report['costly_share_percent']:g}% of the import"
    if not attributions:
        lines.append(f"No heavy module and no costly ({costly}) third-party module was loaded.")
    else:
        lines.append(
            f"Heavy modules and costly ({costly}) third-party modules, "
            "and the first-party line that pulled each in:"
        )
    for a in attributions:
        lines.append(_describe(a))
        statement = a["statement"]
        if statement["line"] is not None:
            via = "" if a["via"] == a["module"] else f"  (imports {a['via']}, which loads {a['module']})"
            lines.append(f"    {statement['path']}:{statement['line']}: {statement['text']}{via}")
            if not a["failed"]:
                count = a["modules_loaded_through_it"]
                lines.append(
                    f"    deferring that line would save up to {a['saving_up_to_ms']:.1f} ms "
                    f"({plural(count, 'module')} first loaded through it)"
                )
            check = a["availability_check"]
            if check is not None:
                lines.append(
                    f"    it only tests whether {check['module']} is installed: "
                    f"`{check['use_instead']}` tells without importing it"
                )
        elif statement["path"] is not None:
            lines.append(f"    {statement['path']} ({a['imported_by']}): {statement['note']}")
        else:
            lines.append(f"    {statement['note']}")
    if report["budget"] is not None:
        lines += ["", report["budget"]["verdict"]]
    return "\n".join(lines) + "\n"


def render_importtime_markdown(report: Mapping[str, Any]) -> str:
    """The ``importtime`` report as Markdown, for a CI job's summary or a pull-request
    comment: the headline, then one table row per heavy or costly module with the
    first-party line that pulled it in and what deferring that line would save."""
    spread = report["spread_ms"]
    lines = [
        f"### {code_span(report['module'])}: {report['median_ms']:.1f} ms to import",
        "",
        f"Median of {plural(report['runs'], 'run')} (min–max {spread['min']:.1f}–{spread['max']:.1f} ms), "
        f"the bare interpreter's start-up ({report['baseline_ms']:.1f} ms) subtracted; "
        f"Python {report['python']['version']}.",
        "",
    ]
    attributions = report["attributions"]
    if not attributions:
        lines.append("No heavy module and no costly third-party module was loaded.")
    else:
        lines += [
            "| module | why | cumulative ms | pulled in by | deferring it saves up to |",
            "|---|---|--:|---|--:|",
        ]
    for a in attributions:
        why = f"heavy ({a['heavy']})" if a["heavy"] else f"costly ({a['share_percent']:.0f}%)"
        if a["failed"]:
            why += ", import failed"
        statement = a["statement"]
        if statement["line"] is not None:
            where = code_span(f"{statement['path']}:{statement['line']}", in_table=True)
            saves = "—" if a["failed"] else f"{a['saving_up_to_ms']:.1f} ms"
        else:
            where, saves = code_span(statement["note"] or "", in_table=True), "—"
        module = code_span(a["module"], in_table=True)
        lines.append(f"| {module} | {why} | {a['cumulative_ms']:.1f} | {where} | {saves} |")
    if report["budget"] is not None:
        lines += ["", report["budget"]["verdict"]]
    return "\n".join(lines) + "\n"


def render_calibration(
    times: Mapping[str, float], failed: Mapping[str, str], runs: int, interpreter: Interpreter
) -> str:
    """The table of ``calibrate``: slowest first, then the modules that failed."""
    lines = [
        f"Import time of {plural(len(times) + len(failed), 'module')} (median of {plural(runs, 'run')} "
        f"each, start-up subtracted; Python {interpreter.version}):",
        f"  {'ms':>9}  module",
    ]
    for module in sorted(times, key=lambda name: (-times[name], name)):
        lines.append(f"  {times[module] / 1000:9.1f}  {module}")
    for module in sorted(failed):
        lines.append(f"  {'failed':>9}  {module}: {failed[module]}")
    return "\n".join(lines) + "\n"
