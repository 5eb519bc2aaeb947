"""Every node of a module's ``ast``, listed once per tree.

Planning a file's fixes asks many questions of the whole tree (which names are tested
against None, read in doctests or finalizers, bound with ``global`` …). Each used to walk
it again; walking costs more than reading a list, so the list is made once and shared.
"""

from __future__ import annotations

import ast
import functools


@functools.lru_cache(maxsize=8)
def every_node(tree: ast.AST) -> tuple[ast.AST, ...]:
    """Every node of ``tree``, in :func:`ast.walk`'s order (the tree must not change).

    Breadth first, as :func:`ast.walk`, but reading each node's fields directly: a list
    that grows while it is read needs no queue, and the walk takes about half the time."""
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
