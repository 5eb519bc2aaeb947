"""QF003 undocumented-public-api."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from qemlflow_lint.analysis.at_import import dotted_name
from qemlflow_lint.analysis.context import Where, def_is_public
from qemlflow_lint.analysis.defs import AnyDef, decorator_names, is_dunder
from qemlflow_lint.analysis.visitor import outside_functions
from qemlflow_lint.model.settings import Option
from qemlflow_lint.rules.base import MOST, SCRIPTS, TEST_FILES, RuffEquivalent, Rule

#: Decorators whose function is documented elsewhere: overload stubs (by the
#: implementation), overrides (by the overridden method), property setters and deleters
#: (by the property's getter).
_EXEMPT_DECORATORS = frozenset({"overload", "override", "setter", "deleter"})

#: Decorators that copy the docstring of the function they are given: ``@functools.wraps(f)``.
_COPYING_DECORATORS = frozenset({"wraps"})

#: The one option of QF003.
IGNORE_DECORATORS = Option(
    "ignore-decorators", "names", (), "decorators that set a docstring: defs they decorate are not reported"
)


def _suffixes(name: str) -> list[str]:
    """``a.b.c`` → ``["a.b.c", "b.c", "c"]``: the name and every shorter dotted ending."""
    parts = name.split(".")
    return [".".join(parts[index:]) for index in range(len(parts))]


def _sets_docstring(decorator: ast.expr) -> bool:
    """True for ``@functools.wraps(f)`` (``@wraps(f)``) and for a decorator call with an
    argument that mentions ``__doc__``: ``@set_doc(math.ldexp.__doc__)``."""
    if not isinstance(decorator, ast.Call):
        return False
    name = dotted_name(decorator.func)
    if name is not None and name.rpartition(".")[2] in _COPYING_DECORATORS:
        return True
    return _mentions_doc(decorator)


def _mentions_doc(call: ast.Call) -> bool:
    """True when an argument of the call mentions ``__doc__``: ``@doc_from(other.__doc__)``."""
    for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
        for node in ast.walk(argument):
            if isinstance(node, ast.Attribute) and node.attr == "__doc__":
                return True
            if isinstance(node, ast.Name) and node.id == "__doc__":
                return True
    return False


#: Values that cannot be a docstring when assigned to ``__doc__``: ``f.__doc__ = None``.
_NOT_TEXT = (ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Lambda, ast.ListComp, ast.DictComp, ast.SetComp)


def _may_be_text(value: ast.expr) -> bool:
    """False for a value that is plainly not a docstring: a constant other than a non-blank
    string (``None``, a number, bytes, ``""``) or a container. Anything else (a string, a
    formatted or concatenated one, a name holding one) is taken as the text it nearly
    always is."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and bool(value.value.strip())
    return not isinstance(value, _NOT_TEXT)


def _module_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run at module level, nested blocks included, function and class
    bodies excluded."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        blocks = [getattr(statement, field, []) for field in ("body", "orelse", "finalbody")]
        blocks.extend(handler.body for handler in getattr(statement, "handlers", []))
        for block in blocks:
            yield from _module_level_statements(block)


def docstrings_assigned(tree: ast.Module) -> dict[str, int]:
    """The dotted names whose ``__doc__`` module-level code sets to text (``kdeplot.__doc__ =
    "..."``, ``Model.fit.__doc__ += "..."``), each with the last line that does."""
    assigned: dict[str, int] = {}
    for statement in _module_level_statements(tree.body):
        if isinstance(statement, ast.Assign):
            targets: list[ast.expr] = statement.targets
        elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)) and statement.value is not None:
            targets = [statement.target]
        else:
            continue
        if statement.value is None or not _may_be_text(statement.value):
            continue
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "__doc__":
                name = dotted_name(target.value)
                if name is not None:
                    assigned[name] = statement.lineno
    return assigned


