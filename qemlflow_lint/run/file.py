"""Analysing one file with the rules its settings enable: what the flake8 and pylint
adapters call, and what the runner calls for every file of a tree."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Callable

from qemlflow_lint.analysis import engine
from qemlflow_lint.analysis.source import SourceError, read_source
from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.modules import has_init_file
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.registry import enabled_rules


def analyse_source(
    text: str | SourceError,
    path: str,
    settings: Settings,
    *,
    noqa: bool = True,
    is_package: Callable[[str], bool] = has_init_file,
    data: bytes | None = None,
    tree: ast.Module | None = None,
) -> FileResult:
    """Parse and analyse source text shown as ``path`` (a file name or a display name).

    With ``noqa`` (the default), findings covered by a ``# noqa`` comment are dropped and
    counted in :attr:`FileResult.suppressed`. ``is_package`` says which folders are
    packages (a run shares one cache of the answers); ``data`` are the bytes ``text`` was
    decoded from, when the file was read; ``tree`` its ``ast``, when the caller has it.
    """
    checks = enabled_rules(settings, path)
    return engine.analyse_text_with(
        text, path, settings, checks, noqa=noqa, is_package=is_package, data=data, tree=tree
    )


def analyse_path(path: str, settings: Settings, *, noqa: bool = True) -> FileResult:
    """Read, parse and analyse one file; never raises for bad input."""
    return analyse_source(read_source(path), path, settings, noqa=noqa)


def analyse_parsed(tree: ast.Module, path: str, lines: Sequence[str], settings: Settings) -> list[Finding]:
    """The findings of a file the host tool already parsed (flake8 hands over its tree and
    lines), without applying ``# noqa`` (the host does)."""
    file = engine.file_context(path, lines, settings, tree)
    findings, _, _ = engine.analyse_tree(tree, file, enabled_rules(settings, path))
    return findings
