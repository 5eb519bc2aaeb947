"""qemlflow-lint: a team's Python philosophy as lint rules and one compliance score.

The rules run through flake8 (``flake8 --select QF``), pylint
(``--load-plugins=qemlflow_lint.pylint_plugin``) and the ``qemlflow-lint`` command.
This module stays import-light on purpose: editors import the adapters on every keystroke.

The supported ways in are the command, the two plugins' entry points
(:class:`qemlflow_lint.flake8_plugin.Flake8Plugin` and
:func:`qemlflow_lint.pylint_plugin.register`) and the library API, :mod:`qemlflow_lint.api`
(``analyse_paths``, its options, the results, the score and the rules' declarations).
Every other module is internal: it may change in any release.
"""

from __future__ import annotations

__version__ = "0.2.0"

__all__ = ["__version__"]
