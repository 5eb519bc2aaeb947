"""What the HTML report tests render: a project with a hostile file name and heavy import
chains, a history whose commit subjects and authors are hostile too, and an importtime
result in the shape ``importtime --format json`` writes."""

from __future__ import annotations

import math
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qemlflow_lint.history.model import CommitScore, Drop, Trend
from tests.frontends import FIXTURES

#: Markup that runs script if it is ever written into the page unescaped.
HOSTILE = "<img src=x onerror=alert(1)>"
#: A file name made of it: the file is analysed, scored and listed like any other.
HOSTILE_FILE = f"chemtools/{HOSTILE}.py"
#: Commit texts that try to end the page's script element, or open an element of their own.
HOSTILE_SUBJECT = "add sympy </script><script>alert(3)</script>"
HOSTILE_AUTHOR = "Mallory <img src=y onerror=alert(2)>"


def hostile_project(root: Path) -> Path:
    """``fixtures/projects/chemtools`` (QF001 and two QF101 chains) at ``root``, with one
    more module whose name is :data:`HOSTILE`: it imports torch and has an untyped,
    undocumented function, so it shows in the ledger, the fixes and the coverage."""
    shutil.copytree(
        FIXTURES / "projects" / "chemtools", root, ignore=shutil.ignore_patterns(".qemlflow-lint-cache")
    )
    (root / HOSTILE_FILE).write_text('"""Loads a model."""\nimport torch\n\n\ndef f(x):\n    return x\n')
    return root


def hostile_trend() -> Trend:
    """Four commits: a drop at the second (with hostile texts), none scored at the third."""
    return Trend(
        (
            CommitScore(
                "a1b2c3d4e5f60718", "2026-01-02T10:00:00+00:00", "Ann", "start", 92.5, {"QF001": 100.0}
            ),
            CommitScore(
                "b2c3d4e5f6071829",
                "2026-01-05T10:00:00+00:00",
                HOSTILE_AUTHOR,
                HOSTILE_SUBJECT,
                80.7,
                {"QF001": 66.7},
                ((HOSTILE_FILE, "QF001", 11.8),),
                3,
            ),
            CommitScore("c3d4e5f607182930", "2026-01-06T10:00:00+00:00", "Cy", "docs only", None, {}),
            CommitScore("d4e5f60718293041", "2026-01-09T10:00:00+00:00", "Di", "more", 84.0, {"QF001": 66.7}),
        ),
        (Drop("b2c3d4e5f6071829", 92.5, 80.7, (("QF001", -33.3),), ((HOSTILE_FILE, 11.8),)),),
    )


def plain(value: Any) -> Any:
    """``value`` as JSON data: mappings as objects, named tuples and tuples as lists."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    return value


def trend_json(trend: Trend) -> dict[str, Any]:
    """``trend`` as JSON data: objects with the named tuples' fields."""
    return {
        "points": [plain(point._asdict()) for point in trend.points],
        "drops": [plain(drop._asdict()) for drop in trend.drops],
    }


def importtime_data(module: str = "chemtools") -> dict[str, Any]:
    """An ``importtime --format json`` result, with a hostile module among the costliest."""
    statement = {"path": "chemtools/symbolic.py", "line": 3, "text": "import sympy", "note": None}
    return {
        "module": module,
        "python": {"executable": "python", "version": "3.11.7"},
        "runs": 5,
        "median_ms": 198.1,
        "spread_ms": {"min": 183.6, "q1": 190.7, "q3": 200.9, "max": 240.8},
        "run_ms": [183.6, 190.7, 198.1, 200.9, 240.8],
        "baseline_ms": 25.2,
        "top_modules": [
            {"module": "sympy.integrals.laplace", "self_ms": 22.0, "cumulative_ms": 22.8, "failed": False},
            {"module": HOSTILE, "self_ms": 3.5, "cumulative_ms": 3.5, "failed": True},
        ],
        "costly_ms": 50.0,
        "costly_share_percent": 25.0,
        "attributions": [
            {
                "module": "sympy",
                "heavy": "sympy",
                "failed": False,
                "cumulative_ms": 196.5,
                "share_percent": 99.2,
                "large_share": True,
                "brings_in": [],
                "imported_by": "chemtools.symbolic",
                "via": "sympy",
                "statement": statement,
                "saving_up_to_ms": 196.5,
                "modules_loaded_through_it": 527,
                "availability_check": None,
            }
        ],
        "budget": {"seconds": 0.1, "passed": False, "verdict": "FAIL: chemtools imports in 0.198 s"},
    }


