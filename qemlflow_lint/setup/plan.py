"""What ``qemlflow-lint init`` does to each file of a project, planned before anything is
written.

:func:`plan_setup` reads the project's files once and runs the text edits of
:mod:`qemlflow_lint.setup.files` on them, choosing the file each tool actually reads: the
``[tool.flake8]`` table of ``pyproject.toml`` (which the Flake8-pyproject plugin reads
instead of flake8's own files), else the first of ``setup.cfg``, ``tox.ini`` and ``.flake8``
with a ``[flake8]`` section (else a new ``.flake8``); and pylint's own rc file, the
``[tool.pylint]`` tables of ``pyproject.toml`` or the ``[pylint.*]`` sections of
``setup.cfg``/``tox.ini``, in pylint's order. The result says, per file, the text before and
after and what was done, kept or left to the user; :func:`describe` and :func:`file_plan_diff`
render it. The tox environment, the pre-commit hooks and the workflow install qemlflow-lint
from one source (:mod:`qemlflow_lint.setup.source`). With the project's analysed files,
the plan also edits the file mypy reads (:mod:`qemlflow_lint.setup.mypy_config`) for the
typing ratchet (:mod:`qemlflow_lint.setup.ratchet`), after init's other edits of that file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Callable, NamedTuple

from qemlflow_lint import __version__
from qemlflow_lint.config import toml
from qemlflow_lint.model.diff import line_diff
from qemlflow_lint.model.findings import UNREADABLE_CODE, FileResult
from qemlflow_lint.model.modules import find_packages
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.baseline import dumps, record
from qemlflow_lint.setup import files as setup_files
from qemlflow_lint.setup import mypy_config
from qemlflow_lint.setup.editors import EditorSteps, editor_steps
from qemlflow_lint.setup.files import Edit
from qemlflow_lint.setup.ratchet import Ratchet, package_coverage, patterns_to_add, ratchet_report
from qemlflow_lint.setup.source import (
    CI_PLACEHOLDER,
    InstallSource,
    InstallSourceError,
    Running,
    parse_source,
)


class SetupError(Exception):
    """A project file that init cannot read; the message says which and why."""


#: Where flake8 looks for its ``[flake8]`` section, in its order.
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
#: pylint's own INI files, which it prefers to ``pyproject.toml``, in its order.
PYLINTRC_FILES = ("pylintrc", ".pylintrc")
PYLINTRC_TOML_FILES = ("pylintrc.toml", ".pylintrc.toml")


class FilePlan(NamedTuple):
    """What init does to one file: its text before and after, and the notes of the edits."""

    path: str
    before: str | None
    edit: Edit
    newline: str = "\n"

    @property
    def changed(self) -> bool:
        """True when the file is created or its text changes."""
        return self.edit.text is not None and self.edit.text != self.before


class SetupPlan(NamedTuple):
    """Everything init would do: each file's plan, in a stable order, the typing ratchet's
    report (``None`` without ``--typing``), and the files that cannot be read or parsed
    today (path and reason), which the baseline records."""

    files: tuple[FilePlan, ...]
    ratchet: Ratchet | None = None
    unreadable: tuple[tuple[str, str], ...] = ()
    #: What the user should know about the plan as a whole.
    notes: tuple[str, ...] = ()


class _Project:
    """The project's files, read once each (``\\n`` line endings; ``None``: no such file).

    A file that is a symbolic link is read, and edited, at its target when the target is
    inside the project (:meth:`located`); a link that leads outside is never followed.
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self._texts: dict[str, tuple[str | None, str]] = {}

    def located(self, name: str) -> tuple[str, str]:
        """Where the file ``name`` really is, as a ``/``-separated path relative to the root
        (``name`` itself unless it is a link), and why it cannot be edited (empty when it
        can): a link to a file outside the project, or a link that leads nowhere."""
        path = os.path.join(self.root, name)
        if not os.path.islink(path):
            return name, ""
        root = os.path.realpath(self.root)
        target = os.path.realpath(path)
        inside = os.path.commonpath([root, target]) == root and target != root
        if not inside:
            return name, f"{name} is a link to a file outside the project, which init does not edit"
        relative = os.path.relpath(target, root).replace(os.sep, "/")
        if not os.path.isfile(target):
            return name, f"{name} is a link to {relative}, which does not exist"
        return relative, ""

    def read(self, name: str) -> tuple[str | None, str]:
        """The text of ``name`` and its line ending."""
        if name not in self._texts:
            path = os.path.join(self.root, name)
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except FileNotFoundError:
                self._texts[name] = (None, "\n")
            except OSError as error:
                raise SetupError(f"{name}: cannot read it: {error.strerror or error}") from None
            else:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise SetupError(f"{name}: not UTF-8 text; init edits UTF-8 files only") from None
                crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
                self._texts[name] = (text.replace("\r\n", "\n") if crlf else text, "\r\n" if crlf else "\n")
        return self._texts[name]

    def text(self, name: str) -> str | None:
        """The text of ``name``, or ``None``."""
        return self.read(name)[0]


