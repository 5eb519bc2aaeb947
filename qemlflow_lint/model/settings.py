"""The settings the rules read: a frozen value that depends on nothing.

Finding, reading and validating the configuration is :mod:`qemlflow_lint.config`'s job;
this is only its result. Every key is declared once, as an :class:`Option`: the keys every
front end shares are here (:data:`CORE_OPTIONS`), each rule declares its own on its class.
The configuration file, the flake8 and pylint options, the command-line flags and the
documentation are all generated from these declarations.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from qemlflow_lint.model.digest import text_digest
from qemlflow_lint.model.globs import Glob
from qemlflow_lint.model.heavy import DEFAULT_HEAVY_MODULES

#: The table read in ``pyproject.toml``.
SECTION = "[tool.qemlflow-lint]"
#: Codes and prefixes selected when nothing else is said.
DEFAULT_SELECT: tuple[str, ...] = ("QF",)


#: How the documentation describes each kind of value.
KIND_DESCRIPTIONS = {
    "codes": "list of rule codes or prefixes",
    "per-file-ignores": "table of glob = [codes]",
    "globs": "list of glob patterns",
    "module-names": "list of module names",
    "folders": "list of folders",
    "positive-integer": "positive integer",
    "names": "list of dotted names",
    "boolean": "true or false",
}


class Option(NamedTuple):
    """One configuration key: its name, the kind of value it takes, its default and help.

    ``kind`` names how a value is read and validated (see :mod:`qemlflow_lint.config.values`):
    ``codes``, ``per-file-ignores``, ``globs``, ``module-names``, ``names``, ``folders``,
    ``positive-integer`` or ``boolean``. ``shown_default`` is how the documentation writes the default
    when the value itself is too long to print.
    """

    key: str
    kind: str
    default: Any
    help: str
    shown_default: str = ""

    @property
    def default_text(self) -> str:
        """The default as the documentation writes it."""
        if self.shown_default:
            return self.shown_default
        if isinstance(self.default, tuple):
            return "[" + ", ".join(str(item) for item in self.default) + "]"
        return str(self.default)

    @property
    def kind_text(self) -> str:
        """The kind of value, in words."""
        return KIND_DESCRIPTIONS.get(self.kind, self.kind)

    @property
    def attribute(self) -> str:
        """The key as a Python identifier: ``heavy-modules`` → ``heavy_modules``."""
        return self.key.replace("-", "_")


HEAVY_MODULES = Option(
    "heavy-modules",
    "module-names",
    tuple(DEFAULT_HEAVY_MODULES),
    "modules whose import-time import is reported (replaces the default)",
    "the documented default list",
)
EXTEND_HEAVY_MODULES = Option("extend-heavy-modules", "module-names", (), "modules added to the heavy list")
ALLOWED_HEAVY_MODULES = Option(
    "allowed-heavy-modules",
    "module-names",
    (),
    "heavy modules this project imports at import time on purpose (a pandas extension and pandas): "
    "not reported here, still heavy for importtime and everyone else",
)
PACKAGES = Option(
    "packages",
    "module-names",
    (),
    "the project's importable top-level packages and modules: only their code is library code, "
    "which the rules about importers check and the score counts (examples, docs and scripts are not)",
    "every package found, and the modules at the project root and in src/",
)
NOQA_EQUIVALENTS = Option(
    "noqa-equivalents",
    "boolean",
    True,
    "a `# noqa` naming another linter's equivalent code (E722, F403, S110, S112, TID253) also "
    "silences the QF rule it matches",
)

#: The keys every front end shares, in the order ``qemlflow-lint config`` shows them.
CORE_OPTIONS: tuple[Option, ...] = (
    Option("select", "codes", DEFAULT_SELECT, "codes or prefixes to run"),
    Option("extend-select", "codes", (), "codes or prefixes added to select"),
    Option("ignore", "codes", (), "codes or prefixes to skip"),
    Option(
        "per-file-ignores",
        "per-file-ignores",
        (),
        "codes skipped in the files a pattern matches, e.g. 'tests/*' = ['QF002']",
        "{}",
    ),
    Option("exclude", "globs", (), "files and folders never analysed"),
    Option("extend-exclude", "globs", (), "patterns added to exclude"),
    HEAVY_MODULES,
    EXTEND_HEAVY_MODULES,
    ALLOWED_HEAVY_MODULES,
    PACKAGES,
    NOQA_EQUIVALENTS,
    Option(
        "namespace-packages",
        "folders",
        (),
        "folders that are PEP 420 namespace packages (no `__init__.py`), with every folder below them",
    ),
)


class PerFileIgnore(NamedTuple):
    """Codes ignored in the files a pattern matches."""

    pattern: Glob
    codes: tuple[str, ...]


class Settings(NamedTuple):
    """Which rules run, on which files, with which options.

    ``select``/``extend-select`` and ``ignore`` hold codes or code prefixes, matched as
    flake8 does: the more specific match wins, and ``ignore`` wins a tie. Path patterns and
    ``namespace-packages`` are anchored at ``root``, the project root: the folder of the
    configuration file, or of the project that holds the file when there is none ("" for
    the working directory). ``rule_options`` holds the values of the options rules declare
    (unset ones take the rule's default). ``origins`` says where each value came from.
    (A named tuple: editors import this module on every run, and named tuples are cheap
    to define.)
    """

    select: tuple[str, ...] = DEFAULT_SELECT
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[PerFileIgnore, ...] = ()
    exclude: tuple[Glob, ...] = ()
    extend_exclude: tuple[Glob, ...] = ()
    heavy_modules: tuple[str, ...] = tuple(DEFAULT_HEAVY_MODULES)
    extend_heavy_modules: tuple[str, ...] = ()
    allowed_heavy_modules: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    noqa_equivalents: bool = True
    #: Namespace package folders as written (relative to ``root`` or absolute).
    namespace_packages: tuple[str, ...] = ()
    #: ``(key, value)`` of every rule option set explicitly, sorted by key.
    rule_options: tuple[tuple[str, Any], ...] = ()
    #: ``[tool.qemlflow-lint.score]``: weights replacing the profile's, per rule code.
    score_weights: tuple[tuple[str, float], ...] = ()
    #: ``[tool.qemlflow-lint.score] fail-under``: the lowest passing score, if any.
    fail_under: float | None = None
    #: ``[tool.qemlflow-lint.fix] entry-points``: modules (or patterns) whose import QF001's
    #: fix protects besides the top-level packages.
    fix_entry_points: tuple[str, ...] = ()
    root: str = ""
    file: str | None = None
    origins: tuple[tuple[str, str], ...] = ()

    @property
    def project_root(self) -> str:
        """The absolute project root (:attr:`root`, or the working directory)."""
        return self.root or os.getcwd()

    @property
    def all_heavy_modules(self) -> tuple[str, ...]:
        """``heavy-modules`` plus ``extend-heavy-modules``."""
        extra = tuple(m for m in self.extend_heavy_modules if m not in self.heavy_modules)
        return self.heavy_modules + extra

    @property
    def namespace_folders(self) -> tuple[str, ...]:
        """``namespace-packages`` as absolute folders."""
        return tuple(
            os.path.normpath(os.path.join(self.project_root, folder)) for folder in self.namespace_packages
        )

    def option(self, option: Option) -> Any:
        """The value of a rule's option: as configured, else its default."""
        return dict(self.rule_options).get(option.key, option.default)

    def is_enabled(self, code: str) -> bool:
        """True when the rule with this code runs (before per-file ignores)."""
        selected = longest_prefix(code, self.select + self.extend_select)
        return selected >= 0 and selected > longest_prefix(code, self.ignore)

    def relative(self, path: str) -> str:
        """``path`` relative to ``root`` (``/``-separated); its name alone when outside."""
        relative = os.path.relpath(os.path.abspath(path), self.project_root).replace(os.sep, "/")
        return os.path.basename(path) if relative.startswith("../") else relative

    def ignored_in(self, path: str) -> tuple[str, ...]:
        """Codes that ``per-file-ignores`` switches off for ``path``."""
        if not self.per_file_ignores:
            return ()
        relative = self.relative(path)
        return tuple(
            code for entry in self.per_file_ignores if entry.pattern.matches(relative) for code in entry.codes
        )

    def is_enabled_for(self, code: str, path: str) -> bool:
        """True when the rule runs on ``path``, ``per-file-ignores`` included."""
        return self.is_enabled(code) and longest_prefix(code, self.ignored_in(path)) < 0

    def is_excluded(self, path: str, is_dir: bool = False) -> bool:
        """True when an ``exclude`` pattern matches ``path``."""
        patterns = self.exclude + self.extend_exclude
        return bool(patterns) and any(glob.matches(self.relative(path), is_dir) for glob in patterns)

    def origin(self, key: str) -> str:
        """Where the value of ``key`` came from (``"default"`` when nobody set it)."""
        return dict(self.origins).get(key, "default")

    def fingerprint(self) -> str:
        """A short stable hash of every value that can change findings."""
        import json  # imported here: editors load this module on every keystroke

        return text_digest(json.dumps(self.as_dict(), sort_keys=True), 8)

    def as_dict(self) -> dict[str, Any]:
        """Every core key and every rule option set, as the configuration file spells it."""
        return {
            "select": list(self.select),
            "extend-select": list(self.extend_select),
            "ignore": list(self.ignore),
            "per-file-ignores": {e.pattern.pattern: list(e.codes) for e in self.per_file_ignores},
            "exclude": [g.pattern for g in self.exclude],
            "extend-exclude": [g.pattern for g in self.extend_exclude],
            "heavy-modules": list(self.heavy_modules),
            "extend-heavy-modules": list(self.extend_heavy_modules),
            "allowed-heavy-modules": list(self.allowed_heavy_modules),
            "packages": list(self.packages),
            "noqa-equivalents": self.noqa_equivalents,
            "namespace-packages": list(self.namespace_packages),
            **{key: list(value) if isinstance(value, tuple) else value for key, value in self.rule_options},
            "fix": {"entry-points": list(self.fix_entry_points)},
            "score": {"weights": dict(self.score_weights), "fail-under": self.fail_under},
        }


def longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    """The length of the longest of ``prefixes`` that ``code`` starts with, or -1."""
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)
