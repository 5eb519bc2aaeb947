"""Whether a def's body uses a parameter, or the items it holds, as its documented type
allows.

A docstring may say less than the code does: ``d2xs : list[float]`` where the body reads
``d2xs[i][j]`` (a list of lists), ``funcs : list[Callable]`` where it reads
``funcs[0].solve_prop``. The annotation would then make a type checker report the body.
:func:`unsupported_use` finds the first such use, on the parameter itself or on an item
of it reached by an index (``x[i]``), a loop (``for row in x``, ``for i, row in
enumerate(x)``, the same in comprehensions) or a local name bound once to one of those
(``row = x[i]``). Only builtin types are judged (an item type of ``list[float]``,
``dict[str, int]``, ``tuple[float, ...]``, a number, ``str``, ``Callable`` …): an
attribute the type does not have, an index of a number, a set or a function, or a call of
something not callable is a use the type does not allow. An item of a type without
arguments (``list``, ``numpy.ndarray``) is not followed.

Typing a parameter also types what the body computes from it. A local variable first
bound to a list (``K = [0.0] * n``) and later to a number computed from the parameter's
items (``K = Ks[i] - 1.0``) was a list and ``Any`` while the parameter was untyped; typed,
it is a list and a ``float``, and a type checker reports the second assignment; so it does
for a variable first bound to an ``int`` (``total = 0``) and later to a ``float``
computed from the parameter (``total += x[i]``). That use is reported too.
"""

from __future__ import annotations

import ast
import builtins
import functools
import types
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

from qemlflow_lint.analysis.defs import AnyDef
from qemlflow_lint.analysis.nodes import child_nodes, walk_tree
from qemlflow_lint.fix.annotation_types.docstring_types import ELLIPSIS, NONE, Ref
from qemlflow_lint.fix.annotation_types.return_types import def_own_nodes, value_kind

#: The attributes of the builtin types a docstring names, by qualified name.
_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    **{
        name: frozenset(dir(getattr(builtins, name)))
        for name in (
            "int",
            "float",
            "complex",
            "bool",
            "str",
            "bytes",
            "list",
            "tuple",
            "dict",
            "set",
            "frozenset",
        )
    },
    "collections.abc.Callable": frozenset(dir(types.FunctionType)),
}
#: The types that cannot be indexed, and those that cannot be called.
_NOT_INDEXED = frozenset({"int", "float", "complex", "bool", "set", "frozenset", "collections.abc.Callable"})
_NOT_CALLED = frozenset(_ATTRIBUTES) - {"collections.abc.Callable"}
_CONTAINERS = frozenset({"list", "tuple", "set", "frozenset", "dict"})


def _members(ref: Ref) -> list[Ref]:
    return list(ref.args) if ref.name == "|" else [ref]


def _items(types_: Sequence[Ref], by_key: bool) -> list[Ref]:
    """The types of the items of values of ``types_`` (``by_key``: what ``x[k]`` gives,
    else what iterating gives); empty when one of them is not known."""
    found: list[Ref] = []
    for ref in types_:
        if ref.name == "str":
            found.append(ref)
        elif not ref.args or ref.name not in _CONTAINERS:
            return []
        elif ref.name == "dict":
            found.extend(_members(ref.args[1] if by_key else ref.args[0]))
        elif ref.name == "tuple" and len(ref.args) == 2 and ref.args[1] == ELLIPSIS:
            found.extend(_members(ref.args[0]))
        else:
            for arg in ref.args:
                found.extend(_members(arg))
    return [ref for ref in found if ref != NONE]


@functools.lru_cache(maxsize=64)
def body_nodes(node: AnyDef) -> tuple[ast.AST, ...]:
    """Every node of a def's body, nested scopes included (asked for once per parameter,
    so kept for the def)."""
    return walk_tree(ast.Module(body=list(node.body), type_ignores=[]))


@functools.lru_cache(maxsize=64)
def _scope_bindings(node: AnyDef) -> frozenset[str]:
    """Every name that a def, lambda or class nested in the def's body binds."""
    names: set[str] = set()
    for child in body_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            names |= _binds(child)
    return frozenset(names)


