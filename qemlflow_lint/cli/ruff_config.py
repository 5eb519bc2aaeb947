"""``qemlflow-lint ruff-config``: the closest ruff configuration, for teams that also run ruff
(which has no plugin interface), and what ruff can and cannot check of each QF rule."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from qemlflow_lint.cli.common import EXIT_CLEAN, add_config_options, config_probe, resolver_from


def register(commands: Any) -> None:
    """Add the ``ruff-config`` command."""
    parser = commands.add_parser(
        "ruff-config",
        help="print the closest ruff configuration (TOML for pyproject.toml), or what ruff can and cannot check",
    )
    parser.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="the file or folder whose configuration to translate (default: .)")
    add_config_options(parser)
    parser.add_argument("--format", choices=("toml", "table"), default="toml",
                        help="toml: [tool.ruff.lint] tables to paste into pyproject.toml (default); "
                             "table: each QF rule, its ruff rules and what differs (Markdown)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the ruff configuration (or the comparison table) for the path's configuration."""
    from qemlflow_lint.report.ruff import ruff_table, ruff_toml  # only this command needs it

    config = resolver_from(args).for_path(config_probe(args.path))
    out.write(ruff_table(config) if args.format == "table" else ruff_toml(config))
    return EXIT_CLEAN
