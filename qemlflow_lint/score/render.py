"""The score as text, Markdown and JSON: pure functions of a :class:`ScoreReport`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from qemlflow_lint import __version__
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.printable import decodable
from qemlflow_lint.model.words import plural
from qemlflow_lint.rules.registry import find_rule
from qemlflow_lint.score.advice import Action, next_fixes
from qemlflow_lint.score.compute import ScoreReport, apportion_tenths, round_tenths
from qemlflow_lint.score.gate import Gate


def percent(value: Fraction) -> str:
    """``0.873`` → ``87.3%``."""
    return f"{round_tenths(value * 100) / 10:.1f}%"


def points(value: Fraction) -> str:
    """Points to one decimal."""
    return f"{round_tenths(value) / 10:.1f}"


def headlines(report: ScoreReport) -> list[str]:
    """The headline counts of the rules in the score."""
    lines = []
    for rule in report.rules:
        declared = find_rule(rule.code)
        template = declared.headline if declared is not None else ""
        if template:
            lines.append(template.format(v=rule.violating, o=rule.units, p=percent(rule.coverage)))
    return lines


def ledger(report: ScoreReport) -> list[tuple[str, str]]:
    """(path, points) per file, rounded so that the lines add up to 100 − score exactly."""
    files = report.file_points()
    lost_tenths = 1000 - round_tenths(report.exact)
    tenths = apportion_tenths([p for _, p in files], lost_tenths)
    return [(path, f"{t / 10:.1f}") for (path, _), t in zip(files, tenths)]


def fix_line(fix: Action) -> str:
    """One best next fix as a line: what to do, its rule, and the measured time it saves."""
    line = f"{fix.text} ({fix.code})"
    if fix.saves_ms:
        line += f" [saves {fix.saves_ms:.0f} ms of import {fix.measured}]"
    return line


def _findings_by_rule(results: Sequence[FileResult]) -> list[str]:
    grouped: dict[str, dict[str, list[str]]] = {}
    for result in results:
        for finding in result.findings:
            grouped.setdefault(finding.code, {}).setdefault(result.path, []).append(
                f"      {finding.line}:{finding.col + 1} {finding.message}"
            )
    lines = ["Findings by rule and file:"]
    for code in sorted(grouped):
        lines.append(f"  {code}")
        for path in sorted(grouped[code]):
            lines += [f"    {path}", *grouped[code][path]]
    return lines if grouped else ["Findings by rule and file: none"]


def render_markdown(
    report: ScoreReport,
    gate: Gate,
    *,
    top: int = 10,
    new_findings: int | None = None,
    fixes: Sequence[Action] | None = None,
) -> str:
    """The report as Markdown (a CI job summary or a pull-request comment)."""
    out = [f"## Compliance score: {report.score:.1f}/100", ""]
    out.append(f"Profile `{report.profile.name}` v{report.profile.version}, {report.files} files analysed.")
    if new_findings is not None:
        out.append(f"New findings (not in the baseline): **{new_findings}**.")
    if gate.checked:
        out += ["", f"**{gate.verdict(report.score)}**"]
    out += [
        "",
        "| rule | symbol | units | violating | coverage | weight | points lost |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for rule in report.rules:
        out.append(
            f"| {rule.code} | `{rule.symbol}` | {rule.units} | {rule.violating} | "
            f"{percent(rule.coverage)} | {rule.weight:g} | {points(rule.points_lost)} |"
        )
    lines = headlines(report)
    if lines:
        out += ["", *[f"- {line}" for line in lines]]
    out += _ledger_markdown(report, top)
    shown = list(next_fixes(report) if fixes is None else fixes)[:top]
    if shown:
        out += ["", "### Best next fixes", "", "| gain | fix |", "|--:|---|"]
        out += [f"| +{points(fix.points)} | {_md(fix_line(fix))} |" for fix in shown]
    if report.unparseable:
        out += ["", "### Could not be analysed", ""]
        out += [f"- `{_md(path)}`: {_md(reason)}" for path, reason in report.unparseable]
    return decodable("\n".join(out) + "\n")  # an undecodable file name, escaped


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _md_code(text: str) -> str:
    """``text`` as an inline code span in a table cell (where ``|`` still needs its escape)."""
    escaped = text.replace("|", "\\|")
    return f"`` {escaped} ``" if "`" in text else f"`{escaped}`"


def _ledger_markdown(report: ScoreReport, top: int) -> list[str]:
    """The "Points lost by file" table: the first ``top`` files of :func:`ledger`, then one
    row for the rest, so that the column still adds up to 100 − score."""
    places = ledger(report)
    if not places:
        return []
    shown = places[: max(top, 0)]
    out = [
        "",
        f"### Points lost by file ({points(100 - report.exact)} in all)",
        "",
        "| points lost | file |",
        "|--:|---|",
    ]
    out += [f"| {lost} | {_md_code(path)} |" for path, lost in shown]
    rest = places[len(shown) :]
    if rest:
        tenths = sum(round(float(lost) * 10) for _, lost in rest)
        out.append(f"| {tenths / 10:.1f} | ... {plural(len(rest), 'more file')} |")
    return out


def report_dict(
    report: ScoreReport,
    gate: Gate,
    results: Sequence[FileResult],
    config_hash: str,
    *,
    detailed: bool = False,
    new_findings: int | None = None,
    fixes: Sequence[Action] | None = None,
) -> dict[str, Any]:
    """Everything needed to recompute the score later, as JSON-ready data."""
    files: dict[str, dict[str, Any]] = {}
    scored = [r for r in results if r.library or not r.ok]  # the score is the library's
    for result in sorted(scored, key=lambda r: r.path):
        violating: dict[str, set[str]] = {}
        for finding in result.findings:
            violating.setdefault(finding.code, set()).add(finding.unit)
        files[result.path] = {
            "units": dict(sorted(result.units.items())),
            "violating": {
                code: len(units) for code, units in sorted(violating.items()) if code in result.units
            },
        }
    for path, lost in report.file_points():
        files[path]["points_lost"] = float(lost)
    payload: dict[str, Any] = {
        "tool": {"name": "qemlflow-lint", "version": __version__},
        "profile": {
            "name": report.profile.name,
            "version": report.profile.version,
            "weights": {rule.code: rule.weight for rule in report.rules},
        },
        "config_hash": config_hash,
        "score": report.score,
        "score_exact": float(report.exact),
        "files_analysed": report.files,
        "rules": {
            rule.code: {
                "symbol": rule.symbol,
                "unit": rule.unit,
                "units": rule.units,
                "violating": rule.violating,
                "coverage": float(rule.coverage),
                "weight": rule.weight,
                "points_lost": float(rule.points_lost),
            }
            for rule in report.rules
        },
        "files": files,
        "unparseable": [{"path": path, "reason": reason} for path, reason in report.unparseable],
        "best_next_fixes": [fix_dict(f) for f in (next_fixes(report) if fixes is None else fixes)],
        "gate": {
            "passed": gate.passed,
            "reasons": list(gate.reasons),
            "fail_under": gate.fail_under,
            "recorded": gate.recorded,
        },
    }
    if new_findings is not None:
        payload["new_findings"] = new_findings
    if detailed:
        payload["findings"] = [
            {"path": r.path, "line": f.line, "column": f.col + 1, "code": f.code, "message": f.message}
            for r in results
            for f in r.findings
        ]
    return payload


def fix_dict(fix: Action) -> dict[str, Any]:
    """One best next fix as JSON-ready data."""
    return {
        "path": fix.path,
        "code": fix.code,
        "count": fix.count,
        "points": float(fix.points),
        "text": fix.text,
        "files": fix.files,
        "line": fix.line or None,
        "imports": fix.target or None,
        "heavy": list(fix.heavy),
        "ends_chains": list(fix.ends),
        "starts_chains": list(fix.starts),
        "saves_ms": None if fix.saves_ms is None else round(fix.saves_ms, 1),
        "measured_module": fix.measured or None,
        "measured_source": fix.measured_source or None,
    }


def render_json(*args: Any, **kwargs: Any) -> str:
    """:func:`report_dict` as indented JSON."""
    return json.dumps(report_dict(*args, **kwargs), indent=2, sort_keys=False) + "\n"


class ScoreOutput(NamedTuple):
    """What the ``score`` formats print from: the score and its gate, the results it was
    computed from (listed by ``detailed``, recorded in JSON), the configuration's
    fingerprint, how many best next fixes to show and which, and how many findings are new
    (None without a baseline)."""

    report: ScoreReport
    gate: Gate
    results: Sequence[FileResult]
    config_hash: str
    top: int = 10
    detailed: bool = False
    new_findings: int | None = None
    fixes: Sequence[Action] = ()


def score_text(output: ScoreOutput) -> str:
    """``score --format text``, the human report: score, per-rule table, headlines, where
    points went, the best next fixes (``output.fixes``)."""
    report, gate, top, detailed = output.report, output.gate, output.top, output.detailed
    out = [
        f"Compliance score: {report.score:.1f}/100 "
        f"(profile {report.profile.name} v{report.profile.version}, {report.files} files)",
    ]
    if output.new_findings is not None:
        out.append(f"New findings (not in the baseline): {output.new_findings}")
    out += [
        "",
        f"{'rule':<6} {'symbol':<24} {'units':>6} {'violating':>9} {'coverage':>8} {'weight':>6} {'lost':>5}",
    ]
    for rule in report.rules:
        out.append(
            f"{rule.code:<6} {rule.symbol:<24} {rule.units:>6} {rule.violating:>9} "
            f"{percent(rule.coverage):>8} {rule.weight:>6g} {points(rule.points_lost):>5}"
        )
    out += ["", *headlines(report)]
    places = ledger(report)
    if places:
        shown = places if detailed else places[:top]
        out += ["", f"Points lost by file ({points(100 - report.exact)} in all):"]
        out += [f"  {lost:>5}  {path}" for path, lost in shown]
        if len(places) > len(shown):
            out.append(f"  ... {len(places) - len(shown)} more files (--detailed-report shows all)")
        actions = list(output.fixes)
        if actions:
            out += ["", "Best next fixes:"]
            for fix in actions if detailed else actions[:top]:
                out.append(f"  +{points(fix.points):>4}  {fix_line(fix)}")
                if detailed and len(fix.ends) > 1:
                    out.append(f"         chains ended: {', '.join(fix.ends)}")
            if not detailed and len(actions) > top:
                out.append(
                    f"  ... {plural(len(actions) - top, 'more fix', 'more fixes')} (--detailed-report shows all)"
                )
    if report.unparseable:
        out += ["", "Could not be analysed (these fail every gate):"]
        out += [f"  {path}: {reason}" for path, reason in report.unparseable]
    if detailed:
        out += ["", *_findings_by_rule(output.results)]
    if gate.checked:
        out += ["", gate.verdict(report.score)]
    return decodable("\n".join(out) + "\n")  # an undecodable file name, escaped


def score_markdown(output: ScoreOutput) -> str:
    """``score --format markdown`` (and ``github``'s job summary): :func:`render_markdown`."""
    return render_markdown(
        output.report, output.gate, top=output.top, new_findings=output.new_findings, fixes=output.fixes
    )


def score_json(output: ScoreOutput) -> str:
    """``score --format json``: :func:`render_json` of ``output``."""
    return render_json(
        output.report,
        output.gate,
        output.results,
        output.config_hash,
        detailed=output.detailed,
        new_findings=output.new_findings,
        fixes=output.fixes,
    )
