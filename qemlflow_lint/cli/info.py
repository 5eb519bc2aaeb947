"""Commands that describe rather than analyse: ``rules``, ``explain`` and ``config``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from qemlflow_lint.cli.common import add_config_options, check_paths_exist, resolver_from
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_USAGE
from qemlflow_lint.config.loading import settings_origins
from qemlflow_lint.report.rule_docs import UNREADABLE, explain_text, fix_availability, rule_table
from qemlflow_lint.rules.registry import all_rules, find_rule
from qemlflow_lint.run.api import config_probe


def configure_config(config: argparse.ArgumentParser) -> None:
    """The arguments of the ``config`` command."""
    config.add_argument(
        "path",
        nargs="?",
        default=".",
        metavar="PATH",
        help="the file or directory whose configuration to show (default: .)",
    )
    add_config_options(config)
    config.add_argument("--format", choices=("text", "json"), default="text")
    config.set_defaults(run=run_config)


def configure_rules(rules: argparse.ArgumentParser) -> None:
    """The arguments of the ``rules`` command."""
    rules.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default): code, symbol, pylint id and symbol, summary; json: the same and more, "
        "one object per rule; markdown: the README's table",
    )
    rules.set_defaults(run=run_rules)


def configure_explain(explain: argparse.ArgumentParser) -> None:
    """The arguments of the ``explain`` command."""
    explain.add_argument("rule", metavar="CODE", help="a rule code (QF001) or symbol")
    explain.set_defaults(run=run_explain)


def run_config(args: argparse.Namespace, out: TextIO) -> int:
    """Print the effective configuration of a path, with the origin of every value."""
    check_paths_exist([args.path])
    config = resolver_from(args).for_path(config_probe(args.path))
    if args.format == "json":
        payload = {
            "file": config.file,
            "values": {
                key: {"value": value, "from": origin} for key, value, origin in settings_origins(config)
            },
        }
        out.write(json.dumps(payload, indent=2) + "\n")
        return EXIT_CLEAN
    out.write(f"# configuration file: {config.file or 'none found (built-in defaults)'}\n")
    for key, value, origin in settings_origins(config):
        out.write(f"{key} = {json.dumps(value)}  # from {origin}\n")
    return EXIT_CLEAN


def _rule_rows() -> list[dict[str, Any]]:
    """QF000, then every rule: what ``rules`` lists. ``pylint_id`` and ``pylint_symbol`` are
    ``None`` where pylint has no message (QF000, which every front end reports its own way,
    and the project rules, which only the command line reports)."""
    rows: list[dict[str, Any]] = [
        {
            "code": UNREADABLE.code,
            "symbol": UNREADABLE.symbol,
            "pylint_id": None,
            "pylint_symbol": None,
            "category": UNREADABLE.category,
            "summary": UNREADABLE.summary,
            "fix": "—",
        }
    ]
    for rule in all_rules():
        rows.append(
            {
                "code": rule.code,
                "symbol": rule.symbol,
                "pylint_id": None if rule.project else rule.pylint_id,
                "pylint_symbol": None if rule.project else rule.pylint_symbol,
                "category": rule.category,
                "summary": rule.summary,
                "fix": fix_availability(rule),
            }
        )
    return rows


def run_rules(args: argparse.Namespace, out: TextIO) -> int:
    """List QF000 and every rule, as text, JSON or the README's Markdown table."""
    if args.format == "markdown":
        out.write(rule_table(all_rules()))
        return EXIT_CLEAN
    rows = _rule_rows()
    if args.format == "json":
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return EXIT_CLEAN
    # What --enable/--disable and `# pylint: disable=` take: the pylint id and its symbol.
    pylint = {row["code"]: _pylint_cell(row) for row in rows}
    symbol_width = max(len(row["symbol"]) for row in rows)
    pylint_width = max(len(cell) for cell in pylint.values())
    for row in rows:
        out.write(
            f"{row['code']}  {row['symbol']:<{symbol_width}}  {pylint[row['code']]:<{pylint_width}}  {row['summary']}\n"
        )
    return EXIT_CLEAN


def _pylint_cell(row: dict[str, Any]) -> str:
    if row["pylint_id"] is None:
        return "CLI-only" if row["code"] != UNREADABLE.code else "—"
    return f"{row['pylint_id']} {row['pylint_symbol']}"


def unreadable_text() -> str:
    """QF000's documentation, as ``explain`` prints a rule's."""
    header = [
        UNREADABLE.title,
        f"category: {UNREADABLE.category} · counts: files · pylint: none (each front end reports a file it cannot parse its own way)",
        "",
    ]
    return (
        "\n".join(
            [*header, UNREADABLE.documentation, "", "No automatic fix: only a person can repair the file."]
        )
        + "\n"
    )


def run_explain(args: argparse.Namespace, out: TextIO) -> int:
    """Print one rule's documentation (QF000's included)."""
    wanted = args.rule.strip()
    if wanted.upper() == UNREADABLE.code or wanted.lower() == UNREADABLE.symbol:
        out.write(unreadable_text())
        return EXIT_CLEAN
    rule = find_rule(wanted)
    if rule is None:
        known = ", ".join([UNREADABLE.code, *(r.code for r in all_rules())])
        print(f"qemlflow-lint: error: unknown rule {args.rule!r} (known: {known})", file=sys.stderr)
        return EXIT_USAGE
    out.write(explain_text(rule))
    return EXIT_CLEAN
