"""The return annotation a def's body makes certain, or its docstring states, and how safe
writing it is.

Only the def's own body counts: a ``return`` or ``yield`` in a nested def, lambda or class
belongs to that scope. From the body alone (:func:`return_type`), in order:

* a generator (``yield`` anywhere in the body) is left;
* a dunder whose return type Python itself fixes (``len()`` raises unless ``__len__``
  returns an ``int``) gets that type;
* a stub (only a docstring, ``pass`` or ``...``) or a body that only raises is left: it
  stands for overrides that decide what it returns — except for the dunders whose result
  Python ignores (``__setitem__``, ``__init__`` …), which get ``-> None``;
* so is an ``@abstractmethod`` or a ``Protocol`` member that returns no value;
* any other body with no ``return <value>`` (a bare ``return`` and ``return None`` are
  fine) gets ``-> None`` (but see :func:`family_returns_values`);
* a body whose every ``return`` returns a value of one certain type and that cannot end
  without one gets that type: a literal bool, int, float, str or bytes, a builtin's call
  (``str(x)``, ``len(x)``, ``isinstance(…)``, ``dict(…)``; not where the module, the class or
  the def rebinds the name), ``not x``; and a method's ``return self`` gets ``Self``.

A method that is abstract-style by declaration (``@abstractmethod``, or in a ``Protocol``
class) gets a literal type only as an unsafe fix: its overrides decide the type.

A documented return (:func:`documented_return`) is written only where the body agrees with
it: no generator, no ``None`` returned unless documented, no literal of another type, and a
tuple of the documented length when several returns are documented; a stub that is not
abstract by declaration gets none (mypy reports an empty body that should return a value).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import NamedTuple

from qemlflow_lint.analysis.at_import import TRY_TYPES
from qemlflow_lint.analysis.defs import AnyDef
from qemlflow_lint.analysis.names.bindings import BLOCK_PARTS, DefSite
from qemlflow_lint.analysis.nodes import child_nodes
from qemlflow_lint.fix.annotation_types.docstring_types import (
    ELLIPSIS,
    NONE,
    DocType,
    Ref,
    Union,
    accepts,
    union_annotation,
)
from qemlflow_lint.model.fixes import SAFE, UNSAFE

#: Dunders whose return type the interpreter checks (or, for ``__contains__``, converts to).
CONVENTIONAL_RETURNS = {
    **dict.fromkeys(("__len__", "__hash__", "__index__", "__int__", "__sizeof__", "__length_hint__"), "int"),
    **dict.fromkeys(("__bool__", "__contains__"), "bool"),
    **dict.fromkeys(("__str__", "__repr__", "__format__"), "str"),
    "__bytes__": "bytes",
    "__float__": "float",
    "__complex__": "complex",
}
#: Dunders whose result the interpreter ignores (``__init__``'s must be ``None``).
RETURNS_NOTHING = frozenset(
    {
        "__init__",
        "__setattr__",
        "__delattr__",
        "__setitem__",
        "__delitem__",
        "__set__",
        "__delete__",
        "__set_name__",
        "__init_subclass__",
        "__del__",
    }
)
#: The literal types a scalar return may have.
_SCALARS = (bool, int, float, str, bytes)

#: Why no return annotation is certain.
GENERATOR = "a generator"
UNKNOWN_VALUE = "returns a value of unknown type"
MIXED_LITERALS = "returns literals of different types"
MAY_RETURN_NONE = "may also return None"
EXIT_FALSE = "an __exit__ that returns only False"
STUB = "a stub: its overrides decide what it returns"
ABSTRACT = "an abstract method: its overrides decide what it returns"
OVERRIDES_RETURN = "other versions of the method return values"
NOTHING_RETURNED = "the docstring documents a return, the body returns nothing"
#: The end of the reason a documented type's words are not understood.
NOT_MAPPED = ", which the fix does not map"
SEVERAL_RETURNS = "the docstring documents several returns, the body does not return that tuple"


class ReturnType(NamedTuple):
    """The return annotation a body makes certain and its applicability, or why there is none."""

    annotation: str = ""
    applicability: str = SAFE
    reason: str = ""


def literal_type(node: ast.expr | None) -> str | None:
    """The type of a literal scalar (``-1`` and f-strings included), or ``None``."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = node.operand
        if isinstance(inner, ast.Constant) and type(inner.value) in (int, float):
            return type(inner.value).__name__
        return None
    if isinstance(node, ast.Constant) and type(node.value) in _SCALARS:
        return type(node.value).__name__
    return "str" if isinstance(node, ast.JoinedStr) else None


