"""The rule engine: parse once, walk once, every enabled rule hooked into the same walk.

The walk visits statements (and ``except`` handlers and ``match`` cases) in source order
without recursing into expressions, which keeps it close to the cost of parsing. Each
block carries a :class:`~qemlflow_lint.context.Where` that says which scope it is in and
whether it runs when the module is imported. Rules never import or run analysed code.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Callable, Dict, Iterator, List, Sequence, Tuple

from qemlflow_lint.config import Config
from qemlflow_lint.context import FileContext, Where, def_is_public, module_name_for, module_where
from qemlflow_lint.findings import UNREADABLE_CODE, WHOLE_MODULE, FileResult, Finding
from qemlflow_lint.import_time import (
    TRY_TYPES,
    catches_import_error,
    is_main_guard,
    is_not_type_checking,
    is_type_checking,
)
from qemlflow_lint.registry import enabled_rules
from qemlflow_lint.rules.base import Rule
from qemlflow_lint.source import SourceError, parse, read_source, split_lines
from qemlflow_lint.suppression import unsuppressed

Hook = Callable[[ast.AST, Where], None]

_SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

# ``match`` (3.10+) exists only on newer Pythons.
_MATCH_TYPES: Tuple[type, ...] = tuple(
    t for t in (getattr(ast, "Match", None),) if isinstance(t, type)
)
_BODY_ONLY_TYPES: Tuple[type, ...] = (ast.With, ast.AsyncWith, ast.ExceptHandler) + tuple(
    t for t in (getattr(ast, "match_case", None),) if isinstance(t, type)
)
Block = Tuple[Iterator[ast.AST], Where]


def literal_all(tree: ast.Module) -> frozenset[str] | None:
    """The names in a literal module-level ``__all__``; ``None`` if absent or computed.

    ``__all__ = [...]``, ``__all__ += [...]`` and ``__all__.extend([...])`` are read; any
    other use of ``__all__`` at module level makes it unknowable without running code.
    """
    names: set[str] | None = None
    for statement in tree.body:
        value: ast.expr | None = None
        if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                continue
            if statement.value is None:  # ``__all__: list[str]`` declares, assigns nothing
                continue
            value = statement.value
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and isinstance(statement.value.func.value, ast.Name)
            and statement.value.func.value.id == "__all__"
            and statement.value.func.attr in ("extend", "append")
            and len(statement.value.args) == 1
        ):
            argument = statement.value.args[0]
            value = ast.List(elts=[argument]) if statement.value.func.attr == "append" else argument
        else:
            continue
        if not isinstance(value, (ast.List, ast.Tuple)) or not all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
        ):
            return None
        literal = {
            e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        }
        if isinstance(statement, ast.Assign) or isinstance(statement, ast.AnnAssign):
            names = set(literal)
        else:
            names = (names or set()) | literal
    return None if names is None else frozenset(names)


def _children(node: ast.AST, where: Where, file: FileContext) -> List[Block]:
    """The nested blocks of ``node``, each with the :class:`Where` its statements run in."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        scope = where.scope.child("function", node.name, False)
        return [(iter(node.body), Where(scope, at_import=False))]
    if isinstance(node, ast.ClassDef):
        public = def_is_public(node.name, where.scope, file)
        return [(iter(node.body), replace(where, scope=where.scope.child("class", node.name, public)))]
    if isinstance(node, ast.If):
        body_where = orelse_where = where
        if is_type_checking(node.test) or is_main_guard(node.test):
            body_where = replace(where, at_import=False)
        elif is_not_type_checking(node.test):
            orelse_where = replace(where, at_import=False)
        return [(iter(node.body), body_where), (iter(node.orelse), orelse_where)]
    if isinstance(node, TRY_TYPES):
        handlers: list[ast.ExceptHandler] = getattr(node, "handlers")
        guarded = replace(where, optional_import=True) if catches_import_error(handlers) else where
        return [
            (iter(getattr(node, "body")), guarded),
            (iter(handlers), where),
            (iter(getattr(node, "orelse")), where),
            (iter(getattr(node, "finalbody")), where),
        ]
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        return [(iter(node.body), where), (iter(node.orelse), where)]
    if isinstance(node, _BODY_ONLY_TYPES):
        return [(iter(getattr(node, "body")), where)]
    if isinstance(node, _MATCH_TYPES):
        return [(iter(getattr(node, "cases")), where)]
    return []


