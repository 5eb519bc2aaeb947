"""QF004's fix: ``except:`` becomes ``except Exception:``.

Unsafe, as ruff rates it: the handler stops catching ``KeyboardInterrupt``, ``SystemExit``
and ``GeneratorExit``, which is the point, but a caller could notice.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from qemlflow_lint.analysis.nodes import every_node
from qemlflow_lint.fix.edit import Edit, LineEdit, Replacement
from qemlflow_lint.fix.model import NEEDS_UNSAFE, UNSAFE, Applied, FixSource, Left, Plan

CODE = "QF004"


def _catch_exception(node: cst.CSTNode) -> Replacement:
    handler = node if isinstance(node, cst.ExceptHandler) else None
    if handler is None or handler.type is not None:
        return node
    return handler.with_changes(type=cst.Name("Exception"), whitespace_after_except=cst.SimpleWhitespace(" "))


#: ``except:`` at the start of the text, as libcst writes it again (the spaces dropped).
_BARE = re.compile(r"except[ \t]*:")


def _catch_exception_in_line(line: str, column: int) -> str | None:
    """The line with its bare ``except:`` at ``column`` naming ``Exception``, as
    :func:`_catch_exception` writes it; ``None`` for another spelling (a continued line)."""
    bare = _BARE.match(line, column)
    return None if bare is None else f"{line[:column]}except Exception:{line[bare.end() :]}"


def plan(source: FixSource, unsafe: bool) -> Plan:
    """Name ``Exception`` in every reported bare ``except:`` (with ``unsafe``)."""
    if not unsafe:
        return Plan({}, left=tuple(Left(finding, NEEDS_UNSAFE) for finding in source.findings))
    handlers = {
        (node.lineno, node.col_offset): node
        for node in every_node(source.tree)
        if isinstance(node, ast.ExceptHandler) and node.type is None
    }
    edits: dict[ast.AST, list[Edit]] = {}
    applied = []
    left = []
    for finding in source.findings:
        handler = handlers.get((finding.line, finding.col))
        if handler is None:
            left.append(Left(finding, "the handler was not found"))
            continue
        edits[handler] = [LineEdit(_catch_exception_in_line, _catch_exception)]
        applied.append(Applied(finding, UNSAFE, "now catches Exception"))
    return Plan(edits, tuple(applied), tuple(left))
