"""The engine: parse once, walk once, every check hooked into the same walk.

The walk visits statements (and ``except`` handlers and ``match`` cases) without recursing
into expressions, which keeps it close to the cost of parsing: the statements that run at
import (module level, class bodies) in source order, function bodies in a plainer loop. Each
block carries a :class:`~qemlflow_lint.analysis.context.Where` that says which scope it is
in and whether it runs when the module is imported. The checks to run are passed in: this
module knows no rule (``qemlflow_lint.run.file`` picks the enabled rules). Nothing here
imports or runs analysed code.
"""

from __future__ import annotations

import ast
import bisect
import sys
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Callable, Optional

from qemlflow_lint.analysis.at_import import (
    TRY_TYPES,
    catches_import_error,
    is_main_guard,
    is_not_type_checking,
    is_type_checking,
)
from qemlflow_lint.analysis.context import FileContext, Scope, Where, def_is_public, module_where
from qemlflow_lint.analysis.imports import ImportCollector
from qemlflow_lint.analysis.noqa import NO_ALIASES, Aliases, hidden_by_bare_noqa, unsuppressed
from qemlflow_lint.analysis.source import SourceError, parse, split_lines
from qemlflow_lint.analysis.visitor import Check, Visitor
from qemlflow_lint.model.findings import UNREADABLE_CODE, WHOLE_MODULE, FileResult, Finding, RawImport
from qemlflow_lint.model.modules import has_init_file, is_library_file, is_test_path, module_name
from qemlflow_lint.model.paths import relative_below
from qemlflow_lint.model.settings import Settings

Hook = Callable[[ast.AST, Where], None]

# ``match`` (3.10+) exists only on newer Pythons.
_MATCH_TYPES: tuple[type, ...] = tuple(t for t in (getattr(ast, "Match", None),) if isinstance(t, type))
_MATCH_CASE_TYPES: tuple[type, ...] = tuple(
    t for t in (getattr(ast, "match_case", None),) if isinstance(t, type)
)
Block = tuple[Iterator[ast.AST], Where]


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
        literal = {e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            names = set(literal)
        else:
            names = (names or set()) | literal
    return None if names is None else frozenset(names) | aliased_exports(tree, names)


def aliased_exports(tree: ast.Module, exported: AbstractSet[str]) -> frozenset[str]:
    """The module-level names an exported name is an alias of: with ``UFloat =
    AffineScalarFunc`` and ``"UFloat"`` in ``__all__``, the class behind the alias is the
    public API (its methods are what users call), so it counts as listed too, and is
    public even when its own name starts with ``_`` (``Public = _Impl``)."""
    aliases = {
        statement.targets[0].id: statement.value.id
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.Name)
    }
    public: set[str] = set()
    pending = [name for name in exported if name in aliases]
    while pending:
        target = aliases[pending.pop()]
        if target not in public:
            public.add(target)
            if target in aliases:
                pending.append(target)
    return frozenset(public)


Spans = list[tuple[int, int, str]]


#: The statement lists inside each compound statement, for the walk of function bodies.
_BODIES: dict[type, tuple[str, ...]] = {
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.ExceptHandler: ("body",),
    **{t: ("body", "handlers", "orelse", "finalbody") for t in TRY_TYPES},
    **{t: ("cases",) for t in _MATCH_TYPES},
    **{t: ("body",) for t in _MATCH_CASE_TYPES},
}
_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)


#: What :func:`_walk_function` does with a statement of a type (besides its hooks).
_NESTED_DEF, _NESTED_CLASS, _BLOCK = 0, 1, 2
#: ``(hooks or None, what to do, statement-list fields)`` by statement type.
Actions = dict[type, tuple[Optional[list[Hook]], int, tuple[str, ...]]]


