"""The walks every pass shares: each finds what :func:`ast.walk` finds, and skips only the
fields that never hold a node."""

from __future__ import annotations

import ast
import pathlib
import sys
import typing

import pytest

import qemlflow_lint
from qemlflow_lint.analysis.nodes import PLAIN_FIELDS, child_nodes, every_node, every_statement, walk_tree

BLOCKS = """\
global g
class K:
    global h
    def m(self):
        def inner():
            global i
        return lambda: (yield)
try:
    pass
except E:
    for x in y:
        pass
    else:
        while z:
            pass
        else:
            pass
finally:
    with w:
        if a:
            pass
        elif b:
            pass
async def f():
    async for q in r:
        pass
    async with s:
        pass
"""

MATCH = """\
match v:
    case 1:
        global j
    case _:
        pass
"""


@pytest.mark.parametrize(
    "source",
    [BLOCKS, pytest.param(MATCH, marks=pytest.mark.skipif(sys.version_info < (3, 10), reason="match"))],
)
def test_every_statement_is_every_statement_node_of_the_walk(source: str) -> None:
    tree = ast.parse(source)
    walked = [node for node in ast.walk(tree) if isinstance(node, ast.stmt)]
    assert sorted(map(id, every_statement(tree))) == sorted(map(id, walked))
    assert sum(isinstance(node, ast.Global) for node in every_statement(tree)) == source.count("global ")


def test_every_node_and_child_nodes_follow_the_walk_order() -> None:
    tree = ast.parse(BLOCKS)
    assert list(every_node(tree)) == list(ast.walk(tree))
    for node in ast.walk(tree):
        assert child_nodes(node) == list(ast.iter_child_nodes(node))
        assert list(walk_tree(node)) == list(ast.walk(node))


#: The node classes of Python versions newer than the oldest the package supports.
_NEWER = {
    "MatchAs",
    "MatchClass",
    "MatchMapping",
    "MatchSingleton",
    "MatchStar",
    "ParamSpec",
    "TypeVar",
    "TypeVarTuple",
}


def _holds_nodes(annotation: object) -> bool:
    """Whether a field's type (``ast.expr | None``, ``list[ast.stmt]`` …) admits a node."""
    arguments = typing.get_args(annotation)
    if arguments:
        return any(_holds_nodes(argument) for argument in arguments)
    return isinstance(annotation, type) and issubclass(annotation, ast.AST)


def test_the_fields_the_walks_skip_never_hold_a_node() -> None:
    for name, fields in PLAIN_FIELDS.items():
        kind = getattr(ast, name, None)
        if kind is None:
            assert name in _NEWER, name  # a misspelt class would skip nothing
            continue
        assert fields <= set(kind._fields), name
        types = getattr(kind, "_field_types", None)  # Python 3.13 and newer
        if types is not None:
            assert not [field for field in fields if _holds_nodes(types[field])], name


def test_the_walk_finds_what_ast_walk_finds_in_real_code() -> None:
    package = pathlib.Path(qemlflow_lint.__file__).parent
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert list(walk_tree(tree)) == list(ast.walk(tree)), path