def own_nodes(body: Sequence[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of a def's own scope: nested defs, lambdas and classes contribute only
    what runs in this scope (decorators, defaults, bases)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args
            stack.extend(arguments.defaults)
            stack.extend(d for d in arguments.kw_defaults if d is not None)
            if not isinstance(node, ast.Lambda):
                stack.extend(node.decorator_list)
        elif isinstance(node, ast.ClassDef):
            stack.extend([*node.decorator_list, *node.bases, *(k.value for k in node.keywords)])
        else:
            stack.extend(child_nodes(node))


@functools.lru_cache(maxsize=64)
def def_own_nodes(node: AnyDef) -> tuple[ast.AST, ...]:
    """:func:`own_nodes` of a def's body, listed once per def: planning a def's annotations
    asks several questions of them (the tree must not change)."""
    return tuple(own_nodes(node.body))


def _is_docstring_or_placeholder(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and (statement.value.value is Ellipsis or isinstance(statement.value.value, str))
    )


def is_abstract_style(body: Sequence[ast.stmt]) -> bool:
    """True for a stub (docstring, ``pass``, ``...``) or a body that only raises."""
    return all(_is_docstring_or_placeholder(s) or isinstance(s, ast.Raise) for s in body)


def _ends(statement: ast.stmt) -> bool:
    """True when control never passes ``statement`` to the next one."""
    if isinstance(statement, (ast.Return, ast.Raise)):
        return True
    if isinstance(statement, ast.If):
        return bool(statement.orelse) and not can_fall_through(statement.body, statement.orelse)
    if isinstance(statement, ast.While):
        forever = isinstance(statement.test, ast.Constant) and bool(statement.test.value)
        return forever and not _breaks(statement.body)
    if isinstance(statement, TRY_TYPES):
        # ast.Try and, from 3.11, ast.TryStar: the same fields.
        handlers: list[ast.ExceptHandler] = getattr(statement, "handlers")
        finalbody: list[ast.stmt] = getattr(statement, "finalbody")
        if finalbody and not can_fall_through(finalbody):
            return True
        body, orelse = getattr(statement, "body"), getattr(statement, "orelse")
        after_body = can_fall_through(body) and (not orelse or can_fall_through(orelse))
        return not after_body and not any(can_fall_through(h.body) for h in handlers)
    return False


def _breaks(body: Sequence[ast.stmt]) -> bool:
    """True when a ``break`` in ``body`` leaves the loop whose body it is (one in a nested
    loop leaves that loop, unless it is in the nested loop's ``else``)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break):
            return True
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            stack.extend(node.orelse)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(child for child in child_nodes(node) if isinstance(child, BLOCK_PARTS))
    return False


def can_fall_through(*bodies: Sequence[ast.stmt]) -> bool:
    """True when the end of any of the statement lists may be reached (conservatively)."""
    return any(not any(_ends(statement) for statement in body) for body in bodies)


def is_stub(body: Sequence[ast.stmt]) -> bool:
    """True for a body of only a docstring, ``pass`` and ``...`` (mypy's empty body)."""
    return all(_is_docstring_or_placeholder(s) for s in body)


#: What a call of a builtin returns, whatever its arguments.
BUILTIN_CALLS = {
    **dict.fromkeys(("str", "repr", "ascii", "chr", "format"), "str"),
    **dict.fromkeys(("int", "len", "ord", "hash", "id"), "int"),
    **dict.fromkeys(("bool", "isinstance", "issubclass", "callable", "hasattr"), "bool"),
    **dict.fromkeys(("float", "bytes", "complex", "dict", "list", "tuple", "set", "frozenset"), None),
}
#: The methods of ``str`` that return a ``str``.
STR_METHODS = frozenset(
    {
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "title",
        "capitalize",
        "casefold",
        "join",
        "format",
        "replace",
        "zfill",
        "center",
        "ljust",
        "rjust",
        "removeprefix",
        "removesuffix",
        "swapcase",
    }
)
#: The annotation of ``return self``: written through ``typing`` (or ``typing_extensions``).
SELF = "Self"


def _local_names(node: AnyDef) -> set[str]:
    """The names the def binds itself (parameters, assignments, imports, nested defs)."""
    arguments = node.args
    names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    names.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
    for child in def_own_nodes(node):
        if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
            names.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(child.name)
        elif isinstance(child, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in child.names)
    return names


def certain_type(
    value: ast.expr, node: AnyDef, shadowed: Collection[str] = (), self_name: str | None = None
) -> str | None:
    """The type a returned value certainly has, from its code alone: a literal scalar's, a
    builtin's call (``str(x)``, ``len(x)``, ``isinstance(…)``; unless ``shadowed`` or the
    def rebinds the name), ``not x`` (``bool``), or :data:`SELF` for ``self_name``, a
    method's instance parameter."""
    scalar = literal_type(value)
    if scalar is not None:
        return scalar
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not):
        return "bool"
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in BUILTIN_CALLS:
        name = value.func.id
        if name in shadowed or name in _local_names(node):
            return None
        return BUILTIN_CALLS[name] or name
    if self_name is not None and isinstance(value, ast.Name) and value.id == self_name:
        return SELF
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod) and literal_type(value.left) == "str":
        return "str"  # '%8.4f' % x
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in STR_METHODS
        and certain_type(value.func.value, node, shadowed) == "str"
    ):
        return "str"  # ", ".join(…), name.strip() of a str
    return None


