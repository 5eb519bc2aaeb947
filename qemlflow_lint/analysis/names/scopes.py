"""How a module uses its module-level names, by Python's scoping rules.

QF001's fix needs more than :class:`~qemlflow_lint.analysis.names.usage.NameUsage` (which
knows only "at run time" or "in annotations"): it must know *which* functions read the
module's name, and why a name cannot move. So this walk resolves every name as the compiler does:
a function that binds a name (parameter, assignment, ``for``/``with``/``except`` target,
import, ``def``/``class``, walrus) has its own local; ``global`` sends it to the module; a
comprehension is a scope of its own whose first iterable runs in the enclosing scope;
class bodies are skipped by the functions nested in them. Each read of the module's name
is then classified by *when* it runs:

- inside a def (at call time), recorded against the outermost def around it;
- in an annotation that is never evaluated (``from __future__ import annotations``, a
  string, a local variable's annotation, the body of ``if TYPE_CHECKING:``);
- in an annotation evaluated when the module is imported (a def's signature, a class or
  module variable's annotation, without postponed annotations);
- otherwise at import time: at module level, in a class body, a decorator, a default
  value or a module-level lambda. Those are the reasons a name cannot move.

Nothing here imports or runs the analysed code.
"""

from __future__ import annotations

import ast
import doctest
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from qemlflow_lint.analysis.at_import import dotted_name, is_type_checking
from qemlflow_lint.analysis.defs import AnyDef, every_parameter
from qemlflow_lint.analysis.names.bindings import bound_name, captured_names
from qemlflow_lint.analysis.nodes import child_nodes, every_node, walk_tree

#: A ``def`` or ``async def`` (the fixers' name for :data:`~qemlflow_lint.analysis.defs.AnyDef`).
FunctionNode = AnyDef

#: Why a name cannot move into functions (stable phrases: the summary groups by them).
USED_AT_MODULE_LEVEL = "used at module level"
USED_IN_CLASS_BODY = "used in a class body"
USED_IN_DECORATOR = "used in a decorator"
USED_IN_DEFAULT = "used in a default value"
USED_IN_LAMBDA = "used in a module-level lambda"
REBOUND_WITH_GLOBAL = "rebound with `global`"
USED_IN_DOCTEST = "used in a doctest"
READ_DYNAMICALLY = "names read dynamically (`globals()`, `locals()`, `eval`, `exec`)"
#: ``typing.get_type_hints`` evaluates a record's field types wherever it is called.
USED_IN_FIELD_TYPES = "used in the field types of a dataclass, NamedTuple or TypedDict"
#: A finalizer may run at interpreter shutdown, when imports fail.
USED_IN_FINALIZER = "used in a finalizer (`__del__`, `atexit`)"

