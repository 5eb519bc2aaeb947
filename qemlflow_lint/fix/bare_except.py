"""QF004's fix: ``except:`` becomes ``except Exception:``.

Unsafe, as ruff rates it: the handler stops catching ``KeyboardInterrupt``, ``SystemExit``
and ``GeneratorExit``, which is the point, but a caller could notice.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from qemlflow_lint.fix.model import NEEDS_UNSAFE, UNSAFE, Applied, FixerResult, FixSource, Left

CODE = "QF004"


class _CatchException(cst.CSTTransformer):
    """Names ``Exception`` in the bare handlers that start at the given positions."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, positions: set[tuple[int, int]]) -> None:
        super().__init__()
        self.positions = positions
        self.done: set[tuple[int, int]] = set()

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        """Add ``Exception`` to a handler that was reported."""
        start = self.get_metadata(PositionProvider, original_node).start
        where = (start.line, start.column)
        if original_node.type is not None or where not in self.positions:
            return updated_node
        self.done.add(where)
        return updated_node.with_changes(
            type=cst.Name("Exception"), whitespace_after_except=cst.SimpleWhitespace(" ")
        )


def fix(source: FixSource, module: cst.Module, unsafe: bool) -> FixerResult:
    """Name ``Exception`` in every reported bare ``except:`` (with ``unsafe``)."""
    if not unsafe:
        return FixerResult(module, left=tuple(Left(finding, NEEDS_UNSAFE) for finding in source.findings))
    transformer = _CatchException({(finding.line, finding.col) for finding in source.findings})
    fixed = MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer)
    applied = []
    left = []
    for finding in source.findings:
        if (finding.line, finding.col) in transformer.done:
            applied.append(Applied(finding, UNSAFE, "now catches Exception"))
        else:
            left.append(Left(finding, "the handler was not found"))
    return FixerResult(fixed, tuple(applied), tuple(left))
