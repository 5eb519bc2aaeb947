"""QF001's edits at module level: the statements that go, the ones that change, and the
ones the fix adds, each where a maintainer (and isort) would put it.

- A removed statement's comment lines stay where they were, on the next statement; its
  blank lines go only where the next statement has none, so blank lines never pile up.
- ``from typing import TYPE_CHECKING``, ``import importlib.util`` and ``import importlib``
  join the module's leading standard-library imports in isort's order (``import x`` lines,
  then ``from x import`` lines), or open a section of their own before its first import;
  an existing ``from typing import …`` line takes ``TYPE_CHECKING`` (constants first).
- The imports that annotations need go into the module's first ``if TYPE_CHECKING:``
  block, or a new one after the leading imports.
- ``from __future__ import annotations`` goes after the docstring and any comments, as the
  first statement, or joins the existing ``__future__`` import.
- An optional-dependency ``try`` block becomes its flags (on its lines).
- A package's PEP 562 ``__getattr__`` and ``__dir__`` go at the end of the module.
"""

from __future__ import annotations

import ast
import functools
import os
import pkgutil
import sys
import sysconfig
from collections.abc import Callable, Sequence
from typing import NamedTuple, Union

import libcst as cst

from qemlflow_lint.analysis.at_import import is_type_checking
from qemlflow_lint.fix.import_deferral.lazy_exports import Export, export_code, star_names

Key = tuple[int, int]
Leading = Sequence[cst.EmptyLine]
Body = Union[cst.IndentedBlock, cst.SimpleStatementSuite]


@functools.cache
def stdlib_modules() -> frozenset[str]:
    """The standard library's top-level modules, to place the imports the fix adds among
    them (listed by Python from 3.10; read from its folders before)."""
    names = getattr(sys, "stdlib_module_names", None)
    if names is None:  # Python < 3.10
        paths = sysconfig.get_paths()
        folders = {paths["stdlib"], paths["platstdlib"], os.path.join(paths["platstdlib"], "lib-dynload")}
        names = set(sys.builtin_module_names) | {m.name for m in pkgutil.iter_modules(sorted(folders))}
    return frozenset(names)


_IMPORTS = (cst.Import, cst.ImportFrom)
_EMPTY = cst.Module([])


class ImportLine(NamedTuple):
    """An import line the fix writes: its code, where the statement it comes from is (for
    its trailing comment), and its place among the others."""

    order: tuple[int, int, int]
    code: str
    origin: Key


class ModuleEdits(NamedTuple):
    """The module-level edits, keyed by libcst positions (line, character column)."""

    #: Import statements -> the indices of the names that leave it.
    drops: dict[Key, frozenset[int]]
    #: Import statements that become ``lazy``.
    lazy: frozenset[Key]
    #: Optional-dependency ``try`` blocks -> the flag assignments that replace them.
    tries: dict[Key, list[str]]
    #: The imports that go under ``if TYPE_CHECKING:``.
    type_checking: list[ImportLine]
    #: The names a PEP 562 ``__getattr__`` loads.
    exports: list[Export]
    #: ``from __future__ import annotations`` is needed.
    future: bool
    #: A flag uses ``importlib.util.find_spec``.
    find_spec: bool
    #: Import statements that move whole under ``if TYPE_CHECKING:``: the comment lines
    #: right above them go with them.
    whole_moves: frozenset[Key] = frozenset()
    #: The module is a package's ``__init__.py``: without ``__all__``, it gets one, so that
    #: ``from package import *`` keeps giving the names it loads on first access.
    package_init: bool = False
    #: A lazy package's submodules that were attributes of it before, and the ones it now
    #: loads on first access (see :attr:`~qemlflow_lint.fix.model.Choice.submodules`).
    submodules: tuple[str, ...] = ()
    lazy_submodules: tuple[str, ...] = ()


# -- small libcst helpers ------------------------------------------------------------------


def parse_line(code: str) -> cst.SimpleStatementLine:
    """One simple statement line (the module's newline and indentation apply to it)."""
    return cst.ensure_type(cst.parse_statement(code + "\n"), cst.SimpleStatementLine)


def blank() -> cst.EmptyLine:
    """An empty line (without the indentation a blank line inside a block must not have)."""
    return cst.EmptyLine(indent=False)


