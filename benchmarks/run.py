#!/usr/bin/env python3
"""Measure qemlflow-lint against the parse floor, flake8, pylint and ruff, in one run.

``python benchmarks/run.py`` runs every tool side by side on the same files — a copy of the
running interpreter's standard library, the same without its tests and IDLE ("stdlib-lib"),
and a smaller real package (``email`` + ``json``) — and prints a Markdown table (median wall
time, ratio to the relevant reference, peak memory) followed by the project's speed targets,
each marked PASS or FAIL (``--check``: exit 1 when one fails). ``--quick`` is a smoke run.
``benchmarks/README.md`` explains the method and every fairness choice. Only the standard
library is used. The code is the ``benchmarks`` package beside this script.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    # Run as a script, the folder of this file is first on the path, not the repository's.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.cli import main

    sys.exit(main())
