"""``qemlflow-lint init``: set an existing project up in one command.

Writes, in the project's root folder: ``[tool.qemlflow-lint]`` with a score gate in
``pyproject.toml``; ``extend-select = QF`` in the flake8 configuration (``pyproject.toml``'s
``[tool.flake8]`` when there is one, for the Flake8-pyproject plugin; else the ``[flake8]``
section flake8 reads, or a new ``.flake8``); pylint's ``load-plugins`` in the configuration
pylint reads; a tox ``lint`` environment; the pre-commit hooks; and a GitHub Actions workflow.
The last three install qemlflow-lint from the package index, or from ``--install-from``
(a requirement, a URL, or a path to a checkout or a wheel). Existing files are edited
at the text level (see :mod:`qemlflow_lint.setup.files`), so their content and comments stay
as they were; a value the user already set is kept and reported; the workflow, the one file
init writes whole, is only replaced with ``--force``. A second run changes nothing.
``--dry-run`` prints the changes as a unified diff (which ``git apply`` takes) and writes
nothing. ``--typing`` adds the typing ratchet: mypy's ``disallow_untyped_defs`` and
``disallow_incomplete_defs`` for every package whose public defs are all annotated (QF002),
in the file mypy reads; a rerun adds the packages that got there and removes none. The
planning lives in :mod:`qemlflow_lint.setup.plan`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TextIO

from qemlflow_lint import __version__
from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.cli.common import check_paths_exist, score_points
from qemlflow_lint.cli.exits import EXIT_CLEAN, UsageError
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.words import plural
from qemlflow_lint.run.api import Analysis, RunOptions, analyse_paths
from qemlflow_lint.score.compute import compute_score
from qemlflow_lint.score.profile import configured_weights
from qemlflow_lint.setup.plan import FilePlan, SetupError, Survey, describe, file_plan_diff, plan_setup
from qemlflow_lint.setup.ratchet import describe_ratchet
from qemlflow_lint.setup.source import running_install

#: The default of ``--install-from`` (``index``: the running version from the package index,
#: even when the qemlflow-lint running is a local install).
INSTALL_FROM_VARIABLE = "QEMLFLOW_LINT_INSTALL_FROM"


def configure(init: argparse.ArgumentParser) -> None:
    """The arguments of the ``init`` command."""
    init.add_argument(
        "path", nargs="?", default=".", metavar="DIR", help="the project's root folder (default: .)"
    )
    init.add_argument(
        "--fail-under",
        type=score_points,
        metavar="N",
        help="the score gate to write (default: today's score, so that the gate fails when it "
        "drops; a fail-under already configured is kept)",
    )
    init.add_argument(
        "--dry-run", action="store_true", help="print the changes as a unified diff and write nothing"
    )
    init.add_argument(
        "--force", action="store_true", help="replace a workflow file that differs from the one init writes"
    )
    init.add_argument(
        "--install-from",
        metavar="SOURCE",
        help="where the tox environment, the pre-commit hooks and the workflow install qemlflow-lint "
        "from: a pip requirement ('qemlflow-lint>=0.1'), a URL "
        "('git+https://github.com/ORG/qemlflow-lint@v0.1.0') or a path to a checkout or a wheel "
        f"(default: ${INSTALL_FROM_VARIABLE}, else qemlflow-lint=={__version__} from the package index, "
        "or the local install running, when it is one; 'index': the package index)",
    )
    init.add_argument(
        "--typing",
        action="store_true",
        help="also turn mypy's disallow_untyped_defs and disallow_incomplete_defs on for every "
        "package whose public defs are all annotated (QF002 at 100 %%), in the file mypy reads; "
        "a rerun adds the packages that got there and removes none",
    )
    init.add_argument(
        "--no-editors",
        action="store_true",
        help="leave the editors' settings alone (by default, init adds the settings that start "
        "`qemlflow-lint server` for the editors the repository shows it uses: .vscode/, .nvim.lua, "
        ".helix/, .dir-locals.el)",
    )
    init.set_defaults(run=run)


def _analyse(root: str, overrides: Mapping[str, object] = MappingProxyType({})) -> Analysis:
    # init writes nothing but its files: no cache
    return analyse_paths([root], RunOptions(overrides=overrides, origin="init", use_cache=False))


def survey(root: str, overrides: Mapping[str, object] = MappingProxyType({})) -> Survey:
    """The project in ``root`` analysed as ``qemlflow-lint score DIR`` does, with
    ``overrides`` (the ``[tool.qemlflow-lint]`` values init writes) over its configuration:
    every file's result and the score."""
    analysis = _analyse(root, overrides)
    weights = configured_weights(analysis.settings)
    return Survey(analysis.results, compute_score(analysis.results, weights).score)


def todays_score(root: str) -> float:
    """The project's compliance score now, as ``qemlflow-lint score DIR`` computes it."""
    return survey(root).score


def _write(root: str, plan: FilePlan) -> None:
    path = os.path.join(root, plan.path)
    text = plan.edit.text or ""
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        write_text_atomic(path, text.replace("\n", plan.newline) if plan.newline != "\n" else text)
    except OSError as error:
        raise UsageError(f"{plan.path}: cannot write it: {error.strerror or error}") from None


def _unreadable_lines(unreadable: Sequence[tuple[str, str]]) -> list[str]:
    """The files that cannot be read or parsed today, and what init did about them."""
    if not unreadable:
        return []
    them = "it" if len(unreadable) == 1 else "them"
    return [
        f"{plural(len(unreadable), 'file')} cannot be read or parsed today; the baseline records {them}, "
        f"so the gates fail on a file that breaks from now on, not on {them} "
        f"(the rules check {them} again once {'it parses' if len(unreadable) == 1 else 'they parse'}):",
        *(f"  {display_path(path)}: {reason}" for path, reason in unreadable),
    ]


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Plan the edits, then print them as a diff (``--dry-run``) or write them, and say what
    happened to each file."""
    check_paths_exist([args.path])
    if not os.path.isdir(args.path):
        raise UsageError(f"{args.path}: not a folder (init sets up the project whose root folder it is)")
    try:
        install_from = args.install_from or os.environ.get(INSTALL_FROM_VARIABLE) or None
        running = running_install() if install_from is None else None
        planned = plan_setup(
            args.path,
            args.fail_under,
            args.force,
            survey,
            install_from,
            args.typing,
            running,
            with_editors=not args.no_editors,
        )
    except SetupError as error:
        raise UsageError(str(error)) from None
    ratchet = describe_ratchet(planned.ratchet, args.dry_run) if planned.ratchet is not None else []
    notes = [*ratchet, *_unreadable_lines(planned.unreadable), *planned.notes]
    if args.dry_run:
        for file_plan in planned.files:
            out.write(file_plan_diff(file_plan))
            print(describe(file_plan, dry_run=True), file=sys.stderr)
        for line in notes:
            print(line, file=sys.stderr)
        return EXIT_CLEAN
    for file_plan in planned.files:
        if file_plan.changed:
            _write(args.path, file_plan)
        out.write(describe(file_plan, dry_run=False) + "\n")
    out.writelines(line + "\n" for line in notes)
    if any(p.path == ".pre-commit-config.yaml" and p.changed for p in planned.files):
        out.write("Next: `pre-commit install` runs the hooks on every commit.\n")
    if planned.ratchet is not None and planned.ratchet.added:
        out.write(
            "Next: run mypy. It checks every def of the packages added, private and nested ones "
            "too, which QF002 does not count.\n"
        )
    return EXIT_CLEAN
