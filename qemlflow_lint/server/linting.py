"""What the server knows of the projects its documents belong to: their settings, the
findings of a buffer's unsaved text, and the project rules' findings from the import graph.

:class:`ProjectState` holds it all between requests; it knows nothing of the protocol.
A buffer is analysed as ``check`` analyses the file on disk (the settings found from the
file's path, the same rules), but from its text in the editor. QF101 and QF102 need every
module of the project: the project is analysed once, when its first document opens, and
the graph is refreshed with a document's text when it is saved (or with the whole project
again when the configuration changes); between saves a buffer shows the project findings
of its last saved text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import NamedTuple

from qemlflow_lint.analysis.names.attribute_reads import Readers
from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.config.line_length import line_length
from qemlflow_lint.config.loading import CONFIG_FILENAME, ConfigResolver, has_table, requires_python
from qemlflow_lint.fix.apply import FIXABLE, FixOptions
from qemlflow_lint.fix.import_deferral.callers import buffer_readers
from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.run.api import RunOptions, analyse_paths
from qemlflow_lint.run.file import analyse_source
from qemlflow_lint.run.project_rules import apply_project_rules

#: The files whose change can change the settings (``pyproject.toml`` holds
#: ``[tool.qemlflow-lint]``; ``setup.cfg``, ``tox.ini`` and ``.flake8`` the line length
#: that fixes keep to).
CONFIG_FILES = (CONFIG_FILENAME, "setup.cfg", "tox.ini", ".flake8")

#: Where a TOML error says it is.
_AT_LINE = re.compile(r"line (\d+)(?:, column (\d+))?")
#: The key a validation error names.
_QUOTED_KEY = re.compile(r"'([A-Za-z0-9_.-]+)'")


def project_codes() -> frozenset[str]:
    """The codes of the project rules (QF101, QF102): they need the import graph."""
    return frozenset(rule.code for rule in all_rules() if rule.project)


class ConfigProblem(NamedTuple):
    """A configuration error: the file it is in, the message, and the 0-based line and
    column it names (0 when it names none)."""

    path: str
    message: str
    line: int = 0
    col: int = 0


class Linted(NamedTuple):
    """One buffer's analysis: its findings (the project rules' included), the settings it
    was analysed with, or the configuration problem that kept it from being analysed."""

    path: str
    text: str
    findings: tuple[Finding, ...] = ()
    settings: Settings | None = None
    problem: ConfigProblem | None = None
    #: The file's own analysis (the project rules' findings aside), which ``fix`` reuses.
    result: FileResult | None = None


def config_file_of(path: str) -> str:
    """The configuration file a configuration error about ``path`` is in: the nearest
    ``pyproject.toml`` above it that does not load or has a ``[tool.qemlflow-lint]`` table
    (else the nearest one, else ``path`` itself)."""
    directory = os.path.dirname(os.path.abspath(path))
    nearest = None
    while True:
        candidate = os.path.join(directory, CONFIG_FILENAME)
        if os.path.isfile(candidate):
            nearest = nearest or candidate
            try:
                if has_table(candidate):
                    return candidate
            except ConfigError:
                return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return nearest or path
        directory = parent


def config_problem(path: str, error: ConfigError) -> ConfigProblem:
    """The :class:`ConfigProblem` of ``error``, raised while finding ``path``'s settings."""
    message = str(error)
    file = config_file_of(path)
    for prefix in (file, display_path(file)):
        if message.startswith(prefix):  # the diagnostic stands on that file
            message = message[len(prefix) :].lstrip(": ")
            break
    found = _AT_LINE.search(message)
    if found:
        line = int(found.group(1)) - 1
        col = int(found.group(2)) - 1 if found.group(2) else 0
        return ConfigProblem(file, message, max(line, 0), max(col, 0))
    return ConfigProblem(file, message, _key_line(file, message))