def return_type(
    node: AnyDef, declared_abstract: bool, shadowed: Collection[str] = (), self_name: str | None = None
) -> ReturnType:
    """The return annotation ``node``'s body makes certain (see the module docstring);
    ``shadowed``: the builtin names the module or the class rebinds; ``self_name``: the
    instance parameter of a method (``return self`` gives ``Self``)."""
    own = def_own_nodes(node)
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own):
        return ReturnType(reason=GENERATOR)
    downgraded = UNSAFE if declared_abstract else SAFE
    if node.name in CONVENTIONAL_RETURNS:
        return ReturnType(CONVENTIONAL_RETURNS[node.name])
    returns = [n for n in own if isinstance(n, ast.Return)]
    valued = [r for r in returns if r.value is not None and not _none(r.value)]
    if not valued:
        if node.name in RETURNS_NOTHING:
            return ReturnType("None")
        if is_abstract_style(node.body):
            return ReturnType(reason=STUB)
        return ReturnType(reason=ABSTRACT) if declared_abstract else ReturnType("None")
    types = {
        certain_type(r.value, node, shadowed, self_name) if r.value is not None else None for r in valued
    }
    if None in types:
        return ReturnType(reason=UNKNOWN_VALUE)
    if len(types) > 1:
        return ReturnType(reason=MIXED_LITERALS)
    if len(valued) < len(returns) or can_fall_through(node.body):
        return ReturnType(reason=MAY_RETURN_NONE)
    scalar = types.pop() or ""
    if node.name in ("__exit__", "__aexit__") and not any(_true(r.value) for r in valued):
        return ReturnType(reason=EXIT_FALSE)
    return ReturnType(scalar, downgraded)