def _function_actions(hooks: dict[type, list[Hook]]) -> Actions:
    """The table :func:`_walk_function` looks every statement up in, once: a type that is
    in no row (most statements: assignments, calls, returns) needs nothing at all."""
    actions: Actions = {kind: (None, _BLOCK, fields) for kind, fields in _BODIES.items()}
    for function_type in _FUNCTION_TYPES:
        actions[function_type] = (None, _NESTED_DEF, ("body",))
    actions[ast.ClassDef] = (None, _NESTED_CLASS, ("body",))
    for node_type, found in hooks.items():
        _, what, fields = actions.get(node_type, (None, -1, ()))
        actions[node_type] = (found, what, fields)
    return actions


def _walk_function(node: ast.AST, where: Where, actions: Actions, spans: Spans) -> None:
    """Walk a function body, calling the hooks that also apply inside functions.

    Nothing in a function body runs at import and nothing there is public, so only a few
    hooks apply (``except`` handlers); most statements of a project are here, so this walk
    is a plain loop with one table lookup per statement (see :func:`_function_actions`):
    it makes a :class:`Where` only for a block where a hook runs, and it visits statements
    in no particular order (findings are sorted afterwards).
    """
    assert isinstance(node, _FUNCTION_TYPES)
    qualname = where.scope.child("function", node.name, False).qualname
    spans.append((node.lineno, node.end_lineno or node.lineno, qualname))
    # (statements, qualified name of their scope, its kind, the Where once made)
    pending: list[tuple[list[Any], str, str, Where | None]] = [(node.body, qualname, "function", None)]
    find = actions.get
    while pending:
        statements, qualname, kind, inner = pending.pop()
        for statement in statements:
            action = find(statement.__class__)
            if action is None:
                continue
            found, what, fields = action
            if found is not None:
                if inner is None:
                    inner = Where(Scope(kind, qualname, False), False, False, True)
                for hook in found:
                    hook(statement, inner)
            if what == _BLOCK:
                for field in fields:
                    pending.append((getattr(statement, field), qualname, kind, inner))
            elif what >= 0:
                separator = ".<locals>." if kind == "function" else "."
                child = f"{qualname}{separator}{statement.name}"
                spans.append((statement.lineno, statement.end_lineno or statement.lineno, child))
                pending.append(
                    (statement.body, child, "class" if what == _NESTED_CLASS else "function", None)
                )


def _class_blocks(node: ast.AST, where: Where, file: FileContext, spans: Spans) -> list[Block]:
    assert isinstance(node, ast.ClassDef)
    scope = where.scope.child("class", node.name, def_is_public(node.name, where.scope, file))
    spans.append((node.lineno, node.end_lineno or node.lineno, scope.qualname))
    return [(iter(node.body), where._replace(scope=scope))]


def _if_blocks(node: ast.AST, where: Where, file: FileContext, spans: Spans) -> list[Block]:
    assert isinstance(node, ast.If)
    body_where = orelse_where = where
    if is_type_checking(node.test) or is_main_guard(node.test):
        body_where = where._replace(at_import=False)
    elif is_not_type_checking(node.test):
        orelse_where = where._replace(at_import=False)
    return [(iter(node.body), body_where), (iter(node.orelse), orelse_where)]


def _try_blocks(node: ast.AST, where: Where, file: FileContext, spans: Spans) -> list[Block]:
    handlers: list[ast.ExceptHandler] = getattr(node, "handlers")
    guarded = where._replace(optional_import=True) if catches_import_error(handlers) else where
    return [
        (iter(getattr(node, "body")), guarded),
        (iter(handlers), where),
        (iter(getattr(node, "orelse")), where),
        (iter(getattr(node, "finalbody")), where),
    ]


def _loop_blocks(node: ast.AST, where: Where, file: FileContext, spans: Spans) -> list[Block]:
    return [(iter(getattr(node, "body")), where), (iter(getattr(node, "orelse")), where)]


def _body_block(node: ast.AST, where: Where, file: FileContext, spans: Spans) -> list[Block]:
    return [(iter(getattr(node, "body")), where)]


