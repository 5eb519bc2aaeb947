"""Commands that describe rather than analyse: ``rules``, ``explain`` and ``config``."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any, Sequence, TextIO

from qemlflow_lint.cli.common import EXIT_CLEAN, EXIT_USAGE, add_config_options, config_probe, resolver_from
from qemlflow_lint.config.loading import describe
from qemlflow_lint.rules.registry import all_rules, find_rule
from qemlflow_lint.rules.base import Rule


def register(commands: Any) -> None:
    """Add the ``config``, ``rules`` and ``explain`` commands."""
    config = commands.add_parser("config", help="show the effective configuration and where each value came from")
    config.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="the file or directory whose configuration to show (default: .)")
    add_config_options(config)
    config.add_argument("--format", choices=("text", "json"), default="text")
    config.set_defaults(run=run_config)

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")
    rules.set_defaults(run=run_rules)

    explain = commands.add_parser("explain", help="show one rule's documentation")
    explain.add_argument("rule", metavar="CODE", help="a rule code (QF001) or symbol")
    explain.set_defaults(run=run_explain)


def run_config(args: argparse.Namespace, out: TextIO) -> int:
    """Print the effective configuration of a path, with the origin of every value."""
    config = resolver_from(args).for_path(config_probe(args.path))
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
        if r.project:
            pylint = "CLI only"
        rows.append(f"| {r.code} | `{r.symbol}` | {pylint} | {r.unit} | {r.summary} |")
    return "\n".join(rows) + "\n"


def run_rules(args: argparse.Namespace, out: TextIO) -> int:
    """List every rule, as text or as the README's Markdown table."""
    rules = all_rules()
    if args.format == "markdown":
        out.write(rule_table(rules))
        return EXIT_CLEAN
    width = max(len(r.symbol) for r in rules)
    for rule in rules:
        pylint = "CLI-only" if rule.project else rule.pylint_id
        out.write(f"{rule.code}  {rule.symbol:<{width}}  {pylint:<8}  {rule.summary}\n")
    return EXIT_CLEAN


def explain_text(rule: type[Rule]) -> str:
    """The full documentation of one rule, as ``explain`` prints it."""
    doc = textwrap.dedent("    " + (rule.__doc__ or "").strip())
    header = [
        f"{rule.code} {rule.symbol}",
        f"category: {rule.category} · counts: {rule.unit} · pylint: {rule.pylint_id} "
        f"({rule.pylint_symbol}) · since {rule.version_added}",
        "",
    ]
    options = [f"  {o.key} ({o.kind}, default {o.default}): {o.help}" for o in rule.options]
    tail = ["", "Configuration keys:", *options] if options else []
    return "\n".join([*header, doc, *tail]) + "\n"


def run_explain(args: argparse.Namespace, out: TextIO) -> int:
    """Print one rule's documentation."""
    rule = find_rule(args.rule)
    if rule is None:
        known = ", ".join(r.code for r in all_rules())
        print(f"qemlflow-lint: error: unknown rule {args.rule!r} (known: {known})", file=sys.stderr)
        return EXIT_USAGE
    out.write(explain_text(rule))
    return EXIT_CLEAN