@functools.lru_cache(maxsize=64)
def _stores(node: AnyDef) -> Counter[str]:
    """How many times the body binds each name (kept for the def: only read)."""
    return Counter(n.id for n in body_nodes(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))


@functools.lru_cache(maxsize=64)
def _single_bindings(node: AnyDef) -> dict[str, ast.expr]:
    """The local names bound exactly once, by a plain ``name = value``, and the value
    (kept for the def: only read)."""
    stores = _stores(node)
    values: dict[str, ast.expr] = {}
    for child in body_nodes(node):
        if (
            isinstance(child, ast.Assign)
            and len(child.targets) == 1
            and isinstance(child.targets[0], ast.Name)
        ):
            values[child.targets[0].id] = child.value
    return {name: value for name, value in values.items() if stores[name] == 1}


@functools.lru_cache(maxsize=64)
def _loops(node: AnyDef) -> tuple[tuple[ast.expr, ast.expr], ...]:
    """Each loop's target and what it iterates, in statements and comprehensions
    (``enumerate`` seen through: :func:`_enumerated`)."""
    return tuple(
        _enumerated(child.target, child.iter)
        for child in body_nodes(node)
        if isinstance(child, (ast.For, ast.AsyncFor, ast.comprehension))
    )


def _enumerated(target: ast.expr, iterated: ast.expr) -> tuple[ast.expr, ast.expr]:
    """``for i, row in enumerate(x)``: ``row`` and ``x``; any other loop as it is."""
    if (
        isinstance(iterated, ast.Call)
        and isinstance(iterated.func, ast.Name)
        and iterated.func.id == "enumerate"
        and iterated.args
        and isinstance(target, ast.Tuple)
        and len(target.elts) == 2
    ):
        return target.elts[1], iterated.args[0]
    return target, iterated


class _Views:
    """The expressions of the body that stand for the parameter or its items, with their
    types."""

    def __init__(self, node: AnyDef, name: str, union: Sequence[Ref]) -> None:
        self.names: dict[str, list[Ref]] = {name: [m for ref in union for m in _members(ref) if m != NONE]}
        stores = _stores(node)
        bindings = _single_bindings(node)
        loops = _loops(node)
        changed = True
        while changed:
            changed = False
            for local, value in bindings.items():
                if local not in self.names and local != name and self.types(value):
                    self.names[local] = self.types(value)
                    changed = True
            for local, items in self._loop_items(loops, stores).items():
                if local not in self.names and local != name:
                    self.names[local] = items
                    changed = True

    def _loop_items(
        self, loops: Sequence[tuple[ast.expr, ast.expr]], stores: Counter[str]
    ) -> dict[str, list[Ref]]:
        """The loop variables that every binding of gives an item of a view, and its types."""
        found: dict[str, list[list[Ref]]] = {}
        for target, iterated in loops:
            if isinstance(target, ast.Name):
                found.setdefault(target.id, []).append(_items(self.types(iterated), by_key=False))
        return {
            local: kinds[0]
            for local, kinds in found.items()
            if kinds[0] and len(kinds) == stores[local] and all(k == kinds[0] for k in kinds)
        }

    def types(self, node: ast.expr) -> list[Ref]:
        """The types the expression has as a view of the parameter (empty: not one)."""
        if isinstance(node, ast.Name):
            return self.names.get(node.id, [])
        if isinstance(node, ast.Subscript):
            outer = self.types(node.value)
            if not outer:
                return []
            if isinstance(node.slice, ast.Slice):
                return outer
            return _items(outer, by_key=True)
        return []


def _unsupported(node: ast.AST, views: _Views) -> str | None:
    if isinstance(node, ast.Attribute):
        for ref in views.types(node.value):
            if ref.name in _ATTRIBUTES and node.attr not in _ATTRIBUTES[ref.name]:
                return f"reads `.{node.attr}` of a {ref.name.rsplit('.', 1)[-1]}"
    elif isinstance(node, ast.Subscript):
        for ref in views.types(node.value):
            if ref.name in _NOT_INDEXED:
                return f"indexes a {ref.name.rsplit('.', 1)[-1]}"
    elif isinstance(node, ast.Call):
        for ref in views.types(node.func):
            if ref.name in _NOT_CALLED:
                return f"calls a {ref.name}"
    return None


