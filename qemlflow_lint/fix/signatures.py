"""A def's signature as QF002 names its parts: ``x``, ``*args``, ``**kwargs`` (without the
``self``/``cls`` of a method, unless it is a ``@staticmethod``) and ``return``; read from
the ``ast``, written into the libcst tree."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

import libcst as cst

from qemlflow_lint.analysis.defs import AnyDef, decorator_names

#: QF002's name of the return annotation.
RETURN = "return"


def _positional(node: AnyDef, in_class: bool) -> list[ast.arg]:
    positional = [*node.args.posonlyargs, *node.args.args]
    if in_class and positional and "staticmethod" not in decorator_names(node):
        return positional[1:]
    return positional


def parameter_names(node: AnyDef, in_class: bool) -> list[str]:
    """The parameters in order (positional, ``*args``, keyword-only, ``**kwargs``), as mypy
    lists their types in a suggestion."""
    arguments = node.args
    names = [a.arg for a in _positional(node, in_class)]
    if arguments.vararg is not None:
        names.append(f"*{arguments.vararg.arg}")
    names.extend(a.arg for a in arguments.kwonlyargs)
    if arguments.kwarg is not None:
        names.append(f"**{arguments.kwarg.arg}")
    return names


def parameter_defaults(node: AnyDef) -> dict[str, ast.expr]:
    """The default value of each parameter that has one, by name."""
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = dict(
        zip([a.arg for a in positional[len(positional) - len(arguments.defaults) :]], arguments.defaults)
    )
    defaults.update((a.arg, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None)
    return defaults


def _spaced(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """One space where there was none (``b=1`` becomes ``b: int = 1``); a line break stays."""
    if isinstance(whitespace, cst.SimpleWhitespace) and not whitespace.value:
        return cst.SimpleWhitespace(" ")
    return whitespace


def _annotated_param(param: cst.Param, annotation: str) -> cst.Param:
    equal = param.equal
    if isinstance(equal, cst.AssignEqual):
        equal = equal.with_changes(
            whitespace_before=_spaced(equal.whitespace_before),
            whitespace_after=_spaced(equal.whitespace_after),
        )
    return param.with_changes(annotation=cst.Annotation(cst.parse_expression(annotation)), equal=equal)


def annotated(node: cst.FunctionDef, annotations: Mapping[str, str]) -> cst.FunctionDef:
    """``node`` with the annotations written, by QF002's names of the items (``x``,
    ``*args``, ``**kwargs``, ``return``); nothing else changes."""
    parameters = node.params

    def each(params: Sequence[cst.Param], star: str = "") -> list[cst.Param]:
        return [
            _annotated_param(p, annotations[star + p.name.value]) if star + p.name.value in annotations else p
            for p in params
        ]

    changes: dict[str, object] = {
        "posonly_params": each(parameters.posonly_params),
        "params": each(parameters.params),
        "kwonly_params": each(parameters.kwonly_params),
    }
    if isinstance(parameters.star_arg, cst.Param):
        changes["star_arg"] = each([parameters.star_arg], "*")[0]
    if parameters.star_kwarg is not None:
        changes["star_kwarg"] = each([parameters.star_kwarg], "**")[0]
    result = node.with_changes(params=parameters.with_changes(**changes))
    if RETURN in annotations:
        result = result.with_changes(returns=cst.Annotation(cst.parse_expression(annotations[RETURN])))
    return result
