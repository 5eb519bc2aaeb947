"""Where a def's body uses a parameter that may be ``None`` before a check excludes it.

A parameter annotated ``float | None`` (a ``None`` default, or a docstring that says
``float or None``) makes a type checker hold every use of it to ``None`` too: ``x * 2``,
``x.shape``, ``x[0]``, ``for v in x``, ``len(x)`` or ``x < 1`` is an error unless a check
has excluded ``None`` there. :func:`unchecked_none` follows the body in order, as mypy
narrows a type, and names the parameters used so before any check:

* ``if x is not None:``, ``if x:``, ``isinstance(x, …)``, ``x != None``, with ``and``,
  ``or``, ``not`` and conditional expressions, exclude ``None`` where they hold; so does
  ``assert``;
* after ``if x is None:`` whose body assigns ``x`` or ends (``return``, ``raise``,
  ``continue``, ``break``), and after ``x = value`` (a value other than ``None``), ``x``
  is not ``None``;
* what a loop's body or a ``try`` block established does not hold after them (they may
  run no statement, or stop at any);
* a nested def or lambda keeps the checks made around it only for a name the outer def
  never assigns (mypy keeps them when no assignment follows the nested def).

The uses that need ``None`` excluded: an operand (arithmetic, an ordering, the right side
of ``in``), an attribute, an index, a call, an iteration or unpacking (``*x``, ``**x``), an argument of a
builtin or ``math`` function that rejects ``None`` (``len``, ``float``, ``math.log`` …) or
of an undecorated def of the module whose parameter has no ``None`` default, and
``return x`` where the def's return does not admit ``None``. ``==``, ``is``, ``str(x)``
and passing it on to other code do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import NamedTuple

from qemlflow_lint.analysis.defs import AnyDef
from qemlflow_lint.analysis.nodes import child_nodes, walk_tree

#: The builtins whose arguments must not be ``None``.
_STRICT_BUILTINS = frozenset(
    {
        "abs",
        "all",
        "any",
        "complex",
        "dict",
        "divmod",
        "enumerate",
        "filter",
        "float",
        "frozenset",
        "int",
        "iter",
        "len",
        "list",
        "map",
        "max",
        "min",
        "next",
        "pow",
        "range",
        "reversed",
        "round",
        "set",
        "sorted",
        "sum",
        "tuple",
        "zip",
    }
)
#: The modules whose functions take numbers only.
_STRICT_MODULES = frozenset({"math", "cmath"})
_ORDERINGS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
#: Names known not to be ``None`` at a point of the body.
State = frozenset
_NOTHING: frozenset[str] = frozenset()


class Callee(NamedTuple):
    """A def of the module, as a call of it passes arguments: its positional parameters in
    order, and the parameters that take ``None`` (a ``None`` default, or an annotation
    that admits it); ``open``: it takes ``*args`` or ``**kwargs`` (anything may go there)."""

    positional: tuple[str, ...]
    takes_none: frozenset[str]
    open: bool


def _takes_none(argument: ast.arg, default: ast.expr | None) -> bool:
    if isinstance(default, ast.Constant) and default.value is None:
        return True
    if argument.annotation is None:
        return False
    text = ast.unparse(argument.annotation)
    return any(word in text for word in ("None", "Optional", "Any", "object"))


def module_callees(tree: ast.Module) -> dict[str, Callee]:
    """The module-level defs by name, those a type checker reads the signature of: a name
    bound by two defs, or by a decorated def, is not there."""
    found: dict[str, Callee] = {}
    twice: set[str] = set()
    for statement in tree.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if statement.name in found or statement.decorator_list:
            # Defined twice, or decorated: what a call of the name checks is not certain
            # (an untyped decorator hides the signature, ``lru_cache`` takes any argument).
            twice.add(statement.name)
        arguments = statement.args
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
        pairs = [
            *zip(positional, [*defaults, *arguments.defaults]),
            *zip(arguments.kwonlyargs, arguments.kw_defaults),
        ]
        found[statement.name] = Callee(
            tuple(a.arg for a in positional),
            frozenset(a.arg for a, d in pairs if _takes_none(a, d)),
            arguments.vararg is not None or arguments.kwarg is not None,
        )
    return {name: callee for name, callee in found.items() if name not in twice}


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def narrowed(test: ast.expr) -> tuple[frozenset[str], frozenset[str]]:
    """The names ``test`` shows not to be ``None`` when it is true, and when it is false."""
    if isinstance(test, ast.Name):
        return frozenset({test.id}), _NOTHING
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        true, false = narrowed(test.operand)
        return false, true
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        name = left if isinstance(left, ast.Name) else right
        other = right if name is left else left
        if isinstance(name, ast.Name) and _is_none(other):
            if isinstance(op, (ast.IsNot, ast.NotEq)):
                return frozenset({name.id}), _NOTHING
            if isinstance(op, (ast.Is, ast.Eq)):
                return _NOTHING, frozenset({name.id})
        return _NOTHING, _NOTHING
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id in ("isinstance", "callable")
        and test.args
        and isinstance(test.args[0], ast.Name)
    ):
        return frozenset({test.args[0].id}), _NOTHING
    if isinstance(test, ast.BoolOp):
        parts = [narrowed(value) for value in test.values]
        trues, falses = [p[0] for p in parts], [p[1] for p in parts]
        if isinstance(test.op, ast.And):
            return frozenset().union(*trues), frozenset.intersection(*falses)
        return frozenset.intersection(*trues), frozenset().union(*falses)
    return _NOTHING, _NOTHING


def _bound_names(targets: Sequence[ast.expr]) -> Iterator[str]:
    for target in targets:
        for node in walk_tree(target):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                yield node.id


def _local_names(node: AnyDef | ast.Lambda) -> set[str]:
    """The names a nested def or lambda binds itself: they hide the outer def's."""
    arguments = node.args
    names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    names.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
    body: list[ast.AST] = [node.body] if isinstance(node, ast.Lambda) else list(node.body)
    for statement in body:
        for child in walk_tree(statement):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(child.name)
    return names