def _key_line(file: str, message: str) -> int:
    """The 0-based line of the key a message quotes first (``'max-module-lines'``), or 0."""
    key = _QUOTED_KEY.search(message)
    if key is None:
        return 0
    try:
        with open(file, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    written = re.compile(rf"\s*[\"']?{re.escape(key.group(1))}[\"']?\s*=")
    return next((number for number, line in enumerate(lines) if written.match(line)), 0)


def _without_project_findings(result: FileResult, codes: frozenset[str]) -> FileResult:
    return result._replace(findings=tuple(f for f in result.findings if f.code not in codes))


class ProjectState:
    """The settings, project graphs and fix context of every project the server has met.
    One instance lives as long as the server; :meth:`reload` forgets everything that came
    from the configuration."""

    def __init__(self) -> None:
        self._resolver = ConfigResolver()
        #: By project root: each file's result on disk (or as last saved), without the
        #: project rules' findings.
        self._projects: dict[str, dict[str, FileResult]] = {}
        #: The project rules' findings of each file, from its project's last graph.
        self._project_findings: dict[str, tuple[Finding, ...]] = {}
        #: Who else reads each module's names (QF001's fix keeps them), until a save.
        self._readers: dict[str, Mapping[str, Readers]] = {}
        #: The oldest Python and the longest line of the files of each folder.
        self._targets: dict[str, tuple[tuple[int, int] | None, int]] = {}
        self._codes = project_codes()

    def reload(self) -> None:
        """Forget the settings and the projects: the configuration changed."""
        self._resolver = ConfigResolver()
        self._projects.clear()
        self._project_findings.clear()
        self._readers.clear()
        self._targets.clear()

    def settings_for(self, path: str) -> Settings | ConfigProblem:
        """The settings of the file at ``path``, or the configuration error in the way."""
        try:
            return self._resolver.for_path(path)
        except ConfigError as error:
            return config_problem(path, error)

    def lint(self, path: str, text: str) -> Linted:
        """Analyse the buffer ``text`` of the file at ``path`` as ``check`` would; never
        raises for bad input (a buffer that does not parse gets a QF000 finding)."""
        settings = self.settings_for(path)
        if isinstance(settings, ConfigProblem):
            return Linted(path, text, problem=settings)
        if settings.is_excluded(path):
            return Linted(path, text, settings=settings)
        result = analyse_source(text, path, settings)
        findings = result.findings
        if result.ok:
            project = self._project_findings.get(path, ())
            findings = tuple(sorted((*findings, *project)))
        return Linted(path, text, findings, settings, result=result)

    def _project(self, settings: Settings) -> dict[str, FileResult] | None:
        """The project's files as analysed on disk, by path; ``None`` when a configuration
        error stops the analysis."""
        root = settings.project_root
        if root not in self._projects:
            try:
                analysis = analyse_paths([root], RunOptions(jobs=1))
            except ConfigError:
                return None
            self._projects[root] = {
                os.path.abspath(result.path): _without_project_findings(result, self._codes)
                for result in analysis.results
            }
        return self._projects[root]

    def refresh_project(self, path: str, text: str | None = None) -> list[str]:
        """Rebuild the import graph of ``path``'s project, with ``text`` as that file's
        content (a document just opened or saved), and return the paths whose project
        findings changed."""
        settings = self.settings_for(path)
        if isinstance(settings, ConfigProblem) or not self._codes:
            return []
        project = self._project(settings)
        if project is None:
            return []
        path = os.path.abspath(path)
        self._readers.clear()
        if text is not None and not settings.is_excluded(path):
            project[path] = _without_project_findings(analyse_source(text, path, settings), self._codes)
        configs: dict[str, Settings] = {}
        for member in project:
            found = self.settings_for(member)
            if isinstance(found, Settings):
                configs[member] = found
        changed = []
        for result in apply_project_rules(list(project.values()), configs):
            findings = tuple(f for f in result.findings if f.code in self._codes)
            if self._project_findings.get(result.path, ()) != findings:
                changed.append(result.path)
            self._project_findings[result.path] = findings
        return changed

    def fix_options(self, path: str, text: str, settings: Settings, *, unsafe: bool) -> FixOptions:
        """What ``fix -`` would fix in the buffer ``text`` of ``path``: the codes its
        settings enable, the oldest Python its project declares, the project's line length,
        and who else in the project reads the module's names (QF001 keeps those)."""
        codes = frozenset(code for code in FIXABLE if settings.is_enabled_for(code, path))
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in self._targets:  # read from the configuration files: kept until they change
            self._targets[folder] = (requires_python(folder), line_length(settings.project_root))
        target_version, longest = self._targets[folder]
        return FixOptions(
            unsafe=unsafe,
            codes=codes,
            target_version=target_version,
            line_length=longest,
            readers=self._readers_of(path, text, settings, codes),
        )

    def _readers_of(
        self, path: str, text: str, settings: Settings, codes: frozenset[str]
    ) -> Mapping[str, Readers]:
        # The walk of the project costs more than a keystroke: kept until the next save.
        # (A module without a QF001 finding has none to keep, and costs no walk.)
        if path in self._readers:
            return self._readers[path]
        found = buffer_readers(text, path, settings, codes)
        if found:
            self._readers[path] = found
        return found
