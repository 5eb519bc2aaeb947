"""Editing a libcst tree at the statements the ``ast`` analysis chose, without a full visit.

The fixers decide with the ``ast`` (fast) and must then change the matching libcst nodes.
libcst's position metadata would find them, but computing it costs a full code generation
and a full visit of the tree, several times the parse itself. The two trees have the same
statements in the same order, though: a module's or block's statements are libcst
statements one to one, except that the small statements of one line (``a = 1; b = 2``)
share one :class:`libcst.SimpleStatementLine`. :func:`rewrite` walks both trees side by
side, descending only into the blocks that hold a statement to edit, and rebuilds just the
nodes on the way.

An edit is a function of the libcst node an ``ast`` node stands for:

- an ``ast.Module`` edit receives the :class:`libcst.Module` (after every other edit) and
  returns a module;
- a compound statement (``def``, ``class``, ``if``, ``try`` …) edit receives the statement
  and returns the statements that replace it (none removes it);
- a small statement (``import``, an assignment …) edit receives it and returns the small
  statements that replace it on its line, or the whole statements that replace its line
  (only when it is alone on it: :class:`SharedLine` otherwise);
- an ``ast.ExceptHandler`` edit receives the :class:`libcst.ExceptHandler` and returns one.

Edits of a node run after the edits inside it, so a ``def`` edit sees its updated body.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Callable, Union, cast

import libcst as cst
from libcst.metadata import CodePosition, CodeRange

from qemlflow_lint.fix.signatures import header_lines, parse_header

#: What an edit may return for a statement (see the module docstring).
Replacement = Union[cst.CSTNode, Sequence[cst.BaseStatement], Sequence[cst.BaseSmallStatement]]
Edit = Callable[[cst.CSTNode], Replacement]
#: Edits by the ``ast`` node they apply to, each list applied in order.
Edits = Mapping[ast.AST, Sequence[Edit]]


class SharedLine(ValueError):
    """A statement that shares its line with others was to be replaced by whole statements."""


class _Rewriter:
    def __init__(self, edits: Edits) -> None:
        self.edits = edits
        self.wanted: set[int] = set()

    def mark(self, node: ast.AST) -> bool:
        """Note every node that is, or holds, an edited node; True when ``node`` does."""
        found = node in self.edits
        for child in _child_statements(node):
            found = self.mark(child) or found
        if found:
            self.wanted.add(id(node))
        return found

    def apply(self, node: ast.AST, current: cst.CSTNode) -> cst.CSTNode:
        for edit in self.edits.get(node, ()):
            current = cast(cst.CSTNode, edit(current))
        return current

    def body(
        self, statements: Sequence[ast.stmt], body: Sequence[cst.BaseStatement]
    ) -> list[cst.BaseStatement]:
        """The rebuilt statements of one block."""
        rebuilt: list[cst.BaseStatement] = []
        index = 0
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                count = len(statement.body)
                mine = statements[index : index + count]
                index += count
                rebuilt.extend(self.line(mine, statement))
            else:
                rebuilt.extend(self.compound(statements[index], statement))
                index += 1
        return rebuilt

    def line(self, statements: Sequence[ast.stmt], line: cst.SimpleStatementLine) -> list[cst.BaseStatement]:
        if not any(id(s) in self.wanted for s in statements):
            return [line]
        small: list[cst.BaseSmallStatement] = []
        for statement, node in zip(statements, line.body):
            if statement not in self.edits:
                small.append(node)
                continue
            result = self._replacement(statement, node)
            if all(isinstance(item, cst.BaseSmallStatement) for item in result):
                small.extend(cast("list[cst.BaseSmallStatement]", result))
            elif len(statements) == 1:
                return self._keep_leading_lines(line, cast("list[cst.BaseStatement]", result))
            else:
                raise SharedLine(f"line {statement.lineno} holds more than one statement")
        if not small:
            return []
        # The last statement of a line has no semicolon; a removed one may have had it.
        last = small[-1]
        if isinstance(last.semicolon, cst.Semicolon):
            small[-1] = last.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return [line.with_changes(body=small)]

    @staticmethod
    def _keep_leading_lines(
        line: cst.SimpleStatementLine, result: list[cst.BaseStatement]
    ) -> list[cst.BaseStatement]:
        """The comments and blank lines above a replaced line stay above what replaces it."""
        if result and line.leading_lines and not _leading_lines(result[0]):
            result[0] = result[0].with_changes(leading_lines=line.leading_lines)
        return result

    def _replacement(self, statement: ast.AST, node: cst.CSTNode) -> list[cst.CSTNode]:
        current: cst.CSTNode | Sequence[cst.CSTNode] = node
        for edit in self.edits[statement]:
            if not isinstance(current, cst.CSTNode):
                raise ValueError("only the last edit of a statement may replace it by several")
            current = edit(current)
        return [current] if isinstance(current, cst.CSTNode) else list(current)

    def compound(self, statement: ast.stmt, node: cst.BaseStatement) -> list[cst.BaseStatement]:
        if id(statement) not in self.wanted:
            return [node]
        node = self.children(statement, node)
        if statement not in self.edits:
            return [node]
        return cast("list[cst.BaseStatement]", self._replacement(statement, node))

    def block(self, statements: Sequence[ast.stmt], block: cst.BaseSuite) -> cst.BaseSuite:
        if not any(id(s) in self.wanted for s in statements):
            return block
        if isinstance(block, cst.SimpleStatementSuite):
            line = cst.SimpleStatementLine(body=block.body)
            rebuilt = self.line(statements, line)
            if len(rebuilt) == 1 and isinstance(rebuilt[0], cst.SimpleStatementLine):
                return block.with_changes(body=rebuilt[0].body)
            raise SharedLine(f"line {statements[0].lineno} holds a whole block")
        indented = cast(cst.IndentedBlock, block)
        return indented.with_changes(body=self.body(statements, indented.body))

    def children(self, statement: ast.stmt, node: cst.BaseStatement) -> cst.BaseStatement:
        """``node`` with the blocks inside it rebuilt."""
        if isinstance(
            statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith)
        ):
            return node.with_changes(body=self.block(statement.body, cast(cst.FunctionDef, node).body))
        if isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
            loop = cast(cst.For, node)
            return loop.with_changes(
                body=self.block(statement.body, loop.body), orelse=self.orelse(statement.orelse, loop.orelse)
            )
        if isinstance(statement, ast.If):
            branch = cast(cst.If, node)
            orelse: cst.If | cst.Else | None
            if isinstance(branch.orelse, cst.If):
                orelse = cast(cst.If, self.children(statement.orelse[0], branch.orelse))
            else:
                orelse = self.orelse(statement.orelse, branch.orelse)
            return branch.with_changes(body=self.block(statement.body, branch.body), orelse=orelse)
        if isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            return self.try_statement(cast(ast.Try, statement), cast(cst.Try, node))
        if isinstance(statement, ast.Match):
            match = cast(cst.Match, node)
            cases = [
                case.with_changes(body=self.block(ast_case.body, case.body))
                for ast_case, case in zip(statement.cases, match.cases)
            ]
            return match.with_changes(cases=cases)
        return node

    def orelse(self, statements: Sequence[ast.stmt], node: cst.Else | None) -> cst.Else | None:
        if node is None or not statements:
            return node
        return node.with_changes(body=self.block(statements, node.body))

    def try_statement(self, statement: ast.Try, node: cst.Try) -> cst.Try:
        handlers = []
        for ast_handler, handler in zip(statement.handlers, node.handlers):
            if id(ast_handler) in self.wanted:
                handler = handler.with_changes(body=self.block(ast_handler.body, handler.body))
                handler = cast(cst.ExceptHandler, self.apply(ast_handler, handler))
            handlers.append(handler)
        finalbody = node.finalbody
        if finalbody is not None and statement.finalbody:
            finalbody = finalbody.with_changes(body=self.block(statement.finalbody, finalbody.body))
        return node.with_changes(
            body=self.block(statement.body, node.body),
            handlers=handlers,
            orelse=self.orelse(statement.orelse, node.orelse),
            finalbody=finalbody,
        )


def _leading_lines(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    return cast(Sequence[cst.EmptyLine], getattr(statement, "leading_lines", ()))


def _child_statements(node: ast.AST) -> list[ast.AST]:
    """The statements and handlers directly inside ``node``'s blocks."""
    children: list[ast.AST] = []
    for field in ("body", "handlers", "orelse", "finalbody", "cases"):
        value = getattr(node, field, None)
        if isinstance(value, list):
            children.extend(value)
    return children


