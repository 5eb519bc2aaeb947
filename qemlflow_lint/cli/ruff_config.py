"""``qemlflow-lint ruff-config``: the closest ruff configuration, for teams that also run ruff
(which has no plugin interface), and what ruff can and cannot check of each QF rule."""

from __future__ import annotations

import argparse
from typing import TextIO

from qemlflow_lint.cli.common import add_config_options, check_paths_exist, resolver_from
from qemlflow_lint.cli.exits import EXIT_CLEAN
from qemlflow_lint.report.ruff import ruff_table, ruff_toml
from qemlflow_lint.run.api import config_probe


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of the ``ruff-config`` command."""
    parser.add_argument(
        "path",
        nargs="?",
        default=".",
        metavar="PATH",
        help="the file or folder whose configuration to translate (default: .)",
    )
    add_config_options(parser)
    parser.add_argument(
        "--format",
        choices=("toml", "table"),
        default="toml",
        help="toml: [tool.ruff.lint] tables to paste into pyproject.toml (default); "
        "table: each QF rule, its ruff rules and what differs (Markdown)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the ruff configuration (or the comparison table) for the path's configuration."""
    check_paths_exist([args.path])
    config = resolver_from(args).for_path(config_probe(args.path))
    out.write(ruff_table(config) if args.format == "table" else ruff_toml(config))
    return EXIT_CLEAN