#: Where a project declares the tools it develops with: its dependencies, extras and groups,
#: requirement files, tox environments and pre-commit hooks.
DECLARING_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".pre-commit-config.yaml")
_FLAKE8_PYPROJECT = re.compile(r"\bflake8[-_.]?pyproject\b", re.IGNORECASE)


def _declares_flake8_pyproject(project: _Project) -> bool:
    """True when the project installs Flake8-pyproject, the plugin that makes flake8 read
    ``[tool.flake8]`` (flake8 alone never reads ``pyproject.toml``)."""
    names = [*DECLARING_FILES, *_requirement_files(project.root)]
    return any(_FLAKE8_PYPROJECT.search(project.text(name) or "") for name in names)


def _requirement_files(root: str) -> list[str]:
    """The ``requirements*.txt`` files at the root."""
    try:
        entries = os.listdir(root)
    except OSError:
        return []  # a root that cannot be listed: only the files named above are read
    return sorted(name for name in entries if name.startswith("requirements") and name.endswith(".txt"))


def _flake8_step(project: _Project) -> tuple[str, Callable[[str | None], Edit]]:
    """The file flake8 reads its configuration from, and the edit that selects QF there:
    ``[tool.flake8]`` only when Flake8-pyproject is declared, else the first of flake8's own
    files with a ``[flake8]`` section, in flake8's order."""
    tool = (toml.parse_toml(project.text("pyproject.toml") or "") or {}).get("tool")
    if isinstance(tool, dict) and "flake8" in tool and _declares_flake8_pyproject(project):
        return "pyproject.toml", setup_files.add_flake8_toml_select
    for name in FLAKE8_FILES:
        if setup_files.has_ini_section(project.text(name), ["flake8"]):
            return name, setup_files.add_flake8_select
    return ".flake8", setup_files.add_flake8_select


def _ini_section(text: str | None, candidates: Sequence[str]) -> str:
    data = setup_files.parse_ini(text or "") or {}
    return next((name for name in candidates if name in data), candidates[0])


def _pylint_step(project: _Project) -> tuple[str, Callable[[str | None], Edit]]:
    """The file pylint reads its configuration from, and the edit that loads the plugin."""
    for name in PYLINTRC_FILES:
        text = project.text(name)
        if text is not None:
            return name, _ini_plugin_step(_ini_section(text, ("MAIN", "MASTER", "main", "master")))
    for name in PYLINTRC_TOML_FILES:
        if project.text(name) is not None:
            return name, _by_hand(
                f'pylint reads {name}: add load-plugins = ["{setup_files.PYLINT_PLUGIN}"] '
                "to its [tool.pylint.main] table by hand"
            )
    pyproject = toml.parse_toml(project.text("pyproject.toml") or "") or {}
    if "pylint" not in pyproject.get("tool", {}):
        for name in ("setup.cfg", "tox.ini"):
            data = setup_files.parse_ini(project.text(name) or "") or {}
            sections = [section for section in data if section.lower().startswith("pylint.")]
            if sections:
                candidates = ("pylint.main", "pylint.MAIN", "pylint.master", "pylint.MASTER")
                return name, _ini_plugin_step(_ini_section(project.text(name), candidates))
    return "pyproject.toml", setup_files.add_pylint_plugin


