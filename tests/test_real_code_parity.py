"""On real code that every machine has — a sample of the running interpreter's standard
library, found with ``sysconfig`` — flake8, pylint and the CLI agree finding for finding,
for every rule, with one configuration file given to each of them.

Every per-file rule meets real code on every supported Python: besides an even spread of
the library, the sample holds files chosen (by running the rules over the standard
libraries of Python 3.9 to 3.13) because each triggers a rule on all of those versions.

The configuration (``real_code.toml`` plus the sample's top-level packages as ``packages``,
so that every sampled module is library code wherever the configuration file lives) is
written to a temporary file."""

from __future__ import annotations

import ast
import os
import sys
import sysconfig
from pathlib import Path

import pytest

from qemlflow_lint.rules.registry import all_rules
from tests.frontends import FRONT_ENDS, Reported

#: flake8 and pylint over some 180 files of the standard library take a while.
pytestmark = pytest.mark.slow

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLE_SIZE = 160
CONFIG = Path(__file__).resolve().parent / "real_code.toml"
#: For per-file rules, standard-library files that trigger them on every Python from 3.9
#: to 3.13 (with ``real_code.toml``), two per rule so that one changing upstream still
#: leaves the rule covered, and shows by name. (QF101 and QF102 are project rules: only the CLI has them.)
RULE_FILES = {
    "QF001": ("asyncio/threads.py", "json/scanner.py"),  # import functools / re
    "QF002": ("email/mime/nonmultipart.py", "asyncio/threads.py"),
    "QF003": ("contextvars.py", "struct.py"),
    "QF004": ("_sitebuiltins.py", "shelve.py"),  # bare `except:`
    "QF005": ("dbm/gnu.py", "xml/parsers/expat.py"),  # from _gdbm import * ...
    "QF006": ("this.py", "turtle.py"),  # print() at import time
    "QF007": ("tkinter/dialog.py", "bisect.py"),  # except ImportError: pass
    "QF008": ("cmd.py", "json/encoder.py"),  # over the 400 lines of real_code.toml
}
SKIPPED_PARTS = {"site-packages", "test", "tests", "idlelib", "lib2to3", "turtledemo", "__phello__"}


def _parses(path: Path) -> bool:
    """Some standard-library files are deliberately invalid (test data for the parser)."""
    try:
        ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return False
    return True


def _sample() -> list[str]:
    """A deterministic spread of parseable package modules (packages exercise the
    module-name logic: ``json/decoder.py`` is ``json.decoder``)."""
    candidates = []
    for path in sorted(STDLIB.rglob("*.py")):
        relative = path.relative_to(STDLIB)
        if len(relative.parts) < 2 or SKIPPED_PARTS & set(relative.parts):
            continue
        if _parses(path):
            candidates.append(str(relative))
    step = max(len(candidates) // SAMPLE_SIZE, 1)
    sample = candidates[::step][:SAMPLE_SIZE]
    pinned = sorted({path for paths in RULE_FILES.values() for path in paths} - set(sample))
    return [*sample, *pinned]


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Reported]]:
    sample = _sample()
    assert len(sample) >= SAMPLE_SIZE // 2, "too little of the standard library found"
    tops = {Path(path).parts[0].removesuffix(".py") for path in sample}
    packages = sorted(name for name in tops if name.isidentifier())  # not config-3.x/python-config.py
    config = tmp_path_factory.mktemp("real-code") / "pyproject.toml"
    listed = ", ".join(f'"{name}"' for name in packages)
    config.write_text(CONFIG.read_text(encoding="utf-8") + f"packages = [{listed}]\n", encoding="utf-8")
    extra = {
        "cli": (f"--config={config}",),
        "flake8": ("--jobs", "2", f"--qf-config={config}"),
        "pylint": ("--jobs", "2", f"--qf-config={config}"),
    }
    return {name: run(sample, *extra[name], cwd=STDLIB) for name, run in FRONT_ENDS.items()}


PROJECT_CODES = {rule.code for rule in all_rules() if rule.project}


def test_the_sample_exercises_every_rule(reported: dict[str, list[Reported]]) -> None:
    found = {r.code for r in reported["cli"]}
    missing = [rule.code for rule in all_rules() if rule.code not in found and not rule.project]
    assert not missing, f"no finding of {missing} in the sample: the parity test would not cover them"


def test_the_pinned_files_are_of_per_file_rules() -> None:
    # A new rule needs no pin: the sample must still break it (the test above).
    per_file = {rule.code for rule in all_rules() if not rule.project}
    assert set(RULE_FILES) <= per_file


@pytest.mark.parametrize("code", sorted(RULE_FILES))
def test_each_pinned_file_triggers_its_rule(code: str, reported: dict[str, list[Reported]]) -> None:
    # a file renamed or rewritten upstream shows here by name, not as a rule gone quiet
    by_file = {(os.path.normpath(r.path), r.code) for r in reported["cli"]}
    quiet = [path for path in RULE_FILES[code] if (os.path.normpath(path), code) not in by_file]
    assert not quiet, f"no {code} in {quiet} on Python {sys.version.split()[0]}"


@pytest.mark.parametrize("front_end", ["flake8", "pylint"])
def test_front_end_agrees_with_the_cli_finding_for_finding(
    front_end: str, reported: dict[str, list[Reported]]
) -> None:
    # project rules (QF101, QF102) need the whole project: the CLI alone reports them
    cli = [(r.path, r.line, r.col, r.code, r.message) for r in reported["cli"] if r.code not in PROJECT_CODES]
    other = [(r.path, r.line, r.col, r.code, r.message) for r in reported[front_end]]
    missing = sorted(set(cli) - set(other))[:10]
    extra = sorted(set(other) - set(cli))[:10]
    assert cli == other, (
        f"{front_end} differs from the CLI\nonly in cli: {missing}\nonly in {front_end}: {extra}"
    )
