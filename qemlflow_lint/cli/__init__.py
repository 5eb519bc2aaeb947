"""The ``qemlflow-lint`` command: argparse and exit codes, nothing else.

Exit codes: 0 nothing found (or the gate passed), 1 findings (QF000 included) or a failed
gate, 2 usage or configuration error, 3 internal error, 130 interrupted. Results go to
standard output; summaries and errors go to standard error. Each command lives in its own
module here, which is imported only when that command runs: a one-file ``check`` does not
pay for ``importtime``, ``init`` or the score.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, Callable, NamedTuple, NoReturn, TextIO

from qemlflow_lint import __version__
from qemlflow_lint.cli.exits import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.model.printable import printable

__all__ = ["entry_point", "main"]


class Command(NamedTuple):
    """A command: the module and function that add its arguments, and its one-line help."""

    module: str
    configure: str
    help: str


#: Every command, in the order ``--help`` lists them.
COMMANDS: dict[str, Command] = {
    "check": Command("check", "configure", "report findings (flake8-style, or a CI format); exit 1 if any"),
    "score": Command("score", "configure", "the 0-100 compliance score, with per-rule breakdown and gates"),
    "report": Command(
        "report",
        "configure",
        "write the score, its ledger, trend and import time as one self-contained HTML file",
    ),
    "trend": Command(
        "trend",
        "configure",
        "the score over the git history (no checkout): a table, a sparkline and the drops explained",
    ),
    "baseline": Command(
        "baseline",
        "configure",
        "record today's findings, so that `check --baseline FILE` reports only new ones",
    ),
    "importtime": Command(
        "importtime",
        "configure_importtime",
        "measure a module's real import time and name the first-party lines that load heavy modules",
    ),
    "calibrate": Command(
        "importtime",
        "configure_calibrate",
        "time the installed packages and propose the slow ones as extend-heavy-modules",
    ),
    "graph": Command(
        "graph",
        "configure",
        "the first-party import graph at import time (DOT, Mermaid or JSON), heavy modules, "
        "QF101 chains and QF102 cycles marked",
    ),
    "config": Command(
        "info", "configure_config", "show the effective configuration and where each value came from"
    ),
    "rules": Command("info", "configure_rules", "list every rule"),
    "explain": Command("info", "configure_explain", "show one rule's documentation"),
    "fix": Command(
        "fix",
        "configure",
        "apply the automatic fixes (safe ones by default), proven before writing; say what was left and why",
    ),
    "init": Command(
        "init",
        "configure",
        "set a project up: [tool.qemlflow-lint], flake8 and pylint settings, pre-commit hooks, "
        "a tox lint environment and a GitHub Actions workflow; --typing adds the mypy ratchet",
    ),
    "server": Command(
        "server",
        "configure",
        "a language server over stdio: diagnostics, quick fixes, fix-all and rule docs on hover "
        "(needs qemlflow-lint[server])",
    ),
    "ruff-config": Command(
        "ruff_config",
        "configure",
        "print the closest ruff configuration (TOML for pyproject.toml), or what ruff can and cannot check",
    ),
}


def terminal_columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` tells it (``COLUMNS``, then
    standard output's terminal, else 80), without importing :mod:`shutil`, whose
    compression modules would cost every start of the command (argparse asks for a
    formatter each time it adds an argument)."""
    with contextlib.suppress(ValueError):
        columns = int(os.environ.get("COLUMNS", "0"))
        if columns > 0:
            return columns
    stream = sys.__stdout__
    if stream is not None:
        with contextlib.suppress(AttributeError, ValueError, OSError):
            return os.get_terminal_size(stream.fileno()).columns or 80
    return 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, as wide as the terminal (see :func:`terminal_columns`)."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, terminal_columns() - 2 if width is None else width
        )


class CommandParser(argparse.ArgumentParser):
    """A parser whose usage errors are one line that says where the usage is, instead of
    the whole usage followed by the error: a CI log shows the mistake, not a screenful."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE (see `PROG --help`)`` on standard error; exit 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {printable(message)} (see `{self.prog} --help`)\n")


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The argument parser. When ``argv`` names a command, only that command is added,
    with its arguments (its module is imported only then); otherwise every command is
    listed, for ``--help`` and for the error that names the choices."""
    parser = CommandParser(
        prog="qemlflow-lint",
        description="Check Python code against the qemlflow philosophy rules (QF codes).",
    )
    parser.add_argument("--version", action="version", version=f"qemlflow-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    chosen = next((argument for argument in argv if not argument.startswith("-")), None)
    for name, command in COMMANDS.items():
        if chosen in COMMANDS and name != chosen:
            continue
        subparser = commands.add_parser(name, help=command.help)
        if name == chosen:
            module = importlib.import_module(f"{__name__}.{command.module}")
            getattr(module, command.configure)(subparser)
    return parser


def main(argv: Sequence[str] | None = None, *, whole_process: bool = False) -> int:
    """Run the command line; returns the exit code. ``whole_process``: the run is the
    process's (the console script), which ends with it."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # The command's modules load here: objects that live as long as the run, which the
    # cyclic collector would only traverse again and again (about 2 ms of a one-file check).
    # (run.runner's paused_gc does the same, but importing it here would load the analysis
    # for `--version` and `--help`.)
    # In a process of its own, they are frozen then (the collector never looks at them
    # again), and so is what the command leaves at its end: the interpreter's collection at
    # exit would traverse every object of the run (some 20 ms after a `fix` of a few dozen
    # files), all freed with the process anyway.
    collecting = gc.isenabled()
    gc.disable()
    try:
        args = build_parser(arguments).parse_args(arguments)
    finally:
        if whole_process:
            gc.freeze()
        if collecting:
            gc.enable()
    run: Callable[[argparse.Namespace, TextIO], int] = args.run
    try:
        code = run(args, sys.stdout)
        sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        if whole_process:
            gc.freeze()
        return code
    except (ConfigError, UsageError) as error:
        # A path in the message may hold bytes that are not UTF-8: shown escaped, as in output.
        print(f"qemlflow-lint: error: {printable(str(error))}", file=sys.stderr)
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
        code = main(whole_process=True)
    except Exception as error:
        print(
            f"qemlflow-lint: internal error: {type(error).__name__}: {error} "
            "(please report this with the command you ran)",
            file=sys.stderr,
        )
        code = EXIT_INTERNAL
    sys.exit(code)
