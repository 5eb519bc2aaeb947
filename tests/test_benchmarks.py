"""The benchmark script runs end to end: a quick smoke run prints its table and exits 0."""

from __future__ import annotations

import subprocess
import sys

from frontends import REPO

#: The rows every run has, whatever else is installed: the parse floor and the CLI's three.
ALWAYS_MEASURED = (
    "| parse floor: read + `ast.parse`",
    "| qemlflow-lint check, cold, `--jobs 1 --no-cache`",
    "| qemlflow-lint check, cold, `--no-cache`",
    "| qemlflow-lint check, warm cache",
)


def test_quick_run_prints_the_table() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--no-venvs"],
        capture_output=True, text=True, cwd=str(REPO), timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert rows and rows[0].startswith("| tool / configuration | corpus | files | median s |")
    for start in ALWAYS_MEASURED:
        row = next((row for row in rows if row.startswith(start)), None)
        assert row is not None, f"no row {start!r} in:\n{done.stdout}"
        cells = [cell.strip() for cell in row.split("|")]
        assert cells[2] == "email+json" and float(cells[4]) > 0, row  # corpus, median seconds
    assert "| target | measured | result |" in done.stdout