#: When a piece of code runs, as the walk tracks it.
_FUNCTION = "function"  # inside a def: when it is called
_TYPING = "typing"  # never: an annotation that is not evaluated, an `if TYPE_CHECKING:` body
_RUNTIME_ANNOTATION = "runtime annotation"  # an annotation evaluated at import
#: The import-time contexts, each with the reason it gives.
_AT_IMPORT = {
    USED_AT_MODULE_LEVEL,
    USED_IN_CLASS_BODY,
    USED_IN_DECORATOR,
    USED_IN_DEFAULT,
    USED_IN_LAMBDA,
}
_DYNAMIC_READERS = frozenset({"globals", "eval", "exec"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_DOCTEST_LINE = re.compile(r"^\s*(?:>>>|\.\.\.)\s?(.*)$", re.MULTILINE)


class NameUses(NamedTuple):
    """How a module uses one of its module-level names."""

    #: The outermost defs that read it when they run, in source order.
    functions: tuple[FunctionNode, ...] = ()
    #: Annotations that are never evaluated mention it (type checkers need it).
    typing: bool = False
    #: Annotations evaluated at import mention it (they need postponing).
    runtime_annotations: bool = False
    #: Why it cannot move, in the order :data:`BLOCKING_ORDER` gives.
    blockers: frozenset[str] = frozenset()
    #: A function compares it with ``None`` or tests its truth.
    none_tested: bool = False
    #: The module-level statements that bind it when they run, each with the binding node.
    bindings: tuple[tuple[ast.stmt, ast.AST], ...] = ()
    #: Every read inside a def, with the outermost def around it.
    reads: tuple[tuple[FunctionNode, ast.Name], ...] = ()
    #: A class body's annotation mentions it, and its class's creation may resolve them.
    annotation_read: bool = False
    #: One of those classes is a dataclass, a ``NamedTuple`` or a ``TypedDict``: a record
    #: whose field types ``typing.get_type_hints`` (and the libraries that serialise,
    #: validate or dispatch on them) resolve at run time.
    field_types: bool = False

    @property
    def unused(self) -> bool:
        """True when nothing reads the name."""
        return not (self.functions or self.typing or self.runtime_annotations or self.blockers)

    @property
    def blocker(self) -> str | None:
        """The first reason (by :data:`BLOCKING_ORDER`) it cannot move, or ``None``."""
        return next((reason for reason in BLOCKING_ORDER if reason in self.blockers), None)


#: The order in which the reasons of one name are reported (the first one wins).
BLOCKING_ORDER = (
    REBOUND_WITH_GLOBAL,
    USED_AT_MODULE_LEVEL,
    USED_IN_CLASS_BODY,
    USED_IN_DECORATOR,
    USED_IN_DEFAULT,
    USED_IN_LAMBDA,
    USED_IN_FINALIZER,
    USED_IN_DOCTEST,
    READ_DYNAMICALLY,
)


#: Base classes and class decorators known not to read the annotations of the class body
#: when the class is created, and whose annotations are not there to be read later. Any
#: other (a pydantic ``BaseModel``, an attrs decorator, a first-party base whose
#: ``__init_subclass__`` calls ``get_type_hints``) may resolve them; so may any caller of a
#: record class (:data:`_RECORD_BASES`, :data:`_RECORD_DECORATORS`).
_PLAIN_BASES = frozenset(
    {
        "object",
        "Protocol",
        "Generic",
        "ABC",
        "Enum",
        "IntEnum",
        "StrEnum",
        "Exception",
    }
)
_PLAIN_DECORATORS = frozenset({"final", "total_ordering", "runtime_checkable", "unique"})
#: Record classes: their annotations are their fields, which ``get_type_hints``,
#: ``dataclasses.fields`` users, serialisers and validators read at run time.
_RECORD_BASES = frozenset({"NamedTuple", "TypedDict"})
_RECORD_DECORATORS = frozenset({"dataclass"})


def _last_parts(node: ast.ClassDef) -> tuple[list[str], list[str]]:
    """The last dotted part of each base class and of each decorator of a class."""
    bases = [b.value if isinstance(b, ast.Subscript) else b for b in node.bases]
    decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
    return (
        [(dotted_name(b) or "").rsplit(".", 1)[-1] for b in bases],
        [(dotted_name(d) or "").rsplit(".", 1)[-1] for d in decorators],
    )


def _is_plain_class(node: ast.ClassDef) -> bool:
    """True when nothing in the class statement is known to read its body's annotations."""
    bases, decorators = _last_parts(node)
    return (
        all(base in _PLAIN_BASES for base in bases)
        and all(decorator in _PLAIN_DECORATORS for decorator in decorators)
        and all(keyword.arg == "total" for keyword in node.keywords)
    )


def _is_record_class(node: ast.ClassDef) -> bool:
    """True for a dataclass, a ``NamedTuple`` or a ``TypedDict``."""
    bases, decorators = _last_parts(node)
    return any(base in _RECORD_BASES for base in bases) or any(d in _RECORD_DECORATORS for d in decorators)


class _Scope:
    """A function, lambda, comprehension or class scope, or the module."""

    def __init__(self, kind: str, parent: _Scope | None, plain: bool = True) -> None:
        self.kind = kind
        self.parent = parent
        #: For a class: nothing is known to read its body's annotations when it is created.
        self.plain = plain
        #: For a class: a dataclass, ``NamedTuple`` or ``TypedDict`` (its annotations are fields).
        self.record = False
        self.bound: set[str] = set()
        self.declared_global: set[str] = set()
        self.declared_nonlocal: set[str] = set()

    def resolves_to_module(self, name: str) -> bool:
        """True when ``name`` read in this scope may be the module's name."""
        scope: _Scope | None = self
        first = True
        while scope is not None and scope.kind != "module":
            if name in scope.declared_global:
                return True
            if scope.kind == "class":
                # A class body reads its own namespace, then the globals: a read before the
                # class binds the name still reaches the module's.
                if first and name in scope.bound:
                    return True
            elif name in scope.bound or name in scope.declared_nonlocal:
                return False
            first = False
            scope = scope.parent
        return True

    def binding_scope(self) -> _Scope:
        """Where a walrus in this scope binds: the nearest scope that is not a comprehension."""
        scope = self
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        return scope


class _Context(NamedTuple):
    scope: _Scope
    #: When the code runs: an import-time reason, ``_FUNCTION``, ``_TYPING`` or ``_RUNTIME_ANNOTATION``.
    when: str
    #: The outermost def around the code (``None`` outside defs).
    outer: FunctionNode | None
    #: The module-level statement the code is part of.
    top: ast.stmt

    def at(self, reason: str) -> _Context:
        """This context, with the import-time reason ``reason`` when the code runs at import."""
        return self._replace(when=reason) if self.when in _AT_IMPORT else self


class _Walk:
    """One walk over a module collects each scope's bindings and the uses of the watched
    names; the uses are resolved and classified once every binding is known (a def may
    bind a name after reading it)."""

    def __init__(self, tree: ast.Module, names: Iterable[str], postponed: bool) -> None:
        self.tree = tree
        self.names = frozenset(names)
        self.postponed = postponed
        self.scopes: dict[int, _Scope] = {}
        self.module = _Scope("module", None)
        #: The uses of watched names met on the walk, each resolved once the walk is done.
        self.pending: list[Callable[[], None]] = []
        self.functions: dict[str, dict[int, FunctionNode]] = {}
        self.typing: set[str] = set()
        self.runtime_annotations: set[str] = set()
        self.blockers: dict[str, set[str]] = {}
        self.none_tested: set[str] = set()
        self.bindings: dict[str, list[tuple[ast.stmt, ast.AST]]] = {}
        self.reads: dict[str, list[tuple[FunctionNode, ast.Name]]] = {}
        self.annotations_read: set[str] = set()
        self.field_types: set[str] = set()

    def run(self, lines: Sequence[str] = ()) -> None:
        """Walk the module; ``lines``, its source lines when they are known to be the tree's
        own (see :class:`SourceText`), spare the walk of the top-level statements that spell
        none of the watched names."""
        body = [statement for statement in self.tree.body if self._may_use(statement, lines)]
        for statement in body:
            self.statements([statement], _Context(self.module, USED_AT_MODULE_LEVEL, None, statement))
        for resolve in self.pending:
            resolve()

    def _may_use(self, statement: ast.stmt, lines: Sequence[str]) -> bool:
        """False when the lines of a top-level statement (its decorators included) spell none
        of the watched names, so that it neither binds nor reads one: what the walk records
        is about the watched names, in scopes the statement holds. Non-ASCII text may spell
        a name differently (identifiers are NFKC-normalised): it is always walked."""
        last = statement.end_lineno or statement.lineno
        if not lines or last > len(lines):
            return True
        decorators = getattr(statement, "decorator_list", ())
        first = min([statement.lineno, *(decorator.lineno for decorator in decorators)])
        text = "\n".join(lines[first - 1 : last])
        return not text.isascii() or any(name in text for name in self.names)

    # -- recording -----------------------------------------------------------------------

    def _scope_for(self, node: ast.AST, kind: str, parent: _Scope) -> _Scope:
        scope = self.scopes.get(id(node))
        if scope is None:
            scope = self.scopes[id(node)] = _Scope(kind, parent)
        return scope

    def bind(self, name: str, context: _Context, node: ast.AST) -> None:
        """``name`` is bound in the context's scope by ``node``."""
        scope = context.scope
        scope.bound.add(name)
        # A binding through ``global`` in a def is REBOUND_WITH_GLOBAL's; one under
        # ``if TYPE_CHECKING:`` never runs.
        if name in self.names and scope.kind == "module" and context.when != _TYPING:
            self.bindings.setdefault(name, []).append((context.top, node))

    def read(self, node: ast.Name, context: _Context, tested: bool = False) -> None:
        """A read of ``node.id`` in ``context``; ``tested``: the read tests the value against
        ``None`` or for its truth (see :func:`_tests`)."""
        if node.id in self.names:
            self.pending.append(functools.partial(self._resolve_read, node, context, tested))

    def _resolve_read(self, node: ast.Name, context: _Context, tested: bool) -> None:
        name = node.id
        if not context.scope.resolves_to_module(name):
            return
        when = context.when
        if when == _FUNCTION and context.outer is not None:
            self.functions.setdefault(name, {})[id(context.outer)] = context.outer
            self.reads.setdefault(name, []).append((context.outer, node))
            if tested:
                self.none_tested.add(name)
        elif when == _TYPING:
            self.typing.add(name)
        elif when == _RUNTIME_ANNOTATION:
            self.runtime_annotations.add(name)
        else:
            self.blockers.setdefault(name, set()).add(when)

    def read_annotation(self, node: ast.expr, context: _Context) -> None:
        """An annotation that the class's creation may resolve (``get_type_hints``)."""
        self.pending.append(functools.partial(self._resolve_annotation, node, context))

    def _resolve_annotation(self, node: ast.expr, context: _Context) -> None:
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        for part in ast.walk(node):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                names |= _names_in_string(part.value)
        read = {n for n in names if n in self.names and context.scope.resolves_to_module(n)}
        self.annotations_read |= read
        if context.scope.record:
            self.field_types |= read

    def mention(self, names: Iterable[str], context: _Context) -> None:
        """Names a string annotation mentions: type checkers resolve them, Python never does."""
        watched = [name for name in names if name in self.names]
        if watched:
            self.pending.append(functools.partial(self._resolve_mention, watched, context))

    def _resolve_mention(self, names: Sequence[str], context: _Context) -> None:
        self.typing.update(name for name in names if context.scope.resolves_to_module(name))

    # -- statements ------------------------------------------------------------------------

    def statements(self, body: Iterable[ast.stmt], context: _Context) -> None:
        for statement in body:
            self.statement(statement, context)

    def statement(self, node: ast.stmt, context: _Context) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(node, context)
        elif isinstance(node, ast.ClassDef):
            self.class_def(node, context)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    self.bind(bound_name(alias, node), context, node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self.declare(node, context)
        elif isinstance(node, ast.AnnAssign):
            self.expression(node.target, context)
            if node.value is not None:
                self.expression(node.value, context)
            # A local variable's annotation is never evaluated; a class or module
            # variable's is, unless annotations are postponed.
            local = context.scope.kind in ("function", "comprehension")
            self.annotation(node.annotation, context, never_evaluated=local)
            if context.scope.kind == "class" and not context.scope.plain:
                self.read_annotation(node.annotation, context)
        elif isinstance(node, ast.If) and is_type_checking(node.test):
            if isinstance(node.test, ast.Name):  # ``if TYPE_CHECKING:`` tests the name's truth
                self.read(node.test, context, tested=True)
            else:
                self.expression(node.test, context)
            self.statements(node.body, context._replace(when=_TYPING))
            self.statements(node.orelse, context)
        else:
            self.children(node, context)

    def declare(self, node: ast.Global | ast.Nonlocal, context: _Context) -> None:
        scope = context.scope
        if isinstance(node, ast.Global):
            scope.declared_global.update(node.names)
            if scope.kind != "module":
                for name in node.names:
                    if name in self.names:
                        self.blockers.setdefault(name, set()).add(REBOUND_WITH_GLOBAL)
        else:
            scope.declared_nonlocal.update(node.names)

    def function(self, node: FunctionNode, context: _Context) -> None:
        self.bind(node.name, context, node)
        for decorator in node.decorator_list:
            self.expression(decorator, context.at(USED_IN_DECORATOR))
        self.arguments_outside(node.args, context)
        for annotation in _signature_annotations(node.args):
            self.annotation(annotation, context)
        if node.returns is not None:
            self.annotation(node.returns, context)
        for parameter in getattr(node, "type_params", []):
            self.children(parameter, context)
        scope = self._scope_for(node, "function", context.scope)
        inner = _Context(
            scope,
            _TYPING if context.when == _TYPING else _FUNCTION,
            context.outer or node,
            context.top,
        )
        self.bind_arguments(node.args, inner)
        self.statements(node.body, inner)

    def class_def(self, node: ast.ClassDef, context: _Context) -> None:
        self.bind(node.name, context, node)
        for decorator in node.decorator_list:
            self.expression(decorator, context.at(USED_IN_DECORATOR))
        for base in [*node.bases, *(keyword.value for keyword in node.keywords)]:
            self.expression(base, context)
        for parameter in getattr(node, "type_params", []):
            self.children(parameter, context)
        scope = self._scope_for(node, "class", context.scope)
        scope.plain = _is_plain_class(node)
        scope.record = _is_record_class(node)
        when = USED_IN_CLASS_BODY if context.when in _AT_IMPORT else context.when
        self.statements(node.body, context._replace(scope=scope, when=when))

    def arguments_outside(self, arguments: ast.arguments, context: _Context) -> None:
        """Default values run where the def (or lambda) is."""
        for default in [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]:
            self.expression(default, context.at(USED_IN_DEFAULT))

    def bind_arguments(self, arguments: ast.arguments, inner: _Context) -> None:
        for argument in every_parameter(arguments):
            self.bind(argument.arg, inner, argument)

    def annotation(self, node: ast.expr, context: _Context, never_evaluated: bool = False) -> None:
        """An annotation: never evaluated when postponed or local, evaluated with its
        definition otherwise (which inside a def is when the def runs)."""
        if never_evaluated or self.postponed or context.when == _TYPING:
            when = _TYPING
        elif context.when in _AT_IMPORT:
            when = _RUNTIME_ANNOTATION
        else:
            when = context.when
        inner = context._replace(when=when)
        for part in ast.walk(node):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                self.mention(_names_in_string(part.value), context)
        self.expression(node, inner, in_annotation=True)

    # -- expressions -----------------------------------------------------------------------

    def expression(self, node: ast.AST, context: _Context, in_annotation: bool = False) -> None:
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                self.read(node, context)
            else:
                self.bind(node.id, context, node)
        elif isinstance(node, ast.Lambda):
            self.arguments_outside(node.args, context)
            scope = self._scope_for(node, "function", context.scope)
            when = USED_IN_LAMBDA if context.when in _AT_IMPORT else context.when
            inner = context._replace(scope=scope, when=when)
            self.bind_arguments(node.args, inner)
            self.expression(node.body, inner)
        elif isinstance(node, _COMPREHENSIONS):
            self.comprehension(node, context)
        elif isinstance(node, ast.NamedExpr):
            self.expression(node.value, context)
            target = node.target
            self.bind(target.id, context._replace(scope=context.scope.binding_scope()), target)
        elif not (in_annotation and isinstance(node, ast.Constant)):
            self.children(node, context, in_annotation)

    def comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp, context: _Context
    ) -> None:
        generators = node.generators
        self.expression(generators[0].iter, context)
        scope = self._scope_for(node, "comprehension", context.scope)
        inner = context._replace(scope=scope)
        for index, generator in enumerate(generators):
            self.expression(generator.target, inner)
            if index:
                self.expression(generator.iter, inner)
            for condition in generator.ifs:
                self.expression(condition, inner)
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for part in parts:
            self.expression(part, inner)

    def children(self, node: ast.AST, context: _Context, in_annotation: bool = False) -> None:
        """Every child of a statement or expression that has no rule of its own."""
        for name in captured_names(node):
            self.bind(name, context, node)
        for child in child_nodes(node):
            if isinstance(child, ast.stmt):
                self.statement(child, context)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                self.read(child, context, _tests(node, child))
            else:
                self.expression(child, context, in_annotation)

    def uses(
        self, name: str, doctests: frozenset[str], dynamic: bool, finalizers: frozenset[str]
    ) -> NameUses:
        functions = sorted(self.functions.get(name, {}).values(), key=lambda f: (f.lineno, f.col_offset))
        blockers = set(self.blockers.get(name, set()))
        if any(function.name in finalizers for function in functions):
            blockers.add(USED_IN_FINALIZER)
        if name in doctests:
            blockers.add(USED_IN_DOCTEST)
        if dynamic:
            blockers.add(READ_DYNAMICALLY)
        return NameUses(
            tuple(functions),
            name in self.typing,
            name in self.runtime_annotations,
            frozenset(blockers),
            name in self.none_tested,
            tuple(self.bindings.get(name, ())),
            tuple(self.reads.get(name, ())),
            name in self.annotations_read,
            name in self.field_types,
        )


def _signature_annotations(arguments: ast.arguments) -> Iterator[ast.expr]:
    return (a.annotation for a in every_parameter(arguments) if a.annotation is not None)


def _names_in_string(text: str) -> set[str]:
    """The names a string annotation mentions (none when it is not an expression)."""
    try:
        parsed = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return set()
    return {node.id for node in ast.walk(parsed) if isinstance(node, ast.Name)}


def _tests(parent: ast.AST, name: ast.Name) -> bool:
    """True when ``parent`` tests the value ``name`` reads against ``None`` or for its truth:
    ``x is None``, ``x == None``, ``if x:``, ``not x``, ``x or y``."""
    if isinstance(parent, ast.Compare):
        return any(
            isinstance(o, ast.Constant) and o.value is None for o in (parent.left, *parent.comparators)
        )
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)):
        return parent.test is name
    if isinstance(parent, ast.UnaryOp):
        return isinstance(parent.op, ast.Not)
    return isinstance(parent, ast.BoolOp)