def _match_blocks(node: ast.AST, where: Where, file: FileContext, spans: Spans) -> list[Block]:
    return [(iter(getattr(node, "cases")), where)]


BlockFinder = Callable[[ast.AST, Where, FileContext, Spans], list[Block]]

#: The statements that contain others, and how to find their blocks with the
#: :class:`Where` each block's statements run in. Every other statement is a leaf, and
#: function bodies have a walk of their own (:func:`_walk_function`).
_BLOCKS: dict[type, BlockFinder] = {
    ast.ClassDef: _class_blocks,
    ast.If: _if_blocks,
    ast.For: _loop_blocks,
    ast.AsyncFor: _loop_blocks,
    ast.While: _loop_blocks,
    ast.With: _body_block,
    ast.AsyncWith: _body_block,
    ast.ExceptHandler: _body_block,
    **{t: _try_blocks for t in TRY_TYPES},
    **{t: _match_blocks for t in _MATCH_TYPES},
    **{t: _body_block for t in _MATCH_CASE_TYPES},
}


Checks = Sequence[type[Check]]


def analyse_tree(
    tree: ast.Module, file: FileContext, checks: Checks
) -> tuple[list[Finding], dict[str, int], list[RawImport]]:
    """Run ``checks`` over an already parsed module in one walk, together with the import
    collector. Project checks are skipped: they run on the import graph.

    Returns every finding (no suppression applied: that is each front end's business,
    because flake8 applies ``# noqa`` itself) sorted by position, the unit count of every
    check, and the file's import records.
    """
    collector = ImportCollector(file)
    instances = [check(file) for check in checks if not check.project]
    everywhere: dict[type, list[Hook]] = {}
    in_functions: dict[type, list[Hook]] = {}
    visitors: list[Visitor] = [collector, *instances]
    for visitor in visitors:
        visitor.begin(tree)
        for node_type, name, inside in visitor.hooks:
            hook = getattr(visitor, name)
            everywhere.setdefault(node_type, []).append(hook)
            if inside:
                in_functions.setdefault(node_type, []).append(hook)

    spans: Spans = []  # (first line, last line, qualname) of defs and classes
    actions: Actions | None = None
    stack: list[Block] = [(iter(tree.body), module_where(file))]
    while stack:
        nodes, where = stack[-1]
        node = next(nodes, None)
        if node is None:
            stack.pop()
            continue
        kind = type(node)
        hooks = (in_functions if where.in_function else everywhere).get(kind)
        if hooks:
            for hook in hooks:
                hook(node, where)
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            if actions is None:
                actions = _function_actions(in_functions)
            _walk_function(node, where, actions, spans)
            continue
        blocks = _BLOCKS.get(kind)
        if blocks is not None:
            stack.extend(reversed(blocks(node, where, file, spans)))

    collector.finish()
    findings: list[Finding] = []
    units: dict[str, int] = {}
    for instance in instances:
        instance.imports_found(collector.imports)
        instance.finish()
        findings.extend(instance.findings)
        units[instance.code] = instance.units
    spans.sort(key=lambda span: span[0])  # function bodies are walked in no particular order
    located = [_locate(finding, spans, file.lines) for finding in findings]
    located.sort()
    return located, units, collector.imports


def normalise_source(line: str) -> str:
    """A source line with its indentation and runs of spaces removed (for baselines)."""
    return " ".join(line.split())


def _locate(finding: Finding, spans: Sequence[tuple[int, int, str]], lines: Sequence[str]) -> Finding:
    """Fill in the finding's enclosing qualified name and normalised source line: the
    identity that survives lines moving (baselines, fingerprints).

    ``spans`` are in walk order, so sorted by first line, and nested spans start after
    the spans that contain them: the innermost span around a line is the last one that
    starts at or before it and still reaches it.
    """
    if finding.source == WHOLE_MODULE:
        return finding
    scope = ""
    index = bisect.bisect_right(spans, (finding.line, sys.maxsize, "")) - 1
    while index >= 0:
        _first, last, qualname = spans[index]
        if last >= finding.line:
            scope = qualname
            break
        index -= 1
    source = normalise_source(lines[finding.line - 1]) if 0 < finding.line <= len(lines) else ""
    return finding._replace(scope=scope, source=source)


