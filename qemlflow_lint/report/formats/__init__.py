"""Output formats of ``qemlflow-lint check``: each a pure function of the results.

Every format module has ``render(results) -> str``; :data:`RENDERERS` maps the names that
``--format`` accepts to them. ``text`` is the flake8-style default; ``markdown`` is for a person
reading a job summary or a comment; ``json``, ``sarif``, ``github``, ``gitlab`` and ``junit``
are for CI (see each module). A format's module is
imported the first time it is asked for, so a plain ``check`` does not load XML or JSON.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Callable

from qemlflow_lint.model.findings import FileResult

#: A format: the results of a run in, the whole output out.
Renderer = Callable[[Sequence[FileResult]], str]

#: The formats, in the order ``--help`` lists them.
FORMATS = ("text", "json", "markdown", "sarif", "github", "gitlab", "junit")

#: Each format's module here: its name, except where that would shadow the standard library.
_MODULES = {name: name for name in FORMATS} | {"json": "json_format"}


class _Renderers(Mapping[str, Renderer]):
    """Format name → renderer, importing each format's module on first use."""

    def __getitem__(self, name: str) -> Renderer:
        if name not in FORMATS:
            raise KeyError(name)
        render: Renderer = importlib.import_module(f"{__name__}.{_MODULES[name]}").render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(FORMATS)

    def __len__(self) -> int:
        return len(FORMATS)


#: Format name to renderer, in the order ``--help`` lists them.
RENDERERS: Mapping[str, Renderer] = _Renderers()


def github_step_summary(results: Sequence[FileResult]) -> str:
    """The Markdown job summary of the ``github`` format (see its module)."""
    summary: Callable[[Sequence[FileResult]], str] = importlib.import_module(
        f"{__name__}.github"
    ).summary_markdown
    return summary(results)


__all__ = ["FORMATS", "RENDERERS", "Renderer", "github_step_summary"]
