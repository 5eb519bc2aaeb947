"""The snapshots of the ``fix`` fixtures: ``fixtures/fix/<code>/<case>.py`` (or a package's
``__init__.py`` in a folder of its own), each pinned by ``<case>.txt`` beside it; and the
project cases, folders with a ``pyproject.toml`` of their own (a package, its tests, its
docs: what one module's fix does depends on the others), each pinned by ``<folder>.txt``.

A snapshot holds, for ``fix`` and for ``fix --unsafe-fixes``, the line of every finding
fixed or left (with the reason), why the file was not fixed when its proof failed, and the
unified diff: everything a user sees of the fix, as ``fix --check`` and ``fix --diff`` print it.
A project's snapshot is what the command line prints, run in the project's folder: the
``--check`` lines, the summary and the diff.

This module is the ``fix`` family of :mod:`tests.snapshots` (``python -m tests.snapshots
--update fix`` rewrites them).
"""

from __future__ import annotations

import os
from pathlib import Path

from qemlflow_lint.config.loading import ConfigResolver
from qemlflow_lint.fix.apply import FileFix, FixOptions, fix_text
from qemlflow_lint.fix.summary import finding_lines, unified_diff
from tests.frontends import FIXTURES, REPO, run_fix

FIX_FIXTURES = FIXTURES / "fix"
#: The modes a snapshot pins, by the command line that gives them.
MODES = {"fix": False, "fix --unsafe-fixes": True}


def project_cases() -> list[Path]:
    """Every project case: a folder below a rule's folder with its own ``pyproject.toml``."""
    return sorted(marker.parent for marker in FIX_FIXTURES.glob("*/*/**/pyproject.toml"))


def in_project_case(path: Path) -> bool:
    """True for a file of a project case (it is not a case of its own)."""
    return any(project in path.parents for project in project_cases())


def cases() -> list[Path]:
    """Every single-file fix fixture."""
    return sorted(case for case in FIX_FIXTURES.rglob("*.py") if not in_project_case(case))


def snapshot_path(case: Path) -> Path:
    """The snapshot of a case (a file, or a project's folder): its name with ``.txt``."""
    return case.with_suffix(".txt")


def fix_case(case: Path, unsafe: bool) -> FileFix:
    """Fix a case's text as ``fix`` does from the repository root (nothing is written)."""
    path = os.path.relpath(case, REPO)
    settings = ConfigResolver(None, []).for_path(path)
    return fix_text(case.read_text(encoding="utf-8"), path, settings, FixOptions(unsafe=unsafe))


def render(case: Path) -> str:
    """The snapshot text of a case, as it is now."""
    parts = []
    for command, unsafe in MODES.items():
        fixed = fix_case(case, unsafe)
        parts.append(f"## {command}\n")
        parts.append(finding_lines([fixed]).replace(os.sep, "/"))
        if fixed.refused:
            parts.append(f"not fixed: {fixed.refused}\n")
        parts.append(unified_diff([fixed]).replace(os.sep, "/") or "(no change)\n")
    return "".join(parts)


def render_project(project: Path) -> str:
    """The snapshot text of a project case, as the command line prints it now in the
    project's folder (nothing is written)."""
    parts = []
    for command, unsafe in MODES.items():
        extra = ["--unsafe-fixes"] if unsafe else []
        check = run_fix(["."], "--check", "--no-cache", "--no-measure", *extra, cwd=project)
        diff = run_fix(["."], "--diff", "--no-cache", *extra, cwd=project)
        parts.append(f"## {command}\n\n### fix --check\n")
        parts.append(check.stdout.replace(os.sep, "/"))
        parts.append("\n### the summary (standard error)\n")
        parts.append(check.stderr.replace(os.sep, "/"))
        parts.append("\n### fix --diff\n")
        parts.append(diff.stdout.replace(os.sep, "/") or "(no change)\n")
        parts.append("\n")
    return "".join(parts).rstrip("\n") + "\n"


def snapshots() -> dict[Path, str | None]:
    """The fix fixtures' snapshots (``fixtures/fix/<code>/``), as ``fix`` gives them now.

    ``None`` for a snapshot whose case is gone."""
    texts: dict[Path, str | None] = {snapshot_path(case): render(case) for case in cases()}
    texts.update({snapshot_path(project): render_project(project) for project in project_cases()})
    for path in FIX_FIXTURES.rglob("*.txt"):
        if path not in texts and not in_project_case(path):
            texts[path] = None
    return texts