def _doctest_names(tree: ast.Module, names: frozenset[str]) -> frozenset[str]:
    """The watched names that a docstring's examples read without binding them: doctest
    runs the examples of each docstring with a copy of the module's globals."""
    found: set[str] = set()
    parser = doctest.DocTestParser()
    for node in every_node(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        docstring = ast.get_docstring(node, clean=False)
        if not docstring or ">>>" not in docstring or not any(name in docstring for name in names):
            continue  # no example, or none that can read a watched name
        try:
            sources = [example.source for example in parser.get_examples(docstring)]
        except ValueError:  # doctest rejects badly indented examples; read the prompts
            sources = ["\n".join(match.group(1) for match in _DOCTEST_LINE.finditer(docstring))]
        read: set[str] = set()
        bound: set[str] = set()
        for source in sources:
            _doctest_source_names(source, names, read, bound)
        found |= read - bound
    return frozenset(found)


def _doctest_source_names(source: str, names: frozenset[str], read: set[str], bound: set[str]) -> None:
    """Add the watched names one example reads and the names it binds."""
    try:
        parsed = ast.parse(source)
    except (SyntaxError, ValueError):
        read.update(name for name in names if re.search(rf"(?<![\w.]){re.escape(name)}\b", source))
        return
    for part in ast.walk(parsed):
        if isinstance(part, ast.Name):
            (read if isinstance(part.ctx, ast.Load) else bound).add(part.id)
        elif isinstance(part, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".", 1)[0] for a in part.names)
        elif isinstance(part, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(part.name)
        elif isinstance(part, ast.arg):
            bound.add(part.arg)
    read &= names


def _finalizer_names(tree: ast.Module) -> frozenset[str]:
    """The names of the defs that may run at interpreter shutdown: ``__del__``, and what
    ``atexit.register`` (as a call or a decorator) or ``weakref.finalize`` is given."""
    names = {"__del__"}
    for node in every_node(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
            if any(_callee(d) == "register" for d in decorators):
                names.add(node.name)
        elif isinstance(node, ast.Call) and _callee(node.func) in ("register", "finalize"):
            index = 1 if _callee(node.func) == "finalize" else 0
            if len(node.args) > index:
                target = node.args[index]
                if isinstance(target, ast.Name):
                    names.add(target.id)
                elif isinstance(target, ast.Attribute):
                    names.add(target.attr)
    return frozenset(names)


def _callee(node: ast.expr) -> str:
    """``register`` for ``atexit.register``, ``finalize`` for ``weakref.finalize``; "" otherwise."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return (
            node.attr
            if (node.value.id, node.attr) in (("atexit", "register"), ("weakref", "finalize"))
            else ""
        )
    return ""


@functools.lru_cache(maxsize=256)
def locals_calls(function: FunctionNode) -> tuple[ast.Call, ...]:
    """The ``locals()`` and ``vars()`` calls in ``function``: a name it imports shows there
    (kept for the def: QF001's plan asks once for each name the def uses)."""
    return tuple(
        node
        for node in walk_tree(function)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("locals", "vars")
        and not node.args
    )


def _reads_names_dynamically(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id in _DYNAMIC_READERS and isinstance(node.ctx, ast.Load)
        for node in every_node(tree)
    )


class SourceText:
    """A module's source, for the questions a word answers before a walk of its tree:
    ``may_spell`` is true unless the text surely does not spell any of the words (always
    true without the source lines of the whole tree, or with non-ASCII text, whose
    identifiers Python NFKC-normalises)."""

    def __init__(self, tree: ast.Module, lines: Sequence[str]) -> None:
        self.lines = lines
        last = max((statement.end_lineno or statement.lineno for statement in tree.body), default=0)
        text = "\n".join(lines) if len(lines) >= last else ""
        #: The text, when it is known to be the tree's own and ASCII.
        self.text = text if text.isascii() and (text.strip() or not tree.body) else None

    def may_spell(self, words: Iterable[str]) -> bool:
        """False when the text spells none of ``words``."""
        return self.text is None or any(word in self.text for word in words)


def name_uses(
    tree: ast.Module, names: Iterable[str], postponed: bool, source: SourceText | None = None
) -> dict[str, NameUses]:
    """How ``tree`` uses each of ``names`` as a module-level name. ``postponed``: the
    module's annotations are not evaluated when their definitions run; ``source``: its
    source, when known (the walks then skip what cannot use a name, and what the text does
    not spell)."""
    watched = frozenset(names)
    source = source or SourceText(tree, ())
    walk = _Walk(tree, watched, postponed)
    walk.run(source.lines if source.text is not None else ())
    doctests = _doctest_names(tree, watched)
    dynamic = source.may_spell(_DYNAMIC_READERS) and _reads_names_dynamically(tree)
    finalizers = _finalizer_names(tree) if source.may_spell(_FINALIZER_WORDS) else _DEL_ONLY
    return {name: walk.uses(name, doctests, dynamic, finalizers) for name in watched}


#: The callees :func:`_finalizer_names` looks for (``atexit.register``, ``weakref.finalize``),
#: and what it finds in a module that names neither.
_FINALIZER_WORDS = ("register", "finalize")
_DEL_ONLY = frozenset({"__del__"})
