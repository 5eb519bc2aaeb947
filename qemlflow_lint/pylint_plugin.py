"""The pylint plugin: ``pylint --load-plugins=qemlflow_lint.pylint_plugin``.

A raw-file checker: it reads the module's source from pylint (also for ``--from-stdin``),
runs the engine once and reports each finding with ``add_message``. Message ids use the
checker prefix 77 and every message text starts with its QF code. ``# noqa`` comments are
honoured here exactly as flake8 honours them; ``# pylint: disable=<symbol>`` is pylint's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylint.checkers import BaseRawFileChecker

from qemlflow_lint.config import Config
from qemlflow_lint.engine import analyse_source
from qemlflow_lint.findings import UNREADABLE_CODE
from qemlflow_lint.registry import all_rules
from qemlflow_lint.source import SourceError, decode

if TYPE_CHECKING:
    from astroid import nodes
    from pylint.lint import PyLinter


def _message_table() -> dict[str, tuple[str, str, str]]:
    return {
        rule.pylint_id: ("%s", rule.symbol, f"{rule.code}: {rule.summary}.")
        for rule in all_rules()
    }


class QemlflowChecker(BaseRawFileChecker):
    """Reports qemlflow-lint findings as pylint messages."""

    name = "qemlflow-lint"
    msgs = _message_table()  # type: ignore[assignment]

    def process_module(self, node: nodes.Module) -> None:
        """Analyse the module's source text as pylint read it."""
        with node.stream() as stream:
            text = decode(stream.read())
        if isinstance(text, SourceError):
            return  # pylint reports undecodable files itself
        path = node.file or "<stdin>"
        result = analyse_source(text, path, Config())
        symbols = {rule.code: rule.symbol for rule in all_rules()}
        for finding in result.findings:
            if finding.code == UNREADABLE_CODE:
                continue  # pylint reports syntax errors itself (E0001)
            self.add_message(
                symbols[finding.code], line=finding.line, col_offset=finding.col, args=(finding.text,)
            )


def register(linter: PyLinter) -> None:
    """Register the checker with pylint (called by ``--load-plugins``)."""
    linter.register_checker(QemlflowChecker(linter))
