"""Every node of a module's ``ast``, listed once per tree.

Planning a file's fixes asks many questions of the whole tree (which names are tested
against None, read in doctests or finalizers, bound with ``global`` …), and ``fix`` asks
them in several passes (the analysis, the callers' reads, QF001's plan, the fixers) of
the same kept tree. Each used to walk it again; walking costs more than reading a list,
so the list is made once per tree and kept as long as the tree lives.
"""

from __future__ import annotations

import ast
import weakref

#: The nodes below each tree asked about, for as long as the tree lives (the tree itself
#: is not among them: a value that held its key would keep it alive).
_below: weakref.WeakKeyDictionary[ast.AST, tuple[ast.AST, ...]] = weakref.WeakKeyDictionary()


def every_node(tree: ast.AST) -> tuple[ast.AST, ...]:
    """Every node of ``tree``, in :func:`ast.walk`'s order (the tree must not change).

    Breadth first, as :func:`ast.walk`, but reading each node's fields directly: a list
    that grows while it is read needs no queue, and the walk takes about half the time."""
    below = _below.get(tree)
    if below is None:
        below = _below[tree] = walk_tree(tree)[1:]
    return (tree, *below)


def walk_tree(tree: ast.AST) -> tuple[ast.AST, ...]:
    """Every node of ``tree``, in :func:`ast.walk`'s order, not kept (see :func:`every_node`)."""
    found: list[ast.AST] = [tree]
    append, extend = found.append, found.extend
    for node in found:
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                extend([item for item in value if isinstance(item, ast.AST)])
            elif isinstance(value, ast.AST):
                append(value)
    return tuple(found)


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """The direct children of ``node``, in :func:`ast.iter_child_nodes`' order: read from
    the node's fields in one loop, where that function nests two generators (most of the
    time of the walks that call it for every node)."""
    found: list[ast.AST] = []
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            found.extend([item for item in value if isinstance(item, ast.AST)])
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


#: The fields that hold statements, or the handlers and cases that do.
BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
#: The nodes that are not statements and hold some (``match`` cases from Python 3.10).
_HOLDERS: tuple[type[ast.AST], ...] = tuple(
    getattr(ast, name) for name in ("ExceptHandler", "match_case") if hasattr(ast, name)
)


def every_statement(tree: ast.AST) -> list[ast.stmt]:
    """Every statement below ``tree``, nested blocks, defs and classes included: the walk
    reads only the fields that hold statements, not the expressions (most of the nodes)."""
    found: list[ast.stmt] = []
    pending: list[ast.AST] = [tree]
    for node in pending:
        for field in BLOCK_FIELDS:
            value = getattr(node, field, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.stmt):
                        found.append(item)
                        pending.append(item)
                    elif isinstance(item, _HOLDERS):
                        pending.append(item)
    return found