#: A right-to-left override: text after it, up to the end of its paragraph, is shown reversed.
RLO = "\u202e"
#: The rise that a drop of coverage alone comes with, as QeMLflow's history has them.
RISE = (84.5, 85.6)
#: The subject of the commit that rises: an emoji, as real subjects have them.
EMOJI_SUBJECT = "🚀 MAJOR: typed core API ✨"
#: A subject that ends with a right-to-left override.
RLO_SUBJECT = f"rename {RLO}gnp.slatot"
#: A file of that commit, named with the override too; it costs 5.0 points.
RLO_FILE = f"labkit/{RLO}txt.py"


def long_history(count: int = 200) -> Trend:
    """A history shaped like QeMLflow's (191 commits, scores between 81 and 87): ``count``
    commits over five months, a drop flagged at every fourth commit, half of them a fall
    and half a rise of the score with a rule's coverage falling by a hair, each drop naming
    twenty files, most of them at 0.0. One drop is the rise :data:`RISE` with an emoji
    subject, one a fall whose subject and file carry a right-to-left override."""
    points = []
    drops = []
    score = 84.0
    for index in range(count):
        commit = f"{index:04x}" + "c0ffee" * 6
        before = score
        score = 84.0 + 2.8 * math.sin(index / 30)
        if index % 8 == 3:
            score -= 0.6 + (index % 7) / 10
        elif index % 8 == 7:
            score = before + 0.4
        subject = f"feat: step {index} of the pipeline"
        if index == 7:
            before, score, subject = RISE[0], RISE[1], EMOJI_SUBJECT
        if index == 11:
            before, score, subject = 86.0, 81.0, RLO_SUBJECT
        day = 1 + index * 150 // count
        date = f"2025-{6 + (day - 1) // 30:02d}-{1 + (day - 1) % 30:02d}T12:00:00+00:00"
        points.append(
            CommitScore(commit, date, "Sanjeeva Reddy Dodlapati", subject, round(score, 1), {"QF002": 70.0})
        )
        if index % 4 == 3:
            files = [(f"labkit/module_{index}_{number}.py", 0.0004 * number) for number in range(18)]
            if score < before:
                files += [(f"labkit/core_{index}.py", round(before - score - 0.3, 2)), ("labkit/io.py", 0.3)]
            if index == 11:
                files.append((RLO_FILE, 5.0))
            rules = (("QF002", -0.01), ("QF003", round(score - before, 1) * 3))
            drops.append(Drop(commit, round(before, 1), round(score, 1), rules, tuple(files)))
    return Trend(tuple(points), tuple(drops))


def large_project(root: Path, modules: int = 60) -> Path:
    """A package of ``modules`` modules, each pulling torch in through ``labkit.core``
    (a QF101 chain) with an untyped and an undocumented function: a ledger of three rows a
    module and as many heavy chains, as a large library has them."""
    package = root / "labkit"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "labkit"\n', encoding="utf-8")
    (package / "__init__.py").write_text('"""Lab kit."""\n', encoding="utf-8")
    (package / "core.py").write_text('"""Core."""\nimport torch\n', encoding="utf-8")
    for index in range(modules):
        (package / f"module_{index:02d}.py").write_text(
            f'"""Module {index}."""\nfrom labkit import core\n\n\ndef run(x):\n    """Run."""\n'
            "    return core, x\n\n\ndef helper() -> None:\n    pass\n",
            encoding="utf-8",
        )
    return root