def _ini_plugin_step(section: str) -> Callable[[str | None], Edit]:
    def step(text: str | None) -> Edit:
        return setup_files.add_to_ini_list(
            text, section, ("load-plugins", "load_plugins"), setup_files.PYLINT_PLUGIN
        )

    return step


def _by_hand(note: str) -> Callable[[str | None], Edit]:
    def step(text: str | None) -> Edit:
        return Edit(text, left=(note,))

    return step


def _workflow_step(force: bool, source: InstallSource, placeholder: str = "") -> Callable[[str | None], Edit]:
    """The workflow, installing from ``source``; ``placeholder``: why ``source`` is a
    placeholder (the running qemlflow-lint is a local install CI cannot reach), else empty."""
    wanted = setup_files.workflow(source)
    installing = () if source.kind == "index" else (f"installing {source.requirement(flake8=True)}",)
    if placeholder:
        unreachable: tuple[str, ...] = (placeholder,)
    elif not source.in_checkout:
        unreachable = (
            f"CI's checkout has no {source.text}: make the workflow's install step name a source "
            "that CI can reach",
        )
    else:
        unreachable = ()

    def step(text: str | None) -> Edit:
        if text is None:
            return Edit(wanted, ("added the workflow", *installing), left=unreachable)
        if text == wanted:
            return Edit(text, kept=("the workflow is up to date",), left=unreachable)
        if setup_files.same_workflow_but_the_install(text, wanted):
            return Edit(wanted, ("updated the workflow's install step", *installing), left=unreachable)
        if force:
            return Edit(wanted, ("replaced the workflow (--force)", *installing), left=unreachable)
        return Edit(text, left=("the file differs from the workflow init writes; --force replaces it",))

    return step


def _tox_step(project: _Project, source: InstallSource) -> tuple[str, Callable[[str | None], Edit]]:
    """``tox.ini``, unless tox reads its configuration from another file (which a new
    ``tox.ini`` would override): then the lint environment is left to the user."""
    if project.text("tox.ini") is None:
        pyproject = toml.parse_toml(project.text("pyproject.toml") or "") or {}
        elsewhere = (
            "tox.toml"
            if project.text("tox.toml") is not None
            else "pyproject.toml"
            if isinstance(pyproject.get("tool"), dict) and "tox" in pyproject["tool"]
            else "setup.cfg"
            if setup_files.has_ini_section(project.text("setup.cfg"), ["tox:tox"])
            else None
        )
        if elsewhere is not None:
            return elsewhere, _by_hand(
                f"tox reads {elsewhere}: add a `lint` environment that installs "
                f"{source.requirement(flake8=True)} and runs "
                "`flake8 --select QF .` and `qemlflow-lint score` by hand"
            )
    return "tox.ini", lambda text: setup_files.add_lint_environment(text, source)


def _qemlflow_section(pyproject: str | None) -> dict[str, object] | None:
    """The project's ``[tool.qemlflow-lint]`` table, or ``None``."""
    section = (toml.parse_toml(pyproject or "") or {}).get("tool", {}).get("qemlflow-lint")
    return section if isinstance(section, dict) else None


def _has_gate(pyproject: str | None) -> bool:
    section = _qemlflow_section(pyproject)
    score = section.get("score") if section is not None else None
    return isinstance(score, dict) and "fail-under" in score


class Survey(NamedTuple):
    """The project analysed with the configuration init writes: every file's result and
    the score."""

    results: Sequence[FileResult]
    score: float