def _docstring_state(node: ast.Module | ast.ClassDef | AnyDef) -> str | None:
    """``None`` when documented, else what is wrong (``"no docstring"``/``"an empty docstring"``)."""
    body = node.body
    if body and isinstance(body[0], ast.Expr):
        value = body[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return None if value.value.strip() else "an empty docstring"
    return "no docstring"


class UndocumentedPublicApi(Rule):
    """Public modules, classes, functions and methods without a docstring.

    ## What it does
    Reports a public module (at line 1), class, function or method whose body does not
    start with a non-empty docstring. "Public" is the same as for QF002 (no leading
    underscore, public enclosing classes, not nested in a function, a public module path,
    listed in a literal ``__all__``). ``__init__`` and other dunders (methods, and module
    functions such as PEP 562 ``__getattr__``), ``@overload``
    stubs, ``@override`` methods (their documentation is the overridden method's),
    property setters and deleters (the getter documents the property), test files and
    empty files are exempt. So are functions and methods whose decorators set their
    docstring: ``@functools.wraps(f)`` (or ``@wraps(f)``), a decorator call with an
    argument that mentions ``__doc__`` (``@doc_from(other.__doc__)``), and the decorators
    listed in ``ignore-decorators``, and a function or class whose docstring module-level
    code sets after its definition (``kdeplot.__doc__ = "..."``, ``+=`` too, also
    ``Model.fit.__doc__ = …``), unless the value is plainly not text (``None``, a number,
    ``""``). Setting ``__doc__`` inside a function does not count: it runs only when called.

    ## Why is this bad?
    Docstrings are the documentation users read in their editor and in generated API
    docs. A public object without one forces every reader to reverse-engineer its
    contract from the code; the share of documented objects is the team's documentation
    coverage.

    ## Example
    ```python
    def tanimoto(a: set[int], b: set[int]) -> float:
        return len(a & b) / len(a | b)
    ```

    ## Use instead
    ```python
    def tanimoto(a: set[int], b: set[int]) -> float:
        \"\"\"Tanimoto similarity of two fingerprint bit sets (1.0 = identical).\"\"\"
        return len(a & b) / len(a | b)
    ```

    ## Options
    ``ignore-decorators`` (list of dotted names, default none): decorators that set the
    docstring of the functions they decorate, like the pydocstyle and ruff option of that
    name. Imports are not followed, so a name matches a decorator (called or not) when one
    of the two ends the other at a dot: ``mylib.docs.copy_doc`` matches
    ``@mylib.docs.copy_doc``, ``@docs.copy_doc`` and ``@copy_doc``, and ``copy_doc``
    matches all three.
    """

    code = "QF003"
    symbol = "undocumented-public-api"
    category = "api"
    summary = "public module, class, function or method without a docstring"
    unit = "public object"
    pylint_id = "C7703"
    no_fix = "a docstring says what only the author knows."
    weight = 1.0
    weight_reason = "documentation matters, but a missing docstring breaks nothing"
    fix = "document {n} {units} in {path}"
    headline = "Documentation coverage: {p} of {o} public objects documented"
    exempt_files = frozenset({TEST_FILES, SCRIPTS})
    options = (IGNORE_DECORATORS,)
    ruff = RuffEquivalent(
        ("D100", "D101", "D102", "D103", "D104", "D106", "D419"),
        MOST,
        "D1 skips a private class or function exported under a public name in `__all__` "
        "(`Public = _Impl`), which QF003 checks, methods included. "
        "D102 also wants docstrings on `__call__` and `__new__` (QF003 exempts every dunder), and "
        "D100/D104 report empty and comment-only files, an empty `__init__.py` included (QF003 skips "
        "files with no statements). Both follow a literal `__all__`, exempt `@overload` stubs and "
        "report empty docstrings (D419). D102/D103 also report defs whose decorator sets the docstring "
        "(`@functools.wraps(f)`, an argument mentioning `__doc__`, QF003's `ignore-decorators`): ruff "
        "exempts only the decorators of its own `lint.pydocstyle.ignore-decorators`, and does not "
        "count a docstring set by `NAME.__doc__ = …` after the definition.",
    )

    def begin(self, tree: ast.Module) -> None:
        """The module itself is the first public object."""
        file = self.file
        self.checked = not self.exempt and bool(tree.body)
        #: ``ignore-decorators`` and every dotted ending of its names, read at the first
        #: decorated def.
        self._ignored: frozenset[str] | None = None
        self._ignored_endings: frozenset[str] = frozenset()
        #: Names whose ``__doc__`` module-level code sets, with the line that does.
        self._assigned = docstrings_assigned(tree) if self.checked else {}
        if self.checked and file.module_public:
            self._check(tree, tree, "module", file.module_name)

    @outside_functions
    def visit_ClassDef(self, node: ast.ClassDef, where: Where) -> None:
        """A public class."""
        if self.checked and def_is_public(node.name, where.scope, self.file):
            qualname = where.scope.child("class", node.name, True).qualname
            self._check(node, node, "class", qualname)

    @outside_functions
    def visit_def(self, node: AnyDef, where: Where) -> None:
        """A public function or method (``def`` or ``async def``)."""
        if not self.checked or not def_is_public(node.name, where.scope, self.file):
            return
        in_class = where.scope.kind == "class"
        if is_dunder(node.name):
            return
        names = decorator_names(node)
        if _EXEMPT_DECORATORS & names or (node.decorator_list and self._docstring_set_by_decorator(node)):
            return
        qualname = where.scope.child("function", node.name, True).qualname
        self._check(node, node, "method" if in_class else "function", qualname)

    def _docstring_set_by_decorator(self, node: AnyDef) -> bool:
        """True when a decorator sets the docstring: ``@functools.wraps(f)``, a decorator
        call with an argument that mentions ``__doc__``, or one of ``ignore-decorators``."""
        if self._ignored is None:
            configured: tuple[str, ...] = self.option(IGNORE_DECORATORS)
            self._ignored = frozenset(configured)
            self._ignored_endings = frozenset(ending for name in configured for ending in _suffixes(name))
        ignored, endings = self._ignored, self._ignored_endings
        for decorator in node.decorator_list:
            if _sets_docstring(decorator):
                return True
            if ignored:
                # A configured name matches when either ends the other at a dot (imports
                # are not followed): ``a.docs.copy`` matches ``@a.docs.copy``, ``@docs.copy``
                # and ``@copy``, and ``copy`` matches all three.
                name = dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator)
                if name is not None and (name in endings or not ignored.isdisjoint(_suffixes(name))):
                    return True
        return False

    def _check(self, node: ast.Module | ast.ClassDef | AnyDef, at: ast.AST, kind: str, qualname: str) -> None:
        self.units += 1
        problem = _docstring_state(node)
        if (
            problem is not None
            and kind != "module"
            and self._assigned.get(qualname, 0) > getattr(at, "lineno", 0)
        ):
            problem = None  # documented after its definition: ``f.__doc__ = "..."``
        if problem is not None:
            unit = f"{qualname}:{getattr(at, 'lineno', 1)}"
            self.report(at, f"public {kind} '{qualname}' has {problem}", unit=unit)
