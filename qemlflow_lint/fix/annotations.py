"""QF002's fix: write the annotations a public def's code makes certain.

Each missing annotation is decided on its own, from the ``ast``:

* the return: see :mod:`~qemlflow_lint.fix.return_types` (``-> None``, a literal scalar
  type, a dunder's conventional type: safe; ``-> None`` on a stub or a body that only
  raises, and any return of an ``@abstractmethod`` or a ``Protocol`` method: unsafe);
* a parameter with a literal bool, int, float, str or bytes default gets that type
  (``flag=False`` becomes ``flag: bool = False``): unsafe, as callers may pass others;
* with ``fix --infer``, what mypy suggests (:mod:`~qemlflow_lint.fix.infer`): unsafe.

Decorators do not change the annotations of the def itself, so annotating a decorated def
is still correct; but a decorator may read them at run time (a web framework's route, a
CLI builder, ``singledispatch``'s ``register``, a runtime type checker), so on a def with
any decorator outside :data:`INERT_DECORATORS` every fix is unsafe. ``@overload`` stubs are
left (their types are not in their bodies), and so is a def with a type comment (its types
are written already). A property getter gets ``-> None`` only when its body is concrete
(it really returns nothing): an abstract-style getter is left, as its overrides return the
property's value. ``@overload`` implementations and ``@no_type_check`` defs are never
reported, so never touched.

The edits stay within the def's lines: ``-> None`` goes after the closing parenthesis,
on the line of the colon, and a parameter's annotation on the parameter's line.
A def that still misses annotations afterwards is both fixed (``complete=False``) and
left, with the reason for the rest, so the left findings are exactly those that remain.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple, Union

import libcst as cst

from qemlflow_lint.analysis.defs import decorator_names
from qemlflow_lint.fix.edit import Edit as CstEdit
from qemlflow_lint.fix.model import NEEDS_UNSAFE, SAFE, UNSAFE, Applied, FixSource, Left, Plan
from qemlflow_lint.fix.return_types import literal_type, return_type
from qemlflow_lint.fix.scopes import DefSite, ModuleNames, def_sites, spelling
from qemlflow_lint.fix.signatures import RETURN, annotated, parameter_defaults
from qemlflow_lint.model.findings import Finding
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
NO_LITERAL_DEFAULT = "parameters without a literal default"
NOT_FOUND = "the def was not found"

#: The decorators of a property's getter.
_GETTERS = frozenset({"property", "cached_property", "abstractproperty"})
_TYPE_COMMENT = re.compile(r"#\s*type:(?!\s*ignore\b)")


class Annotation(NamedTuple):
    """An annotation to write, its applicability, and whether mypy suggested it."""

    text: str
    applicability: str
    inferred: bool = False


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


def _static(site: DefSite, item: str, context: _Context, defaults: Mapping[str, ast.expr]) -> Decision:
    """The decision the code alone makes for one missing annotation."""
    node = site.node
    if item == RETURN:
        declared_abstract = "abstractmethod" in decorator_names(node) or (
            site.in_class and _is_protocol(site.classes[-1])
        )
        found = return_type(node, declared_abstract)
        if not found.annotation:
            return found.reason
        abstract_none = found.annotation == "None" and found.applicability == UNSAFE
        if abstract_none and decorator_names(node) & _GETTERS:
            return ABSTRACT_PROPERTY  # ``-> None`` would make its overrides return None
        edit = Annotation(found.annotation, found.applicability)
    else:
        scalar = literal_type(defaults.get(item))
        if scalar is None:
            return NO_LITERAL_DEFAULT
        edit = Annotation(scalar, UNSAFE)
    if edit.text != "None":
        spelled = spelling(edit.text, site, context.names, context.oldest)
        if not spelled.text:
            return spelled.problem
        edit = edit._replace(text=spelled.text)
    return edit if _decorators_are_inert(node) else edit._replace(applicability=UNSAFE)


def _decisions(
    site: DefSite, missing: Sequence[str], context: _Context, inferred: Mapping[str, str], refused: str
) -> dict[str, Decision]:
    """Each missing annotation's edit, or why there is none: a safe edit from the code
    first, then mypy's suggestion (``inferred``, by item, or why it was ``refused``),
    then an unsafe edit from the code."""
    defaults = parameter_defaults(site.node)
    chosen: dict[str, Decision] = {}
    for item in missing:
        static = _static(site, item, context, defaults)
        decision: Decision = static
        if not (isinstance(static, Annotation) and static.applicability == SAFE):
            if item in inferred:
                spelled = spelling(inferred[item], site, context.names, context.oldest)
                if spelled.text:
                    decision = Annotation(spelled.text, UNSAFE, inferred=True)
                elif not isinstance(static, Annotation):
                    decision = spelled.problem
            elif refused and not isinstance(static, Annotation):
                decision = refused
        chosen[item] = decision
    return chosen


def _what(edits: Mapping[str, Annotation]) -> str:
    parts = []
    if RETURN in edits:
        parts.append(f"added -> {edits[RETURN].text}")
    parameters = [(name, edit) for name, edit in edits.items() if name != RETURN]
    if len(parameters) == 1:
        parts.append(f"annotated {parameters[0][0]}: {parameters[0][1].text}")
    elif parameters:
        parts.append(f"annotated {len(parameters)} parameters")
    inferred = " (mypy's suggestion)" if any(edit.inferred for edit in edits.values()) else ""
    return "; ".join(parts) + inferred


def _outcome(
    finding: Finding, chosen: Mapping[str, Decision], unsafe: bool
) -> tuple[dict[str, Annotation], Applied | None, Left | None]:
    """The edits to make for one finding, and its :class:`Applied` and :class:`Left`."""
    edits = {
        item: d
        for item, d in chosen.items()
        if isinstance(d, Annotation) and (unsafe or d.applicability == SAFE)
    }
    rest = [chosen[item] for item in sorted(chosen, key=lambda i: i != RETURN) if item not in edits]
    applied = None
    if edits:
        risky = any(edit.applicability == UNSAFE for edit in edits.values())
        applied = Applied(finding, UNSAFE if risky else SAFE, _what(edits), complete=not rest)
    left = None
    if rest:
        reasons = [d for d in rest if isinstance(d, str)]
        left = Left(finding, reasons[0] if reasons else NEEDS_UNSAFE)
    return edits, applied, left


def _annotate(annotations: Mapping[str, str]) -> CstEdit:
    def edit(node: cst.CSTNode) -> cst.CSTNode:
        return annotated(node, annotations) if isinstance(node, cst.FunctionDef) else node

    return edit


def plan(source: FixSource, unsafe: bool) -> Plan:
    """The annotations to write on every reported def (the unsafe ones with ``unsafe``),
    and the findings left with the reason."""
    sites = def_sites(source.tree)
    context = _Context(ModuleNames.of(source.tree), source.target_version or (3, 9))
    lines = source.text.splitlines() if "type:" in source.text else []
    edits: dict[ast.AST, list[CstEdit]] = {}
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
        chosen = _decisions(site, missing, context, inferred, suggestion.refused if suggestion else "")
        written, done, rest = _outcome(finding, chosen, unsafe)
        if written:
            edits[node] = [_annotate({item: choice.text for item, choice in written.items()})]
        applied.extend([done] if done else [])
        left.extend([rest] if rest else [])
    return Plan(edits, tuple(applied), tuple(left))
