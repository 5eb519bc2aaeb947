"""The ``qemlflow-lint`` command.

Exit codes: 0 nothing found (or the gate passed), 1 findings (QF000 included) or a failed
gate, 2 usage or configuration error, 3 internal error, 130 interrupted. Results go to
standard output; summaries and errors go to standard error. Each command lives in its own
module here and registers itself on the parser.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence, TextIO

from qemlflow_lint import __version__
from qemlflow_lint.cli import baseline, check, importtime, info, init, ruff_config, score
from qemlflow_lint.cli.common import (
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    UsageError,
)
from qemlflow_lint.cli.info import explain_text, rule_table
from qemlflow_lint.config.loading import ConfigError

__all__ = ["entry_point", "explain_text", "main", "rule_table"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="qemlflow-lint",
        description="Check Python code against the qemlflow philosophy rules (QF codes).",
    )
    parser.add_argument("--version", action="version", version=f"qemlflow-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for command in (check, score, baseline, importtime, info, init, ruff_config):
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace, TextIO], int] = args.run
    try:
        code = run(args, sys.stdout)
        sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        return code
    except (ConfigError, UsageError) as error:
        print(f"qemlflow-lint: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("qemlflow-lint: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, and keep Python from
        # complaining again when it flushes standard output at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS


def entry_point() -> None:
    """Console-script entry: exit with :func:`main`'s code, never a traceback."""
    try:
        code = main()
    except Exception as error:  # noqa: BLE001 - last line of defence for users
        print(
            f"qemlflow-lint: internal error: {type(error).__name__}: {error} "
            "(please report this with the command you ran)",
            file=sys.stderr,
        )
        code = EXIT_INTERNAL
    sys.exit(code)