def starts_blank(leading: Leading) -> bool:
    """True when the lines above a statement start with a blank line."""
    return bool(leading) and leading[0].comment is None


def is_docstring(statement: cst.CSTNode) -> bool:
    """True for a statement line that is a string on its own."""
    if not isinstance(statement, cst.SimpleStatementLine) or not statement.body:
        return False
    first = statement.body[0]
    return isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString))


def is_import_line(statement: cst.CSTNode) -> bool:
    """True for a line of import statements only."""
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, _IMPORTS) for s in statement.body
    )


def stripped_code(node: cst.CSTNode) -> str:
    """A node's code, stripped."""
    return _EMPTY.code_for_node(node).strip()


def without_trailing_semicolon(body: list[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement]:
    """The small statements of a line, the last without a semicolon after it."""
    if body and isinstance(body[-1].semicolon, cst.Semicolon):
        body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return body


def _only_imports(block: cst.BaseSuite) -> bool:
    lines = block.body
    return all(
        isinstance(line, cst.SimpleStatementLine)
        and all(isinstance(small, (*_IMPORTS, cst.Assign, cst.Pass)) for small in line.body)
        for line in lines
    )


def _is_import_block(statement: cst.CSTNode) -> bool:
    """A ``try``/``if`` that only imports (an import guard, ``if TYPE_CHECKING:``)."""
    if isinstance(statement, cst.Try):
        return _only_imports(statement.body) and all(_only_imports(h.body) for h in statement.handlers)
    if isinstance(statement, cst.If):
        return _only_imports(statement.body)
    return False


def _module_of(statement: cst.CSTNode) -> tuple[int, str] | None:
    """``(0, module)`` for an ``import module`` line, ``(1, module)`` for ``from module import``."""
    if not isinstance(statement, cst.SimpleStatementLine) or not statement.body:
        return None
    first = statement.body[0]
    if isinstance(first, cst.Import):
        return 0, _EMPTY.code_for_node(first.names[0].name)
    if isinstance(first, cst.ImportFrom) and first.module is not None and not first.relative:
        return 1, _EMPTY.code_for_node(first.module)
    return None


def _sort_key(statement: cst.CSTNode) -> tuple[int, str]:
    """isort's order within a section: ``import x`` lines, then ``from x import`` lines."""
    found = _module_of(statement)
    return (9, "") if found is None else (found[0], found[1].lower())


def _is_future(statement: cst.CSTNode) -> bool:
    return _module_of(statement) == (1, "__future__")


def _is_stdlib_import(statement: cst.CSTNode) -> bool:
    found = _module_of(statement)
    return found is not None and not _is_future(statement) and found[1].split(".", 1)[0] in stdlib_modules()


def _alias_name(alias: cst.ImportAlias) -> str:
    return _EMPTY.code_for_node(alias.asname.name if alias.asname else alias.name)


def _type_sort_key(name: str) -> tuple[int, str]:
    """isort's order of imported names by type: CONSTANTS, then Classes, then functions."""
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1, name) if name[:1].isupper() else (2, name)


def _with_name(node: cst.ImportFrom, name: str) -> cst.ImportFrom:
    """``from x import a, b`` with ``name`` added in isort's order, in the list's style."""
    assert not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    comma = next((a.comma for a in names if isinstance(a.comma, cst.Comma)), None)
    comma = comma or cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    key = _type_sort_key(name)
    at = next((i for i, a in enumerate(names) if _type_sort_key(_alias_name(a)) > key), len(names))
    new = cst.ImportAlias(cst.Name(name), comma=comma)
    if at == len(names):
        last = names[-1]
        new = new.with_changes(comma=last.comma)
        if not isinstance(last.comma, cst.Comma):
            names[-1] = last.with_changes(comma=comma)
    names.insert(at, new)
    return node.with_changes(names=names)


def _split_comments(leading: Leading) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """The lines above a statement: those before the comment lines right above it, and those."""
    lines = list(leading)
    at = len(lines)
    while at and lines[at - 1].comment is not None:
        at -= 1
    return lines[:at], lines[at:]