#: The kinds of the displays a default or a return may be.
_DISPLAYS = {ast.Tuple: "tuple", ast.List: "list", ast.Dict: "dict", ast.Set: "set"}
_COMPREHENSIONS = {ast.ListComp: "list", ast.DictComp: "dict", ast.SetComp: "set"}
#: Names of float constants (``np.nan``, ``math.inf`` …).
_FLOAT_CONSTANTS = frozenset({"nan", "inf", "pi", "e", "tau", "NaN", "NAN", "Inf", "infty", "PINF", "NINF"})
_FLOAT_MODULES = frozenset({"np", "numpy", "math"})


def value_kind(node: ast.expr | None, constants: Mapping[str, str] | None = None) -> str | None:
    """What a default or returned value is, when its code says: a literal scalar's type,
    ``None``, ``tuple``/``list``/``dict``/``set`` for a display (a comprehension, ``[0.0] * n``), ``float`` for ``np.nan``
    and arithmetic on numbers, or the kind of a module constant (``constants``, by name);
    ``None`` when the code does not say."""
    if node is None:
        return None
    scalar = literal_type(node)
    if scalar is not None:
        return scalar
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    if type(node) in _DISPLAYS:
        return _DISPLAYS[type(node)]
    if type(node) in _COMPREHENSIONS:
        return _COMPREHENSIONS[type(node)]
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in _FLOAT_MODULES
        and node.attr in _FLOAT_CONSTANTS
    ):
        return "float"
    if isinstance(node, ast.Name) and constants:
        return constants.get(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = value_kind(node.operand, constants)
        return inner if inner in ("int", "float", "complex") else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for display in (node.left, node.right):
            if isinstance(display, (ast.List, ast.Tuple)):
                return _DISPLAYS[type(display)]  # [0.0] * n
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        kinds = {value_kind(node.left, constants), value_kind(node.right, constants)}
        if not kinds <= {"int", "float"}:
            return None
        return "float" if "float" in kinds or isinstance(node.op, ast.Div) else None
    return None


def display_fits(node: ast.expr, ref: Ref, constants: Mapping[str, str] | None = None) -> bool:
    """True unless an item of a display (``[1, 2]``, ``{'a': 1}``, ``(df, meta)``) or
    of a comprehension (``[[…] for …]``) is
    shown by its code to be of another type than ``ref``'s arguments say (``list[str]``),
    or a tuple has another length than ``ref`` (``tuple[int, str]``) names. An item whose
    code does not say (a name, a call) is taken as documented."""
    if not ref.args:
        return True
    if isinstance(node, ast.DictComp):
        node = ast.Dict(keys=[node.key], values=[node.value])
    elif isinstance(node, (ast.ListComp, ast.SetComp)):
        node = ast.List(elts=[node.elt])
    if isinstance(node, ast.Dict):
        if len(ref.args) != 2 or any(key is None for key in node.keys):
            return False
        pairs = [(key, value) for key, value in zip(node.keys, node.values) if key is not None]
        return all(
            _item_fits(k, ref.args[0], constants) and _item_fits(v, ref.args[1], constants) for k, v in pairs
        )
    items = getattr(node, "elts", [])
    if any(isinstance(item, ast.Starred) for item in items):
        return False
    if ref.name == "tuple" and not (len(ref.args) == 2 and ref.args[1].name == "..."):
        return len(items) == len(ref.args) and all(
            _item_fits(i, a, constants) for i, a in zip(items, ref.args)
        )
    return all(_item_fits(item, ref.args[0], constants) for item in items)


def _item_fits(node: ast.expr, ref: Ref, constants: Mapping[str, str] | None) -> bool:
    return value_kind(node, constants) is None or fits(node, ref, constants)


def fits(node: ast.expr, ref: Ref, constants: Mapping[str, str] | None = None) -> bool:
    """True when the code of the value ``node`` shows it is of type ``ref`` (``Ref("|",
    members)`` for a union): its kind is accepted (an int is a float), and a display's
    items are of the type's arguments."""
    members = ref.args if ref.name == "|" else (ref,)
    kind = value_kind(node, constants)
    return kind is not None and any(
        accepts((member,), kind) and (member.name != kind or display_fits(node, member, constants))
        for member in members
    )


def documented_return(node: AnyDef, documented: Sequence[DocType], declared_abstract: bool) -> Union | str:
    """The return type the docstring states, as a union, when the body agrees with it
    (see the module docstring); otherwise why not."""
    own = def_own_nodes(node)
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own):
        return GENERATOR
    for doc in documented:
        if not doc.union:
            return unknown_words(doc.words)
    returns = [n for n in own if isinstance(n, ast.Return)]
    valued = [r.value for r in returns if r.value is not None and not _none(r.value)]
    if len(documented) > 1:
        if not valued or any(
            not (isinstance(v, ast.Tuple) and len(v.elts) == len(documented)) for v in valued
        ):
            return SEVERAL_RETURNS
        union: Union = (Ref("tuple", tuple(_one(doc.union) for doc in documented)),)
    else:
        union = documented[0].union
    if is_abstract_style(node.body) or declared_abstract:
        if is_stub(node.body) and not declared_abstract and NONE not in union:
            return STUB  # mypy: an empty body that should return a value
        return union
    if not valued:
        return union if NONE in union else NOTHING_RETURNED
    may_return_none = len(valued) < len(returns) or can_fall_through(node.body)
    if may_return_none and NONE not in union:
        return MAY_RETURN_NONE
    for value in valued:
        kind = value_kind(value)
        if kind is not None and not fits(value, Ref("|", union), None):
            return f"returns a {kind} where the docstring says `{_short(documented[0].words)}`"
        mismatch = _invariant_mismatch(value, union, node)
        if mismatch:
            inferred, wanted = mismatch
            return f"returns a {inferred} where the docstring says `{union_annotation((wanted,), str)}`"
    return union


