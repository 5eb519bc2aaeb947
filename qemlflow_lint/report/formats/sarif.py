"""``--format sarif``: a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.

One run, whose driver lists QF000 and every rule (id, symbol as name, summary, the
*What it does* text, the documentation as help, default level, category as tag). Each
result points at its rule by id and index, carries its level and message, a location
relative to ``%SRCROOT%`` (the directory the command ran in; an absolute path stays an
absolute ``file:`` URI), and a ``partialFingerprints`` entry that does not depend on the
line number, so a viewer tracks a finding as code moves around it.
"""

from __future__ import annotations

import json
import os.path
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qemlflow_lint import __version__
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.report.formats.entries import entries
from qemlflow_lint.report.rule_docs import RuleDoc, rule_docs_for

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: The base every relative artifact location is resolved against.
SRCROOT = "%SRCROOT%"
#: The key of the line-independent fingerprint; bump the version if the scheme changes.
FINGERPRINT_KEY = "qemlflowLint/v1"


def artifact_location(path: str) -> dict[str, str]:
    """The SARIF ``artifactLocation`` of a file shown as ``path``."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    # As bytes: a name that is not UTF-8 is percent-encoded as the bytes it has on disk.
    return {"uri": quote(os.fsencode(path), safe="/"), "uriBaseId": SRCROOT}


def rule_descriptor(doc: RuleDoc) -> dict[str, Any]:
    """The SARIF ``reportingDescriptor`` of one rule."""
    descriptor: dict[str, Any] = {
        "id": doc.code,
        "name": doc.symbol,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.what_it_does},
        "defaultConfiguration": {"level": doc.level},
        "properties": {"tags": [doc.category]},
    }
    if doc.documentation:
        descriptor["help"] = {"text": doc.documentation, "markdown": doc.documentation}
    return descriptor


def log(results: Sequence[FileResult]) -> dict[str, Any]:
    """The SARIF log of ``results``, as a JSON-ready value."""
    found = entries(results)
    docs = rule_docs_for(entry.finding.code for entry in found)
    index = {doc.code: number for number, doc in enumerate(docs)}
    sarif_results = []
    for entry in found:
        finding = entry.finding
        doc = docs[index[finding.code]]
        region = {"startLine": max(finding.line, 1), "startColumn": max(finding.col, 0) + 1}
        sarif_results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": doc.level,
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact_location(entry.path),
                            "region": region,
                        }
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: entry.fingerprint},
            }
        )
    driver = {
        "name": "qemlflow-lint",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [rule_descriptor(doc) for doc in docs],
    }
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The directory qemlflow-lint ran in."}},
        },
        "results": sarif_results,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(results: Sequence[FileResult]) -> str:
    """The SARIF log of ``results`` as JSON text."""
    return json.dumps(log(results), indent=2) + "\n"