def _merge_leading(carried: Leading, leading: Leading) -> list[cst.EmptyLine]:
    """The lines above a removed statement, given to the next one: comments always stay;
    blank lines only where the next statement has none of its own."""
    if any(line.comment is not None for line in carried) or not starts_blank(leading):
        return [*carried, *leading]
    return list(leading)


def _binds_import(tree: ast.Module, module: str) -> bool:
    """True when a module-level ``import`` makes ``module`` usable by its dotted name."""
    return any(
        alias.asname is None and (alias.name == module or alias.name.startswith(module + "."))
        for statement in tree.body
        if isinstance(statement, ast.Import)
        for alias in statement.names
    )


def _append_lines(body: cst.BaseSuite, lines: Sequence[cst.SimpleStatementLine]) -> cst.IndentedBlock:
    """``body`` (an ``if TYPE_CHECKING:`` block) with the ``lines`` it does not have yet."""
    if isinstance(body, cst.SimpleStatementSuite):
        body = cst.IndentedBlock(
            body=[cst.SimpleStatementLine(list(body.body))], header=body.trailing_whitespace
        )
    assert isinstance(body, cst.IndentedBlock)
    already = {stripped_code(line) for line in body.body}
    return body.with_changes(
        body=[*body.body, *(line for line in lines if stripped_code(line) not in already)]
    )


def _unique(lines: list[cst.SimpleStatementLine]) -> list[cst.SimpleStatementLine]:
    seen: set[str] = set()
    unique = []
    for line in lines:
        code = stripped_code(line)
        if code not in seen:
            seen.add(code)
            unique.append(line)
    return unique


# -- the module body -----------------------------------------------------------------------


