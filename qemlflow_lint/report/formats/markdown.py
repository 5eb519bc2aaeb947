"""``--format markdown``: the findings as Markdown, for a job summary or a pull-request comment.

A heading and one line that counts the findings and files, then one table per file, its
findings in report order: position, rule and message. Every cell that holds text from the
code (a path, a message) is a code span, so nothing in it becomes markup or breaks the
table. A run without findings says so in one line, whatever the number of files.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.printable import code_span
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.formats.entries import entries
from qemlflow_lint.report.rule_docs import docs_by_code


def render(results: Sequence[FileResult]) -> str:
    """The findings of ``results`` as Markdown: a count, then a table per file."""
    found = entries(results)
    lines = ["## qemlflow-lint", ""]
    if not found:
        lines.append("No findings.")
        return "\n".join(lines) + "\n"
    docs = docs_by_code(entry.finding.code for entry in found)
    files = len({entry.path for entry in found})
    lines.append(f"**{plural(len(found), 'finding')}** in {files} of {plural(len(results), 'file')}.")
    for path, group in groupby(found, key=lambda entry: entry.path):
        lines += ["", f"### {code_span(path)}", "", "| line:col | rule | message |", "|---:|---|---|"]
        for entry in group:
            finding = entry.finding
            rule = f"{finding.code} {code_span(docs[finding.code].symbol, in_table=True)}"
            lines.append(
                f"| {finding.line}:{finding.col + 1} | {rule} | {code_span(finding.message, in_table=True)} |"
            )
    return "\n".join(lines) + "\n"
