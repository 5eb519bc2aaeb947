"""The proof a fixed file must pass before it is written.

The result must compile (where the fix wrote, for a fix of signatures and bare handlers
alone: a body that did not compile before is not its doing); analysing it again must show
every finding the fixers claim to have fixed gone and no finding that was not there
before (counted per rule: lines move, so a finding is known by its rule, not its line); no
name pyflakes could resolve before may become undefined; and fixing the result again must
change nothing. A file that fails is left untouched, with the reason.
"""

from __future__ import annotations

import ast
import copy
import warnings
from collections import Counter
from collections.abc import Sequence
from typing import Callable, cast

from pyflakes import checker as pyflakes_checker
from pyflakes import messages as pyflakes_messages

from qemlflow_lint.fix.model import Applied
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.words import plural

#: The pyflakes messages that mean a name has no binding.
_UNDEFINED = (
    pyflakes_messages.UndefinedName,
    pyflakes_messages.UndefinedLocal,
    pyflakes_messages.UndefinedExport,
)


def undefined_names(tree: ast.Module, path: str) -> Counter[str]:
    """The names pyflakes finds no binding for in ``tree``, with how often."""
    names: Counter[str] = Counter()
    for message in pyflakes_checker.Checker(tree, filename=path).messages:
        if isinstance(message, _UNDEFINED):
            # A builtin read before a local binding of its name has the bare name for its
            # arguments (``local variable 'Exception' defined as a builtin referenced …``).
            arguments = message.message_args
            names[arguments if isinstance(arguments, str) else str(arguments[0])] += 1
    return names


def _signatures(statements: list[ast.stmt]) -> list[ast.stmt]:
    """``statements`` with every function's body replaced by ``pass`` (nested blocks and
    class bodies kept): the code that runs where a def is, and its signature. The nodes
    that change are copies; the rest are shared, only read."""
    kept: list[ast.stmt] = []
    for statement in statements:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stub = copy.copy(statement)
            stub.body = [ast.copy_location(ast.Pass(), statement.body[0])]
            kept.append(stub)
            continue
        blocks = [field for field in _BLOCK_FIELDS if getattr(statement, field, None)]
        parts = [field for field in _PART_FIELDS if getattr(statement, field, None)]
        if not blocks and not parts:
            kept.append(statement)
            continue
        outline = copy.copy(statement)
        for field in blocks:
            setattr(outline, field, _signatures(getattr(statement, field)))
        for field in parts:  # ``except`` handlers and ``case`` blocks hold statements too
            setattr(outline, field, [_with_signatures(part) for part in getattr(statement, field)])
        kept.append(outline)
    return kept


def _with_signatures(part: ast.AST) -> ast.AST:
    """An ``except`` handler or a ``case`` block (both hold their statements in ``body``)
    with :func:`_signatures` of them."""
    outline = cast("ast.ExceptHandler", copy.copy(part))
    outline.body = _signatures(outline.body)
    return outline


#: The fields of a statement that hold statements, and those that hold nodes that do.
_BLOCK_FIELDS = ("body", "orelse", "finalbody")
_PART_FIELDS = ("handlers", "cases")


def signatures_outline(tree: ast.Module) -> ast.Module:
    """``tree`` with every function's body taken out (see :func:`_signatures`): for a text
    fixed by edits to def signatures and imports added at module level alone, it holds
    every line the fix wrote.

    The bodies are the original's, and the module binds every name it bound (and more):
    a name a body could resolve, it still resolves, and a body that compiled still does
    (the names a body binds, its own and its parameters', do not change). So the fix is
    proven on the outline: that it compiles (``from __future__`` still first, no
    ``return`` outside a def), and that pyflakes finds no name undefined there, which
    proves it for the whole module (a name resolved where the defs are is resolved in the
    module, which binds at least as much: ``global`` in a body binds more). When a name
    is undefined in the outline, the whole module is compared with the original
    (:func:`undefined_names`)."""
    return ast.Module(body=_signatures(tree.body), type_ignores=tree.type_ignores)


def compile_error(tree: ast.Module, path: str) -> str | None:
    """Why ``tree`` does not compile (the errors found past the parser: ``return`` outside
    a function, ``nonlocal`` without a binding …), or ``None`` when it does."""
    try:
        with warnings.catch_warnings():
            # The compiler's warnings ('"is" with a literal') are about code fix did not write.
            warnings.simplefilter("ignore")
            compile(tree, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def new_findings(
    before: Sequence[Finding], after: Sequence[Finding], applied: Sequence[Applied]
) -> list[str]:
    """What the fixed file reports that it should not: per rule, more findings than were
    left. Returns one phrase per rule ("1 more QF008")."""
    expected = Counter(finding.code for finding in before)
    expected.subtract(fix.finding.code for fix in applied if fix.complete)
    found = Counter(finding.code for finding in after)
    return [
        f"{plural(found[code] - expected[code], 'more ' + code + ' finding')}"
        for code in sorted(found)
        if found[code] > expected[code]
    ]


def proof_failure(
    original: ast.Module,
    fixed: str,
    path: str,
    before: Sequence[Finding],
    parsed: Callable[[str], ast.Module | str],
    analyse: Callable[[str], Sequence[Finding] | str],
    applied: Sequence[Applied],
    refix: Callable[[str], str],
    *,
    on_outline: bool = False,
) -> str | None:
    """Why ``fixed`` must not replace the text ``original`` was parsed from, or ``None``
    when it proves sound.

    ``parsed`` gives a text's tree (or why it does not parse), ``analyse`` its findings (or
    why it could not be analysed); ``refix`` fixes a text again, with the same options.
    Each text is parsed once: the compiler, the analysis, pyflakes and the second fix
    share its tree. ``on_outline``: the fix wrote nothing the outline of its signatures
    leaves out that could fail to compile or leave a name undefined (it annotated
    signatures, added imports at module level, named the builtin ``Exception`` in
    handlers): then the compiler reads the outline, and pyflakes the whole module only
    when the outline is not proven, see :func:`signatures_outline`.
    """
    tree = parsed(fixed)
    outline = signatures_outline(tree) if on_outline and not isinstance(tree, str) else None
    error = tree if isinstance(tree, str) else compile_error(outline or tree, path)
    if error:
        return f"the fixed code does not compile ({error})"
    assert not isinstance(tree, str)
    after = analyse(fixed)
    if isinstance(after, str):
        return f"the fixed code cannot be analysed ({after})"
    extra = new_findings(before, after, applied)
    if extra:
        return f"the fixed code would have {', '.join(extra)}"
    proven = outline is not None and not undefined_names(outline, path)
    undefined_after = Counter[str]() if proven else undefined_names(tree, path)
    # Most fixed files have no undefined name at all: then the original needs no analysis.
    newly_undefined = (
        undefined_after - undefined_names(original, path) if undefined_after else undefined_after
    )
    if newly_undefined:
        names = ", ".join(f"'{name}'" for name in sorted(newly_undefined))
        return f"the fixed code would leave {names} undefined"
    if refix(fixed) != fixed:
        return "fixing the fixed code again would change it (the fix is not stable)"
    return None