def parse_module(text: str) -> cst.Module:
    """The libcst module of ``text``, whose code is ``text`` again byte for byte.

    libcst takes a final lone ``\\r`` (old Mac line endings) for no line ending at all, and
    its code generation would drop it: the module is told it has its trailing newline.
    """
    module = cst.parse_module(text)
    if text.endswith("\r") and not module.has_trailing_newline:
        module = module.with_changes(has_trailing_newline=True)
    return module


def rewrite(module: cst.Module, tree: ast.Module, edits: Edits) -> cst.Module:
    """``module`` with every edit applied to the node that matches its ``ast`` node in
    ``tree`` (the ``ast`` of the same text). Raises :class:`SharedLine` when an edit would
    replace a line that other statements share."""
    if not edits:
        return module
    rewriter = _Rewriter(edits)
    rewriter.mark(tree)
    if any(id(s) in rewriter.wanted for s in tree.body):
        module = module.with_changes(body=rewriter.body(tree.body, module.body))
    return cast(cst.Module, rewriter.apply(tree, module))


#: A line ending, as the tokenizer counts lines (``ast`` line numbers count these).
_LINE_END = re.compile(r"\r\n|\r|\n")


def physical_lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, split where Python's tokenizer splits them
    (``str.splitlines`` also splits at form feeds and other separators Python does not)."""
    if "\r" not in text:  # most texts: splitting at ``\n`` alone is several times faster
        *ended, last = text.split("\n")
        return [line + "\n" for line in ended] + ([last] if last else [])
    lines: list[str] = []
    start = 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def _first_line(statement: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return min([statement.lineno, *(decorator.lineno for decorator in decorators)])


def _lines_alone(body: Sequence[ast.stmt], index: int) -> tuple[int, int] | None:
    """The first and last line of the top-level statement ``body[index]`` (decorators
    included), or ``None`` when it shares a line with another statement."""
    statement = body[index]
    first, last = _first_line(statement), statement.end_lineno or statement.lineno
    previous = body[index - 1].end_lineno or 0 if index else 0
    following = _first_line(body[index + 1]) if index + 1 < len(body) else last + 1
    if statement.col_offset or previous >= first or following <= last:
        return None
    return first, last


def _spans(tree: ast.Module, chosen: Callable[[ast.stmt], bool]) -> list[tuple[int, int, ast.stmt]] | None:
    """The line ranges (decorators included) of the ``chosen`` top-level statements, or
    ``None`` when one of them shares a line with another statement."""
    found = []
    for index, statement in enumerate(tree.body):
        if not chosen(statement):
            continue
        lines = _lines_alone(tree.body, index)
        if lines is None:
            return None
        found.append((*lines, statement))
    return found


def _segments(tree: ast.Module, wanted: set[int]) -> list[tuple[int, int, ast.stmt]] | None:
    """The line ranges of the top-level statements that hold an edit, or ``None`` when one
    of them shares a line with another statement."""
    return _spans(tree, lambda statement: id(statement) in wanted)


class SignatureEdit:
    """An edit of a def's signature alone (its parameters, return annotation and the
    whitespace between them), never of its decorators or body. :func:`rewrite_text` then
    parses and writes the def's header lines only."""

    def __init__(self, edit: Callable[[cst.FunctionDef], cst.FunctionDef]) -> None:
        self.edit = edit

    def __call__(self, node: cst.CSTNode) -> cst.CSTNode:
        """The edited def (any other node as it is)."""
        return self.edit(node) if isinstance(node, cst.FunctionDef) else node


