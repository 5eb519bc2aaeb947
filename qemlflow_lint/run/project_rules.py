"""Project rules: run once the per-file walk is done, on the whole project's import graph.

The graph is built from every analysed file's import-time imports (collected in the same
walk, and cached with the file's result), one graph per project (the folder of the
configuration that applies); each project rule then reports per module, and its findings
join the file's result like any other, ``# noqa`` included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qemlflow_lint.analysis.engine import normalise_source
from qemlflow_lint.analysis.noqa import comment_suppresses, listed_codes
from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.project.graph import ImportGraph, Module
from qemlflow_lint.rules.registry import all_rules


def project_graphs(results: Sequence[FileResult], configs: Mapping[str, Settings]) -> list[ImportGraph]:
    """One import graph per project (the root of the settings that apply), in root order:
    a module of one project never resolves an import of another, even when both sit in
    one tree. Results without settings (standard input, unreadable files) take no part."""
    projects: dict[str, list[FileResult]] = {}
    for result in results:
        if result.path in configs:
            projects.setdefault(configs[result.path].project_root, []).append(result)
    return [ImportGraph.build(members) for _, members in sorted(projects.items())]


def apply_project_rules(
    results: Sequence[FileResult], configs: Mapping[str, Settings], *, noqa: bool = True
) -> list[FileResult]:
    """``results`` with the findings and units of every enabled project rule added.

    ``configs`` maps each result's path to its settings; results without one (standard
    input, unreadable files) take no part in the graph.
    """
    rules = [rule for rule in all_rules() if rule.project]
    enabled = {
        path: [rule for rule in rules if config.is_enabled_for(rule.code, path)]
        for path, config in configs.items()
    }
    if not any(enabled.values()):
        return list(results)
    by_path: dict[str, Module] = {}
    found: dict[tuple[str, str], list[Finding]] = {}
    for graph in project_graphs(results, configs):
        by_path.update((module.path, module) for module in graph.modules.values())
        for rule in rules:
            for name, findings in rule.check(graph).items():
                found[(rule.code, graph.modules[name].path)] = findings
    updated = []
    for result in results:
        module = by_path.get(result.path)
        if module is None or not module.checked or not result.ok:
            updated.append(result)
            continue
        units = dict(result.units)
        extra: list[Finding] = []
        suppressed, bare = result.suppressed, result.bare_noqa
        texts = {(s.line, s.col): s.text for s in module.statements}
        for rule in enabled.get(result.path, []):
            units[rule.code] = 1
            for finding in found.get((rule.code, module.path), []):
                text = texts.get((finding.line, finding.col), "")
                if noqa and comment_suppresses(finding.code, text):
                    suppressed += 1
                    bare += listed_codes(text) == ()
                    continue
                extra.append(finding._replace(source=normalise_source(text)))
        updated.append(
            result._replace(
                findings=tuple(sorted([*result.findings, *extra])),
                units=units,
                suppressed=suppressed,
                bare_noqa=bare,
            )
        )
    return updated
