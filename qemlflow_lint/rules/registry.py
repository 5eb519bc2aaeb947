"""The rule registry, collected from the rule modules themselves.

Every module in :mod:`qemlflow_lint.rules` (other than ``base`` and this one) declares one
:class:`~qemlflow_lint.rules.base.Rule` subclass. Nothing lists the rules by hand: ``rules``,
``explain``, the README table, the pylint message table, the configuration keys and the
scoring profile are all generated from here.

The rule modules are found by listing the package's folder, not through :mod:`pkgutil`,
whose import brings :mod:`inspect` (about 3 ms) into every start of the command line.
"""

from __future__ import annotations

import functools
import importlib
import os

from qemlflow_lint import rules as rules_package
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.base import Rule

#: Modules of the rules package that hold no rule.
_NOT_RULES = frozenset({"base", "registry"})

#: Rules added at run time with :func:`register_rule`, beside those of the rule modules.
_registered: list[type[Rule]] = []


def _rule_modules() -> list[str]:
    """The names of the rules package's rule modules: its ``.py`` files, sorted."""
    names = {
        entry.name[: -len(".py")]
        for folder in rules_package.__path__
        for entry in os.scandir(folder)
        if entry.name.endswith(".py") and entry.is_file()
    }
    return sorted(names - _NOT_RULES - {"__init__"})


@functools.cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, ordered by code."""
    found: list[type[Rule]] = []
    for name in _rule_modules():
        module = importlib.import_module(f"{rules_package.__name__}.{name}")
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value is not Rule
            and value.__module__ == module.__name__
        )
    found.extend(_registered)
    return tuple(sorted(found, key=lambda rule: rule.code))


def _forget() -> None:
    """Drop what the registry worked out from its rules, so that it is asked again."""
    all_rules.cache_clear()
    _selected.cache_clear()


def register_rule(rule: type[Rule]) -> None:
    """Add ``rule`` to the registry, as if a rule module declared it, until :func:`unregister_rule`.

    The tests prove with a throwaway rule that a rule's declaration is all the front ends,
    the score and the documentation need. Caches built from the registry elsewhere (the
    default scoring profile, the configuration keys) are the caller's to clear.
    """
    if find_rule(rule.code) is not None:
        raise ValueError(f"{rule.code} is already a rule")
    _registered.append(rule)
    _forget()


def unregister_rule(rule: type[Rule]) -> None:
    """Remove a rule that :func:`register_rule` added."""
    _registered.remove(rule)
    _forget()


def find_rule(code_or_symbol: str) -> type[Rule] | None:
    """The rule with this code (any case) or symbol, or ``None``."""
    wanted = code_or_symbol.strip()
    for rule in all_rules():
        if wanted.upper() == rule.code or wanted.lower() == rule.symbol:
            return rule
    return None


@functools.lru_cache(maxsize=64)
def _selected(
    select: tuple[str, ...], extend_select: tuple[str, ...], ignore: tuple[str, ...]
) -> tuple[type[Rule], ...]:
    """The rules a selection enables (asked once per selection: every file asks)."""
    chosen = Settings(select=select, extend_select=extend_select, ignore=ignore)
    return tuple(rule for rule in all_rules() if chosen.is_enabled(rule.code))


def enabled_rules(settings: Settings, path: str | None = None) -> tuple[type[Rule], ...]:
    """The rules that ``settings`` enables (for ``path``, with its per-file ignores)."""
    enabled = _selected(settings.select, settings.extend_select, settings.ignore)
    ignored = settings.ignored_in(path) if path is not None else ()
    if not ignored:
        return enabled
    return tuple(rule for rule in enabled if not any(rule.code.startswith(i) for i in ignored))
