"""The slowchem sample (``fixtures/projects/slowchem/``): a small ML-for-chemistry package
whose heavy dependency really is slow to import, copied to a temporary folder before
anything runs on it, and the snapshot of what ``fix`` does to it.

The snapshot, ``fixtures/projects/slowchem.fix.txt``, holds for ``fix`` and for
``fix --unsafe-fixes`` what a user sees: the line of every finding fixed or left (``--check``),
the summary, and the unified diff (``--diff``). This module is the ``sample-project`` family of
:mod:`tests.snapshots`: ``python -m tests.snapshots --update sample-project`` rewrites it after
a deliberate change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.frontends import FIXTURES, cli_command, crash_in

SAMPLE = FIXTURES / "projects" / "slowchem"
SNAPSHOT = FIXTURES / "projects" / "slowchem.fix.txt"
#: The stand-ins of the installed dependencies (``heavyml``, ``fastkernels``), inside the sample.
VENDOR = "vendor_site"
#: The modes the snapshot pins, by the command line that gives them.
MODES = {"fix": (), "fix --unsafe-fixes": ("--unsafe-fixes",)}


def copy_sample(destination: Path) -> Path:
    """A copy of the sample at ``destination`` (without bytecode or caches); returns it."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".qemlflow-lint-cache")
    shutil.copytree(SAMPLE, destination, ignore=ignore)
    return destination


def sample_environment(root: Path) -> dict[str, str]:
    """The environment in which the copy at ``root`` runs: its stand-in dependencies first on
    ``PYTHONPATH``, as if installed, and no bytecode written into the copy. Its tests run
    with pytest's own plugins only: the sample needs none of those installed beside the
    suite's pytest, and loading them costs seconds at each start."""
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / VENDOR), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_in(root: Path, command: Sequence[str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in the copy at ``root``, in its environment."""
    return subprocess.run(
        list(command),
        capture_output=True,
        text=True,
        cwd=str(root),
        env=sample_environment(root),
        timeout=timeout,
    )


def qemlflow_lint(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``qemlflow-lint ARGS`` in the copy at ``root``, which must not crash."""
    done = run_in(root, cli_command(*args))
    crash = crash_in(done.stderr) or crash_in(done.stdout)
    assert crash is None, f"qemlflow-lint {' '.join(args)} crashed ({crash})\n{done.stdout}{done.stderr}"
    return done


def render(scratch: Path) -> str:
    """The snapshot text as it is now, made in copies of the sample below ``scratch``."""
    root = copy_sample(scratch / "slowchem")
    parts = []
    for title, extra in MODES.items():
        check = qemlflow_lint(root, "fix", "--check", "--no-measure", "--no-cache", *extra, ".")
        diff = qemlflow_lint(root, "fix", "--diff", "--no-cache", *extra, ".")
        parts.append(f"## {title}\n\n### fix --check: one line per finding\n")
        parts.append(check.stdout.replace(os.sep, "/"))
        parts.append("\n### the summary (standard error)\n")
        parts.append(check.stderr.replace(os.sep, "/"))
        parts.append("\n### fix --diff\n")
        parts.append(diff.stdout.replace(os.sep, "/") or "(no change)\n")
        parts.append("\n")
    return "".join(parts).rstrip("\n") + "\n"


def snapshots() -> dict[Path, str | None]:
    """The slowchem sample's snapshot (``slowchem.fix.txt``), as ``fix`` gives it now.

    It is made in a temporary copy of the sample."""
    scratch = Path(tempfile.mkdtemp(prefix="slowchem-"))
    try:
        return {SNAPSHOT: render(scratch)}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
