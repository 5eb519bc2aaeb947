"""The snapshots of the ``fix`` fixtures: ``fixtures/fix/<code>/<case>.py`` (or a package's
``__init__.py`` in a folder of its own), each pinned by ``<case>.txt`` beside it.

A snapshot holds, for ``fix`` and for ``fix --unsafe-fixes``, the line of every finding
fixed or left (with the reason), why the file was not fixed when its proof failed, and the
unified diff: everything a user sees of the fix, as ``fix --check`` and ``fix --diff`` print it.
"""

from __future__ import annotations

import os
from pathlib import Path

from qemlflow_lint.config.loading import ConfigResolver
from qemlflow_lint.fix.apply import FileFix, FixOptions, fix_text
from qemlflow_lint.fix.summary import finding_lines, unified_diff
from tests.frontends import FIXTURES, REPO

FIX_FIXTURES = FIXTURES / "fix"
#: The modes a snapshot pins, by the command line that gives them.
MODES = {"fix": False, "fix --unsafe-fixes": True}


def cases() -> list[Path]:
    """Every fix fixture."""
    return sorted(FIX_FIXTURES.rglob("*.py"))


def snapshot_path(case: Path) -> Path:
    """The snapshot of a case: its name with ``.txt``."""
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