def analyse_tree(
    tree: ast.Module, file: FileContext, rules: Sequence[type[Rule]]
) -> tuple[list[Finding], dict[str, int]]:
    """Run ``rules`` over an already parsed module in one walk.

    Returns every finding (no suppression applied: that is each front end's business,
    because flake8 applies ``# noqa`` itself) sorted by position, and the unit count of
    every rule.
    """
    instances = [rule(file) for rule in rules]
    dispatch: Dict[type, List[Hook]] = {}
    for instance in instances:
        instance.begin(tree)
        for node_type, name in instance.hooks:
            dispatch.setdefault(node_type, []).append(getattr(instance, name))

    spans: List[Tuple[int, int, str]] = []  # (first line, last line, qualname) of defs/classes
    stack: List[Block] = [(iter(tree.body), module_where(file))]
    while stack:
        nodes, where = stack[-1]
        node = next(nodes, None)
        if node is None:
            stack.pop()
            continue
        for hook in dispatch.get(type(node), ()):
            hook(node, where)
        if isinstance(node, _SCOPE_TYPES):
            qualname = where.scope.child("", node.name, False).qualname
            spans.append((node.lineno, getattr(node, "end_lineno", None) or node.lineno, qualname))
        stack.extend(reversed(_children(node, where, file)))

    findings: list[Finding] = []
    units: dict[str, int] = {}
    for instance in instances:
        instance.finish()
        findings.extend(instance.findings)
        units[instance.code] = instance.units
    located = [_locate(finding, spans, file.lines) for finding in findings]
    located.sort()
    return located, units


def normalise_source(line: str) -> str:
    """A source line with its indentation and runs of spaces removed (for baselines)."""
    return " ".join(line.split())


def _locate(finding: Finding, spans: Sequence[Tuple[int, int, str]], lines: Sequence[str]) -> Finding:
    """Fill in the finding's enclosing qualified name and normalised source line: the
    identity that survives lines moving (baselines, fingerprints)."""
    if finding.source == WHOLE_MODULE:
        return finding
    scope = ""
    start = 0
    for first, last, qualname in spans:
        if first <= finding.line <= last and first >= start:
            scope, start = qualname, first
    source = normalise_source(lines[finding.line - 1]) if 0 < finding.line <= len(lines) else ""
    return replace(finding, scope=scope, source=source)


def _failure(path: str, error: SourceError) -> FileResult:
    finding = Finding(error.line, error.col, UNREADABLE_CODE, error.reason)
    return FileResult(path, (finding,), {}, error=error.reason)


def file_context(path: str, lines: Sequence[str], config: Config, tree: ast.Module) -> FileContext:
    """The :class:`FileContext` of a parsed file shown as ``path``."""
    return FileContext(
        path=path,
        module_name=module_name_for(path),
        lines=lines,
        config=config,
        all_names=literal_all(tree),
    )


def analyse_source(
    text: str | SourceError, path: str, config: Config, *, noqa: bool = True
) -> FileResult:
    """Parse and analyse source text shown as ``path`` (a file name or a display name).

    With ``noqa`` (the default), findings covered by a ``# noqa`` comment are dropped and
    counted in :attr:`FileResult.suppressed`.
    """
    if isinstance(text, SourceError):
        return _failure(path, text)
    tree = parse(text, path)
    if isinstance(tree, SourceError):
        return _failure(path, tree)
    lines = split_lines(text)
    file = file_context(path, lines, config, tree)
    try:
        findings, units = analyse_tree(tree, file, enabled_rules(config, path))
    except RecursionError:
        return _failure(path, SourceError("the code is nested too deeply to analyse"))
    kept = unsuppressed(findings, lines) if noqa else findings
    return FileResult(path, tuple(kept), units, suppressed=len(findings) - len(kept))


def analyse_path(path: str, config: Config, *, noqa: bool = True) -> FileResult:
    """Read, parse and analyse one file; never raises for bad input."""
    return analyse_source(read_source(path), path, config, noqa=noqa)
