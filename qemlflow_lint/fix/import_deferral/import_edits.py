"""QF001's edits: what :mod:`~qemlflow_lint.fix.import_deferral.import_plans` decided,
written into the module with libcst, so that everything outside the edited statements keeps its bytes.

Each def that needs a name imports it at the top of its body: after the docstring (and
after an ``if not HAS_X: raise …`` guard on the flag of the name's optional block, so the
helpful error still comes first), in the body's indentation, followed by a blank line. A
``from x import a, b`` becomes, in each def, a ``from x import`` of the names that def
uses; an ``import a, b`` becomes one ``import`` per module. A one-line body becomes a
block. A trailing comment of the moved import line (``# type: ignore``, ``# pylint: …``)
goes with every copy of the import: such comments are about the import itself. Comment
lines above it stay where they were. The module-level edits are
:mod:`~qemlflow_lint.fix.import_deferral.import_section`'s.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, TypeVar

import libcst as cst
from libcst.metadata import CodeRange

from qemlflow_lint.analysis.names.bindings import ImportNode
from qemlflow_lint.config.line_length import DEFAULT_LINE_LENGTH
from qemlflow_lint.fix.edit import statement_positions
from qemlflow_lint.fix.import_deferral.import_plans import StatementPlan
from qemlflow_lint.fix.import_deferral.import_section import (
    Body,
    ImportLine,
    Key,
    ModuleBody,
    ModuleEdits,
    blank,
    is_docstring,
    is_import_line,
    parse_line,
    starts_blank,
    without_trailing_semicolon,
)
from qemlflow_lint.fix.import_deferral.lazy_exports import Export

Branch = TypeVar("Branch", cst.If, cst.Else)


class Edits(NamedTuple):
    """Every edit of one module: the module-level ones, and the imports each def gets
    (by the line and name of the def)."""

    module: ModuleEdits
    functions: dict[tuple[int, str], list[ImportLine]]
    #: The statements (by position) an optional dependency is imported right before.
    before: dict[Key, list[ImportLine]]


def _char_column(lines: Sequence[str], line: int, col: int) -> int:
    """The character column (libcst's) of an ``ast`` byte offset."""
    if not 0 < line <= len(lines):
        return col
    return len(lines[line - 1].encode("utf-8")[:col].decode("utf-8", "replace"))


def import_code(
    statement: ImportNode, aliases: Iterable[ast.alias], indent: int = 0, width: int = 0
) -> list[str]:
    """The import statements that bind ``aliases`` as ``statement`` does: one ``import``
    per module, one ``from`` for all the names, in parentheses with one name per line (as
    black writes it) when it would not fit in ``width`` columns at ``indent``."""
    texts = [alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in aliases]
    if isinstance(statement, ast.Import):
        return [f"import {text}" for text in texts]
    module = "." * statement.level + (statement.module or "")
    if not texts:
        return []
    line = f"from {module} import {', '.join(texts)}"
    if width and indent + len(line) > width:
        names = "".join(f"    {text},\n" for text in texts)
        return [f"from {module} import (\n{names})"]
    return [line]


def collect_edits(
    plans: Sequence[StatementPlan],
    text: str,
    width: int = DEFAULT_LINE_LENGTH,
    package_init: bool = False,
    submodules: Sequence[str] = (),
    lazy_submodules: Sequence[str] = (),
) -> Edits:
    """The edits that carry out ``plans``, at libcst's positions; the import lines added fit
    in ``width`` columns where they can."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def key(node: ast.stmt) -> Key:
        return node.lineno, _char_column(lines, node.lineno, node.col_offset)

    drops: dict[Key, frozenset[int]] = {}
    lazy: set[Key] = set()
    tries: dict[Key, list[str]] = {}
    functions: dict[tuple[int, str], list[ImportLine]] = {}
    before: dict[Key, list[ImportLine]] = {}
    type_checking: list[ImportLine] = []
    exports: list[Export] = []
    whole_moves: set[Key] = set()
    for plan in plans:
        statement = plan.statement
        origin = key(statement)
        if plan.lazy:
            lazy.add(origin)
            continue
        heavy = {id(h.alias) for h in plan.heavy}
        drops[origin] = frozenset(i for i, alias in enumerate(statement.names) if id(alias) in heavy)
        for function in plan.functions:
            # Where each name goes in this def: its top, or right before some statements.
            targets: dict[Key, tuple[ast.stmt, list[ast.alias]]] = {}
            for name in plan.heavy:
                if function not in name.functions:
                    continue
                places: tuple[ast.stmt, ...] = next((p for f, p in name.places if f is function), ())
                for place in places or (function,):
                    targets.setdefault(key(place), (place, []))[1].append(name.alias)
            for place, aliases in targets.values():
                indent = function.col_offset + 4 if place is function else place.col_offset
                for index, code in enumerate(import_code(statement, aliases, indent, width)):
                    line = ImportLine((statement.lineno, statement.col_offset, index), code, origin)
                    if place is function:
                        functions.setdefault((function.lineno, function.name), []).append(line)
                    else:
                        before.setdefault(key(place), []).append(line)
        typing = [h.alias for h in plan.heavy if h.type_checking]
        if (
            not plan.light
            and plan.optional is None
            and all(h.type_checking and not h.functions for h in plan.heavy)
        ):
            whole_moves.add(origin)
        for index, code in enumerate(import_code(statement, typing, 4, width)):
            type_checking.append(ImportLine((statement.lineno, statement.col_offset, index), code, origin))
        exports.extend(Export.of(statement, h.alias, h.name, h.submodule) for h in plan.heavy if h.exported)
        block = plan.optional
        if block is not None:
            found = " and ".join(f'importlib.util.find_spec("{p}") is not None' for p in block.packages)
            tries[key(block.node)] = [f"{flag} = {found}" for flag in block.flags]
    module = ModuleEdits(
        drops,
        frozenset(lazy),
        tries,
        sorted(type_checking),
        exports,
        any(plan.future for plan in plans),
        any(plan.optional is not None and plan.optional.flags for plan in plans),
        frozenset(whole_moves),
        package_init,
        tuple(submodules) if exports else (),
        tuple(lazy_submodules) if exports else (),
    )
    return Edits(
        module,
        {where: sorted(found) for where, found in functions.items()},
        {where: sorted(found) for where, found in before.items()},
    )


def _as_block(body: Body) -> cst.IndentedBlock:
    """A one-line body (``def f(): return x``) as a block; a docstring on it gets its own line."""
    if isinstance(body, cst.IndentedBlock):
        return body
    small = list(body.body)
    lines: list[cst.BaseStatement] = []
    if small and is_docstring(cst.SimpleStatementLine([small[0]])):
        lines.append(cst.SimpleStatementLine(without_trailing_semicolon([small.pop(0)])))
    if small:
        lines.append(cst.SimpleStatementLine(small, trailing_whitespace=body.trailing_whitespace))
    return cst.IndentedBlock(body=lines)


def lines_into(body: Body, lines: Sequence[cst.SimpleStatementLine]) -> cst.IndentedBlock:
    """``body`` with ``lines`` at its top, after its docstring."""
    block = _as_block(body)
    statements = list(block.body)
    at = 1 if statements and is_docstring(statements[0]) else 0
    return block.with_changes(body=_insert(statements, at, lines))


def _insert(
    statements: list[cst.BaseStatement], at: int, lines: Sequence[cst.SimpleStatementLine]
) -> list[cst.BaseStatement]:
    """``lines`` inserted before statement ``at``, then a blank line (unless an import follows)."""
    if at < len(statements) and not is_import_line(statements[at]):
        following = statements[at]
        assert isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        if not starts_blank(following.leading_lines):
            statements[at] = following.with_changes(leading_lines=[blank(), *following.leading_lines])
    statements[at:at] = lines
    return statements


#: The nodes the edits are made in, or inside: statements, their blocks and branches.
_STATEMENT_LEVEL = (
    cst.Module,
    cst.BaseCompoundStatement,
    cst.SimpleStatementLine,
    cst.BaseSuite,
    cst.Else,
    cst.Finally,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.MatchCase,
)


class _Transformer(cst.CSTTransformer):
    """Writes :class:`Edits` into a module."""

    def __init__(
        self,
        edits: Edits,
        positions: Mapping[cst.CSTNode, CodeRange],
        tree: ast.Module,
        target_version: tuple[int, int] | None,
    ) -> None:
        super().__init__()
        self.edits = edits
        self.positions = positions
        self.tree = tree
        self.target_version = target_version
        #: The trailing comment of each moved import line, by the statement's position.
        self.comments: dict[Key, str] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Descend only through statements and their blocks: every edit is made there, and
        expressions, most of a module's nodes, need no visit."""
        if not isinstance(node, _STATEMENT_LEVEL):
            return False
        return super().on_visit(node)

    def key(self, node: cst.CSTNode) -> Key:
        """A node's position, as :func:`collect_edits` keys it."""
        start = self.positions[node].start
        return start.line, start.column

    def line_code(self, line: ImportLine) -> str:
        """An import line's code, with the trailing comment of the line it comes from."""
        comment = self.comments.get(line.origin)
        return f"{line.code}  {comment}" if comment else line.code

    def visit_Module(self, node: cst.Module) -> bool:
        """Note the trailing comment of every moved import line (in a ``try`` too)."""
        moved = self.edits.module.drops
        for statement in node.body:
            lines = list(statement.body.body) if isinstance(statement, cst.Try) else [statement]
            for line in lines:
                if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
                    continue
                comment = line.trailing_whitespace.comment
                if comment is not None and isinstance(line.body[0], (cst.Import, cst.ImportFrom)):
                    where = self.key(line.body[0])
                    if where in moved:
                        self.comments[where] = comment.value
        return True

    def _lines(self, found: list[ImportLine]) -> list[cst.SimpleStatementLine]:
        return [parse_line(code) for code in dict.fromkeys(self.line_code(line) for line in found)]

    def _suite_lines(self, original: cst.BaseSuite) -> list[ImportLine]:
        """The optional imports due before a statement of a one-line body (``if HAS_X: …``)."""
        if not isinstance(original, cst.SimpleStatementSuite):
            return []
        return [line for small in original.body for line in self.edits.before.get(self.key(small), [])]

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        """Import what the def needs at the top of its body."""
        found = self.edits.functions.get(
            (self.positions[original_node.name].start.line, original_node.name.value), []
        )
        found = [*found, *self._suite_lines(original_node.body)]
        if not found:
            return updated_node
        body = updated_node.body
        assert isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite))
        return updated_node.with_changes(body=lines_into(body, self._lines(found)))

    def _one_line_branch(self, original: Branch, updated: Branch) -> Branch:
        """A one-line branch (``if HAS_X: …``, ``else: …``) whose statement needs an
        optional import becomes a block."""
        found = self._suite_lines(original.body)
        if not found:
            return updated
        body = updated.body
        assert isinstance(body, cst.SimpleStatementSuite)
        return updated.with_changes(body=lines_into(body, self._lines(found)))

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.If:
        """See :meth:`_one_line_branch`."""
        return self._one_line_branch(original_node, updated_node)

    def leave_Else(self, original_node: cst.Else, updated_node: cst.Else) -> cst.Else:
        """See :meth:`_one_line_branch`."""
        return self._one_line_branch(original_node, updated_node)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        """Import an optional dependency right before the statements that need it."""
        if not self.edits.before:
            return updated_node
        statements = list(updated_node.body)
        for index in reversed(range(len(original_node.body))):
            child = original_node.body[index]
            keys = [self.key(child)]
            if isinstance(child, cst.SimpleStatementLine):
                keys += [self.key(small) for small in child.body]
            found = [line for key in dict.fromkeys(keys) for line in self.edits.before.get(key, [])]
            if found:
                statements = _insert(statements, index, self._lines(found))
        return updated_node.with_changes(body=statements)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        """The module-level edits."""
        body = ModuleBody(
            self.edits.module,
            original_node,
            updated_node,
            self.key,
            self.line_code,
            self.tree,
            self.target_version,
        )
        return body.rebuild()


def apply_edits(
    module: cst.Module, edits: Edits, text: str, tree: ast.Module, target_version: tuple[int, int] | None
) -> cst.Module:
    """``module`` with ``edits`` (:func:`collect_edits`) made (``text`` and ``tree``: the
    analysed source)."""
    positions = statement_positions(module, tree, text)
    return module.visit(_Transformer(edits, positions, tree, target_version))


def edited_lines(edits: Edits) -> set[int]:
    """The lines where the statements ``edits`` change start: the imports that move or
    become lazy, the optional-dependency blocks, the defs that get imports and the
    statements an import goes right before."""
    module = edits.module
    keys = [*module.drops, *module.lazy, *module.tries, *edits.before]
    return {line for line, _ in keys} | {line for line, _ in edits.functions}
