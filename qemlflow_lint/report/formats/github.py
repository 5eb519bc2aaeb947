"""``--format github``: GitHub Actions workflow commands that annotate the changed lines.

One ``::warning file=...,line=...,col=...,title=QF001 heavy-top-level-import::message``
line per finding: ``error`` for QF000, ``warning`` for warning rules, ``notice`` for
convention rules. GitHub reads ``%``, carriage returns and newlines in the message, and
additionally ``:`` and ``,`` in the properties, as escapes, so they are escaped.
:func:`summary_markdown` writes the job summary (``$GITHUB_STEP_SUMMARY``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.printable import code_span, decodable
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.formats.entries import entries
from qemlflow_lint.report.rule_docs import Level, docs_by_code

#: The workflow command for each level.
COMMANDS: Mapping[Level, str] = MappingProxyType({"error": "error", "warning": "warning", "note": "notice"})
#: How many files the job summary lists.
WORST_FILES = 10


def escape_data(text: str) -> str:
    """``text`` escaped as a workflow command's message (an undecodable file name as
    ``\\xNN``)."""
    return decodable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """``text`` escaped as a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Sequence[FileResult]) -> str:
    """One workflow command per finding."""
    found = entries(results)
    docs = docs_by_code(entry.finding.code for entry in found)
    lines = []
    for entry in found:
        finding = entry.finding
        doc = docs[finding.code]
        properties = ",".join(
            f"{name}={escape_property(value)}"
            for name, value in (
                ("file", entry.path),
                ("line", str(finding.line)),
                ("col", str(finding.col + 1)),
                ("title", doc.title),
            )
        )
        lines.append(f"::{COMMANDS[doc.level]} {properties}::{escape_data(finding.message)}\n")
    return "".join(lines)


def summary_markdown(results: Sequence[FileResult]) -> str:
    """A Markdown job summary: findings per rule and the files with the most findings."""
    found = entries(results)
    lines = ["## qemlflow-lint", ""]
    if not found:
        lines.append(f"No findings in {plural(len(results), 'file')}.")
        return "\n".join(lines) + "\n"
    docs = docs_by_code(entry.finding.code for entry in found)
    per_rule = Counter(entry.finding.code for entry in found)
    files_per_rule = Counter(code for code, _ in {(e.finding.code, e.path) for e in found})
    per_file = Counter(entry.path for entry in found)
    lines += [
        f"**{plural(len(found), 'finding')}** in {len(per_file)} of {plural(len(results), 'file')}.",
        "",
        "| rule | findings | files |",
        "|---|---:|---:|",
    ]
    for code in sorted(per_rule):
        lines.append(
            f"| {code} {code_span(docs[code].symbol, in_table=True)} | {per_rule[code]} | {files_per_rule[code]} |"
        )
    worst = sorted(per_file.items(), key=lambda item: (-item[1], item[0]))[:WORST_FILES]
    lines += ["", "### Files with the most findings", "", "| file | findings |", "|---|---:|"]
    lines.extend(f"| {code_span(path, in_table=True)} | {count} |" for path, count in worst)
    return "\n".join(lines) + "\n"