class LineEdit:
    """An edit of one statement's first line that a text substitution makes as libcst would
    (``except:`` → ``except Exception:``): :func:`rewrite_text` then changes that line and
    parses nothing. ``on_line`` takes the line and the node's column (in characters) and
    gives the new line, or ``None`` when the text is not the plain form it knows; ``edit``
    is the libcst edit, made instead."""

    def __init__(self, on_line: Callable[[str, int], str | None], edit: Edit) -> None:
        self.on_line = on_line
        self.edit = edit

    def __call__(self, node: cst.CSTNode) -> Replacement:
        """The edited node."""
        return self.edit(node)


class TopLevelEdit:
    """An edit of the module that reads and changes only its lines outside the top-level
    defs and classes (its imports, its ``if TYPE_CHECKING:`` block). :func:`rewrite_text`
    then gives it the module with each top-level def and class stood in for by a one-line
    placeholder: libcst parses the import section, not the whole file."""

    def __init__(self, edit: Callable[[cst.CSTNode], cst.CSTNode]) -> None:
        self.edit = edit

    def __call__(self, node: cst.CSTNode) -> cst.CSTNode:
        """The edited module."""
        return self.edit(node)


class OutlinedEdit:
    """An edit of the module that reads and changes its lines outside the top-level defs
    and classes, and only the statements that start on ``lines`` (keyed by their positions
    in the original text, as libcst would give them). :func:`rewrite_text` then gives it
    the module with every other top-level def and class of two lines or more stood in for
    by a placeholder of as many lines, so that every position still holds: libcst parses
    what the edit touches, not the whole file."""

    def __init__(self, edit: Callable[[cst.CSTNode], cst.CSTNode], lines: Collection[int]) -> None:
        self.edit = edit
        self.lines = frozenset(lines)

    def __call__(self, node: cst.CSTNode) -> cst.CSTNode:
        """The edited module."""
        return self.edit(node)