def _own_scope(node: AnyDef, hidden: Collection[str]) -> Iterable[ast.AST]:
    """The nodes of the body that :func:`_unsupported` may judge for the ``hidden`` names,
    in the order of a walk: nested defs, lambdas and classes that bind one of them left out
    (their uses are of another variable). When none does, only the uses that start from one
    of the names, from the def's list of them (:func:`_uses_by_root`)."""
    if _scope_bindings(node) & set(hidden):
        return _walk_own_scope(node, hidden)
    by_root = _uses_by_root(node)
    return [use for _, use in sorted(item for name in hidden for item in by_root.get(name, ()))]


def _walk_own_scope(node: AnyDef, hidden: Collection[str]) -> Iterator[ast.AST]:
    stack: list[ast.AST] = list(node.body)
    while stack:
        child = stack.pop()
        yield child
        scope = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
        if scope and _binds(child) & set(hidden):
            continue
        stack.extend(child_nodes(child))


def _binds(scope: ast.AST) -> set[str]:
    names: set[str] = set()
    for child in walk_tree(scope):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.add(child.id)
        elif isinstance(child, ast.arg):
            names.add(child.arg)
    return names


#: The kinds a variable first bound to one of these keeps: a number assigned later is an error.
_NOT_NUMBERS = frozenset({"list", "tuple", "dict", "set", "str", "bytes"})
_NUMBERS = frozenset({"int", "float", "complex", "bool"})
_FLOATS = frozenset({"float", "complex"})


def _number_from(value: ast.expr, views: _Views, kinds: frozenset[str] = _NUMBERS) -> bool:
    """True when ``value`` is arithmetic on a number of ``kinds`` the parameter holds
    (``x[i] - 1.0``)."""
    if isinstance(value, ast.UnaryOp) and not isinstance(value.op, ast.Not):
        return _number_from(value.operand, views, kinds)
    if not isinstance(value, ast.BinOp) or isinstance(value.op, ast.Mod):
        return False
    for operand in (value.left, value.right):
        found = views.types(operand)
        if found and all(ref.name in _NUMBERS for ref in found) and any(ref.name in kinds for ref in found):
            return True
        if _number_from(operand, views, kinds):
            return True
    return False


def _rebound_local(node: AnyDef, views: _Views) -> str | None:
    """A local variable of the body first bound to a container or a string and later to
    a number computed from the parameter, or first to an ``int`` and later to a ``float``:
    untyped, the parameter made that number ``Any``; typed, a type checker reports the
    assignment (``K = [0.0] * n`` … ``K = Ks[i] - 1.0``; ``total = 0`` … ``total += x[i]``)."""
    first: dict[str, str | None] = {}
    for _, local, value in _local_bindings(node):
        if local in views.names:
            continue
        if local not in first:
            first[local] = value_kind(value) if value is not None else None
        elif first[local] in _NOT_NUMBERS and value is not None and _number_from(value, views):
            return f"assigns a number computed from it to `{local}`, a {first[local]} before"
        elif first[local] in ("int", "bool") and value is not None and _number_from(value, views, _FLOATS):
            return f"assigns a float computed from it to `{local}`, an {first[local]} before"
    return None


