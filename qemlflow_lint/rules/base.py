"""The shape every rule has: a declaration (class attributes) plus visitor hooks.

A rule module defines one subclass of :class:`Rule`, and everything about the rule is
declared there, once: its code and names, its documentation (the class docstring, in the
sections *What it does*, *Why is this bad?*, *Example*, *Use instead* and *Options*), its
options with their defaults, its weight in the score and why, the files it exempts, the
ruff rules that come closest, and the sentences the score uses. ``rules``, ``explain``, the
README's rule table, the pylint message table, the flake8, pylint and command-line options,
the scoring profile and ``ruff-config`` are all generated from these declarations.

The engine makes one instance per file and calls ``visit_<NodeType>(node, where)`` for
every statement (and ``except`` handler) of that type (``visit_def(node, where)`` for
every ``def`` and ``async def``), in source order, then
:meth:`~qemlflow_lint.analysis.visitor.Check.imports_found` and :meth:`Rule.finish`. A
rule records findings with :meth:`Rule.report` and counts its units (the score's
denominator) in :attr:`Rule.units`. Project rules instead implement :meth:`Rule.check` on
the whole project's import graph.
"""

from __future__ import annotations

import ast
from typing import Any, ClassVar, Literal, NamedTuple

from qemlflow_lint.analysis.visitor import Check
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.fixes import AutoFix
from qemlflow_lint.model.settings import Option
from qemlflow_lint.model.words import noun_for
from qemlflow_lint.project.graph import ImportGraph

#: How much of a QF rule its ruff rules check (:attr:`RuffEquivalent.coverage`): the same
#: findings; all of them but the cases named; all of them and more (ruff is stricter); part
#: of them; nothing.
SAME, MOST, MORE, PART, NONE = "same", "most", "more", "part", "none"

#: The kinds of file a rule may exempt (:attr:`Rule.exempt_files`): scripts are the files
#: that are not importable library code (examples, docs, ``setup.py``; see
#: :func:`qemlflow_lint.model.modules.is_library_file`).
TEST_FILES, MAIN_FILES, PACKAGE_INITS, SCRIPTS = "test files", "__main__.py", "__init__.py", "scripts"

#: What a rule is about (``rules`` shows it; the CI formats tag findings with it).
Category = Literal["import-time", "api", "design", "errors"]
#: What a rule's score counts (:attr:`Rule.unit`): the denominator of its coverage.
Unit = Literal["module", "public def", "public object", "except handler"]


class RuffEquivalent(NamedTuple):
    """The ruff rules that approximate a QF rule, and how well (ruff has no plugins).

    ``companions`` are ruff rules the generated configuration adds next to them that have
    no QF counterpart of their own, each with why.
    """

    codes: tuple[str, ...]
    coverage: str
    differences: str
    companions: tuple[tuple[str, str], ...] = ()


class Rule(Check):
    """Base class of every rule; see the module docstring for the protocol."""

    code: ClassVar[str]
    symbol: ClassVar[str]
    category: ClassVar[Category]
    #: One line, shown by ``rules`` and in the README table.
    summary: ClassVar[str]
    #: What the score counts for this rule ("module", "public def", ...).
    unit: ClassVar[Unit]
    #: The pylint message id (letter + checker prefix + two digits).
    pylint_id: ClassVar[str]
    #: The pylint symbol: the rule's symbol, unless pylint already uses that name for a
    #: message of its own (then ``qf-`` + symbol, since pylint symbols are global).
    pylint_symbol: ClassVar[str] = ""
    #: The rule's weight in the default scoring profile, and why it weighs that much.
    weight: ClassVar[float] = 1.0
    weight_reason: ClassVar[str] = ""
    #: The best-next-fix sentence, with ``{n}`` (violating units), ``{units}`` (the unit,
    #: pluralised when needed) and ``{path}``.
    fix: ClassVar[str] = "fix {n} {units} in {path}"
    #: The score report's headline, with ``{v}`` (violating units), ``{o}`` (all units) and
    #: ``{p}`` (coverage, as a percentage); "" for none.
    headline: ClassVar[str] = ""
    #: The kinds of file the rule does not check (:data:`TEST_FILES`, ...).
    exempt_files: ClassVar[frozenset[str]] = frozenset()
    #: The closest ruff rules.
    ruff: ClassVar[RuffEquivalent] = RuffEquivalent((), NONE, "ruff has no rule like it.")
    #: Codes of other linters whose ``# noqa`` on the reported line also silences this rule
    #: (``E722`` for QF004): teams keep the suppressions they already have.
    noqa_aliases: ClassVar[tuple[str, ...]] = ()
    #: The configuration keys the rule reads, with their defaults.
    options: ClassVar[tuple[Option, ...]] = ()
    version_added: ClassVar[str] = "0.1.0"
    #: What ``qemlflow-lint fix`` does about the rule's findings, safe fixes first.
    fixes: ClassVar[tuple[AutoFix, ...]] = ()
    #: Why the rule has no automatic fix (shown instead when :attr:`fixes` is empty).
    no_fix: ClassVar[str] = "only the author can decide how to change the code."

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.pylint_symbol:
            cls.pylint_symbol = cls.symbol

    @classmethod
    def check(cls, graph: ImportGraph) -> dict[str, list[Finding]]:
        """Project rules override this: their findings by module name, from the whole
        project's import graph (per-file rules report from the walk instead)."""
        return {}

    @classmethod
    def fix_text(cls, count: int, path: str) -> str:
        """The best-next-fix sentence for ``count`` violating units in ``path``."""
        return cls.fix.format(n=count, units=noun_for(count, cls.unit), path=path)

    @property
    def exempt(self) -> bool:
        """True when the file is of a kind this rule does not check."""
        file = self.file
        return bool(
            (TEST_FILES in self.exempt_files and file.is_test)
            or (MAIN_FILES in self.exempt_files and file.is_main)
            or (PACKAGE_INITS in self.exempt_files and file.is_package_init)
            or (SCRIPTS in self.exempt_files and file.is_script)
        )

    def option(self, option: Option) -> Any:
        """The value of one of the rule's options for this file."""
        return self.file.settings.option(option)

    def begin(self, tree: ast.Module) -> None:
        """Called once before the walk; override to count file-level units."""
