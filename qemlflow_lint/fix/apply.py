"""Fixing one file's text: every fixer plans its edits from the ``ast``, then one libcst
pass makes them all, and the result is proven.

The plans are keyed by the ``ast`` nodes of the original text (:mod:`~qemlflow_lint.fix.edit`),
so no fix moves another's target, and libcst parses only the files where some fixer has an
edit to make (a file whose findings are all left costs only the ``ast`` analysis). The
result is verified (:mod:`~qemlflow_lint.fix.verify`) before it is returned as fixed; a file
that fails keeps its text, and every finding in it is left with the reason.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple

import libcst as cst

from qemlflow_lint.analysis.names.attribute_reads import Readers
from qemlflow_lint.analysis.names.bindings import binds_anywhere
from qemlflow_lint.analysis.source import SourceError
from qemlflow_lint.config.line_length import DEFAULT_LINE_LENGTH
from qemlflow_lint.fix.edit import Edit, SharedLine, rewrite_text
from qemlflow_lint.fix.import_deferral.project_plan import plan_project
from qemlflow_lint.fix.model import Applied, Choice, FixSource, InferredSignature, Left, ModulePlan, Plan
from qemlflow_lint.fix.rules import bare_except, heavy_top_level_import, untyped_public_def
from qemlflow_lint.fix.verify import proof_failure
from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.project.graph import ImportGraph
from qemlflow_lint.run.file import analyse_source
from qemlflow_lint.run.workers import parsed

#: The fixer of each fixable rule: a module with ``plan(source, unsafe) -> Plan``. The
#: module-level edits run in this order: QF001's pairs the module's statements with the
#: analysed ones, so QF002's, which may add an ``if TYPE_CHECKING:`` block, comes after it.
FIX_ORDER: tuple[tuple[str, Any], ...] = (
    (bare_except.CODE, bare_except),
    (heavy_top_level_import.CODE, heavy_top_level_import),
    (untyped_public_def.CODE, untyped_public_def),
)
#: The codes ``fix`` can fix.
FIXABLE = frozenset(code for code, _ in FIX_ORDER)


class FixOptions(NamedTuple):
    """What to fix: unsafe fixes too or not, which codes (``None``: every fixable one),
    the oldest Python the code must run on (``None``: unknown), mypy's suggestions
    (``fix --infer``: :func:`~qemlflow_lint.fix.infer.infer_signatures`, by absolute path),
    and the longest line a fix may write (the project's: :func:`~qemlflow_lint.config.
    line_length.line_length`; ``None``: its default, 79)."""

    unsafe: bool = False
    codes: Collection[str] | None = None
    target_version: tuple[int, int] | None = None
    inferred: Mapping[str, Mapping[str, InferredSignature]] | None = None
    #: QF001: fix every finding that can be fixed, whether or not it takes a heavy module
    #: out of an entry point's import (``--per-finding``).
    per_finding: bool = False
    #: QF001: modules whose import the plan protects besides the top-level packages.
    entry_points: tuple[str, ...] = ()
    line_length: int | None = None
    #: QF001: who else in its project reads the names of each module to fix, by path
    #: (:func:`~qemlflow_lint.fix.import_deferral.callers.heavy_import_readers`; ``None``:
    #: nobody known).
    readers: Mapping[str, Readers] | None = None
    #: Fix only these findings (an editor's quick fix for one finding); ``None``: every one
    #: the other options ask for. The proof still holds the whole file to its findings.
    only: Collection[Finding] | None = None
    #: Make each changed file's unified diff where it is fixed (``fix --diff``): its texts
    #: then need not cross to another process again.
    diff: bool = False


class FileFix(NamedTuple):
    """One file's fix: its text before and after (the same when nothing was fixed or the
    proof failed), the findings fixed and left, and why the whole file was left (``refused``)."""

    path: str
    original: str
    fixed: str
    applied: tuple[Applied, ...] = ()
    left: tuple[Left, ...] = ()
    refused: str = ""
    #: The analysis of the fixed text, done by its proof (``None`` when unchanged).
    checked: FileResult | None = None
    #: Its unified diff, when the options asked for it and the text changes.
    diff: str = ""

    @property
    def changed(self) -> bool:
        """True when the file's text changes."""
        return self.fixed != self.original


class _Texts:
    """The texts of one file's fix (the original, the fixed one, the fixed one fixed again),
    each parsed once and analysed once: the fixers, the proof's compiler, analysis and
    pyflakes share a text's tree."""

    def __init__(self, path: str, settings: Settings) -> None:
        self.path = path
        self.settings = settings
        self.trees: dict[str, ast.Module | str] = {}
        self.results: dict[str, FileResult | str] = {}

    def tree(self, text: str) -> ast.Module | str:
        """The ``ast`` of ``text``, or why it does not parse."""
        if text not in self.trees:
            tree = parsed(text, self.path)
            self.trees[text] = f"{tree.reason}, line {tree.line}" if isinstance(tree, SourceError) else tree
        return self.trees[text]

    def result(self, text: str) -> FileResult | str:
        """The analysis of ``text``, or why it has none."""
        if text not in self.results:
            tree = self.tree(text)
            if isinstance(tree, str):
                self.results[text] = tree
            else:
                result = analyse_source(text, self.path, self.settings, tree=tree)
                self.results[text] = result if result.ok else (result.error or "it cannot be parsed")
        return self.results[text]

    def findings(self, text: str) -> Sequence[Finding] | str:
        """The findings of ``text``, or why it has none."""
        result = self.result(text)
        return result if isinstance(result, str) else result.findings


def _fixes_imports(options: FixOptions) -> bool:
    return options.codes is None or heavy_top_level_import.CODE in options.codes


class _Fixers(NamedTuple):
    """What the fixers made of a text: the text, the fixes applied and left, and the codes
    of the fixers that edited it (:data:`_ELSEWHERE` for QF004's, when it edited more than
    bare handlers)."""

    text: str
    applied: list[Applied]
    left: list[Left]
    edited_by: frozenset[str] = frozenset()


def _run_fixers(
    text: str,
    texts: _Texts,
    findings: Sequence[Finding],
    options: FixOptions,
    project: ModulePlan | None,
) -> _Fixers:
    """Plan every fixer's edits from the ``ast`` of ``text``; only when there is an edit,
    parse the text with libcst and make them all in one pass. The text comes back unchanged
    when nothing is fixable. ``project``: QF001's project-wide plan of the module."""
    wanted = [
        f
        for f in findings
        if f.code in FIXABLE
        and (options.codes is None or f.code in options.codes)
        and (options.only is None or f in options.only)
    ]
    defers = project is not None and project.choice is not None and bool(project.choice.chosen)
    tree = texts.tree(text) if wanted or defers else None
    if not isinstance(tree, ast.Module):
        return _Fixers(text, [], [])
    path = texts.path
    is_init = path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py"
    inferred = options.inferred.get(os.path.abspath(path)) if options.inferred else None
    line_length = options.line_length or DEFAULT_LINE_LENGTH
    edits: dict[ast.AST, list[Edit]] = {}
    applied: list[Applied] = []
    left: list[Left] = []
    edited_by: set[str] = set()
    for code, fixer in FIX_ORDER:
        mine = tuple(f for f in wanted if f.code == code)
        if not mine and not (code == heavy_top_level_import.CODE and defers):
            continue
        readers = options.readers.get(path) if options.readers else None
        source = FixSource(
            path, text, tree, mine, is_init, options.target_version, inferred, line_length, project, readers
        )
        plan: Plan = fixer.plan(source, options.unsafe)
        for node, node_edits in plan.edits.items():
            edits.setdefault(node, []).extend(node_edits)
            edited_by.add(code if code != bare_except.CODE or _bare_handler(node) else _ELSEWHERE)
        applied.extend(plan.applied)
        left.extend(plan.left)
    if not edits:
        return _Fixers(text, applied, left)
    return _Fixers(rewrite_text(text, tree, edits), applied, left, frozenset(edited_by))


def _one_module_plan(
    result: FileResult, text: str, settings: Settings, options: FixOptions
) -> ModulePlan | None:
    """QF001's plan for a text on its own: a project of one module, its own entry point."""
    graph = ImportGraph.build([result])
    plan, _ = plan_project(
        [result],
        {result.path: settings},
        lambda _path: text,
        unsafe=options.unsafe,
        target=options.target_version,
        graphs=[graph],
        readers=options.readers,
    )
    return plan.modules.get(result.path)


#: What stands in :attr:`_Fixers.edited_by` for QF004's code when it edited more than a bare
#: ``except:`` (which the outline's proof could not vouch for).
_ELSEWHERE = "elsewhere"


def _bare_handler(node: ast.AST) -> bool:
    return isinstance(node, ast.ExceptHandler) and node.type is None


def _outline_proves(edited_by: frozenset[str], fixed: ast.Module | str) -> bool:
    """True when the fixers that edited the text wrote nothing that the outline of its
    signatures leaves out (see :func:`~qemlflow_lint.fix.verify.signatures_outline`) but
    QF004's ``Exception`` in a handler, which is the builtin in a module that never binds that
    name (then nothing can be undefined there, nor fail to compile)."""
    if not edited_by or not edited_by <= {untyped_public_def.CODE, bare_except.CODE}:
        return False
    if bare_except.CODE not in edited_by:
        return True
    return isinstance(fixed, ast.Module) and not binds_anywhere(fixed, "Exception")


def fix_text(
    text: str,
    path: str,
    settings: Settings,
    options: FixOptions = FixOptions(),
    project: ModulePlan | None = None,
    analysed_as: FileResult | None = None,
) -> FileFix:
    """Fix the findings of ``text`` (shown as ``path``) that ``options`` ask for, and prove
    the result; never raises for bad input (a file that cannot be parsed is left).

    ``project`` is QF001's project-wide plan for the module (see
    :mod:`~qemlflow_lint.fix.import_deferral.project_plan`); without one, the text is planned
    as a project of its own, unless ``options.per_finding``. ``analysed_as``: the text's analysis when the
    caller has one (the project's findings aside), so that it is not analysed twice.
    """
    texts = _Texts(path, settings)
    if analysed_as is not None and analysed_as.ok:
        texts.results[text] = analysed_as
    first = texts.result(text)
    if isinstance(first, str):
        return FileFix(path, text, text, refused=f"it cannot be parsed ({first})")
    before = first.findings
    wants_plan = any(f.code == heavy_top_level_import.CODE for f in before)
    if project is None and wants_plan and not options.per_finding and _fixes_imports(options):
        project = _one_module_plan(first, text, settings, options)
    try:
        fixed, applied, left, edited_by = _run_fixers(text, texts, before, options, project)
    except cst.ParserSyntaxError as error:
        reason = f"libcst cannot parse it ({str(error).splitlines()[0]})"
        return FileFix(path, text, text, refused=reason)
    except SharedLine as error:
        return FileFix(path, text, text, refused=f"a fix would split a line of several statements ({error})")
    if fixed == text:
        return FileFix(path, text, text, (), tuple(left))

    # Fixing the result again defers nothing more: the statements the plan chose have moved.
    settled = project._replace(choice=Choice(frozenset(), {})) if project is not None else None

    def refix(again: str) -> str:
        findings = texts.findings(again)
        if isinstance(findings, str):
            return again
        try:
            return _run_fixers(again, texts, findings, options, settled).text
        except (cst.ParserSyntaxError, SharedLine) as error:
            return f"{again}\n# not stable: {error}"  # differs from ``again``: the proof says why

    original = texts.tree(text)
    assert isinstance(original, ast.Module)  # the fixers planned from it
    failure = proof_failure(
        original,
        fixed,
        path,
        before,
        texts.tree,
        texts.findings,
        applied,
        refix,
        on_outline=_outline_proves(edited_by, texts.tree(fixed)),
    )
    if failure:
        # A partly fixed finding is both applied and left: list it once.
        partly = {fix.finding for fix in applied}
        every = tuple(Left(fix.finding, "the fix failed its proof") for fix in applied)
        every += tuple(item for item in left if item.finding not in partly)
        return FileFix(path, text, text, (), every, refused=failure)
    checked = texts.results.get(fixed)
    return FileFix(
        path,
        text,
        fixed,
        tuple(applied),
        tuple(left),
        checked=checked if isinstance(checked, FileResult) else None,
    )
