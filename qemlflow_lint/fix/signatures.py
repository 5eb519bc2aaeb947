"""A def's signature as QF002 names its parts: ``x``, ``*args``, ``**kwargs`` (without the
``self``/``cls`` of a method, unless it is a ``@staticmethod``) and ``return``; read from
the ``ast``, written into the libcst tree."""

from __future__ import annotations

import ast
import functools
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


@functools.lru_cache(maxsize=1024)
def _annotation(text: str) -> cst.Annotation:
    """The annotation node of ``text``, parsed once: a module's signatures repeat the same
    few types, a signature may be written several times to fit it to the line length, and
    libcst's nodes never change, so one node serves every place."""
    return cst.Annotation(cst.parse_expression(text))


def _annotated_param(param: cst.Param, annotation: str) -> cst.Param:
    equal = param.equal
    if isinstance(equal, cst.AssignEqual):
        equal = equal.with_changes(
            whitespace_before=_spaced(equal.whitespace_before),
            whitespace_after=_spaced(equal.whitespace_after),
        )
    return param.with_changes(annotation=_annotation(annotation), equal=equal)


def annotated(node: cst.FunctionDef, annotations: Mapping[str, str]) -> cst.FunctionDef:
    """``node`` with the annotations written, by QF002's names of the items (``x``,
    ``*args``, ``**kwargs``, ``return``); nothing else changes."""
    return _annotated(node, tuple(sorted(annotations.items())))


# Cached, as the two below: fitting a signature to the line length and then writing it make
# the same node from the same header (:func:`parse_header` gives both the same node), and
# libcst's nodes never change.
@functools.lru_cache(maxsize=1024)
def _annotated(node: cst.FunctionDef, items: tuple[tuple[str, str], ...]) -> cst.FunctionDef:
    annotations = dict(items)
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
        result = result.with_changes(returns=_annotation(annotations[RETURN]))
    return result


def _line_break(indent: str) -> cst.ParenthesizedWhitespace:
    """A line break inside the parentheses, then ``indent`` past the def's own indentation."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=[],
        indent=True,
        last_line=cst.SimpleWhitespace(indent),
    )


@functools.lru_cache(maxsize=1024)
def wrapped(node: cst.FunctionDef) -> cst.FunctionDef:
    """``node``'s signature one parameter per line, each indented four spaces past the
    def and followed by a comma (the last too), and the closing parenthesis on a line of
    its own, as black writes a signature that does not fit on one line (the trailing comma
    keeps black and ``ruff format`` from joining it again)."""
    parameters = node.params
    items: list[cst.CSTNode] = [*parameters.posonly_params]
    if isinstance(parameters.posonly_ind, cst.ParamSlash):
        items.append(parameters.posonly_ind)
    items.extend(parameters.params)
    if isinstance(parameters.star_arg, (cst.Param, cst.ParamStar)):
        items.append(parameters.star_arg)
    items.extend(parameters.kwonly_params)
    if parameters.star_kwarg is not None:
        items.append(parameters.star_kwarg)
    if not items:
        return node
    rewritten: dict[int, cst.CSTNode] = {}
    for index, item in enumerate(items):
        after = _line_break("") if index == len(items) - 1 else _line_break("    ")
        comma = cst.Comma(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=after)
        changes: dict[str, object] = {"comma": comma}
        if isinstance(item, cst.Param):
            changes["whitespace_after_param"] = cst.SimpleWhitespace("")
        rewritten[id(item)] = item.with_changes(**changes)

    def new(item: cst.CSTNode) -> cst.CSTNode:
        return rewritten.get(id(item), item)

    fields: dict[str, object] = {
        "posonly_params": [new(p) for p in parameters.posonly_params],
        "params": [new(p) for p in parameters.params],
        "kwonly_params": [new(p) for p in parameters.kwonly_params],
    }
    if isinstance(parameters.posonly_ind, cst.ParamSlash):
        fields["posonly_ind"] = new(parameters.posonly_ind)
    if isinstance(parameters.star_arg, (cst.Param, cst.ParamStar)):
        fields["star_arg"] = new(parameters.star_arg)
    if parameters.star_kwarg is not None:
        fields["star_kwarg"] = new(parameters.star_kwarg)
    return node.with_changes(
        params=parameters.with_changes(**fields), whitespace_before_params=_line_break("    ")
    )


@functools.lru_cache(maxsize=1024)  # a large module's defs: fitted, then written
def parse_header(rows: str) -> Sequence[cst.BaseStatement]:
    """The statements libcst reads in a def's header lines (its indentation taken off) with
    ``pass`` for a body: one def when they are a whole header. Cached: deciding whether an
    annotation fits and writing it parse the same header; the nodes are only read. Raises
    :class:`libcst.ParserSyntaxError`."""
    return cst.parse_module(rows + " pass\n").body


def header_lines(node: cst.FunctionDef, indent: str) -> list[str]:
    """The lines of ``node``'s signature as the module has them (``indent``: the def's
    own indentation), from ``def`` to the colon and the comment after it; a one-line body
    (``def f(): pass``) is on the last of them. Decorators are not included."""
    return list(_header_lines(node, indent))


@functools.lru_cache(maxsize=1024)
def _header_lines(node: cst.FunctionDef, indent: str) -> tuple[str, ...]:
    body = node.body
    one_line = isinstance(body, cst.SimpleStatementSuite)
    if isinstance(body, cst.IndentedBlock):
        body = body.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])], footer=[])
    statement: cst.BaseCompoundStatement = node.with_changes(leading_lines=[], decorators=[], body=body)
    if indent:
        statement = cst.If(test=cst.Name("_"), body=cst.IndentedBlock(body=[statement], indent=indent))
    lines = cst.Module(body=[statement]).code.splitlines()
    if indent:
        lines = lines[1:]
    return tuple(lines if one_line else lines[:-1])