#: The containers a type checker types by the first value a variable is bound to, and
#: whose item type it then holds the variable to (they are invariant: a ``list[int]`` is
#: no ``list[float]``).
_INVARIANT = {ast.List: "list", ast.Set: "set", ast.Dict: "dict"}
#: The scalar kinds, narrowest first: a checker joins ``[0, 1.5]`` to ``list[float]``.
_SCALAR_ORDER = ("bool", "int", "float", "complex")


def _first_value(node: AnyDef, name: str) -> ast.expr | None:
    """The value of the def's first binding of ``name`` when it is a plain ``name = value``
    (not a parameter, a loop target or an annotated assignment)."""
    arguments = node.args
    if name in {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}:
        return None
    first: tuple[int, int, ast.expr | None] | None = None
    for child in def_own_nodes(node):
        if isinstance(child, ast.Name) and child.id == name and isinstance(child.ctx, ast.Store):
            where = (child.lineno, child.col_offset)
            if first is None or where < first[:2]:
                first = (*where, None)
        if isinstance(child, ast.Assign) and [getattr(t, "id", None) for t in child.targets] == [name]:
            target = child.targets[0]
            if first is None or (target.lineno, target.col_offset) <= first[:2]:
                first = (target.lineno, target.col_offset, child.value)
    return first[2] if first else None


def _joined(items: Sequence[ast.expr]) -> str | None:
    """The one scalar kind a checker gives the items (numbers join to the widest)."""
    kinds = {value_kind(item) for item in items}
    if not items or None in kinds:
        return None
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= set(_SCALAR_ORDER):
        return max(kinds, key=lambda kind: _SCALAR_ORDER.index(kind or ""))
    return None


