"""Commands that describe rather than analyse: ``rules``, ``explain`` and ``config``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from qemlflow_lint.cli.common import add_config_options, resolver_from
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_USAGE
from qemlflow_lint.config.loading import describe
from qemlflow_lint.report.rule_docs import explain_text, rule_table
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
    rules.add_argument("--format", choices=("text", "markdown"), default="text")
    rules.set_defaults(run=run_rules)


def configure_explain(explain: argparse.ArgumentParser) -> None:
    """The arguments of the ``explain`` command."""
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


def run_explain(args: argparse.Namespace, out: TextIO) -> int:
    """Print one rule's documentation."""
    rule = find_rule(args.rule)
    if rule is None:
        known = ", ".join(r.code for r in all_rules())
        print(f"qemlflow-lint: error: unknown rule {args.rule!r} (known: {known})", file=sys.stderr)
        return EXIT_USAGE
    out.write(explain_text(rule))
    return EXIT_CLEAN
