"""The parse floor: one process reads every file of a corpus and ``ast.parse``s it, with the
cyclic garbage collector paused, and again with it on. No linter can be faster than this."""

from __future__ import annotations

import sys

from benchmarks.plan import Setup, row
from benchmarks.results import Judges
from benchmarks.timing import Command, accept_zero

#: The parse floor: read every ``.py`` file below the working directory and ``ast.parse`` it.
PARSE_FLOOR = """\
import os, sys
here = os.getcwd()
sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != here]
import ast, gc
if sys.argv[1] == "paused":
    gc.disable()
files = failed = 0
for directory, subdirectories, names in os.walk("."):
    subdirectories.sort()
    for name in sorted(names):
        if name.endswith(".py"):
            with open(os.path.join(directory, name), "rb") as handle:
                data = handle.read()
            files += 1
            try:
                ast.parse(data)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                failed += 1
print(files, failed)
"""


def rows(setup: Setup, notes: list[str]) -> list[Command]:
    """Both floors on every corpus but the one-file folder."""
    floor = (sys.executable, "-c", PARSE_FLOOR)
    found = []
    for corpus in setup.corpora:
        if corpus.key != "file":
            found.append(
                row(
                    corpus,
                    "floor",
                    "parse floor: read + `ast.parse`, 1 process, gc paused",
                    (*floor, "paused"),
                    accept_zero,
                )
            )
            found.append(row(corpus, "floor-gc", "parse floor, gc on", (*floor, "on"), accept_zero, "floor"))
    return found


#: The floors are the references of the check's targets (``measurements/check.py``).
TARGETS: Judges = ()
