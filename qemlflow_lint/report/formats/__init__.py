"""The formats of a run's findings (``check --format``, and ``score``'s findings formats):
each module's ``render(results) -> str`` is a pure function of the results.

``text`` is the flake8-style default; ``markdown`` is for a person reading a job summary or a
comment; ``json``, ``sarif``, ``github``, ``gitlab`` and ``junit`` are for CI (see each
module). They are listed, with every other command's formats, in
:mod:`qemlflow_lint.report.emitters`, which imports a format's module the first time it is
asked for, so a plain ``check`` does not load XML or JSON.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Callable

from qemlflow_lint.model.findings import FileResult


def github_step_summary(results: Sequence[FileResult]) -> str:
    """The Markdown job summary of the ``github`` format (see its module)."""
    summary: Callable[[Sequence[FileResult]], str] = importlib.import_module(
        f"{__name__}.github"
    ).summary_markdown
    return summary(results)


__all__ = ["github_step_summary"]
