"""``--format junit``: JUnit XML, for CI systems that show test reports.

One test suite, ``qemlflow-lint``, with one test case per rule (``QF001
heavy-top-level-import``): it passes when the rule has no findings and otherwise fails
once, its failure listing every finding as a flake8-style line. Files that could not be
read or parsed add a failing ``QF000 unreadable-file`` case. ElementTree escapes
everything; characters that XML 1.0 cannot carry at all are written as ``\\xNN``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence

from qemlflow_lint.model.findings import UNREADABLE_CODE, FileResult
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.formats.entries import ReportedFinding, entries
from qemlflow_lint.report.rule_docs import rule_docs_for

SUITE = "qemlflow-lint"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids written as ``\\xNN`` / ``\\uNNNN``."""
    return _NOT_XML.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


def _line(entry: ReportedFinding) -> str:
    finding = entry.finding
    return f"{entry.path}:{finding.line}:{finding.col + 1}: {finding.text}"


def document(results: Sequence[FileResult]) -> ET.Element:
    """The ``<testsuites>`` element of ``results``."""
    found = entries(results)
    by_code: defaultdict[str, list[ReportedFinding]] = defaultdict(list)
    for entry in found:
        by_code[entry.finding.code].append(entry)
    docs = [doc for doc in rule_docs_for(by_code) if doc.code != UNREADABLE_CODE or by_code[UNREADABLE_CODE]]
    failures = sum(1 for doc in docs if by_code[doc.code])
    counts = {"tests": str(len(docs)), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts, "skipped": "0"})
    for doc in docs:
        case = ET.SubElement(suite, "testcase", {"classname": SUITE, "name": doc.title})
        listed = by_code[doc.code]
        if listed:
            failure = ET.SubElement(
                case, "failure", {"message": plural(len(listed), "finding"), "type": doc.code}
            )
            failure.text = xml_text("\n".join(_line(entry) for entry in listed) + "\n")
    return root


def render(results: Sequence[FileResult]) -> str:
    """The JUnit XML report of ``results``."""
    root = document(results)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
