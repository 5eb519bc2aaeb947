"""The flake8 plugin (entry point ``QF``): ``flake8 --select QF``.

It takes flake8's own parsed ``tree`` and ``lines`` and never opens the file, so unsaved
editor buffers sent on stdin are checked as they are. ``# noqa`` is left to flake8, which
applies it for the reported code only: the plugin itself drops a finding whose line has a
``# noqa`` naming another linter's equivalent code (``# noqa: E722`` for QF004; the
``noqa-equivalents`` setting, unless flake8 runs with ``--disable-noqa``). Only the
standard library and this package are imported: editors load it on every keystroke.

Configuration: ``[tool.qemlflow-lint]`` in the nearest ``pyproject.toml``, overridden for
flake8 by the ``--qf-…`` options (also read from ``setup.cfg``, ``tox.ini``, ``.flake8``).
flake8's own ``select``/``ignore``/``per-file-ignores`` then filter what the plugin reports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from qemlflow_lint import __version__
from qemlflow_lint.analysis.engine import noqa_aliases
from qemlflow_lint.analysis.noqa import unsuppressed
from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.config.loading import ConfigResolver, host_options, overrides_from
from qemlflow_lint.model.findings import UNREADABLE_CODE
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.run.file import analyse_parsed

#: The plugin's entry point (flake8 loads it by this name): its only supported name.
__all__ = ["Flake8Plugin"]

Flake8Result = tuple[int, int, str, Any]


class Flake8Plugin:
    """flake8 AST plugin running every qemlflow-lint rule on one file."""

    name = "qemlflow-lint"
    version = __version__
    #: Set by :meth:`parse_options` once per flake8 run (flake8's plugin protocol).
    resolver: ClassVar[ConfigResolver] = ConfigResolver()
    #: flake8's ``--disable-noqa``: then no ``# noqa`` applies, other linters' codes included.
    disable_noqa: ClassVar[bool] = False

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        """Register the ``--qf-…`` options (all readable from flake8 config files)."""
        manager.add_option(
            "--qf-config",
            parse_from_config=True,
            default=None,
            metavar="FILE",
            help="qemlflow-lint: read [tool.qemlflow-lint] from FILE instead of the nearest pyproject.toml",
        )
        for option, codes in host_options().values():
            kind: dict[str, Any] = (
                {"type": int} if option.kind == "positive-integer" else {"comma_separated_list": True}
            )
            manager.add_option(
                f"--qf-{option.key}",
                parse_from_config=True,
                default=None,
                **kind,
                help=f"qemlflow-lint: {option.help} ({', '.join(codes)}; default {option.default_text})",
            )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Build this run's configuration resolver from flake8's options."""
        values = {
            key: getattr(options, f"qf_{option.attribute}", None)
            for key, (option, _) in host_options().items()
        }
        cls.resolver = ConfigResolver(
            getattr(options, "qf_config", None),
            [overrides_from(values, "flake8 option")],
        )
        cls.disable_noqa = bool(getattr(options, "disable_noqa", False))

    def run(self) -> Iterator[Flake8Result]:
        """Yield ``(line, column, "QFnnn message", type)`` for every finding."""
        if not isinstance(self.tree, ast.Module):
            return
        try:
            config = self.resolver.for_path(self.filename)
        except ConfigError as error:
            # flake8 shows this like any finding, in editors too, and exits non-zero.
            yield 1, 0, f"{UNREADABLE_CODE} configuration error: {error}", type(self)
            return
        if config.is_excluded(self.filename):
            return
        try:
            findings = analyse_parsed(self.tree, self.filename, self.lines, config)
        except RecursionError:  # flake8 reports code this deep itself; never crash its run
            return
        if findings and not self.disable_noqa:
            # flake8 applies ``# noqa`` for QF codes; other linters' codes are ours to apply.
            aliases = noqa_aliases(all_rules(), config)
            if aliases:
                findings = unsuppressed(findings, self.lines, self.tree, aliases, aliases_only=True)
        for finding in findings:
            yield finding.line, finding.col, finding.text, type(self)
