"""What one analysis produces: findings, the per-rule unit counts behind the score, and the
import records the project's import graph is built from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

#: The code of the pseudo-rule for a file that could not be read or parsed.
UNREADABLE_CODE = "QF000"
#: The ``source`` of a finding about the module as a whole (no docstring, too long): it has
#: no line of its own, so lines added at the top of the file must not change its identity.
WHOLE_MODULE = "<module>"


class Finding(NamedTuple):
    """One violation of a rule at a position in a file.

    ``line`` is 1-based and ``col`` 0-based, as in :mod:`ast`; front ends render them
    their own way (flake8 and the CLI print ``col + 1``). ``unit`` names the counted thing
    the finding belongs to (``"<module>"``, or a def's qualified name), so the score can
    count distinct violating units. Findings sort by position, then code. (The value
    classes editors import are named tuples: cheap to define.)
    """

    line: int
    col: int
    code: str
    message: str
    unit: str = "<module>"
    #: Qualified name of the innermost def or class around the finding ("" at module level).
    scope: str = ""
    #: The finding's source line, whitespace-normalised.
    source: str = ""

    @property
    def text(self) -> str:
        """The message as every front end shows it: the code, a space, the message."""
        return f"{self.code} {self.message}"


class RawImport(NamedTuple):
    """One import that runs when its module is imported, as written in the file.

    One record per imported module of an ``import`` statement, one per ``from … import``
    statement, and one per literal ``importlib.import_module("x")``/``__import__("x")``
    call. QF001 reports the heavy ones; the project's import graph is built from all of them
    (resolving relative imports is the graph's job), so QF001, QF101, QF102 and the blame of
    ``importtime`` always agree on what runs at import time.
    """

    line: int
    col: int
    #: 0 for an absolute import, the number of leading dots for a relative one.
    level: int
    #: ``a.b`` in ``import a.b`` and ``from a.b import x``; "" in ``from . import x``.
    module: str
    #: The names of ``from … import names``; empty for ``import a.b`` and calls.
    names: tuple[str, ...]
    #: The configured heavy entry this import runs (per the file's settings), or "".
    heavy: str
    #: The statement's first physical line, for suppression comments and reports.
    text: str
    #: The heavy modules as QF001 names them: ``torch.nn`` for ``import torch.nn``.
    heavy_names: tuple[str, ...] = ()
    #: The names it binds in the module for its heavy modules (``np`` for ``import numpy
    #: as np``); empty for import calls, whose result the record does not follow.
    bound: tuple[str, ...] = ()
    #: True inside a ``try`` whose handlers catch ``ImportError``: an optional dependency.
    optional: bool = False


class FileResult(NamedTuple):
    """Everything the engine learnt from one file.

    ``units`` maps each rule code to the number of units of that rule in the file (the
    score's Oᵣ). ``error`` is set, and ``findings`` holds a single QF000 finding, when
    the file could not be read or parsed. ``suppressed`` counts findings dropped by
    ``# noqa`` comments. ``scope`` and ``source`` of each finding identify it without its
    line number (see :mod:`qemlflow_lint.report.identity`).
    """

    path: str
    findings: tuple[Finding, ...]
    units: Mapping[str, int]
    error: str | None = None
    suppressed: int = 0
    #: The file's import-time imports; the import graph is built from them.
    imports: tuple[RawImport, ...] = ()
    #: The dotted module name (see :mod:`qemlflow_lint.model.modules`); "" when unknown.
    module: str = ""
    #: True for test files: not imported API, so the project rules do not report them.
    test: bool = False
    #: True for library code (not a test file, not a script): what the score counts.
    library: bool = True
    #: The path relative to the project root, ``/``-separated: the part of a finding's
    #: fingerprint that must not depend on the working directory. "" when unknown.
    project_path: str = ""
    #: How many of the ``suppressed`` findings a noqa comment naming no code hid (bare, or
    #: the file-wide flake8 one): ``check --statistics`` says so.
    bare_noqa: int = 0

    @property
    def ok(self) -> bool:
        """True when the file was read and parsed."""
        return self.error is None