@functools.lru_cache(maxsize=64)
def _local_bindings(node: AnyDef) -> tuple[tuple[tuple[int, int], str, ast.expr | None], ...]:
    """Each binding of a local name in the def's own scope, in the order of the code:
    where, the name, and the value (``x + v`` for ``x += v``; ``None`` when the statement
    binds no single value). Kept for the def: every parameter asks."""
    bindings: list[tuple[tuple[int, int], str, ast.expr | None]] = []
    for child in def_own_nodes(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            bindings.append(((child.lineno, child.col_offset), child.id, None))
        if (
            isinstance(child, ast.Assign)
            and len(child.targets) == 1
            and isinstance(child.targets[0], ast.Name)
        ):
            target = child.targets[0]
            bindings.append(((target.lineno, target.col_offset), target.id, child.value))
        elif isinstance(child, ast.AugAssign) and isinstance(child.target, ast.Name):
            name = child.target
            combined = ast.BinOp(left=ast.Name(id=name.id, ctx=ast.Load()), op=child.op, right=child.value)
            bindings.append(((name.lineno, name.col_offset), name.id, combined))
    return tuple(sorted(bindings, key=lambda b: (b[0], b[2] is None)))


def unsupported_use(node: AnyDef, name: str, union: Sequence[Ref]) -> str | None:
    """How the body uses the parameter ``name`` or an item of it as its documented
    ``union`` does not allow (``"indexes a float"``), or ``None``."""
    views = _Views(node, name, union)
    if not any(ref.name in _ATTRIBUTES for refs in views.names.values() for ref in refs):
        return None  # no builtin type among the views: nothing here is judged (see _unsupported)
    for child in _own_scope(node, list(views.names)):
        found = _unsupported(child, views)
        if found:
            return found
    return _rebound_local(node, views) if _rebinds_a_local(node) else None


@functools.lru_cache(maxsize=64)
def _uses_by_root(node: AnyDef) -> dict[str, list[tuple[int, ast.AST]]]:
    """The attribute reads, indexes and calls of the body (its nested scopes included) by the
    name their value or callee starts from (``x[i].real`` under ``x``), each with its place
    in :func:`body_nodes`' order (kept for the def: every parameter asks)."""
    found: dict[str, list[tuple[int, ast.AST]]] = {}
    for index, child in enumerate(body_nodes(node)):
        if isinstance(child, (ast.Attribute, ast.Subscript)):
            root: ast.AST = child.value
        elif isinstance(child, ast.Call):
            root = child.func
        else:
            continue
        while isinstance(root, ast.Subscript):
            root = root.value
        if isinstance(root, ast.Name):
            found.setdefault(root.id, []).append((index, child))
    return found


def _rebinds_a_local(node: AnyDef) -> bool:
    """True when the body binds some name twice: :func:`_rebound_local` looks no further
    otherwise."""
    return any(count > 1 for count in _stores(node).values())


#: What a type checker reads an empty collection's item type from, later in the scope.
_FILLING = frozenset({"append", "extend", "add", "update", "insert", "setdefault", "appendleft"})
_EMPTY_CALLS = frozenset({"list", "dict", "set"})


def _target_text(node: ast.expr) -> str | None:
    """``x`` or ``self.x``: the targets a type checker types by their first value."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _is_empty(value: ast.expr) -> bool:
    if isinstance(value, (ast.List, ast.Set)) and not value.elts:
        return True
    if isinstance(value, ast.Dict) and not value.keys:
        return True
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in _EMPTY_CALLS
        and not value.args
        and not value.keywords
    )


def _fills(node: ast.AST) -> Iterator[tuple[str, tuple[int, int]]]:
    """The targets ``node`` gives items (``x.append(…)``, ``x[k] = …``, ``x += …``), and
    where. Another value bound to the target does not count: a type checker takes the
    item type from it only when that value's type is a list or a dict itself."""
    where = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FILLING:
        called = _target_text(node.func.value)
        if called:
            yield called, where
    elif isinstance(node, (ast.Assign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) or isinstance(node, ast.AugAssign):
                text = _target_text(target.value if isinstance(target, ast.Subscript) else target)
                if text:
                    yield text, where


def empty_collection(node: AnyDef) -> str | None:
    """The first ``self.x = []`` (or ``{}``, ``set()`` …) of the def's own scope whose
    item type nothing later in the scope shows (no ``append``, ``self.x[k] = …`` or
    ``+=``): mypy asks for its annotation once the def is typed, though not while it is
    untyped (it asks about a local ``x = []`` in both). ``None`` when there is none."""
    arguments = node.args
    parameters = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    empties: list[tuple[tuple[int, int], str]] = []
    filled: dict[str, list[tuple[int, int]]] = {}
    for child in def_own_nodes(node):
        if isinstance(child, ast.Assign) and _is_empty(child.value):
            for target in child.targets:
                text = _target_text(target) if isinstance(target, ast.Attribute) else None
                if text and text not in parameters:
                    empties.append(((child.lineno, child.col_offset), text))
        for text, where in _fills(child):
            filled.setdefault(text, []).append(where)
    for where, text in sorted(empties):
        if not any(later > where for later in filled.get(text, [])):
            return text
    return None
