"""One snapshot per output format of every report kind, from one small shared input per kind.

``fixtures/formats/<kind>/<format>.txt`` is what the kind's emitter in
:mod:`qemlflow_lint.report.emitters` prints for its input, byte for byte (the running
version written as ``<version>``):

- ``findings``, ``score`` and ``graph``: the project ``fixtures/formats/project``, analysed
  as ``check .`` does in it (a heavy import, its QF101 chain, swallowed errors, a syntax
  error);
- ``trend``: ``fixtures/formats/trend.input.json``, a history of five commits with a drop;
- ``importtime``: ``fixtures/formats/importtime.input.json``, a measured import with its
  blamed line and a failed budget.

``graph``'s ``svg`` has no snapshot: Graphviz draws it, and its bytes change with Graphviz's
version (``tests/report/test_graph.py`` checks the drawing).

python -m tests.snapshots --update formats   # rewrite them, then review `git diff fixtures/formats`
python -m tests.snapshots --check formats    # write nothing; exit 1 when one is stale
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qemlflow_lint import __version__
from qemlflow_lint.history.encode import trend_from
from qemlflow_lint.report.emitters import emitter, format_names
from qemlflow_lint.report.graph.view import graph_view
from qemlflow_lint.run.api import Analysis, RunOptions, analyse_paths
from qemlflow_lint.run.project_rules import project_graphs
from qemlflow_lint.score.advice import next_fixes
from qemlflow_lint.score.compute import compute_score
from qemlflow_lint.score.gate import gate_for
from qemlflow_lint.score.profile import configured_weights
from qemlflow_lint.score.render import ScoreOutput
from tests.frontends import FIXTURES, REPO

#: Where the snapshots and the shared inputs live.
FORMAT_FIXTURES = FIXTURES / "formats"
#: The project the findings, the score and the graph are taken from.
PROJECT = FORMAT_FIXTURES / "project"
#: The (kind, format) pairs without a snapshot, and why.
UNSNAPSHOTTED = {("graph", "svg"): "drawn by Graphviz, whose output changes with its version"}


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _analysis() -> Analysis:
    with _inside(PROJECT):
        return analyse_paths(["."], RunOptions(use_cache=False, jobs=1))


def _read_json(name: str) -> Any:
    return json.loads((FORMAT_FIXTURES / name).read_text(encoding="utf-8"))


def inputs() -> dict[str, Any]:
    """Each report kind's shared input."""
    analysis = _analysis()
    config = analysis.settings
    report = compute_score(analysis.results, configured_weights(config))
    graphs = project_graphs(analysis.results, analysis.settings_by_path)
    fixes = next_fixes(report, analysis.results, graphs, analysis.settings_by_path)
    return {
        "findings": analysis.results,
        "score": ScoreOutput(
            report,
            gate_for(report, 90.0, None),
            analysis.results,
            config.fingerprint(),
            top=3,
            new_findings=None,
            fixes=fixes,
        ),
        "trend": trend_from(_read_json("trend.input.json")),
        "graph": graph_view(analysis.results, analysis.settings_by_path),
        "importtime": _read_json("importtime.input.json"),
    }


def snapshot_path(kind: str, name: str) -> Path:
    """Where the snapshot of format ``name`` of ``kind`` is kept."""
    return FORMAT_FIXTURES / kind / f"{name}.txt"


def rendered() -> dict[Path, str]:
    """Every snapshot as the emitters print it now."""
    found: dict[Path, str] = {}
    for kind, data in inputs().items():
        for name in format_names(kind):
            if (kind, name) in UNSNAPSHOTTED:
                continue
            with _inside(PROJECT):  # the paths as `check .` shows them there
                text = emitter(kind, name)(data)
            found[snapshot_path(kind, name)] = text.replace(f'"{__version__}"', '"<version>"')
    return found


def snapshots() -> dict[Path, str | None]:
    """The output formats' snapshots (``fixtures/formats/<kind>/``), as the emitters print them now.

    ``None`` for a snapshot whose format is gone."""
    now: dict[Path, str | None] = dict(rendered())
    for path in FORMAT_FIXTURES.glob("*/*.txt"):
        if path.parent != PROJECT and path not in now:
            now[path] = None
    return now


def stale() -> list[Path]:
    """The snapshots that differ from what the emitters print now, and the orphans."""
    now = rendered()
    wrong = [path for path, text in now.items() if not path.is_file() or path.read_bytes() != text.encode()]
    kept = {path for path in FORMAT_FIXTURES.glob("*/*.txt") if path.parent != PROJECT}
    return sorted([*wrong, *(kept - set(now))])


def update() -> list[Path]:
    """Rewrite every stale snapshot and delete the orphans; the paths changed."""
    now = rendered()
    changed = stale()
    for path in changed:
        if path in now:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(now[path].encode())
        else:
            path.unlink()
    return changed


def check() -> list[Path]:
    """The stale snapshots, writing nothing (what the test asserts is empty)."""
    return stale()


def main(argv: Sequence[str] | None = None) -> int:
    """Bring the format snapshots up to date (or, with ``--check``, list the stale ones)."""
    parser = argparse.ArgumentParser(prog="python -m tests.report.format_snapshots", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a snapshot is stale")
    checking = parser.parse_args(argv).check
    changed = check() if checking else update()
    for path in changed:
        print(f"{'stale' if checking else 'updated'}: {path.relative_to(REPO)}")
    print(f"{len(changed)} format snapshots {'stale' if checking else 'updated'}")
    return 1 if checking and changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
