"""The walks every pass shares: each finds what :func:`ast.walk` finds."""

from __future__ import annotations

import ast
import sys

import pytest

from qemlflow_lint.analysis.nodes import child_nodes, every_node, every_statement, walk_tree

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