#: ``survey(root, overrides)``: the project in ``root`` analysed with ``overrides`` (keys of
#: ``[tool.qemlflow-lint]``) over its own configuration, as ``qemlflow-lint score`` would.
Surveyor = Callable[[str, Mapping[str, object]], Survey]


class _RatchetStep(NamedTuple):
    """The typing ratchet's part of the plan."""

    #: The file mypy reads its configuration from.
    file: str
    #: The edit that adds the fully typed packages to it.
    edit: Callable[[str | None], Edit]
    #: What an edited text of the file does for each package.
    report: Callable[[str | None], Ratchet]


def _ratchet_file(project: _Project) -> tuple[str, mypy_config.MypyConfig]:
    """The file mypy reads and its configuration. One that does not parse is a
    :class:`SetupError`, raised before the project is analysed."""
    try:
        name = mypy_config.config_file(project.text)
        return name, mypy_config.read_config(name, project.text(name))
    except mypy_config.MypyConfigError as error:
        raise SetupError(f"{error}; init --typing wrote nothing") from None


def _ratchet_step(
    project: _Project, name: str, before: mypy_config.MypyConfig, results: Sequence[FileResult]
) -> _RatchetStep:
    """The ratchet's file, edit and report."""
    coverage = package_coverage(results, project.root)
    patterns = patterns_to_add(coverage, before)

    def step(text: str | None) -> Edit:
        return mypy_config.add_ratchet(name, text, patterns)

    def report(text: str | None) -> Ratchet:
        return ratchet_report(coverage, before, mypy_config.read_config(name, text))

    return _RatchetStep(name, step, report)


def _baseline_step(results: Sequence[FileResult], root: str) -> Callable[[str | None], Edit]:
    """The baseline of today's findings, unreadable files included; one already there is
    kept (``qemlflow-lint baseline --update`` shrinks it, ``--force`` records it anew)."""
    recorded = record(results, root)
    unreadable = sum(1 for entry in recorded.entries if entry.key.code == UNREADABLE_CODE)

    def step(text: str | None) -> Edit:
        if text is not None:
            return Edit(text, kept=("the baseline already there is kept (baseline --update shrinks it)",))
        files = f", {plural(unreadable, 'file')} that cannot be read or parsed" if unreadable else ""
        return Edit(
            dumps(recorded), (f"recorded today's {plural(recorded.total - unreadable, 'finding')}{files}",)
        )

    return step


