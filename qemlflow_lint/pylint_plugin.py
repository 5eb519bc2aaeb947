"""The pylint plugin: ``pylint --load-plugins=qemlflow_lint.pylint_plugin``.

A raw-file checker: it reads the module's source from pylint (also for ``--from-stdin``),
runs the engine once and reports each finding with ``add_message``. Message ids use the
checker prefix 77 and every message text starts with its QF code. ``# noqa`` comments are
honoured here exactly as flake8 honours them, and so are other linters' equivalent codes
(``# noqa: E722`` for QF004; the ``noqa-equivalents`` setting), as in the command line and
the flake8 plugin; ``# pylint: disable=<symbol>`` is pylint's.

Configuration: ``[tool.qemlflow-lint]`` in the nearest ``pyproject.toml``, overridden for
pylint by the ``qf-…`` options (``[tool.pylint.qemlflow-lint]``, an rcfile, or the
command line). A configuration error is reported as the fatal message
``qemlflow-lint-config-error`` (F7700), which makes pylint exit non-zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pylint.checkers import BaseRawFileChecker

from qemlflow_lint.analysis.source import SourceError, decode
from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.config.loading import ConfigResolver, host_options, overrides_from
from qemlflow_lint.model.findings import UNREADABLE_CODE
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.run.file import analyse_source

if TYPE_CHECKING:
    from astroid import nodes
    from pylint.lint import PyLinter

#: What pylint calls (``register``) and the checker it registers: the supported names.
__all__ = ["QemlflowChecker", "register"]

CONFIG_ERROR_ID = "F7700"
CONFIG_ERROR_SYMBOL = "qemlflow-lint-config-error"


def _message_table() -> dict[str, tuple[str, str, str]]:
    table = {
        rule.pylint_id: ("%s", rule.pylint_symbol, f"{rule.code}: {rule.summary}.")
        for rule in all_rules()
        if not rule.project  # project rules need the whole project: CLI only
    }
    table[CONFIG_ERROR_ID] = (
        "%s",
        CONFIG_ERROR_SYMBOL,
        "The qemlflow-lint configuration cannot be used.",
    )
    return table


def _options() -> tuple[tuple[str, dict[str, Any]], ...]:
    """``qf-config`` and a ``qf-<key>`` option for every option the rules declare."""
    options: list[tuple[str, dict[str, Any]]] = [
        (
            "qf-config",
            {
                "type": "string",
                "default": "",
                "metavar": "<file>",
                "help": "Read [tool.qemlflow-lint] from this file instead of the nearest pyproject.toml.",
            },
        ),
    ]
    for option, codes in host_options().values():
        described = (
            f"{option.help[:1].upper()}{option.help[1:]} ({', '.join(codes)}; default {option.default_text})"
        )
        if option.kind == "positive-integer":
            spec: dict[str, Any] = {
                "type": "int",
                "default": 0,
                "metavar": "<int>",
                "help": f"{described}; 0 keeps the configured value.",
            }
        else:
            spec = {"type": "csv", "default": (), "metavar": "<values>", "help": f"{described}."}
        options.append((f"qf-{option.key}", spec))
    return tuple(options)


class QemlflowChecker(BaseRawFileChecker):
    """Reports qemlflow-lint findings as pylint messages."""

    name = "qemlflow-lint"
    msgs = _message_table()  # type: ignore[assignment]
    options = _options()

    def __init__(self, linter: PyLinter) -> None:
        self.msgs = _message_table()  # the registry's rules now, not when the module was imported
        super().__init__(linter)
        self.resolver = ConfigResolver()

    def open(self) -> None:
        """Build this run's configuration resolver from pylint's options."""
        config: Any = self.linter.config
        values: dict[str, object] = {}
        for key, (option, _) in host_options().items():
            value = getattr(config, f"qf_{option.attribute}", None)
            values[key] = list(value) if isinstance(value, (list, tuple)) else (value or None)
        config_file: str | None = getattr(config, "qf_config", "") or None
        self.resolver = ConfigResolver(config_file, [overrides_from(values, "pylint option")])

    def process_module(self, node: nodes.Module) -> None:
        """Analyse the module's source text as pylint read it."""
        with node.stream() as stream:
            text = decode(stream.read())
        if isinstance(text, SourceError):
            return  # pylint reports undecodable files itself
        path = node.file or "<stdin>"
        try:
            config = self.resolver.for_path(path)
        except ConfigError as error:
            self.add_message(
                CONFIG_ERROR_SYMBOL, line=1, args=(f"{UNREADABLE_CODE} configuration error: {error}",)
            )
            return
        if config.is_excluded(path):
            return
        result = analyse_source(text, path, config)
        symbols = {rule.code: rule.pylint_symbol for rule in all_rules()}
        for finding in result.findings:
            if finding.code == UNREADABLE_CODE:
                continue  # pylint reports syntax errors itself (E0001)
            self.add_message(
                symbols[finding.code], line=finding.line, col_offset=finding.col, args=(finding.text,)
            )


def register(linter: PyLinter) -> None:
    """Register the checker with pylint (called by ``--load-plugins``), once per linter.

    With ``--jobs`` above 1, pylint 3.0 to 4.0 hand each worker a copy of the linter that
    already holds this checker and then call ``register`` again on it: a second checker
    would report every finding twice. pylint 4.1 removes the copy first, so it gets one.
    """
    if not any(isinstance(checker, QemlflowChecker) for checker in linter.get_checkers()):
        linter.register_checker(QemlflowChecker(linter))
