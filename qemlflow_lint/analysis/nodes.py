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
    """Every node of ``tree``, in :func:`ast.walk`'s order (the tree must not change)."""
    return tuple(ast.walk(tree))