def plan_setup(
    root: str,
    fail_under: float | None,
    force: bool,
    survey: Surveyor,
    install_from: str | None = None,
    typing: bool = False,
    running: Running | None = None,
    with_editors: bool = True,
) -> SetupPlan:
    """What init would do to each file of the project in ``root``, in a stable order.

    The project is analysed once, with the configuration init writes (``survey``): that
    analysis is the baseline of today's findings, and without ``fail_under`` and a gate
    already configured the gate is today's score, so that every gate passes today and fails
    on what is new. ``force`` replaces a workflow that differs; ``install_from`` is the
    source the tox environment, the pre-commit hooks and the workflow install qemlflow-lint
    from (see :func:`~qemlflow_lint.setup.source.parse_source`; by default the running
    version from the package index). ``running``: where the running qemlflow-lint was
    installed from, when not from the index: without ``install_from``, pre-commit and tox
    install that, and the workflow a placeholder unless CI can reach it too. With
    ``typing``, the plan adds the typing ratchet to mypy's configuration. With
    ``with_editors``, it adds the settings that start ``qemlflow-lint server`` for the editors
    the repository shows it uses (:mod:`qemlflow_lint.setup.editors`).
    """
    try:
        source = parse_source(install_from, root)
    except InstallSourceError as error:
        raise SetupError(f"--install-from {error}") from None
    ci_source, placeholder = source, ""
    notes: tuple[str, ...] = ()
    if install_from is None and running is not None:
        source = ci_source = running.source
        notes = (
            f"qemlflow-lint {__version__} here is {running.how}, not a release from the package index: "
            "pre-commit and tox install it from there",
        )
        if not running.reachable_from_ci:
            ci_source = CI_PLACEHOLDER
            placeholder = (
                f"CI cannot install the qemlflow-lint here ({running.how}): the workflow installs from "
                f"the placeholder {CI_PLACEHOLDER.text}; rerun init with --install-from and a release "
                "or a URL CI can reach"
            )
    project = _Project(root)
    mypy_file = _ratchet_file(project) if typing else None
    packages = find_packages(root)
    pyproject_text = project.text(project.located("pyproject.toml")[0])
    written = (
        {}
        if _qemlflow_section(pyproject_text) is not None
        else {"select": ["QF"], "packages": list(packages)}
    )
    today = survey(root, written)
    ratchet = _ratchet_step(project, *mypy_file, today.results) if mypy_file is not None else None
    gate_note = ""
    if fail_under is None and not _has_gate(pyproject_text):
        fail_under = today.score
        gate_note = f"the gate is today's score, {today.score:.1f}: it fails when the score drops"
    gate = 100.0 if fail_under is None else fail_under

    def qemlflow_table(text: str | None) -> Edit:
        edit = setup_files.add_qemlflow_table(text, gate, packages)
        return edit._replace(done=edit.done + ((gate_note,) if gate_note and edit.done else ()))

    steps: list[tuple[str, Callable[[str | None], Edit]]] = [
        ("pyproject.toml", qemlflow_table),
        (setup_files.BASELINE, _baseline_step(today.results, root)),
        _flake8_step(project),
        _pylint_step(project),
        _tox_step(project, source),
        (".pre-commit-config.yaml", lambda text: setup_files.add_pre_commit_hooks(text, source)),
        (setup_files.WORKFLOW_PATH, _workflow_step(force, ci_source, placeholder)),
    ]
    if ratchet is not None:
        steps.append((ratchet.file, ratchet.edit))
    editors = editor_steps(root) if with_editors else EditorSteps([])
    steps.extend(editors.steps)
    notes = (*notes, *editors.notes)
    order: list[str] = []
    edits: dict[str, Edit] = {}
    for name, step in steps:
        path, refused = project.located(name)
        if path not in edits:
            order.append(path)
            edits[path] = Edit(project.text(path))
        if refused:
            edits[path] = edits[path].then(_by_hand(f"{refused}; add init's settings to it by hand"))
            continue
        edits[path] = edits[path].then(step)
        if path != name:
            edits[path] = edits[path]._replace(done=(*edits[path].done, f"edited through the link {name}"))
    files = tuple(FilePlan(name, project.text(name), edits[name], project.read(name)[1]) for name in order)
    unreadable = tuple(
        (result.path, result.error or "it cannot be parsed") for result in today.results if not result.ok
    )
    report = ratchet.report(edits[project.located(ratchet.file)[0]].text) if ratchet is not None else None
    return SetupPlan(files, report, unreadable, notes)


def describe(plan: FilePlan, dry_run: bool) -> str:
    """One line: the file, what happens to it, and the notes."""
    if not plan.changed:
        status = "unchanged"
    elif plan.before is None:
        status = "would create" if dry_run else "created"
    else:
        status = "would update" if dry_run else "updated"
    notes = [*plan.edit.done, *plan.edit.kept, *(f"left: {note}" for note in plan.edit.left)]
    return f"{plan.path}: {status}" + (f" — {'; '.join(notes)}" if notes else "")


def _diff_lines(text: str) -> list[str]:
    """The lines of ``text`` with their ``\n`` (only ``\n`` ends a line, as for git)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def file_plan_diff(plan: FilePlan) -> str:
    """The change to one file as a unified diff (``a/``, ``b/`` prefixes; ``/dev/null`` for a
    new file)."""
    source = "/dev/null" if plan.before is None else f"a/{plan.path}"
    return line_diff(
        _diff_lines(plan.before or ""), _diff_lines(plan.edit.text or ""), source, f"b/{plan.path}"
    )
