"""The supported library API of qemlflow-lint: analyse paths, score the results, read the rules.

Everything listed in ``__all__`` here keeps its name, its signature and the meaning of its
fields across minor and patch releases (semantic versioning); a change is a major release,
announced in the CHANGELOG. Everything else in the package (every other module, including
the ones these names are defined in) is internal and may change in any release; the other
supported ways in are the ``qemlflow-lint`` command, the flake8 plugin (entry point ``QF``,
:class:`qemlflow_lint.flake8_plugin.Flake8Plugin`) and the pylint plugin
(``--load-plugins=qemlflow_lint.pylint_plugin``).

- :func:`analyse_paths` with :class:`RunOptions` (keyword-only) runs what ``check`` runs and
  returns an :class:`Analysis`: a :class:`FileResult` per file, each with its
  :class:`Finding` s. It raises :class:`ConfigError` for a configuration mistake.
- :func:`compute_score` turns the results into a :class:`ScoreReport` (with its
  :class:`RuleScore` and :class:`FileLoss` parts), weighted by :func:`configured_weights`
  under the :class:`ScoreProfile` of :func:`default_profile`.
- :func:`all_rules` and :func:`find_rule` give each :class:`Rule`'s declaration: code,
  symbol, :data:`Category`, summary, :data:`Unit`, weight and :class:`Option` s.

Read the fields of the result types by name: their position in a tuple is not part of the
API. Each name is imported on first use, so importing this module costs almost nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what a type checker sees; at run time each name loads on first use
    from qemlflow_lint.config.errors import ConfigError
    from qemlflow_lint.model.findings import FileResult, Finding
    from qemlflow_lint.model.settings import Option
    from qemlflow_lint.rules.base import Category, Rule, Unit
    from qemlflow_lint.rules.registry import all_rules, find_rule
    from qemlflow_lint.run.api import Analysis, RunOptions, analyse_paths
    from qemlflow_lint.score.compute import FileLoss, RuleScore, ScoreReport, compute_score
    from qemlflow_lint.score.profile import ScoreProfile, configured_weights, default_profile

#: Each exported name and the module that defines it.
_HOMES: dict[str, str] = {
    "Analysis": "qemlflow_lint.run.api",
    "RunOptions": "qemlflow_lint.run.api",
    "analyse_paths": "qemlflow_lint.run.api",
    "ConfigError": "qemlflow_lint.config.errors",
    "FileResult": "qemlflow_lint.model.findings",
    "Finding": "qemlflow_lint.model.findings",
    "FileLoss": "qemlflow_lint.score.compute",
    "RuleScore": "qemlflow_lint.score.compute",
    "ScoreReport": "qemlflow_lint.score.compute",
    "compute_score": "qemlflow_lint.score.compute",
    "ScoreProfile": "qemlflow_lint.score.profile",
    "configured_weights": "qemlflow_lint.score.profile",
    "default_profile": "qemlflow_lint.score.profile",
    "Category": "qemlflow_lint.rules.base",
    "Rule": "qemlflow_lint.rules.base",
    "Unit": "qemlflow_lint.rules.base",
    "Option": "qemlflow_lint.model.settings",
    "all_rules": "qemlflow_lint.rules.registry",
    "find_rule": "qemlflow_lint.rules.registry",
}

__all__ = [
    "Analysis",
    "Category",
    "ConfigError",
    "FileLoss",
    "FileResult",
    "Finding",
    "Option",
    "Rule",
    "RuleScore",
    "RunOptions",
    "ScoreProfile",
    "ScoreReport",
    "Unit",
    "all_rules",
    "analyse_paths",
    "compute_score",
    "configured_weights",
    "default_profile",
    "find_rule",
]


def __getattr__(name: str) -> object:
    """An exported name, imported from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: object = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    """The module's names, the exported ones included before they are loaded."""
    return sorted({*globals(), *__all__})