def _failure(path: str, error: SourceError) -> FileResult:
    finding = Finding(error.line, error.col, UNREADABLE_CODE, error.reason)
    return FileResult(path, (finding,), {}, error=error.reason)


def file_context(
    path: str,
    lines: Sequence[str],
    settings: Settings,
    tree: ast.Module,
    is_package: Callable[[str], bool] = has_init_file,
) -> FileContext:
    """The :class:`FileContext` of a parsed file shown as ``path``; ``is_package`` says
    which folders are packages (a run shares one cache of the answers)."""
    name = module_name(path, is_package)
    root = settings.project_root
    all_names = literal_all(tree)
    is_test = is_test_path(path, root)
    return FileContext(
        path=path,
        module_name=name,
        lines=lines,
        settings=settings,
        text="".join(lines),  # the lines' own newlines: offsets into it match the lines
        all_names=all_names,
        exported_aliases=frozenset() if all_names is None else aliased_exports(tree, all_names),
        is_test=is_test,
        is_script=not is_test and not is_library_file(path, name, root, settings.packages),
    )


def noqa_aliases(checks: Checks, settings: Settings) -> Aliases:
    """The other linters' codes whose ``# noqa`` also suppresses each check's findings
    (a check's ``noqa_aliases``), by the check's code; none when the ``noqa-equivalents``
    setting is off."""
    if not settings.noqa_equivalents:
        return NO_ALIASES
    table: dict[str, tuple[str, ...]] = {}
    for check in checks:
        also = tuple(getattr(check, "noqa_aliases", ()))
        if also:
            table[check.code] = also
    return table


def analyse_text_with(
    text: str | SourceError,
    path: str,
    settings: Settings,
    checks: Checks,
    *,
    noqa: bool,
    is_package: Callable[[str], bool],
    data: bytes | None,
    tree: ast.Module | None,
) -> FileResult:
    """Parse and analyse source text shown as ``path`` (a file name or a display name)
    with ``checks``, the rules enabled for it: the engine knows no rule, so its one caller
    (the runner's analysis of one file) chooses them, and holds the defaults of the rest.

    With ``noqa``, findings covered by a ``# noqa`` comment (naming their code, or one of
    their check's :func:`noqa_aliases`) are dropped and counted in
    :attr:`FileResult.suppressed`. ``data`` are the bytes ``text`` was decoded from, when
    the file was read (see :func:`~qemlflow_lint.analysis.source.parse`); ``tree``, the
    text's ``ast`` when the caller has parsed it (it is not parsed again).
    """
    if isinstance(text, SourceError):
        return _failure(path, text)
    parsed = parse(text, path, data) if tree is None else tree
    if isinstance(parsed, SourceError):
        return _failure(path, parsed)
    tree = parsed
    lines = split_lines(text)
    file = file_context(path, lines, settings, tree, is_package)
    try:
        findings, units, imports = analyse_tree(tree, file, checks)
    except RecursionError:
        return _failure(path, SourceError("the code is nested too deeply to analyse"))
    kept = unsuppressed(findings, lines, tree, noqa_aliases(checks, settings)) if noqa else findings
    hidden = [finding for finding in findings if finding not in kept] if len(kept) < len(findings) else []
    return FileResult(
        path,
        tuple(kept),
        units,
        suppressed=len(findings) - len(kept),
        bare_noqa=hidden_by_bare_noqa(hidden, lines, tree),
        imports=tuple(imports),
        module=file.module_name,
        test=file.is_test,
        library=not (file.is_test or file.is_script),
        project_path=relative_below(path, settings.project_root) or "",
    )
