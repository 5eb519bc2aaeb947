"""QF002's fix: write the annotations a public def's code makes certain, or its docstring
states.

Each missing annotation is decided on its own, from the ``ast``, first source first:

1. what the code makes certain (see
   :mod:`~qemlflow_lint.fix.annotation_types.return_types`): ``-> None`` on a concrete body
   that returns no value, a dunder's conventional type (safe);
2. what the docstring states (numpydoc, Google or reST: see
   :mod:`~qemlflow_lint.fix.annotation_types.docstring_types`), never narrower: an ``int``
   default of a parameter documented as ``float`` gets ``float``, a ``None`` default adds ``| None``, a
   default of another type than documented, or a body that returns what the docstring does
   not say, leaves the item; so do words the fix does not map (``numeric``), named in the
   reason, and a type the body contradicts where a type checker would see it: ``None``
   used before a check (:mod:`~qemlflow_lint.fix.annotation_types.none_checks`), items or
   attributes the type lacks, a variable that changes type once the parameter is typed, an attribute
   bound to an empty collection in a def that becomes typed
   (:mod:`~qemlflow_lint.fix.annotation_types.type_uses`). Unsafe;
3. with ``fix --infer``, what mypy suggests (:mod:`~qemlflow_lint.fix.infer`): unsafe;
4. what the rest of the code says: a literal scalar returned everywhere (safe); a ``bool``,
   ``str`` or ``bytes`` default of an undocumented parameter gives its type (unsafe). A
   number default does not: ``w=1`` is as often an array's or a float's default as an
   int's, and ``int`` would be narrower than what callers pass.

No ``-> None`` is written on a stub (a body of only a docstring, ``pass``, ``...`` or a
``raise``), an ``@abstractmethod``, a ``Protocol`` member or a method whose other versions
in the module's related classes return values: their overrides decide what they return.

Decorators do not change the annotations of the def itself, so annotating a decorated def
is still correct; but a decorator may read them at run time (a web framework's route, a
CLI builder, ``singledispatch``'s ``register``, a runtime type checker), so on a def with
any decorator outside :data:`INERT_DECORATORS` every fix is unsafe. ``@overload`` stubs are
left (their types are not in their bodies), and so is a def with a type comment (its types
are written already). ``@overload`` implementations and ``@no_type_check`` defs are never
reported, so never touched.

The names a documented type needs are the module's own (:mod:`~qemlflow_lint.fix.
type_imports`); an import of numpy, pandas, ``datetime`` or ``collections.abc`` that the
module lacks goes under ``if TYPE_CHECKING:``, and the annotations that use it are quoted.

``-> None`` goes after the closing parenthesis, on the line of the colon, and a parameter's
annotation on the parameter's line; no line longer than the project's line length is
written: a signature that would be is wrapped one parameter per line, as black writes it,
and an annotation that does not fit even then is left. A def that still misses annotations
afterwards is both fixed (``complete=False``) and left, with the reason for the rest, so
the left findings are exactly those that remain.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import NamedTuple, Union, cast

import libcst as cst

from qemlflow_lint.analysis.defs import AnyDef, decorator_names
from qemlflow_lint.analysis.names.bindings import (
    ANY_NAME,
    BUILTIN_NAMES,
    NOT_IMPORTED,
    DefSite,
    ModuleNames,
    def_sites,
    spelling,
)
from qemlflow_lint.fix.annotation_types.docstring_types import (
    NONE,
    NOTHING,
    Documented,
    Ref,
    accepts,
    documented,
    names_in,
    union_annotation,
)
from qemlflow_lint.fix.annotation_types.docstring_types import Union as TypeUnion
from qemlflow_lint.fix.annotation_types.none_checks import Callee, module_callees, unchecked_none
from qemlflow_lint.fix.annotation_types.return_types import (
    ABSTRACT,
    CONVENTIONAL_RETURNS,
    NOT_MAPPED,
    OVERRIDES_RETURN,
    RETURNS_NOTHING,
    SELF,
    STR_METHODS,
    STUB,
    certain_type,
    documented_return,
    family_returns_values,
    fits,
    literal_type,
    return_type,
    unknown_words,
    value_kind,
)
from qemlflow_lint.fix.annotation_types.type_imports import (
    TypeNames,
    module_bindings,
    runtime_names,
    type_checking_imports,
)
from qemlflow_lint.fix.annotation_types.type_uses import body_nodes, empty_collection, unsupported_use
from qemlflow_lint.fix.edit import Edit as CstEdit
from qemlflow_lint.fix.edit import SignatureEdit, TopLevelEdit, statement_positions
from qemlflow_lint.fix.model import NEEDS_UNSAFE, SAFE, UNSAFE, Applied, FixSource, Left, Plan
from qemlflow_lint.fix.signatures import (
    RETURN,
    annotated,
    header_lines,
    parameter_defaults,
    parse_header,
    wrapped,
)
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.modules import module_name
from qemlflow_lint.rules.untyped_public_def import missing_annotations

CODE = "QF002"

#: Decorators known neither to read the def's annotations nor to replace its signature.
INERT_DECORATORS = frozenset(
    {
        "staticmethod",
        "classmethod",
        "property",
        "setter",
        "getter",
        "deleter",
        "cached_property",
        "abstractmethod",
        "abstractproperty",
        "abstractclassmethod",
        "abstractstaticmethod",
        "override",
        "final",
        "cache",
        "lru_cache",
        "wraps",
        "deprecated",
    }
)

#: Why a finding is left (besides the reasons of the return types and the type names).
OVERLOAD_STUB = "an @overload stub"
ABSTRACT_PROPERTY = "an abstract-style property"
TYPE_COMMENT = "typed by a type comment"
NO_LITERAL_DEFAULT = "parameters without a documented type or a literal default"
NUMBER_DEFAULT = "a number default without a documented type"
UNCHECKED_DEFAULT = "a default the documented type cannot be checked against"
STAR_COLLECTION = "*args or **kwargs documented as the collection, not each item"
CLASS_REBINDS = "a class body rebinds a name the documented type needs"
REBOUND_TO_ANOTHER_TYPE = "the body rebinds it to a value of another type than documented"
REBOUND_TO_A_CALL = "the body rebinds it to what another module's function returns"
ONE_OF_A_UNION = "documented as several types (or array-like), and the body uses it as one of them"
SEVERAL_RETURN_TYPES = (
    "documents several return types (or array-like): every caller would have to narrow them"
)
NOT_FOUND = "the def was not found"
NONE_UNCHECKED = "may be None, and the body uses it before a check excludes None"
#: Scalar kinds whose literal default types an undocumented parameter.
_DEFAULT_TYPES = frozenset({"bool", "str", "bytes"})

#: The decorators of a property's getter.
_GETTERS = frozenset({"property", "cached_property", "abstractproperty"})
_TYPE_COMMENT = re.compile(r"#\s*type:(?!\s*ignore\b)")


def too_long(limit: int) -> str:
    """Why an annotation is left: the signature would not fit in ``limit`` characters."""
    return f"the annotated signature would be longer than {limit} characters"


def untyped_empty(target: str) -> str:
    """Why an untyped def gets no annotation: typed, a type checker would ask for the
    type of the empty collection ``target`` is bound to."""
    return f"typed, the def would need the type of `{target}`, an empty collection"


def _untyped(node: AnyDef) -> bool:
    """True when no parameter and no return of the def is annotated: a type checker
    checks its body leniently until one is."""
    arguments = node.args
    every = [
        *arguments.posonlyargs,
        *arguments.args,
        *arguments.kwonlyargs,
        arguments.vararg,
        arguments.kwarg,
    ]
    return node.returns is None and all(a is None or a.annotation is None for a in every)


def unnamed(qualified: str) -> str:
    """Why a documented type is left: the module has no name for ``qualified``."""
    return f"the module cannot name `{qualified}`"


class Annotation(NamedTuple):
    """An annotation to write, its applicability, whether mypy suggested it, the imports
    it needs under ``if TYPE_CHECKING:``, and the runtime imports of heavy modules it uses
    (repeated there if QF001's fix defers them: see :class:`~qemlflow_lint.fix.
    type_imports.Spelled`)."""

    text: str
    applicability: str
    inferred: bool = False
    imports: tuple[str, ...] = ()
    heavy: tuple[str, ...] = ()


#: An annotation to write, or why there is none.
Decision = Union[Annotation, str]


def _decorators_are_inert(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", None)
        if name not in INERT_DECORATORS:
            return False
    return True


def _is_protocol(node: ast.ClassDef) -> bool:
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        if (target.id if isinstance(target, ast.Name) else getattr(target, "attr", None)) == "Protocol":
            return True
    return False


def _has_type_comment(site: DefSite, lines: Sequence[str]) -> bool:
    """True when a signature type comment (``# type: (int) -> str``) types the def."""
    last = site.node.body[0].lineno - 1
    return any(
        _TYPE_COMMENT.search(line) for line in lines[site.node.lineno - 1 : max(last, site.node.lineno)]
    )


class _Context(NamedTuple):
    """What every decision in one file needs."""

    names: ModuleNames
    oldest: tuple[int, int]
    types: TypeNames
    #: The module-level classes by name (a name defined twice is not there).
    classes: Mapping[str, ast.ClassDef]
    #: The kind of each module-level constant assigned a literal once (``URL = "…"``).
    constants: Mapping[str, str]
    #: The builtin names the module rebinds (all of them after a star import).
    shadowed: frozenset[str]
    #: The module-level defs, as a call passes them arguments.
    callees: Mapping[str, Callee]


def _classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    found = [s for s in tree.body if isinstance(s, ast.ClassDef)]
    twice = {name for name, count in Counter(c.name for c in found).items() if count > 1}
    return {c.name: c for c in found if c.name not in twice}


def _constants(tree: ast.Module) -> dict[str, str]:
    assigned: Counter[str] = Counter()
    kinds: dict[str, str] = {}
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Name):
                assigned[target.id] += 1
                kind = literal_type(getattr(statement, "value", None))
                if kind is not None and len(targets) == 1:
                    kinds[target.id] = kind
    return {name: kind for name, kind in kinds.items() if assigned[name] == 1}


def _spelled(union: TypeUnion, site: DefSite, context: _Context) -> Decision:
    """A documented union as the def's module writes it (an unsafe annotation), or why not."""
    spellings: dict[str, str] = {}
    imports: list[str] = []
    heavy: list[str] = []
    added: dict[str, int] = {}
    quote = False
    for qualified in sorted(names_in(union)):
        found = context.types.spelled(qualified)
        if found is None:
            return unnamed(qualified)
        spellings[qualified] = found.text
        quote = quote or found.type_only
        if found.heavy:
            heavy.append(found.heavy)
        if found.added:
            imports.append(found.added)
            # Bound by the import to add: as if before every def (the annotation is quoted).
            added[found.text.split(".")[0]] = 0
    text = union_annotation(union, spellings.__getitem__)
    names = context.names
    if added:
        names = ModuleNames({**names.bound, **added}, names.postponed)
    result = spelling(text, site, names, context.oldest)
    if not result.text:
        return CLASS_REBINDS if result.problem == NOT_IMPORTED else result.problem
    written = result.text
    if quote and not names.postponed and not written.startswith('"'):
        written = f'"{written}"'
    return Annotation(
        written, UNSAFE, imports=tuple(dict.fromkeys(imports)), heavy=tuple(dict.fromkeys(heavy))
    )


def _declared_abstract(site: DefSite) -> bool:
    return "abstractmethod" in decorator_names(site.node) or (
        site.in_class and _is_protocol(site.classes[-1])
    )


def _self_name(site: DefSite) -> str | None:
    """The instance parameter of a method (not a static or class method), if any."""
    node = site.node
    positional = [*node.args.posonlyargs, *node.args.args]
    if not site.in_class or not positional or decorator_names(node) & {"staticmethod", "classmethod"}:
        return None
    return positional[0].arg


def _static(site: DefSite, item: str, context: _Context, defaults: Mapping[str, ast.expr]) -> Decision:
    """The decision the code alone makes for one missing annotation."""
    node = site.node
    if item == RETURN:
        found = return_type(node, _declared_abstract(site), context.shadowed, _self_name(site))
        if decorator_names(node) & _GETTERS and found.reason in (STUB, ABSTRACT):
            return ABSTRACT_PROPERTY  # ``-> None`` would make its overrides return None
        if not found.annotation:
            return found.reason
        if found.annotation == SELF:
            module = "typing" if context.oldest >= (3, 11) else "typing_extensions"
            written = _spelled((Ref(f"{module}.Self"),), site, context)
            if not isinstance(written, Annotation):
                return written
            return written._replace(applicability=found.applicability)
        if (
            found.annotation == "None"
            and node.name not in RETURNS_NOTHING
            and family_returns_values(site, context.classes)
        ):
            return OVERRIDES_RETURN
        edit = Annotation(found.annotation, found.applicability)
    else:
        default = defaults.get(item)
        scalar = literal_type(default)
        if scalar is None:
            return NO_LITERAL_DEFAULT
        if scalar not in _DEFAULT_TYPES:
            return NUMBER_DEFAULT
        edit = Annotation(scalar, UNSAFE)
    if edit.text != "None":
        spelled = spelling(edit.text, site, context.names, context.oldest)
        if not spelled.text:
            return spelled.problem
        edit = edit._replace(text=spelled.text)
    return edit


def _documented_param(
    site: DefSite,
    item: str,
    context: _Context,
    defaults: Mapping[str, ast.expr],
    doc: Documented,
    unchecked: frozenset[str],
) -> Decision | None:
    """The parameter's documented type (``None``: the docstring types it not);
    ``unchecked``: the parameters that may be ``None`` and that the body uses before a
    check excludes it."""
    found = doc.params.get(item)
    if found is None:
        return None
    if not found.union:
        return unknown_words(found.words)
    union = found.union
    names = {ref.name for ref in union}
    if (item.startswith("**") and "dict" in names) or (
        item[:1] == "*" and item[:2] != "**" and names & {"tuple", "list"}
    ):
        return STAR_COLLECTION
    if _several(union) and _computes_with(site.node, item.lstrip("*")):
        return ONE_OF_A_UNION
    default = defaults.get(item)
    if default is not None:
        kind = value_kind(default, context.constants)
        if kind == "None":
            union = union if NONE in union else (*union, NONE)
        elif kind is None:
            return UNCHECKED_DEFAULT
        elif not fits(default, Ref("|", union), context.constants):
            return f"the default is a {kind}, documented as `{' '.join(found.words.split())[:40]}`"
    rebound = _rebinds_to_another_type(site.node, item.lstrip("*"), union, context)
    if rebound:
        return rebound
    if NONE in union and item in unchecked:
        return NONE_UNCHECKED
    misuse = None if item.startswith("*") else unsupported_use(site.node, item, union)
    if misuse:
        return f"the body {misuse}, documented as `{' '.join(found.words.split())[:40]}`"
    return _spelled(union, site, context)


def _may_be_none(missing: Sequence[str], defaults: Mapping[str, ast.expr], doc: Documented) -> list[str]:
    """The parameters whose annotation from the docstring would admit ``None``."""
    names = []
    for item in missing:
        default = defaults.get(item)
        documented_none = item in doc.params and NONE in doc.params[item].union
        if item != RETURN and not item.startswith("*") and (documented_none or _is_none(default)):
            names.append(item)
    return names


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _returns_no_none(node: AnyDef, doc: Documented) -> bool:
    """True when the def's return annotation, written or to be written from the docstring,
    does not admit ``None``: then ``return x`` needs ``None`` excluded."""
    if node.returns is not None:
        text = ast.unparse(node.returns)
        return not any(word in text for word in ("None", "Optional", "Any", "object"))
    return bool(doc.returns) and all(found.union and NONE not in found.union for found in doc.returns)


@functools.lru_cache(maxsize=64)
def _assigned(node: AnyDef) -> dict[str, list[ast.expr]]:
    """The values the body assigns to each plain name (``x = …``, ``x: T = …``, ``x += …``),
    nested scopes included, in the body's order (kept for the def: asked once per parameter)."""
    found: dict[str, list[ast.expr]] = {}
    for statement in body_nodes(node):
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        for name in dict.fromkeys(t.id for t in targets if isinstance(t, ast.Name)):
            found.setdefault(name, []).append(value)
    return found


def _rebinds_to_another_type(node: AnyDef, name: str, union: TypeUnion, context: _Context) -> str | None:
    """Why the body's assignment of a value to the parameter ``name`` would be reported by
    a type checker: the value's code shows it is not of the union (``latitude =
    str(latitude)``), or it comes from another module's call the fix cannot check
    (``period = datetime.timedelta(days=period)`` documented as ``int``); else ``None``."""
    for value in _assigned(node).get(name, ()):
        kind = certain_type(value, node, context.shadowed) or value_kind(value, context.constants)
        if kind is not None and kind != SELF and not accepts(union, kind):
            return REBOUND_TO_ANOTHER_TYPE
        if kind is None and _unchecked_call(value, name, union):
            return REBOUND_TO_A_CALL
    return None


#: The builtin scalars: a value another library's function returns is rarely one of them.
_SCALARS = frozenset({"bool", "int", "float", "complex", "str", "bytes", "None"})


def _unchecked_call(value: ast.expr, name: str, union: TypeUnion) -> bool:
    """True when ``value`` is a call of another module's function or class
    (``datetime.timedelta(days=x)``, ``np.asarray(x)``) and the documented type is a
    builtin scalar: such a call returns a type of its own (``math``'s functions excepted,
    for floats), which a type checker holds against the annotation."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)):
        return False
    if not {ref.name for ref in union} <= _SCALARS:
        return False
    base = value.func.value
    if isinstance(base, ast.Name) and base.id == "math" and accepts(union, "float"):
        return False
    if isinstance(base, ast.Name) and base.id == name and "str" in {r.name for r in union}:
        return value.func.attr not in STR_METHODS
    return True


#: Type-checkers see these as unions of many types (``ArrayLike`` admits str and lists).
_UNIONS = frozenset({"numpy.typing.ArrayLike"})
#: The nodes that use an operand as one type: mypy checks each member of a union there.
_COMPUTING = (ast.BinOp, ast.UnaryOp, ast.AugAssign, ast.Attribute, ast.Subscript)
_ORDERINGS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


#: Numbers: mypy holds ``int | float`` to what both support, which is the same.
_NUMBERS = frozenset({"bool", "int", "float", "complex"})


def _several(union: TypeUnion) -> bool:
    """True for a union of more than one type besides ``None`` (numbers count as one), or
    a type that is one."""
    members = [ref for ref in union if ref != NONE]
    if any(ref.name in _UNIONS for ref in members):
        return True
    return (
        len([ref for ref in members if ref.name not in _NUMBERS]) + any(r.name in _NUMBERS for r in members)
        > 1
    )


def _computes_with(node: AnyDef, name: str) -> bool:
    """True when the def's body computes with the parameter ``name`` or a local alias of
    it (an operand, an ordering, an attribute read, an index) rather than only passing it
    on: there a type checker holds
    every member of the parameter's union to the operation, and the docstring's union
    (``float or Series``, ``array_like``) makes it report the body."""
    names = {name, *_aliases(node, name)}
    for parent in body_nodes(node):
        operands: list[ast.expr | None]
        if isinstance(parent, ast.Compare):
            sides = [parent.left, *parent.comparators]
            orderings = [i for i, op in enumerate(parent.ops) if isinstance(op, _ORDERINGS)]
            operands = [side for i in orderings for side in sides[i : i + 2]]
        elif isinstance(parent, _COMPUTING):
            operands = [
                getattr(parent, field, None) for field in ("left", "right", "operand", "target", "value")
            ]
        else:
            continue
        if any(isinstance(operand, ast.Name) and operand.id in names for operand in operands):
            return True
    return False


def _aliases(node: AnyDef, name: str) -> set[str]:
    """The local names bound once, to the parameter itself (``coeff = coefficients``)."""
    every = body_nodes(node)
    stores = Counter(n.id for n in every if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return {
        statement.targets[0].id
        for statement in every
        if isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.Name)
        and statement.value.id == name
        and stores[statement.targets[0].id] == 1
    }


def _documented_return(site: DefSite, context: _Context, doc: Documented) -> Decision | None:
    """The documented return type as an unsafe annotation, why it is left, or ``None`` when
    the docstring does not type it."""
    if not doc.returns:
        return None
    result = documented_return(site.node, doc.returns, _declared_abstract(site))
    if isinstance(result, str):
        return result
    # "float or Series" (matching the input) is what a caller gets, not what it may use.
    return SEVERAL_RETURN_TYPES if _several(result) else _spelled(result, site, context)


def _not_understood(decision: Decision | None) -> bool:
    """True when a documented type is left because the fix cannot read the words."""
    return isinstance(decision, str) and (decision == SEVERAL_RETURN_TYPES or decision.endswith(NOT_MAPPED))


def _certain(site: DefSite, item: str, static: Decision) -> bool:
    """True for what the code makes certain and no docstring may widen: ``-> None`` on a
    body that returns nothing, a dunder's conventional type."""
    if not (isinstance(static, Annotation) and static.applicability == SAFE):
        return False
    return item != RETURN or static.text == "None" or site.node.name in CONVENTIONAL_RETURNS


def _decisions(
    site: DefSite,
    missing: Sequence[str],
    context: _Context,
    inferred: Mapping[str, str],
    refused: str,
    doc: Documented,
) -> dict[str, Decision]:
    """Each missing annotation's edit, or why there is none: what the code makes certain
    first, then the docstring, then mypy's suggestion (``inferred``, by item, or why it was
    ``refused``), then the rest of the code."""
    defaults = parameter_defaults(site.node)
    may_be_none = _may_be_none(missing, defaults, doc)
    unchecked = (
        unchecked_none(site.node, may_be_none, context.callees, _returns_no_none(site.node, doc))
        if may_be_none
        else frozenset()
    )
    chosen: dict[str, Decision] = {}
    for item in missing:
        static = _static(site, item, context, defaults)
        documented_type: Decision | None = None
        if not _certain(site, item, static):
            documented_type = (
                _documented_return(site, context, doc)
                if item == RETURN
                else _documented_param(site, item, context, defaults, doc, unchecked)
            )
        if item == RETURN and _not_understood(documented_type) and isinstance(static, Annotation):
            documented_type = None  # the code is certain where the docstring's words are not understood
        decision: Decision = static
        if documented_type is not None:
            decision = documented_type
        elif not (isinstance(static, Annotation) and static.applicability == SAFE):
            if item in inferred:
                spelled = spelling(inferred[item], site, context.names, context.oldest)
                if spelled.text:
                    decision = Annotation(spelled.text, UNSAFE, inferred=True)
                elif not isinstance(static, Annotation):
                    decision = spelled.problem
            elif refused and not isinstance(static, Annotation):
                decision = refused
        if isinstance(decision, Annotation) and not _decorators_are_inert(site.node):
            decision = decision._replace(applicability=UNSAFE)
        chosen[item] = decision
    return chosen


def _what(edits: Mapping[str, Annotation], wrap: bool) -> str:
    parts = []
    if RETURN in edits:
        parts.append(f"added -> {edits[RETURN].text}")
    parameters = [(name, edit) for name, edit in edits.items() if name != RETURN]
    if len(parameters) == 1:
        parts.append(f"annotated {parameters[0][0]}: {parameters[0][1].text}")
    elif parameters:
        parts.append(f"annotated {len(parameters)} parameters")
    inferred = " (mypy's suggestion)" if any(edit.inferred for edit in edits.values()) else ""
    wrapped_note = " (signature wrapped)" if wrap else ""
    return "; ".join(parts) + inferred + wrapped_note


def _outcome(
    finding: Finding, chosen: Mapping[str, Decision], written: Mapping[str, Annotation], wrap: bool
) -> tuple[Applied | None, Left | None]:
    """The :class:`Applied` and :class:`Left` of one finding, ``written`` the edits made."""
    rest = [chosen[item] for item in sorted(chosen, key=lambda i: i != RETURN) if item not in written]
    applied = None
    if written:
        risky = any(edit.applicability == UNSAFE for edit in written.values())
        applied = Applied(finding, UNSAFE if risky else SAFE, _what(written, wrap), complete=not rest)
    left = None
    if rest:
        reasons = [d for d in rest if isinstance(d, str)]
        left = Left(finding, reasons[0] if reasons else NEEDS_UNSAFE)
    return applied, left


def _annotate(annotations: Mapping[str, str], wrap: bool) -> CstEdit:
    def edit(node: cst.FunctionDef) -> cst.FunctionDef:
        result = annotated(node, annotations)
        return wrapped(result) if wrap else result

    return SignatureEdit(edit)


def _add_imports(lines: Sequence[str], heavy: Sequence[str]) -> CstEdit:
    """The module edit: the imports the annotations need under ``if TYPE_CHECKING:``, and
    there too the ``heavy`` imports they use that QF001's fix (whose module edit ran
    before this one) took out of the module's top-level lines."""

    def edit(node: cst.CSTNode) -> cst.CSTNode:
        if not isinstance(node, cst.Module):
            return node
        bound = runtime_names(node)
        gone = [line for line in heavy if _bound_name(line) not in bound]
        wanted = list(dict.fromkeys([*lines, *gone]))
        return type_checking_imports(node, wanted) if wanted else node

    return TopLevelEdit(edit)


def _bound_name(line: str) -> str:
    """The name an ``import x as y`` or ``from x import y`` line binds."""
    statement = ast.parse(line).body[0]
    alias = cast("ast.Import | ast.ImportFrom", statement).names[0]
    return alias.asname or alias.name.split(".")[0]


def _parameter_lines(node: AnyDef) -> dict[str, int]:
    """The line each parameter's name is on, by its name (without stars)."""
    arguments = node.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return {argument.arg: argument.lineno for argument in every}


class _Lines:
    """Measures signatures against the line length; libcst parses the module only when a
    rough bound says a line may not fit."""

    def __init__(self, source: FixSource, limit: int) -> None:
        self.source = source
        self.limit = limit
        self.lines = source.text.splitlines()
        self._defs: dict[tuple[int, int], cst.FunctionDef] | None = None

    def _cst_defs(self) -> dict[tuple[int, int], cst.FunctionDef]:
        if self._defs is None:
            module = cst.parse_module(self.source.text)
            positions = statement_positions(module, self.source.tree, self.source.text)
            self._defs = {
                (where.start.line, where.start.column): node
                for node, where in positions.items()
                if isinstance(node, cst.FunctionDef)
            }
        return self._defs

    def _indent(self, node: ast.stmt) -> tuple[str, int]:
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        column = len(line.encode("utf-8")[: getattr(node, "col_offset", 0)].decode("utf-8", "replace"))
        return line[:column], column

    def _may_overflow(self, site: DefSite, texts: Mapping[str, str]) -> bool:
        """False when every line of the signature surely fits once annotated: each
        parameter's annotation (``: T``, and the spaces around a default's ``=``) lands on
        the parameter's line, the return's (`` -> T``) on a line from the last parameter's
        to the one before the body (each counted as if it took it)."""
        node = site.node
        last = max(node.lineno, node.body[0].lineno - 1)
        added: dict[int, int] = {}
        lines_of = _parameter_lines(node)
        for item, text in texts.items():
            if item == RETURN:
                continue
            line = lines_of.get(item.lstrip("*"))
            if line is None:
                return True
            added[line] = added.get(line, 0) + len(text) + 4
        first_return = max(lines_of.values(), default=node.lineno)
        returns = len(texts[RETURN]) + 4 if RETURN in texts else 0
        for number in range(node.lineno, last + 1):
            text = self.lines[number - 1] if number <= len(self.lines) else ""
            extra = added.get(number, 0) + (returns if number >= first_return else 0)
            if extra and len(text) + extra > self.limit:
                return True
        return False

    def _cst_def(self, node: AnyDef, indent: str, column: int) -> tuple[cst.FunctionDef | None, list[str]]:
        """The def as libcst sees it, from its header alone when it can be (a ``pass`` for its
        body, its indentation taken off): parsing the whole module for a signature costs
        far more. With it, the header's lines as libcst writes them: the module's own, when
        they were parsed alone (libcst writes back what it read)."""
        header_end = node.body[0].lineno - 1
        if header_end >= node.lineno and header_end <= len(self.lines):
            rows = self.lines[node.lineno - 1 : header_end]
            text = "".join(
                row[len(indent) :] if row.startswith(indent) else row for row in (r + "\n" for r in rows)
            )
            try:
                parsed = parse_header(text)
            except cst.ParserSyntaxError:
                parsed = []
            if len(parsed) == 1 and isinstance(parsed[0], cst.FunctionDef):
                # Comments and blank lines before the body are the body's, not the header's.
                while rows and (not rows[-1].strip() or rows[-1].lstrip().startswith("#")):
                    rows = rows[:-1]
                return parsed[0], rows
        found = self._cst_defs().get((node.lineno, column))
        return found, header_lines(found, indent) if found is not None else []

    def fit(self, site: DefSite, texts: dict[str, str]) -> tuple[dict[str, str], bool]:
        """The annotations that fit on the def's lines, and whether the signature must be
        wrapped for them to fit; what is left out does not fit even wrapped."""
        if not texts or not self._may_overflow(site, texts):
            return texts, False
        indent, column = self._indent(site.node)
        node, original = self._cst_def(site.node, indent, column)
        if node is None:
            return {}, False
        known = set(original)

        def overflowing(lines: Sequence[str]) -> list[str]:
            return [line for line in lines if len(line) > self.limit and line not in known]

        if not overflowing(header_lines(annotated(node, texts), indent)):
            return texts, False
        if len(original) > 1 and any("#" in line for line in original[:-1]):
            return {}, False  # comments inside the parentheses: wrapping would lose them
        kept = dict(texts)
        while kept:
            bad = overflowing(header_lines(wrapped(annotated(node, kept)), indent))
            if not bad:
                return kept, True
            culprits = {self._culprit(line, kept) for line in bad}
            if None in culprits:
                return {}, False
            for item in culprits:
                kept.pop(item or "", None)
        return {}, False

    @staticmethod
    def _culprit(line: str, texts: Mapping[str, str]) -> str | None:
        """The item whose annotation is on a line of a wrapped signature, if any."""
        stripped = line.strip()
        if stripped.startswith(")") and RETURN in texts:
            return RETURN
        for item, text in texts.items():
            if item != RETURN and stripped.startswith(f"{item}: {text}"):
                return item
        return None


def plan(source: FixSource, unsafe: bool) -> Plan:
    """The annotations to write on every reported def (the unsafe ones with ``unsafe``),
    and the findings left with the reason."""
    tree = source.tree
    sites = def_sites(tree)
    names = ModuleNames.of(tree)
    bindings = module_bindings(tree, module_name(source.path), source.is_package_init)
    shadowed = BUILTIN_NAMES if ANY_NAME in names.bound else BUILTIN_NAMES & set(names.bound)
    types = TypeNames(bindings, names)
    oldest = source.target_version or (3, 9)
    context = _Context(
        names, oldest, types, _classes(tree), _constants(tree), frozenset(shadowed), module_callees(tree)
    )
    lines = source.text.splitlines() if "type:" in source.text else []
    unions: dict[str, TypeUnion] = {}  # each docstring type's union, read once per module
    measure = _Lines(source, source.line_length) if source.line_length else None
    edits: dict[ast.AST, list[CstEdit]] = {}
    imports: list[str] = []
    heavy: list[str] = []
    applied: list[Applied] = []
    left: list[Left] = []
    for finding in source.findings:
        site = sites.get(finding.line)
        if site is None:
            left.append(Left(finding, NOT_FOUND))
            continue
        node = site.node
        if "overload" in decorator_names(node) or (lines and _has_type_comment(site, lines)):
            left.append(Left(finding, OVERLOAD_STUB if "overload" in decorator_names(node) else TYPE_COMMENT))
            continue
        missing = missing_annotations(node, site.in_class)
        suggestion = (source.inferred or {}).get(finding.unit.rsplit(":", 1)[0])
        inferred = dict(suggestion.params) if suggestion else {}
        if suggestion and suggestion.returns:
            inferred[RETURN] = suggestion.returns
        owner = site.classes[-1] if site.classes else None
        doc = documented(node, owner, context.types.resolve, unions) if _has_docs(node, owner) else NOTHING
        chosen = _decisions(site, missing, context, inferred, suggestion.refused if suggestion else "", doc)
        wanted = {
            item: d
            for item, d in chosen.items()
            if isinstance(d, Annotation) and (unsafe or d.applicability == SAFE)
        }
        if wanted and _untyped(node):
            empty = empty_collection(node)
            if empty:
                for item in wanted:
                    chosen[item] = untyped_empty(empty)
                wanted = {}
        wrap = False
        if measure is not None:
            fitting, wrap = measure.fit(site, {item: a.text for item, a in wanted.items()})
            for item in set(wanted) - set(fitting):
                chosen[item] = too_long(measure.limit)
                del wanted[item]
        done, rest = _outcome(finding, chosen, wanted, wrap)
        if wanted:
            edits[node] = [_annotate({item: choice.text for item, choice in wanted.items()}, wrap)]
            imports.extend(line for choice in wanted.values() for line in choice.imports)
            heavy.extend(line for choice in wanted.values() for line in choice.heavy)
        applied.extend([done] if done else [])
        left.extend([rest] if rest else [])
    # The heavy imports matter only if QF001's fix may move them: not when the project-wide
    # plan defers nothing in this module (then the module edit, a whole parse, is spared).
    choice = source.project.choice if source.project is not None else None
    if choice is not None and not choice.chosen:
        heavy = []
    if imports or heavy:
        edits[tree] = [_add_imports(list(dict.fromkeys(imports)), list(dict.fromkeys(heavy)))]
    return Plan(edits, tuple(applied), tuple(left))


def _has_docs(node: AnyDef, owner: ast.ClassDef | None) -> bool:
    """True when the def, or for ``__init__`` its class, has a docstring to read."""
    if ast.get_docstring(node, clean=False):
        return True
    return node.name == "__init__" and owner is not None and bool(ast.get_docstring(owner, clean=False))
