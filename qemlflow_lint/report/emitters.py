"""Every output format of every command, in one table: (report kind, format) → emitter.

A report kind is what a command prints; each kind's emitters take one input:

========== ====================================================== =========================
kind       input                                                  commands
========== ====================================================== =========================
findings   the results of a run (``Sequence[FileResult]``)         ``check``, ``score``
score      a :class:`~qemlflow_lint.score.render.ScoreOutput`     ``score``
trend      a :class:`~qemlflow_lint.history.model.Trend`          ``trend``
graph      a :class:`~qemlflow_lint.report.graph.view.GraphView`  ``graph``
importtime ``importtime --format json``'s data (a mapping)        ``importtime``
========== ====================================================== =========================

An emitter is a pure function of that input, returning the whole output. The table names
each one by module and function, and :func:`emitter` imports the module the first time its
format is asked for: a plain ``check`` loads neither the score, the history nor XML. A
command's ``--format`` choices are :func:`format_names` of its kinds, in the order ``--help``
lists them.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

#: An emitter: a report kind's input in, the whole output out.
Emitter = Callable[[Any], str]

#: The report kinds, each a format name → (module, function) table in ``--help`` order.
EMITTERS: dict[str, dict[str, tuple[str, str]]] = {
    "findings": {
        "text": ("qemlflow_lint.report.formats.text", "render"),
        "json": ("qemlflow_lint.report.formats.json_format", "render"),
        "markdown": ("qemlflow_lint.report.formats.markdown", "render"),
        "sarif": ("qemlflow_lint.report.formats.sarif", "render"),
        "github": ("qemlflow_lint.report.formats.github", "render"),
        "gitlab": ("qemlflow_lint.report.formats.gitlab", "render"),
        "junit": ("qemlflow_lint.report.formats.junit", "render"),
    },
    "score": {
        "text": ("qemlflow_lint.score.render", "score_text"),
        "json": ("qemlflow_lint.score.render", "score_json"),
        "markdown": ("qemlflow_lint.score.render", "score_markdown"),
    },
    "trend": {
        "csv": ("qemlflow_lint.history.render", "render_csv"),
        "json": ("qemlflow_lint.history.render", "render_json"),
        "markdown": ("qemlflow_lint.history.render", "render_markdown"),
        "text": ("qemlflow_lint.history.render", "render_text"),
    },
    "graph": {
        "dot": ("qemlflow_lint.report.graph.dot", "render"),
        "svg": ("qemlflow_lint.report.graph.svg", "render"),
        "mermaid": ("qemlflow_lint.report.graph.mermaid", "render"),
        "json": ("qemlflow_lint.report.graph.json_format", "render"),
    },
    "importtime": {
        "text": ("qemlflow_lint.measure.report", "render_importtime_text"),
        "json": ("qemlflow_lint.measure.report", "render_importtime_json"),
        "markdown": ("qemlflow_lint.measure.report", "render_importtime_markdown"),
    },
}


class UnknownFormat(ValueError):
    """A report kind, or a format of a kind, that the table does not have; the message
    names the ones it has."""


def format_names(*kinds: str) -> tuple[str, ...]:
    """The formats of ``kinds``, each once, in ``--help`` order (a format two kinds share
    is listed where the first has it)."""
    names: dict[str, None] = {}
    for kind in kinds:
        names.update(dict.fromkeys(_formats_of(kind)))
    return tuple(names)


def emitter(kind: str, name: str) -> Emitter:
    """The emitter of format ``name`` for reports of ``kind``, its module imported now."""
    formats = _formats_of(kind)
    if name not in formats:
        raise UnknownFormat(f"unknown {kind} format {name!r} (expected one of: {', '.join(formats)})")
    module, function = formats[name]
    found: Emitter = getattr(importlib.import_module(module), function)
    return found


def _formats_of(kind: str) -> dict[str, tuple[str, str]]:
    if kind not in EMITTERS:
        raise UnknownFormat(f"unknown report kind {kind!r} (expected one of: {', '.join(EMITTERS)})")
    return EMITTERS[kind]


def register_format(kind: str, name: str, module: str, function: str) -> None:
    """Add format ``name`` to ``kind``, emitted by ``module.function`` (listed last); for a
    test that proves a new format needs nothing but its emitter and this line. Every
    command whose ``--format`` takes ``kind`` offers it from then on."""
    _formats_of(kind)[name] = (module, function)


def unregister_format(kind: str, name: str) -> None:
    """Remove format ``name`` of ``kind`` (what :func:`register_format` added)."""
    del _formats_of(kind)[name]


__all__ = [
    "EMITTERS",
    "Emitter",
    "UnknownFormat",
    "emitter",
    "format_names",
    "register_format",
    "unregister_format",
]
