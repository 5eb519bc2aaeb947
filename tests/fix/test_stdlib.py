"""``fix --unsafe-fixes`` on the running interpreter's standard library, its test suites and
IDE aside: the largest real code every machine has, with every Python construct, legacy
encodings and (from the test suite) files that do not parse on purpose.

The dry run (``--diff``) must finish without a traceback and with its summary, and no file
may be refused because its fix failed the proof (that is a fixer bug; only files fix cannot
read or parse may be refused); the writing run must leave every file it did not change byte
for byte, and every file it changed must still compile.

It runs once, with every rule and some of the standard library's own packages declared heavy
(under the default heavy list it has no QF001 finding), finding by finding: QF002's and
QF004's fixes at scale, and QF001's meeting real code of every shape, in the same files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest

from tests.frontends import cli_command, crash_in

#: What is not the standard library's own code.
LEFT_OUT = frozenset({"site-packages", "dist-packages", "__pycache__"})
#: The test suites and the IDE are left out to keep the run short (they are more than half of
#: the files, and test code is not what fix is for), except the files in them that are broken
#: on purpose: bad syntax, bad or unusual encodings, a BOM, CRLF endings, Python 2.
TEST_FOLDERS = frozenset({"test", "tests", "idle_test", "idlelib"})
KEPT_TEST_FILES = re.compile(r"^(bad.*|bom|crlf|py2_.*|.*coding.*|.*encoding.*)\.py$")
#: ``Would fix 12 findings in 3 files (…).`` / ``Fixed …``: the first line of the summary.
SUMMARY = re.compile(r"^(Would fix|Fixed) (\d+) findings? in (\d+) files?\b", re.MULTILINE)
#: The options the library is fixed with, beside ``--unsafe-fixes``.
OPTIONS = (
    # Every finding that can be fixed, gain or not: QF001's fixes meet as many real
    # statements as the library has (the plan by the import graph keeps only the few that
    # take a package out of an entry point's import).
    "--per-finding",
    "--heavy-modules",
    # Not typing or importlib: the fixes themselves import TYPE_CHECKING and importlib.util.
    "argparse,asyncio,collections,concurrent,ctypes,dataclasses,datetime,decimal,email,enum,"
    "functools,http,inspect,json,logging,multiprocessing,pathlib,re,shutil,socket,sqlite3,ssl,"
    "subprocess,tempfile,threading,tkinter,unittest,urllib,xml",
)
#: Why fix may leave a whole file alone without a fixer being wrong: it cannot read or parse it.
ACCEPTED_REFUSALS = ("libcst cannot parse it", "cannot read it", "it cannot be parsed")
#: ``Not fixed: path: reason`` lines of the summary.
NOT_FIXED = re.compile(r"^Not fixed: (.+?): (.+)$", re.MULTILINE)
#: A line of a unified diff.
DIFF_LINE = re.compile(r"^(--- a/|\+\+\+ b/|@@ |[ +\-\\]|$)")
#: The files a unified diff changes.
DIFF_FILE = re.compile(r"^\+\+\+ b/(.+)$", re.MULTILINE)


def copy_stdlib(destination: Path) -> dict[str, bytes]:
    """Copy the standard library's ``.py`` files to ``destination`` with a neutral
    configuration (the defaults; nothing above the copy is read); their bytes by path."""
    source = Path(sysconfig.get_paths()["stdlib"])

    def ignore(folder: str, names: list[str]) -> list[str]:
        in_tests = any(part in TEST_FOLDERS for part in Path(folder).relative_to(source).parts)
        return [
            name
            for name in names
            if name in LEFT_OUT
            or (not name.endswith(".py") and not os.path.isdir(os.path.join(folder, name)))
            or (in_tests and name.endswith(".py") and not KEPT_TEST_FILES.match(name))
        ]

    shutil.copytree(source, destination, ignore=ignore)
    (destination / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
    return files_below(destination)


def files_below(root: Path) -> dict[str, bytes]:
    """Every ``.py`` file below ``root``, by its path relative to it, with its bytes."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*.py")}


def fix(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``qemlflow-lint fix ARGS .`` in ``root``, exactly as a user runs it."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        cli_command("fix", *args, "."),
        capture_output=True,
        text=True,
        cwd=str(root),
        env=env,
        timeout=3600,
    )


def does_not_compile(data: bytes, path: str) -> str | None:
    """Why ``data`` does not compile (its warnings ignored), or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


@pytest.mark.slow
def test_fix_on_the_standard_library_changes_only_what_it_says_and_keeps_it_compiling(
    tmp_path: Path,
) -> None:
    root = tmp_path / f"stdlib{sys.version_info[0]}{sys.version_info[1]}"
    original = copy_stdlib(root)
    options = OPTIONS

    dry = fix(root, "--diff", "--unsafe-fixes", "--no-cache", *options)
    # Standard output is the diff, whose lines quote the library (tracebacks in strings
    # included): a crash can only show on standard error, or as a line that is no diff's.
    crash = crash_in(dry.stderr) or next(
        (line for line in dry.stdout.split("\n") if not DIFF_LINE.match(line)), None
    )
    assert crash is None, f"fix --diff crashed ({crash})\n{dry.stderr[-3000:]}"
    assert dry.returncode in (0, 1), dry.stderr[-3000:]
    summary = SUMMARY.search(dry.stderr)
    assert summary and summary.group(1) == "Would fix", dry.stderr[-3000:]
    assert int(summary.group(2)) > 100, dry.stderr[-3000:]  # the fixers had real work
    proof_failures = [
        (path, why) for path, why in NOT_FIXED.findall(dry.stderr) if not why.startswith(ACCEPTED_REFUSALS)
    ]
    assert not proof_failures, proof_failures
    would_change = set(DIFF_FILE.findall(dry.stdout))
    assert dry.returncode == (1 if would_change else 0)
    assert len(would_change) == int(summary.group(3)), dry.stderr[-3000:]
    assert files_below(root) == original, "fix --diff wrote to the files"

    written = fix(root, "--unsafe-fixes", "--no-cache", *options)
    crash = crash_in(written.stderr) or crash_in(written.stdout)
    assert crash is None, f"fix crashed ({crash})\n{written.stderr[-3000:]}"
    assert written.returncode == 0, written.stderr[-3000:]
    summary = SUMMARY.search(written.stderr)
    assert summary and summary.group(1) == "Fixed", written.stderr[-3000:]
    after = files_below(root)
    assert after.keys() == original.keys()
    changed = {path for path in original if after[path] != original[path]}
    # The writing run changes exactly the files the dry run showed, and nothing else.
    assert changed == would_change
    broken = {path: does_not_compile(after[path], path) for path in sorted(changed)}
    assert not {path: why for path, why in broken.items() if why}, broken
