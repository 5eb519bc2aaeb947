"""Where a module uses a name: at run time, or only in annotations.

QF001 uses this to pick the fix that fits a heavy import: a name used only in
annotations belongs under ``if TYPE_CHECKING:``. It is computed only for files that
have a heavy import, because it walks every expression.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import NamedTuple

from qemlflow_lint.analysis.defs import every_parameter
from qemlflow_lint.analysis.nodes import every_node

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _annotation_roots(node: ast.AST) -> Iterator[ast.expr]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield from (a.annotation for a in every_parameter(node.args) if a.annotation is not None)
        if node.returns is not None:
            yield node.returns
    elif isinstance(node, ast.AnnAssign):
        yield node.annotation


def postpones_annotations(tree: ast.Module) -> bool:
    """True under ``from __future__ import annotations``: no annotation is evaluated."""
    return any(
        isinstance(statement, ast.ImportFrom)
        and statement.module == "__future__"
        and any(alias.name == "annotations" for alias in statement.names)
        for statement in tree.body
    )


class NameUsage(NamedTuple):
    """The names a module reads at run time and the names its annotations mention."""

    runtime: frozenset[str]
    annotations: frozenset[str]
    postponed_annotations: bool

    @classmethod
    def of(cls, tree: ast.Module) -> NameUsage:
        """Collect the usage of every name in ``tree``."""
        in_annotation: set[int] = set()
        annotation_names: set[str] = set()
        runtime_names: set[str] = set()
        nodes = every_node(tree)
        for node in nodes:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.AnnAssign)):
                continue
            for root in _annotation_roots(node):
                for part in ast.walk(root):
                    in_annotation.add(id(part))
                    if isinstance(part, ast.Name):
                        annotation_names.add(part.id)
                    elif isinstance(part, ast.Constant) and isinstance(part.value, str):
                        annotation_names.update(_IDENTIFIER.findall(part.value))
        for node in nodes:
            if (
                isinstance(node, ast.Name)
                and not isinstance(node.ctx, ast.Store)
                and id(node) not in in_annotation
            ):
                runtime_names.add(node.id)
        return cls(frozenset(runtime_names), frozenset(annotation_names), postpones_annotations(tree))

    def at_runtime(self, name: str) -> bool:
        """True when ``name`` is read outside annotations."""
        return name in self.runtime

    def in_annotations(self, name: str) -> bool:
        """True when an annotation mentions ``name``."""
        return name in self.annotations
