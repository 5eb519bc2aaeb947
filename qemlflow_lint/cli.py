"""The ``qemlflow-lint`` command.

Exit codes: 0 nothing found, 1 findings (QF000 included), 2 usage or configuration
error, 3 internal error, 130 interrupted. Findings go to standard output, one per line;
summaries and errors go to standard error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from typing import Callable, Sequence, TextIO

from qemlflow_lint import __version__
from qemlflow_lint.config import KEYS, Config, ConfigError, ConfigResolver, describe, overrides_from
from qemlflow_lint.discovery import discover
from qemlflow_lint.engine import analyse_path, analyse_source
from qemlflow_lint.findings import FileResult
from qemlflow_lint.registry import all_rules, find_rule
from qemlflow_lint.rules.base import Rule
from qemlflow_lint.source import SourceError, decode

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    """Flags that override ``[tool.qemlflow-lint]`` for this run (comma-separated lists)."""
    group = parser.add_argument_group("configuration (overrides [tool.qemlflow-lint])")
    group.add_argument("--config", metavar="FILE",
                       help="read [tool.qemlflow-lint] from FILE instead of the nearest pyproject.toml")
    group.add_argument("--select", metavar="CODES", help="codes or prefixes to run (default: QF)")
    group.add_argument("--extend-select", metavar="CODES", help="codes or prefixes to add to select")
    group.add_argument("--ignore", metavar="CODES", help="codes or prefixes to skip")
    group.add_argument("--per-file-ignores", metavar="ENTRIES",
                       help="space-separated PATTERN:CODES entries, e.g. 'tests/*:QF002,QF003'")
    group.add_argument("--exclude", metavar="PATTERNS", help="replace the configured exclude patterns")
    group.add_argument("--extend-exclude", metavar="PATTERNS", help="add exclude patterns")
    group.add_argument("--heavy-modules", metavar="MODULES", help="replace the heavy-module list")
    group.add_argument("--extend-heavy-modules", metavar="MODULES", help="add to the heavy-module list")
    group.add_argument("--max-module-lines", metavar="N", help="the most lines a module may have")


def _resolver(args: argparse.Namespace) -> ConfigResolver:
    flags = {key: getattr(args, key.replace("-", "_"), None) for key in KEYS}
    return ConfigResolver(args.config, [overrides_from(flags, "command line")])


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qemlflow-lint",
        description="Check Python code against the qemlflow philosophy rules (QF codes).",
    )
    parser.add_argument("--version", action="version", version=f"qemlflow-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    check = commands.add_parser("check", help="report findings, flake8-style; exit 1 when any")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="files or directories (default: .); '-' reads standard input")
    _add_config_options(check)
    check.add_argument("--no-gitignore", action="store_true",
                       help="do not skip paths listed in .gitignore files")
    check.add_argument("--force-exclude", action="store_true",
                       help="apply the default excludes and .gitignore to files named on the command line too")
    check.add_argument("--stdin-filename", metavar="NAME", default="stdin",
                       help="the file name to report for '-' (decides module name and test-ness)")
    check.add_argument("--disable-noqa", action="store_true",
                       help="report findings even on lines with '# noqa'")
    check.set_defaults(run=_run_check)

    config = commands.add_parser("config", help="show the effective configuration and where each value came from")
    config.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="the file or directory whose configuration to show (default: .)")
    _add_config_options(config)
    config.add_argument("--format", choices=("text", "json"), default="text")
    config.set_defaults(run=_run_config)

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")
    rules.set_defaults(run=_run_rules)

    explain = commands.add_parser("explain", help="show one rule's documentation")
    explain.add_argument("rule", metavar="CODE", help="a rule code (QF001) or symbol")
    explain.set_defaults(run=_run_explain)
    return parser


def _analyse(args: argparse.Namespace, resolver: ConfigResolver) -> list[FileResult]:
    noqa = not args.disable_noqa
    results: list[FileResult] = []
    paths = [p for p in args.paths if p != "-"]
    for path in paths:  # a configuration mistake is an error even where no file is found
        resolver.for_path(os.path.join(path, "__init__.py") if os.path.isdir(path) else path)
    if len(paths) != len(args.paths):
        text = decode(sys.stdin.buffer.read())
        config = resolver.for_path(args.stdin_filename)
        if not config.is_excluded(args.stdin_filename):
            results.append(analyse_source(text, args.stdin_filename, config, noqa=noqa))
    if paths:

        def is_excluded(path: str, is_dir: bool) -> bool:
            probe = os.path.join(path, "__init__.py") if is_dir else path
            return resolver.for_path(probe).is_excluded(path, is_dir)

        found = discover(paths, is_excluded, use_gitignore=not args.no_gitignore,
                         force_exclude=args.force_exclude)
        results.extend(analyse_path(path, resolver.for_path(path), noqa=noqa) for path in found.files)
        results.extend(
            analyse_source(SourceError("no such file or directory"), missing, Config())
            for missing in found.missing
        )
        results.extend(
            analyse_source(SourceError(reason), path, Config()) for path, reason in found.unreadable
        )
    return results


def _run_check(args: argparse.Namespace, out: TextIO) -> int:
    results = _analyse(args, _resolver(args))
    total = 0
    for result in results:
        for finding in result.findings:
            out.write(f"{result.path}:{finding.line}:{finding.col + 1}: {finding.text}\n")
        total += len(result.findings)
    files = len(results)
    noun = "finding" if total == 1 else "findings"
    print(f"{total} {noun} in {files} file{'s' if files != 1 else ''}", file=sys.stderr)
    return EXIT_FINDINGS if total else EXIT_CLEAN


def _run_config(args: argparse.Namespace, out: TextIO) -> int:
    config = _resolver(args).for_path(os.path.join(args.path, "__init__.py") if os.path.isdir(args.path) else args.path)
    if args.format == "json":
        payload = {
            "file": config.file,
            "values": {key: {"value": value, "from": origin} for key, value, origin in describe(config)},
        }
        out.write(json.dumps(payload, indent=2) + "\n")
        return EXIT_CLEAN
    out.write(f"# configuration file: {config.file or 'none found (built-in defaults)'}\n")
    for key, value, origin in describe(config):
        out.write(f"{key} = {json.dumps(value)}  # from {origin}\n")
    return EXIT_CLEAN


def rule_table(rules: Sequence[type[Rule]]) -> str:
    """The Markdown rule table (also used for the README)."""
    rows = ["| code | symbol | pylint | unit | what it reports |", "|---|---|---|---|---|"]
    for r in rules:
        pylint = r.pylint_id if r.pylint_symbol == r.symbol else f"{r.pylint_id} `{r.pylint_symbol}`"
        rows.append(f"| {r.code} | `{r.symbol}` | {pylint} | {r.unit} | {r.summary} |")
    return "\n".join(rows) + "\n"


def _run_rules(args: argparse.Namespace, out: TextIO) -> int:
    rules = all_rules()
    if args.format == "markdown":
        out.write(rule_table(rules))
        return EXIT_CLEAN
    width = max(len(r.symbol) for r in rules)
    for rule in rules:
        out.write(f"{rule.code}  {rule.symbol:<{width}}  {rule.pylint_id}  {rule.summary}\n")
    return EXIT_CLEAN


def explain_text(rule: type[Rule]) -> str:
    """The full documentation of one rule, as ``explain`` prints it."""
    doc = textwrap.dedent("    " + (rule.__doc__ or "").strip())
    header = [
        f"{rule.code} {rule.symbol}",
        f"category: {rule.category} · counts: {rule.unit} · pylint: {rule.pylint_id} "
        f"({rule.pylint_symbol}) "
        f"· since {rule.version_added}",
        "",
    ]
    options = [f"  {o.key} ({o.kind}, default {o.default}): {o.help}" for o in rule.options]
    tail = ["", "Configuration keys:", *options] if options else []
    return "\n".join([*header, doc, *tail]) + "\n"


def _run_explain(args: argparse.Namespace, out: TextIO) -> int:
    rule = find_rule(args.rule)
    if rule is None:
        known = ", ".join(r.code for r in all_rules())
        print(f"qemlflow-lint: error: unknown rule {args.rule!r} (known: {known})", file=sys.stderr)
        return EXIT_USAGE
    out.write(explain_text(rule))
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace, TextIO], int] = args.run
    try:
        code = run(args, sys.stdout)
        sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        return code
    except ConfigError as error:
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
