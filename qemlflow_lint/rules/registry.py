"""The rule registry, collected from the rule modules themselves.

Every module in :mod:`qemlflow_lint.rules` (other than ``base``) declares one
:class:`~qemlflow_lint.rules.base.Rule` subclass. Nothing lists the rules by hand: ``rules``,
``explain``, the README table and the pylint message table are all generated from here.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING

from qemlflow_lint import rules as rules_package
from qemlflow_lint.rules.base import Rule

if TYPE_CHECKING:
    from qemlflow_lint.config.loading import Config


@functools.lru_cache(maxsize=None)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, ordered by code."""
    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(rules_package.__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{rules_package.__name__}.{info.name}")
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value is not Rule
            and value.__module__ == module.__name__
        )
    return tuple(sorted(found, key=lambda rule: rule.code))


def find_rule(code_or_symbol: str) -> type[Rule] | None:
    """The rule with this code (any case) or symbol, or ``None``."""
    wanted = code_or_symbol.strip()
    for rule in all_rules():
        if wanted.upper() == rule.code or wanted.lower() == rule.symbol:
            return rule
    return None


def enabled_rules(config: Config, path: str | None = None) -> tuple[type[Rule], ...]:
    """The rules that ``config`` enables (for ``path``, with its per-file ignores)."""
    enabled = tuple(rule for rule in all_rules() if config.is_enabled(rule.code))
    ignored = config.ignored_in(path) if path is not None else ()
    return tuple(rule for rule in enabled if not any(rule.code.startswith(i) for i in ignored))
