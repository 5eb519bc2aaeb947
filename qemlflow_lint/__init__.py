"""qemlflow-lint: a team's Python philosophy as lint rules and one compliance score.

The rules run through flake8 (``flake8 --select QF``), pylint
(``--load-plugins=qemlflow_lint.pylint_plugin``) and the ``qemlflow-lint`` command.
This module stays import-light on purpose: editors import the adapters on every keystroke.
"""

from __future__ import annotations

__version__ = "0.2.0"

__all__ = ["__version__"]