def _inferred_container(value: ast.expr) -> str | None:
    """The type a checker gives a variable first bound to a display of scalars (``[0] * n``
    is a ``list[int]``), or ``None``."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        value = value.left if isinstance(value.left, ast.List) else value.right
    kind = _INVARIANT.get(type(value))
    if kind is None:
        return None
    if isinstance(value, ast.Dict):
        if any(key is None for key in value.keys):
            return None
        columns = [[key for key in value.keys if key is not None], value.values]
    else:
        columns = [getattr(value, "elts", [])]
    items = [_joined(column) for column in columns]
    return None if None in items else f"{kind}[{', '.join(item or '' for item in items)}]"


def _invariant_mismatch(value: ast.expr, union: Sequence[Ref], node: AnyDef) -> tuple[str, Ref] | None:
    """The type a returned local variable has where it is not the documented container
    type, and that type (``xs = [0] * n; return xs`` documented as ``list[float]``: a
    ``list[int]``), the items of a returned tuple included."""
    if isinstance(value, ast.Tuple):
        fixed = [
            r
            for r in union
            if r.name == "tuple" and len(r.args) == len(value.elts) and ELLIPSIS not in r.args
        ]
        if len(fixed) != 1:
            return None
        for item, arg in zip(value.elts, fixed[0].args):
            found = _invariant_mismatch(item, arg.args if arg.name == "|" else (arg,), node)
            if found:
                return found
        return None
    bound = _first_value(node, value.id) if isinstance(value, ast.Name) else None
    inferred = _inferred_container(bound) if bound is not None else None
    if inferred is None:
        return None
    kind = inferred.split("[")[0]
    candidates = [ref for ref in union if ref.name == kind and ref.args]
    for ref in candidates:
        if inferred == f"{kind}[{', '.join(arg.name for arg in ref.args)}]" or "object" in (
            a.name for a in ref.args
        ):
            return None
    return (inferred, candidates[0]) if candidates else None


def _one(union: Union) -> Ref:
    """A union as one type argument."""
    return union[0] if len(union) == 1 else Ref("|", union)


def _short(words: str, limit: int = 40) -> str:
    words = " ".join(words.split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def unknown_words(words: str) -> str:
    """Why a documented type is not written: the docstring's words, which the fix does not
    map to a type (``numeric``, ``path-like``, a class the module cannot name)."""
    return f"documented as `{_short(words)}`{NOT_MAPPED}"


def _method_versions(name: str, site: DefSite, classes: Mapping[str, ast.ClassDef]) -> list[AnyDef]:
    """The other defs of method ``name`` in the module's classes related to the def's
    class through base classes the module defines (its bases, their subclasses, its own)."""
    owner = site.classes[-1]
    linked: dict[str, set[str]] = {cls: set() for cls in classes}
    for cls_name, cls in classes.items():
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id in classes and base.id != cls_name:
                linked[cls_name].add(base.id)
                linked[base.id].add(cls_name)
    if owner.name not in linked or classes.get(owner.name) is not owner:
        return []
    seen, stack = {owner.name}, [owner.name]
    while stack:
        for other in linked[stack.pop()] - seen:
            seen.add(other)
            stack.append(other)
    versions = []
    for cls_name in seen - {owner.name}:
        for statement in classes[cls_name].body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
                versions.append(statement)
    return versions


def family_returns_values(site: DefSite, classes: Mapping[str, ast.ClassDef]) -> bool:
    """True when another version of the method at ``site`` (in a base class or a subclass
    the module defines, see :func:`_method_versions`) returns a value or declares a return
    type other than ``None``: ``-> None`` here would contradict it."""
    if not site.in_class:
        return False
    for version in _method_versions(site.node.name, site, classes):
        if version.returns is not None:
            if not (isinstance(version.returns, ast.Constant) and version.returns.value is None):
                return True
            continue
        own = def_own_nodes(version)
        if any(isinstance(n, ast.Return) and n.value is not None and not _none(n.value) for n in own):
            return True
    return False


def _none(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


def _true(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is True