def _in_place(lines: list[str], first: int, last: int, text: str) -> None:
    """Replace lines ``first`` to ``last`` (1-based) with ``text``, keeping every line's
    index: the first of them holds ``text``, the others are left empty."""
    lines[first - 1 : last] = [text] + [""] * (last - first)


def _rewrite_outlined(lines: list[str], tree: ast.Module, edits: Sequence[Edit]) -> str | None:
    """The text of ``lines`` (at the indices of ``tree``'s lines, see :func:`_edited_lines`)
    with the module's :class:`TopLevelEdit` s applied to its outline: each top-level def and
    class (its decorators included) replaced by a placeholder line. ``None`` when a def or
    class shares a line with another statement, or a placeholder did not come back as it was."""
    text = "".join(lines)
    marker = "_outlined_"
    while marker in text:
        marker += "_"
    spans = _spans(tree, lambda statement: isinstance(statement, _DEFINITIONS))
    if spans is None:
        return None
    stood_for: dict[str, str] = {}
    for index, (first, last, _) in enumerate(spans):
        chunk = "".join(lines[first - 1 : last])
        ending = _FINAL_LINE_END.search(chunk)
        placeholder = f"def {marker}{index}(): pass{ending.group() if ending else ''}"
        stood_for[placeholder] = chunk
        _in_place(lines, first, last, placeholder)
    module: cst.CSTNode = parse_module("".join(lines))
    for edit in edits:
        module = cast(cst.CSTNode, edit(module))
    if not isinstance(module, cst.Module):
        return None
    rows = [stood_for.pop(row, row) for row in physical_lines(module.code)]
    return None if stood_for else "".join(rows)


#: The top-level statements an outline stands in for.
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: The line ending a text ends with.
_FINAL_LINE_END = re.compile(r"(?:\r\n|\r|\n)\Z")


def _outlinable(own: Sequence[Edit]) -> bool:
    return all(isinstance(edit, (TopLevelEdit, OutlinedEdit)) for edit in own)


def _first_indent(tree: ast.Module, lines: Sequence[str]) -> tuple[int, str] | None:
    """The first top-level statement whose block starts on a line of its own (the first
    indented line of the file is in it, and libcst takes the module's indentation from
    that line), with that line's indentation."""
    for index, statement in enumerate(tree.body):
        body = getattr(statement, "body", None)
        if isinstance(body, list) and body and body[0].lineno > statement.lineno:
            line = lines[body[0].lineno - 1]
            return index, line[: len(line) - len(line.lstrip(" \t"))]
    return None


def _indented_comment_after(lines: Sequence[str], last: int, following: int) -> bool:
    """True when an indented comment line lies between line ``last`` and line
    ``following``: libcst counts it in the block above, which an outline would lose."""
    return any(
        line[:1] in (" ", "\t") and line.lstrip().startswith("#") for line in lines[last : following - 1]
    )


