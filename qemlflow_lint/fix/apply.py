"""Fixing one file's text: run each fixer on one libcst tree, then prove the result.

The fixers run in :data:`FIX_ORDER`: the QF004 and QF002 fixes edit within lines, so the
positions of the analysis still hold when QF001's fix, the one that moves statements, runs
last. The result is verified (:mod:`~qemlflow_lint.fix.verify`) before it is returned as
fixed; a file that fails keeps its text, and every finding in it is left with the reason.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Sequence
from typing import Callable, NamedTuple

import libcst as cst

from qemlflow_lint.fix import annotations as type_annotations
from qemlflow_lint.fix import bare_except, heavy_imports
from qemlflow_lint.fix.model import Applied, FixerResult, FixSource, Left
from qemlflow_lint.fix.verify import proof_failure
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.file import analyse_source

Fixer = Callable[[FixSource, cst.Module, bool], FixerResult]

#: The fixers, in the order they run (see the module docstring).
FIX_ORDER: tuple[tuple[str, Fixer], ...] = (
    (bare_except.CODE, bare_except.fix),
    (type_annotations.CODE, type_annotations.fix),
    (heavy_imports.CODE, heavy_imports.fix),
)
#: The codes ``fix`` can fix.
FIXABLE = frozenset(code for code, _ in FIX_ORDER)


class FixOptions(NamedTuple):
    """What to fix: unsafe fixes too or not, which codes (``None``: every fixable one),
    and the oldest Python the code must run on (``None``: unknown)."""

    unsafe: bool = False
    codes: Collection[str] | None = None
    target_version: tuple[int, int] | None = None


class FileFix(NamedTuple):
    """One file's fix: its text before and after (the same when nothing was fixed or the
    proof failed), the findings fixed and left, and why the whole file was left (``refused``)."""

    path: str
    original: str
    fixed: str
    applied: tuple[Applied, ...] = ()
    left: tuple[Left, ...] = ()
    refused: str = ""

    @property
    def changed(self) -> bool:
        """True when the file's text changes."""
        return self.fixed != self.original


def _findings(text: str, path: str, settings: Settings) -> Sequence[Finding] | str:
    result = analyse_source(text, path, settings)
    return result.findings if result.ok else (result.error or "it cannot be parsed")


def _run_fixers(
    text: str, path: str, findings: Sequence[Finding], settings: Settings, options: FixOptions
) -> tuple[str, list[Applied], list[Left]]:
    """Apply every fixer once; the text unchanged when no finding is fixable."""
    wanted = [f for f in findings if f.code in FIXABLE and (options.codes is None or f.code in options.codes)]
    if not wanted:
        return text, [], []
    tree = ast.parse(text, path)
    module = cst.parse_module(text)
    is_init = path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py"
    applied: list[Applied] = []
    left: list[Left] = []
    for code, fixer in FIX_ORDER:
        mine = tuple(f for f in wanted if f.code == code)
        if mine:
            source = FixSource(path, text, tree, mine, is_init, options.target_version)
            result = fixer(source, module, options.unsafe)
            module = result.module
            applied.extend(result.applied)
            left.extend(result.left)
    return (module.code if applied else text), applied, left


def fix_text(text: str, path: str, settings: Settings, options: FixOptions = FixOptions()) -> FileFix:
    """Fix the findings of ``text`` (shown as ``path``) that ``options`` ask for, and prove
    the result; never raises for bad input (a file that cannot be parsed is left)."""
    before = _findings(text, path, settings)
    if isinstance(before, str):
        return FileFix(path, text, text, refused=f"it cannot be parsed ({before})")
    try:
        fixed, applied, left = _run_fixers(text, path, before, settings, options)
    except cst.ParserSyntaxError as error:
        reason = f"libcst cannot parse it ({str(error).splitlines()[0]})"
        return FileFix(path, text, text, refused=reason)
    if fixed == text:
        return FileFix(path, text, text, (), tuple(left))

    def refix(again: str) -> str:
        findings = _findings(again, path, settings)
        return (
            again if isinstance(findings, str) else _run_fixers(again, path, findings, settings, options)[0]
        )

    failure = proof_failure(text, fixed, path, before, lambda t: _findings(t, path, settings), applied, refix)
    if failure:
        every = tuple(Left(fix.finding, "the fix failed its proof") for fix in applied) + tuple(left)
        return FileFix(path, text, text, (), every, refused=failure)
    return FileFix(path, text, fixed, tuple(applied), tuple(left))
