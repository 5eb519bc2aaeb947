"""The import cost of the flake8 and pylint adapters, which editors pay on every run of the
host linter: each imported in a fresh interpreter on top of what its host has imported,
against its cost before the restructuring."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.base import MANY_RUNS
from benchmarks.corpora import Corpus
from benchmarks.plan import Setup
from benchmarks.results import Judges, Results, Target, judged
from benchmarks.timing import Command, accept_zero
from benchmarks.tools import compiled_copy, probe

#: The adapters' import cost before the restructuring: commit 49b479c, measured on 2026-11-29
#: with this script's own method (``--adapter-root`` = a ``git worktree`` of 49b479c, compiled
#: copy, on top of ``flake8.checker`` / ``pylint.lint``): three measurements of 21 timed imports
#: each, interleaved with the same of c5d9e10; the median of the three medians (flake8 7.09,
#: 7.32, 7.65 ms; pylint 10.08, 10.31, 10.48 ms). Machine: the README's (AMD EPYC, 2 cores,
#: Linux, CPython 3.11.7, flake8 7.5.0, pylint 4.1.4). These are that machine's figures:
#: elsewhere, measure the reference again the same way (benchmarks/README.md, "Adapter import cost").
REFERENCE_COMMIT = "49b479c"
FLAKE8_ADAPTER_REFERENCE_MS = 7.32
PYLINT_ADAPTER_REFERENCE_MS = 10.31
#: The adapter target allows for noise: at most reference + 1 ms or 1.15 × reference,
#: whichever is larger.
ADAPTER_SLACK_MS = 1.0
ADAPTER_SLACK_RATIO = 1.15

#: An adapter's import cost: in a fresh interpreter whose ``sys.path`` starts with ``root``,
#: import what the host linter has already imported when it loads its plugins (``host``),
#: then time ``import module`` with ``time.perf_counter``. Prints the seconds and the number
#: of modules the import added; fails when ``module`` did not come from ``root``.
IMPORT_COST = """\
import os, sys, time
root = os.path.realpath({root!r})
here = os.getcwd()
sys.path[:] = [root] + [p for p in sys.path if p and os.path.abspath(p) != here]
import {host}
before = len(sys.modules)
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
added = len(sys.modules) - before
path = os.path.realpath(sys.modules[{module!r}].__file__)
if not path.startswith(os.path.join(root, "")):
    sys.exit("{module} was imported from " + path + ", not from " + root)
print(seconds, added)
"""


@dataclass(frozen=True)
class Adapter:
    """A plugin adapter whose import cost is measured on top of what its host has imported."""

    key: str
    name: str
    module: str
    host: str  # imported first: what the host linter has loaded when it imports its plugins
    reference_ms: float  # the import cost at REFERENCE_COMMIT


ADAPTERS = (
    Adapter(
        "flake8-adapter",
        "flake8",
        "qemlflow_lint.flake8_plugin",
        "flake8.checker",
        FLAKE8_ADAPTER_REFERENCE_MS,
    ),
    Adapter(
        "pylint-adapter", "pylint", "qemlflow_lint.pylint_plugin", "pylint.lint", PYLINT_ADAPTER_REFERENCE_MS
    ),
)


def adapter_limit_ms(reference_ms: float) -> float:
    """The most an adapter's import may cost now: its reference plus the noise allowance."""
    return max(reference_ms + ADAPTER_SLACK_MS, ADAPTER_SLACK_RATIO * reference_ms)


def rows(setup: Setup, notes: list[str]) -> list[Command]:
    """Each adapter imported from the compiled copy (or ``--adapter-root``'s) on top of its
    host, in a fresh interpreter (the one running this script, which has flake8 and pylint
    with the test extra) whose working directory is an empty folder."""
    root, origin = setup.code, ""
    if setup.args.adapter_root:
        source = Path(setup.args.adapter_root).resolve()
        root, origin = compiled_copy(source, setup.work / "adapter-root"), f" (from {source})"
    empty = setup.work / "empty"
    empty.mkdir(exist_ok=True)
    folder = Corpus("imports", "—", empty, 0, 0)
    found = []
    for adapter in ADAPTERS:
        ok, text = probe((sys.executable, "-c", f"import {adapter.host}"), setup.env)
        if not ok:
            notes.append(
                f"the {adapter.name} adapter's import cost is not measured: this interpreter "
                f"cannot import {adapter.host} ({text[-200:]})"
            )
            continue
        script = IMPORT_COST.format(root=str(root), host=adapter.host, module=adapter.module)
        found.append(
            Command(
                f"imports:{adapter.key}",
                f"`import {adapter.module}`{origin}",
                folder,
                (sys.executable, "-c", script),
                accept_zero,
                prepare=True,
                runs=MANY_RUNS,
                kind="import",
            )
        )
    return found


def _no_dearer(results: Results, adapter: Adapter) -> Target:
    text = (
        f"importing the {adapter.name} adapter costs no more than at {REFERENCE_COMMIT} "
        f"(≤ reference + {ADAPTER_SLACK_MS:.0f} ms or × {ADAPTER_SLACK_RATIO}, whichever is larger)"
    )
    if adapter.reference_ms <= 0:
        return Target(text, "no reference recorded", None)
    measured = results.by_key.get(f"imports:{adapter.key}")
    ceiling = adapter_limit_ms(adapter.reference_ms)
    return judged(
        text,
        [measured.median * 1000 if measured else None],
        lambda m: m <= ceiling,
        lambda m: (
            f"{m:.2f} ms on top of `import {adapter.host}` (median of {MANY_RUNS}); "
            f"{REFERENCE_COMMIT}: {adapter.reference_ms:.2f} ms, limit {ceiling:.2f} ms"
        ),
    )


def flake8_adapter(results: Results) -> list[Target]:
    """The flake8 adapter's import against its reference."""
    return [_no_dearer(results, ADAPTERS[0])]


def pylint_adapter(results: Results) -> list[Target]:
    """The pylint adapter's import against its reference."""
    return [_no_dearer(results, ADAPTERS[1])]


TARGETS: Judges = (flake8_adapter, pylint_adapter)