def _rewrite_in_outline(text: str, tree: ast.Module, edits: Edits) -> str | None:
    """``text`` with ``edits`` made in its outline (see :class:`OutlinedEdit`): the
    top-level defs and classes that no edit touches stand in for by ``def name(): pass``
    (``class name: pass``) and one marker comment line for each of their other lines, so
    every statement keeps its line. ``None`` (then the whole module is parsed) when the
    text has carriage returns or no final newline, when no statement can be stood in for,
    or when the markers do not come back right after their placeholders, each in place."""
    if "\r" in text or not text.endswith("\n"):
        return None
    lines = physical_lines(text)
    touched = {line for edit in edits.get(tree, ()) if isinstance(edit, OutlinedEdit) for line in edit.lines}
    touched.update(getattr(node, "lineno", 0) for node in edits if node is not tree)
    first_block = _first_indent(tree, lines)
    body = tree.body
    marker = "_outlined_"
    while marker in text:
        marker += "_"
    stood_for: list[tuple[int, int, str, list[str]]] = []
    for index, statement in enumerate(body):
        if not isinstance(statement, _DEFINITIONS) or statement.name.startswith("__"):
            continue
        if first_block is not None and first_block[0] == index:
            continue  # libcst reads the module's indentation in it
        alone = _lines_alone(body, index)
        if alone is None or alone[0] == alone[1] or any(alone[0] <= line <= alone[1] for line in touched):
            continue
        first, last = alone
        following = _first_line(body[index + 1]) if index + 1 < len(body) else len(lines) + 1
        if _indented_comment_after(lines, last, following):
            continue
        keyword = "class" if isinstance(statement, ast.ClassDef) else "def"
        keyword = "async def" if isinstance(statement, ast.AsyncFunctionDef) else keyword
        head = (
            f"{keyword} {statement.name}: pass\n"
            if keyword == "class"
            else f"{keyword} {statement.name}(): pass\n"
        )
        marks = [f"#{marker}{len(stood_for)}_{row}\n" for row in range(1, last - first + 1)]
        stood_for.append((first, last, head, marks))
    if not stood_for:
        return None
    outline = list(lines)
    for first, last, head, marks in stood_for:
        outline[first - 1 : last] = [head, *marks]
    module = parse_module("".join(outline))
    if first_block is not None and module.default_indent != first_block[1]:
        return None
    code = rewrite(module, tree, edits).code
    return _stood_back(physical_lines(code), lines, stood_for, marker)


def _stood_back(
    rows: list[str], lines: Sequence[str], stood_for: Sequence[tuple[int, int, str, list[str]]], marker: str
) -> str | None:
    """``rows`` with each placeholder and its markers replaced by the lines it stood for;
    ``None`` unless every one comes back whole, right after its placeholder."""
    found: list[str] = []
    done = 0
    index = 0
    while index < len(rows):
        row = rows[index]
        if row.startswith(f"#{marker}"):
            if done >= len(stood_for):
                return None
            first, last, head, marks = stood_for[done]
            if not found or found[-1] != head or rows[index : index + len(marks)] != marks:
                return None
            found[-1:] = lines[first - 1 : last]
            index += len(marks)
            done += 1
            continue
        found.append(row)
        index += 1
    return "".join(found) if done == len(stood_for) else None