class ModuleBody:
    """Rewrites a module's body (see the module docstring): ``original`` is the module the
    positions were resolved on, ``updated`` the same module with its defs already edited."""

    def __init__(
        self,
        edits: ModuleEdits,
        original: cst.Module,
        updated: cst.Module,
        key: Callable[[cst.CSTNode], Key],
        line_code: Callable[[ImportLine], str],
        tree: ast.Module,
        target_version: tuple[int, int] | None,
    ) -> None:
        self.edits = edits
        self.original = list(original.body)
        self.updated = updated
        self.key = key
        self.line_code = line_code
        self.tree = tree
        self.target_version = target_version
        self.body = list(updated.body)
        self.leading: list[Leading] = [s.leading_lines for s in self.body]
        #: Statements to add before statement ``index`` (``len(body)``: at the end).
        self.before: dict[int, list[cst.BaseStatement]] = {}
        #: Small statements that change besides their edits (merged imports), by position.
        self.changed: dict[Key, cst.BaseSmallStatement] = {}
        #: An existing ``if TYPE_CHECKING:`` block and the lines it gets.
        self.appended: tuple[int, list[cst.SimpleStatementLine]] | None = None
        #: The added statements that a blank line must follow.
        self.blank_after: set[int] = set()
        #: The comment lines that move with a statement, by its position.
        self.moving_comments: dict[Key, list[cst.EmptyLine]] = {}

    # -- where things go --

    def start(self) -> int:
        """The first statement after the docstring."""
        return 1 if self.body and is_docstring(self.body[0]) else 0

    def anchor(self) -> int:
        """The last of the module's leading imports (the docstring's index, or -1, when none)."""
        anchor = self.start() - 1
        for index in range(self.start(), len(self.body)):
            if not (is_import_line(self.body[index]) or _is_import_block(self.body[index])):
                break
            anchor = index
        return anchor

    def insert(self, index: int, statement: cst.BaseStatement) -> None:
        """Add ``statement`` before statement ``index``."""
        self.before.setdefault(index, []).append(statement)

    def small_statements(self) -> list[tuple[int, cst.BaseSmallStatement, cst.BaseSmallStatement]]:
        """``(index, original, updated)`` of every small statement at module level."""
        found: list[tuple[int, cst.BaseSmallStatement, cst.BaseSmallStatement]] = []
        for index, (original, updated) in enumerate(zip(self.original, self.body)):
            if isinstance(original, cst.SimpleStatementLine) and isinstance(updated, cst.SimpleStatementLine):
                found.extend((index, o, u) for o, u in zip(original.body, updated.body))
        return found

    # -- additions --

    def add_future(self) -> None:
        """``from __future__ import annotations``: into the existing ``__future__`` import,
        or first after the docstring and the comments below it."""
        for _index, original, updated in self.small_statements():
            if (
                isinstance(updated, cst.ImportFrom)
                and stripped_code(updated.module or _EMPTY) == "__future__"
            ):
                assert not isinstance(updated.names, cst.ImportStar)
                if all(_alias_name(a) != "annotations" for a in updated.names):
                    names = list(updated.names)
                    names[-1] = names[-1].with_changes(
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                    )
                    names.append(cst.ImportAlias(cst.Name("annotations")))
                    self.changed[self.key(original)] = updated.with_changes(names=names)
                return
        at = self.start()
        future = parse_line("from __future__ import annotations")
        if at < len(self.body):
            future = future.with_changes(leading_lines=self.leading[at])
            self.leading[at] = [blank()]
        self.insert(at, future)

    def type_checking_name(self) -> tuple[str, bool]:
        """The name to test, and whether ``from typing import TYPE_CHECKING`` must be added."""
        for statement in self.tree.body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                if any(isinstance(t, ast.Name) and t.id == "TYPE_CHECKING" for t in targets):
                    return "TYPE_CHECKING", False
            elif isinstance(statement, ast.ImportFrom) and any(
                (a.asname or a.name) == "TYPE_CHECKING" for a in statement.names
            ):
                return "TYPE_CHECKING", False
        if any(
            a.name == "typing" and not a.asname
            for s in self.tree.body
            if isinstance(s, ast.Import)
            for a in s.names
        ):
            return "typing.TYPE_CHECKING", False
        return "TYPE_CHECKING", True

    def existing_block(self) -> int | None:
        """The index of the module's first ``if TYPE_CHECKING:`` block, if any."""
        for statement in self.tree.body:
            if isinstance(statement, ast.If) and is_type_checking(statement.test):
                key = (statement.lineno, statement.col_offset)
                return next(
                    (
                        i
                        for i, node in enumerate(self.original)
                        if isinstance(node, cst.If) and self.key(node) == key
                    ),
                    None,
                )
        return None

    def place_stdlib(self, wanted: list[tuple[str, int]]) -> None:
        """Add standard-library imports (code, and the statement each must precede) where
        isort would put them: among the module's leading standard-library imports, or as a
        section of their own before its first import."""
        statements = sorted(
            ((parse_line(code), limit) for code, limit in wanted), key=lambda s: _sort_key(s[0])
        )
        if not statements:
            return
        anchor = self.anchor()
        section = range(self.start(), anchor + 1)
        stdlib = [i for i in section if _is_stdlib_import(self.body[i])]
        if stdlib:
            for statement, limit in statements:
                after = [i for i in stdlib if _sort_key(self.body[i]) > _sort_key(statement)]
                at = after[0] if after else stdlib[-1] + 1
                if at == stdlib[0]:
                    above, comments = _split_comments(self.leading[at])
                    statement = statement.with_changes(leading_lines=above)
                    self.leading[at] = comments
                self.insert(min(at, limit), statement)
            return
        imports = [i for i in section if is_import_line(self.body[i]) and not _is_future(self.body[i])]
        limit = min(limit for _, limit in statements)
        first_leading: Leading
        if imports and imports[0] < limit:
            at = imports[0]
            first_leading, comments = _split_comments(self.leading[at])
            self.leading[at] = [blank(), *comments]
        else:
            at = min(anchor + 1, limit)
            first_leading = [blank()] if at > 0 else []
        added = [
            s.with_changes(leading_lines=first_leading if n == 0 else [])
            for n, (s, _) in enumerate(statements)
        ]
        for statement in added:
            self.insert(at, statement)
        if not (imports and imports[0] < limit):
            self.blank_after.add(id(added[-1]))

    def merge_typing_name(self, name: str, limit: int) -> bool:
        """Add ``name`` to an existing ``from typing import …`` line before statement
        ``limit``; False when there is none."""
        for index, original, updated in self.small_statements():
            key = self.key(original)
            if (
                index < limit
                and key not in self.edits.drops
                and key not in self.edits.lazy
                and isinstance(updated, cst.ImportFrom)
                and not updated.relative
                and not isinstance(updated.names, cst.ImportStar)
                and stripped_code(updated.module or _EMPTY) == "typing"
            ):
                self.changed[key] = _with_name(updated, name)
                return True
        return False

    def type_checking_block(self, wanted: list[tuple[str, int]]) -> cst.If | None:
        """The new ``if TYPE_CHECKING:`` block (``None`` when no import goes there, or an
        existing block takes them); the ``typing`` import it needs goes into ``wanted``."""
        lines = []
        for line in self.edits.type_checking:
            parsed = parse_line(self.line_code(line))
            comments = self.moving_comments.pop(line.origin, [])
            lines.append(parsed.with_changes(leading_lines=comments))
        lines = _unique(lines)
        if not lines:
            return None
        existing = self.existing_block()
        if existing is not None:
            self.appended = (existing, lines)
            return None
        name, add = self.type_checking_name()
        anchor = self.anchor()
        if add and not self.merge_typing_name("TYPE_CHECKING", anchor + 1):
            wanted.append(("from typing import TYPE_CHECKING", anchor + 1))
        return cst.If(
            test=cst.parse_expression(name),
            body=cst.IndentedBlock(body=lines),
            leading_lines=[blank()] if anchor >= 0 or add else [],
        )

    def take_comments(self) -> None:
        """Detach the comment lines right above each statement that moves whole under
        ``if TYPE_CHECKING:``; :meth:`type_checking_block` gives them back there."""
        for index, original, _updated in self.small_statements():
            key = self.key(original)
            line = self.original[index]
            if (
                key not in self.edits.whole_moves
                or not isinstance(line, cst.SimpleStatementLine)
                or len(line.body) != 1
            ):
                continue
            above, comments = _split_comments(self.leading[index])
            if comments:
                self.moving_comments[key] = comments
                self.leading[index] = above

    def plan_additions(self) -> None:
        """Place the statements the fix adds."""
        edits = self.edits
        self.take_comments()
        if edits.future:
            self.add_future()
        tries = [
            i
            for i, node in enumerate(self.original)
            if isinstance(node, cst.Try) and self.key(node) in edits.tries
        ]
        wanted: list[tuple[str, int]] = []
        if edits.find_spec and not _binds_import(self.tree, "importlib.util"):
            wanted.append(("import importlib.util", min(tries, default=len(self.body))))
        block = self.type_checking_block(wanted)
        self.place_stdlib(wanted)
        if block is not None:
            self.insert(self.anchor() + 1, block)
            self.blank_after.add(id(block))
        if edits.exports:
            defined = {
                s.name for s in self.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
            old_python = self.target_version is not None and self.target_version < (3, 9)
            star = star_names(self.tree) if edits.package_init else None
            if star is not None:
                star = tuple(sorted({*star, *edits.submodules}))
            bound = {export.name for export in edits.exports}
            exports = [
                *edits.exports,
                *(Export(n, f".{n}", "") for n in edits.lazy_submodules if n not in bound),
            ]
            for statement in export_code(exports, "__dir__" not in defined, old_python, star):
                self.insert(len(self.body), statement)

    # -- the rebuild --

    def replacement(self, index: int, statement: cst.BaseStatement) -> list[cst.BaseStatement]:
        """What statement ``index`` becomes (nothing when it goes)."""
        original = self.original[index]
        edits = self.edits
        if isinstance(statement, cst.SimpleStatementLine) and isinstance(original, cst.SimpleStatementLine):
            body: list[cst.BaseSmallStatement] = []
            for o, u in zip(original.body, statement.body):
                key = self.key(o)
                if key in edits.lazy:
                    body.append(_lazy(u))
                    continue
                u = self.changed.get(key, u)
                kept = _drop_aliases(u, edits.drops[key]) if key in edits.drops else u
                if kept is not None:
                    body.append(kept)
            return [statement.with_changes(body=without_trailing_semicolon(body))] if body else []
        if isinstance(original, cst.Try) and self.key(original) in edits.tries:
            flags: list[cst.BaseStatement] = [parse_line(code) for code in edits.tries[self.key(original)]]
            if flags:
                flags[0] = flags[0].with_changes(leading_lines=self.leading[index])
            return flags
        if self.appended is not None and self.appended[0] == index:
            assert isinstance(statement, cst.If)
            return [statement.with_changes(body=_append_lines(statement.body, self.appended[1]))]
        return [statement]

    def rebuild(self) -> cst.Module:
        """The new module: every statement replaced as planned, the additions placed."""
        self.plan_additions()
        out: list[cst.BaseStatement] = []
        carried: Leading | None = None
        blank_next = False
        first_removed = False
        for index in range(len(self.body) + 1):
            nodes = list(self.before.get(index, []))
            added = len(nodes)
            if index < len(self.body):
                nodes.extend(
                    self.replacement(index, self.body[index].with_changes(leading_lines=self.leading[index]))
                )
            for node in nodes:
                leading = _leading_lines(node)
                if carried is not None:
                    leading = _merge_leading(carried, leading)
                    carried = None
                if blank_next and not starts_blank(leading):
                    leading = [blank(), *leading]
                blank_next = id(node) in self.blank_after
                out.append(node.with_changes(leading_lines=leading))
            if index < len(self.body) and len(nodes) == added:
                first_removed = first_removed or index == 0
                # The statement went: the lines above it go to the next statement.
                lines = self.leading[index]
                carried = lines if carried is None else _merge_leading(carried, lines)
        if out and first_removed:
            # The first statement went: the new first one starts the file, without blank lines.
            first = _leading_lines(out[0])
            while first and first[0].comment is None:
                first.pop(0)
            out[0] = out[0].with_changes(leading_lines=first)
        footer = list(self.updated.footer)
        if carried and any(line.comment is not None for line in carried):
            footer = [*carried, *footer]
        return self.updated.with_changes(body=out, footer=footer)


def _leading_lines(node: cst.BaseStatement) -> list[cst.EmptyLine]:
    assert isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return list(node.leading_lines)


def _drop_aliases(node: cst.BaseSmallStatement, drop: frozenset[int]) -> cst.BaseSmallStatement | None:
    """An import without the names at ``drop`` (``None`` when none is left). In a
    parenthesized list, the last name left keeps its comma and comment, and the list ends
    as it did (``,\n)``)."""
    if not isinstance(node, _IMPORTS) or isinstance(node.names, cst.ImportStar):
        return node
    names = list(node.names)
    kept = [alias for index, alias in enumerate(names) if index not in drop]
    if not kept:
        return None
    last = kept[-1]
    if not (isinstance(node, cst.ImportFrom) and node.lpar is not None):
        kept[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    elif len(names) - 1 in drop:
        end, own = names[-1].comma, last.comma
        if not isinstance(end, cst.Comma) or not isinstance(own, cst.Comma):
            kept[-1] = last.with_changes(comma=end)
        elif isinstance(own.whitespace_after, cst.ParenthesizedWhitespace) and isinstance(
            end.whitespace_after, cst.ParenthesizedWhitespace
        ):
            ending = end.whitespace_after
            spacing = own.whitespace_after.with_changes(indent=ending.indent, last_line=ending.last_line)
            kept[-1] = last.with_changes(comma=own.with_changes(whitespace_after=spacing))
        else:
            kept[-1] = last.with_changes(comma=end)
    return node.with_changes(names=kept)


def _lazy(node: cst.BaseSmallStatement) -> cst.BaseSmallStatement:
    """``lazy import x`` / ``lazy from x import y`` (libcst's PEP 810 nodes, libcst 1.9+)."""
    if isinstance(node, cst.Import):
        made = getattr(cst, "LazyImport")(
            names=node.names, semicolon=node.semicolon, whitespace_after_import=node.whitespace_after_import
        )
    else:
        assert isinstance(node, cst.ImportFrom)
        made = getattr(cst, "LazyImportFrom")(
            module=node.module,
            names=node.names,
            relative=node.relative,
            lpar=node.lpar,
            rpar=node.rpar,
            semicolon=node.semicolon,
            whitespace_after_from=node.whitespace_after_from,
            whitespace_before_import=node.whitespace_before_import,
            whitespace_after_import=node.whitespace_after_import,
        )
    assert isinstance(made, cst.BaseSmallStatement)
    return made
