"""Output formats of ``qemlflow-lint check``: each a pure function of the results.

Every format module has ``render(results) -> str``; :data:`RENDERERS` maps the names
that ``--format`` accepts to them. ``text`` is the flake8-style default; ``json``,
``sarif``, ``github``, ``gitlab`` and ``junit`` are for CI (see each module).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Callable, Mapping, Sequence

from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.report.formats import github, gitlab, json, junit, sarif, text

#: A format: the results of a run in, the whole output out.
Renderer = Callable[[Sequence[FileResult]], str]

#: Format name to renderer, in the order ``--help`` lists them.
RENDERERS: Mapping[str, Renderer] = MappingProxyType(
    {
        "text": text.render,
        "json": json.render,
        "sarif": sarif.render,
        "github": github.render,
        "gitlab": gitlab.render,
        "junit": junit.render,
    }
)

__all__ = ["RENDERERS", "Renderer"]