def _header(lines: Sequence[str], node: ast.AST) -> tuple[int, str, cst.FunctionDef] | None:
    """A def's header: how many lines it takes, its indentation and the def as libcst reads it
    with ``pass`` for its body; ``None`` unless writing that def again gives those lines
    exactly (a body on the colon's line, a comment libcst moves, odd indentation)."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.body:
        return None
    first, last = node.lineno, node.body[0].lineno - 1
    if last < first or last > len(lines):
        return None
    rows = [line.rstrip("\r\n") for line in lines[first - 1 : last]]
    indent = rows[0][: len(rows[0]) - len(rows[0].lstrip(" \t"))]
    if not all(row.startswith(indent) or not row.strip() for row in rows):
        return None
    source = "".join(row[len(indent) :] + "\n" for row in rows)
    try:
        parsed = parse_header(source)
    except cst.ParserSyntaxError:
        return None
    if len(parsed) != 1 or not isinstance(parsed[0], cst.FunctionDef) or parsed[0].decorators:
        return None
    written = header_lines(parsed[0], indent)
    if written != rows[: len(written)]:
        return None
    return len(written), indent, parsed[0]


def _rewrite_lines(lines: list[str], edits: Edits) -> dict[ast.AST, Sequence[Edit]]:
    """Make the :class:`LineEdit` s that their text substitution can make, in place in
    ``lines``; the other edits."""
    rest: dict[ast.AST, Sequence[Edit]] = {}
    for node, node_edits in edits.items():
        line = getattr(node, "lineno", 0)
        if len(node_edits) != 1 or not isinstance(node_edits[0], LineEdit) or not 0 < line <= len(lines):
            rest[node] = node_edits
            continue
        text = lines[line - 1]
        column = len(text.encode("utf-8")[: getattr(node, "col_offset", 0)].decode("utf-8", "replace"))
        edited = node_edits[0].on_line(text, column)
        if edited is None:
            rest[node] = node_edits
        else:
            lines[line - 1] = edited
    return rest


def _rewrite_headers(lines: list[str], edits: Edits) -> dict[ast.AST, Sequence[Edit]]:
    """Apply the defs' :class:`SignatureEdit` s to their header lines in ``lines``, in place
    (every line keeps its index); the edits whose header could not be written alone (then
    ``lines`` must not be used)."""
    rest: dict[ast.AST, Sequence[Edit]] = {}
    done: list[tuple[int, int, list[str]]] = []
    for node, node_edits in edits.items():
        header = _header(lines, node) if all(isinstance(e, SignatureEdit) for e in node_edits) else None
        if header is None or not isinstance(node, ast.stmt):
            rest[node] = node_edits
            continue
        count, indent, parsed = header
        for signature_edit in node_edits:
            parsed = cast(cst.FunctionDef, signature_edit(parsed))
        ending = _LINE_END.search(lines[node.lineno - 1])
        newline = ending.group() if ending else "\n"
        done.append((node.lineno, count, [row + newline for row in header_lines(parsed, indent)]))
    for first, count, rows in done:
        if _LINE_END.search(lines[first + count - 2]) is None:  # the file ends on the header
            rows[-1] = rows[-1].rstrip("\r\n")
        _in_place(lines, first, first + count - 1, "".join(rows))
    return rest


def rewrite_text(text: str, tree: ast.Module, edits: Edits) -> str:
    """``text`` with every edit applied (see :func:`rewrite`). libcst parses and writes only
    the top-level statements that hold an edit, each on its own (a def's header alone, when
    only its signature changes; nothing for a :class:`LineEdit`), and the module's own
    edits, when they are all :class:`TopLevelEdit` s, see its outline: the rest of the text
    is copied as it is, and large modules with a few edited defs cost a fraction of a whole
    parse."""
    if not edits:
        return text
    own = edits.get(tree, ())
    if not all(isinstance(edit, TopLevelEdit) for edit in own):
        done = _rewrite_in_outline(text, tree, edits) if _outlinable(own) else None
        return done if done is not None else rewrite(parse_module(text), tree, edits).code
    inner = {node: node_edits for node, node_edits in edits.items() if node is not tree}
    lines = _edited_lines(text, tree, inner) if inner else physical_lines(text)
    if lines is not None and not own:
        return "".join(lines)
    done = _rewrite_outlined(lines, tree, own) if lines is not None else None
    return done if done is not None else rewrite(parse_module(text), tree, edits).code


def _edited_lines(text: str, tree: ast.Module, edits: Edits) -> list[str] | None:
    """The physical lines of ``text`` with the edits inside its top-level statements made,
    each line at its index (see :func:`_in_place`); ``None`` when a statement to edit
    shares a line with another (then the whole module is parsed)."""
    lines = physical_lines(text)
    rest = _rewrite_lines(lines, edits)
    # What is left may change signatures alone (QF002): each def's header lines are then
    # parsed and written alone.
    signatures = all(isinstance(e, SignatureEdit) for node_edits in rest.values() for e in node_edits)
    if signatures and not _rewrite_headers(lines, rest):
        return lines
    rewriter = _Rewriter(edits)
    rewriter.mark(tree)
    segments = _segments(tree, rewriter.wanted)
    if segments is None:
        return None
    lines = physical_lines(text)
    for first, last, statement in segments:
        segment = "".join(lines[first - 1 : last])
        alone = ast.Module(body=[statement], type_ignores=[])
        _in_place(lines, first, last, rewrite(parse_module(segment), alone, edits).code)
    return lines


def code_of(node: cst.CSTNode) -> str:
    """The source code of one node, as it would be written in an empty module."""
    return cst.Module(body=[]).code_for_node(node)


def _pair_suite(
    statements: Sequence[ast.stmt], suite: cst.BaseSuite, out: dict[cst.CSTNode, ast.AST]
) -> None:
    if isinstance(suite, cst.SimpleStatementSuite):
        out.update(zip(suite.body, statements))
    else:
        _pair_block(statements, cast(cst.IndentedBlock, suite).body, out)


def _pair_block(
    statements: Sequence[ast.stmt], body: Sequence[cst.BaseStatement], out: dict[cst.CSTNode, ast.AST]
) -> None:
    index = 0
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            out[statement] = statements[index]
            for small in statement.body:
                out[small] = statements[index]
                index += 1
        else:
            out[statement] = statements[index]
            _pair_children(statements[index], statement, out)
            index += 1


def _pair_else(
    statements: Sequence[ast.stmt], node: cst.Else | None, out: dict[cst.CSTNode, ast.AST]
) -> None:
    if node is not None and statements:
        _pair_suite(statements, node.body, out)


def _pair_children(statement: ast.stmt, node: cst.BaseStatement, out: dict[cst.CSTNode, ast.AST]) -> None:
    """Pair the statements inside ``node``'s blocks (see :class:`_Rewriter.children`)."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        definition = cast(cst.FunctionDef, node)
        out[definition.name] = statement
        _pair_suite(statement.body, definition.body, out)
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        _pair_suite(statement.body, cast(cst.With, node).body, out)
    elif isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
        loop = cast(cst.For, node)
        _pair_suite(statement.body, loop.body, out)
        _pair_else(statement.orelse, loop.orelse, out)
    elif isinstance(statement, ast.If):
        branch = cast(cst.If, node)
        _pair_suite(statement.body, branch.body, out)
        if isinstance(branch.orelse, cst.If):
            out[branch.orelse] = statement.orelse[0]
            _pair_children(statement.orelse[0], branch.orelse, out)
        else:
            _pair_else(statement.orelse, branch.orelse, out)
    elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
        attempt, tried = cast(cst.Try, node), cast(ast.Try, statement)
        _pair_suite(tried.body, attempt.body, out)
        for ast_handler, handler in zip(tried.handlers, attempt.handlers):
            out[handler] = ast_handler
            _pair_suite(ast_handler.body, handler.body, out)
        _pair_else(tried.orelse, attempt.orelse, out)
        if attempt.finalbody is not None and tried.finalbody:
            _pair_suite(tried.finalbody, attempt.finalbody.body, out)
    elif isinstance(statement, ast.Match):
        for ast_case, case in zip(statement.cases, cast(cst.Match, node).cases):
            _pair_suite(ast_case.body, case.body, out)


def statement_positions(module: cst.Module, tree: ast.Module, text: str) -> dict[cst.CSTNode, CodeRange]:
    """Where each statement (and handler, and def or class name) of ``module`` starts, as
    libcst's position metadata would say (line, character column), taken from its twin in
    ``tree``, the ``ast`` of the same statements: without the code generation and the
    full visit that computing the metadata costs. (A decorated def starts at its ``def``.)"""
    twins: dict[cst.CSTNode, ast.AST] = {}
    _pair_block(tree.body, module.body, twins)
    lines = text.splitlines()
    positions = {}
    for node, twin in twins.items():
        line, offset = getattr(twin, "lineno", 1), getattr(twin, "col_offset", 0)
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        column = len(source.encode("utf-8")[:offset].decode("utf-8", "replace"))
        start = CodePosition(line, column)
        positions[node] = CodeRange(start, start)
    return positions