def _assigned(body: Sequence[ast.stmt], only_none: bool) -> set[str]:
    """The names the statements assign (with ``only_none``: assign ``None``)."""
    names: set[str] = set()
    for statement in body:
        for node in walk_tree(statement):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                if only_none and not _is_none(node.value):
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(_bound_names(targets))
            elif not only_none and isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor, ast.NamedExpr)):
                names.update(_bound_names([node.target]))
    return names


class _Walk:
    """One def's walk: the tracked names used before a check excludes ``None``."""

    def __init__(self, node: AnyDef, names: Collection[str], callees: Mapping[str, Callee]) -> None:
        self.callees = callees
        self.unchecked: set[str] = set()
        #: The names no statement of the def assigns: nested defs keep their checks.
        self.stable = frozenset(names) - _assigned(node.body, only_none=False)

    # Expressions.

    def strict(self, operand: ast.expr | None, state: frozenset[str], tracked: frozenset[str]) -> None:
        """``operand`` must not be ``None`` here."""
        if isinstance(operand, ast.Starred):
            operand = operand.value
        if isinstance(operand, ast.Name) and operand.id in tracked and operand.id not in state:
            self.unchecked.add(operand.id)

    def _call_operands(self, call: ast.Call) -> list[ast.expr]:
        operands: list[ast.expr] = [call.func]
        operands.extend(arg.value for arg in call.args if isinstance(arg, ast.Starred))
        operands.extend(keyword.value for keyword in call.keywords if keyword.arg is None)  # **x
        func = call.func
        if isinstance(func, ast.Name) and func.id in _STRICT_BUILTINS:
            return [*operands, *call.args]
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in _STRICT_MODULES
        ):
            return [*operands, *call.args]
        callee = self.callees.get(func.id) if isinstance(func, ast.Name) else None
        if callee is None:
            return operands
        for index, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                break
            if index < len(callee.positional) and callee.positional[index] not in callee.takes_none:
                operands.append(arg)
        for keyword in call.keywords:
            if keyword.arg in callee.positional and keyword.arg not in callee.takes_none:
                operands.append(keyword.value)
        return operands

    def _operands(self, node: ast.AST) -> list[ast.expr]:
        """The operands of ``node`` that must not be ``None``."""
        if isinstance(node, ast.BinOp):
            formats = isinstance(node.op, ast.Mod) and isinstance(node.left, (ast.Constant, ast.JoinedStr))
            return [node.left] if formats else [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            return [] if isinstance(node.op, ast.Not) else [node.operand]
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            found: list[ast.expr] = []
            for index, op in enumerate(node.ops):
                if isinstance(op, _ORDERINGS):
                    found.extend(sides[index : index + 2])
                elif isinstance(op, (ast.In, ast.NotIn)):
                    found.append(sides[index + 1])
            return found
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            return [node.value]
        if isinstance(node, ast.Dict):
            return [value for key, value in zip(node.keys, node.values) if key is None]  # {**x}
        if isinstance(node, ast.Call):
            return self._call_operands(node)
        return []

    def expr(self, node: ast.AST | None, state: frozenset[str], tracked: frozenset[str]) -> None:
        """Every use of a tracked name in the expression ``node``."""
        if node is None:
            return
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self.expr(value, state, tracked)
                true, false = narrowed(value)
                state = state | (true if isinstance(node.op, ast.And) else false)
            return
        if isinstance(node, ast.IfExp):
            self.expr(node.test, state, tracked)
            true, false = narrowed(node.test)
            self.expr(node.body, state | true, tracked)
            self.expr(node.orelse, state | false, tracked)
            return
        if isinstance(node, ast.Lambda):
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                self.expr(default, state, tracked)
            inner = tracked - _local_names(node)
            self.expr(node.body, state & self.stable, inner)
            return
        if isinstance(node, _COMPREHENSIONS):
            self._comprehension(node, state, tracked)
            return
        for operand in self._operands(node):
            self.strict(operand, state, tracked)
        for child in child_nodes(node):
            self.expr(child, state, tracked)

    def _comprehension(
        self,
        node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
        state: frozenset[str],
        tracked: frozenset[str],
    ) -> None:
        for generator in node.generators:
            self.strict(generator.iter, state, tracked)
            self.expr(generator.iter, state, tracked)
            tracked = tracked - set(_bound_names([generator.target]))
            for condition in generator.ifs:
                self.expr(condition, state, tracked)
                state = state | narrowed(condition)[0]
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for part in parts:
            self.expr(part, state, tracked)

    # Statements.

    def block(
        self, body: Sequence[ast.stmt], state: frozenset[str], tracked: frozenset[str], strict_return: bool
    ) -> tuple[frozenset[str], bool]:
        """The names not ``None`` after the statements, and whether their end is reached."""
        for statement in body:
            state, reached = self.statement(statement, state, tracked, strict_return)
            if not reached:
                return state, False
        return state, True

    def _bind(
        self,
        targets: Sequence[ast.expr],
        value: ast.expr | None,
        state: frozenset[str],
        tracked: frozenset[str],
    ) -> frozenset[str]:
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                self.strict(value, state, tracked)  # unpacked: iterated
            elif not isinstance(target, ast.Name):
                self.expr(target, state, tracked)
        names = set(_bound_names(targets)) & tracked
        if value is None or not names:
            return state
        return state - names if _is_none(value) else state | names

    def _branches(
        self,
        parts: Sequence[tuple[Sequence[ast.stmt], frozenset[str]]],
        tracked: frozenset[str],
        strict_return: bool,
    ) -> tuple[frozenset[str], bool]:
        """The state after branches of which one runs (each from its own state)."""
        reached = [out for out, ends in (self.block(b, s, tracked, strict_return) for b, s in parts) if ends]
        if not reached:
            return _NOTHING, False
        return frozenset.intersection(*reached), True

    def statement(
        self, statement: ast.stmt, state: frozenset[str], tracked: frozenset[str], strict_return: bool
    ) -> tuple[frozenset[str], bool]:
        """The state after ``statement``, and whether the next statement is reached."""
        if isinstance(statement, ast.Return):
            self.expr(statement.value, state, tracked)
            if strict_return:
                self.strict(statement.value, state, tracked)
            return state, False
        if isinstance(statement, (ast.Raise, ast.Continue, ast.Break)):
            for child in child_nodes(statement):
                self.expr(child, state, tracked)
            return state, False
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            self.expr(statement.value, state, tracked)
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            return self._bind(targets, statement.value, state, tracked), True
        if isinstance(statement, ast.AugAssign):
            self.strict(statement.target, state, tracked)
            self.expr(statement.target, state, tracked)
            self.expr(statement.value, state, tracked)
            return state, True
        if isinstance(statement, ast.If):
            self.expr(statement.test, state, tracked)
            true, false = narrowed(statement.test)
            return self._branches(
                [(statement.body, state | true), (statement.orelse, state | false)], tracked, strict_return
            )
        if isinstance(statement, ast.Assert):
            self.expr(statement.test, state, tracked)
            self.expr(statement.msg, state, tracked)
            return state | narrowed(statement.test)[0], True
        if isinstance(statement, (ast.While, ast.For, ast.AsyncFor)):
            return self._loop(statement, state, tracked, strict_return), True
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for part in [*statement.decorator_list, *statement.args.defaults, *statement.args.kw_defaults]:
                self.expr(part, state, tracked)
            inner = tracked - _local_names(statement)
            self.block(statement.body, state & self.stable, inner, False)
            return state - {statement.name}, True
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                self.expr(item.context_expr, state, tracked)
            return self.block(statement.body, state, tracked, strict_return)
        if not any(hasattr(statement, field) for field in ("body", "cases")):
            for child in child_nodes(statement):
                self.expr(child, state, tracked)
            return state, True
        return self._compound(statement, state, tracked, strict_return)

    def _loop(
        self,
        loop: ast.While | ast.For | ast.AsyncFor,
        state: frozenset[str],
        tracked: frozenset[str],
        strict_return: bool,
    ) -> frozenset[str]:
        # Each round starts from what held before the loop, less what the body sets to None.
        entry = state - _assigned(loop.body, only_none=True)
        if isinstance(loop, ast.While):
            self.expr(loop.test, entry, tracked)
            true, false = narrowed(loop.test)
            self.block(loop.body, entry | true, tracked, strict_return)
            self.block(loop.orelse, entry | false, tracked, strict_return)
            return entry | false
        self.strict(loop.iter, state, tracked)
        self.expr(loop.iter, state, tracked)
        bound = set(_bound_names([loop.target])) & tracked
        self.block(loop.body, entry | bound, tracked, strict_return)
        self.block(loop.orelse, entry, tracked, strict_return)
        return entry

    def _compound(
        self, statement: ast.stmt, state: frozenset[str], tracked: frozenset[str], strict_return: bool
    ) -> tuple[frozenset[str], bool]:
        """``try``, ``match``, a class body and any newer compound statement."""
        if isinstance(statement, ast.ClassDef):
            for child in [
                *statement.decorator_list,
                *statement.bases,
                *(k.value for k in statement.keywords),
            ]:
                self.expr(child, state, tracked)
            self.block(statement.body, state, tracked, False)
            return state - {statement.name}, True
        handlers: list[ast.ExceptHandler] = getattr(statement, "handlers", [])
        body: list[ast.stmt] = getattr(statement, "body", [])
        finalbody: list[ast.stmt] = getattr(statement, "finalbody", [])
        if isinstance(statement, ast.stmt) and hasattr(statement, "handlers"):
            # A try: a handler or the finally block may start after any statement of the body.
            entry = state - _assigned(body, only_none=True)
            after, reached = self.block(body, state, tracked, strict_return)
            if reached:
                after, reached = self.block(getattr(statement, "orelse", []), after, tracked, strict_return)
            outs = [after] if reached else []
            for handler in handlers:
                self.expr(handler.type, entry, tracked)
                out, ends = self.block(handler.body, entry, tracked, strict_return)
                outs.extend([out] if ends else [])
            if finalbody and not self.block(finalbody, entry, tracked, strict_return)[1]:
                return _NOTHING, False
            return (frozenset.intersection(*outs), True) if outs else (_NOTHING, False)
        cases = getattr(statement, "cases", None)
        if cases is not None:
            self.expr(getattr(statement, "subject", None), state, tracked)
            outs = [state]
            for case in cases:
                self.expr(case.guard, state, tracked)
                out, ends = self.block(case.body, state, tracked, strict_return)
                outs.extend([out] if ends else [])
            return frozenset.intersection(*outs), True
        return self.block(body, state, tracked, strict_return)


def unchecked_none(
    node: AnyDef, names: Collection[str], callees: Mapping[str, Callee], strict_return: bool
) -> frozenset[str]:
    """The ``names`` (parameters of ``node`` that may be ``None``) that the body uses where
    ``None`` is not excluded (see the module docstring); with ``strict_return``, a ``return
    x`` counts too."""
    tracked = frozenset(names)
    if not tracked:
        return _NOTHING
    walk = _Walk(node, tracked, callees)
    walk.block(node.body, _NOTHING, tracked, strict_return)
    return frozenset(walk.unchecked)
