"""Fuzzing with generated valid Python programs (hypothesis + hypothesmith): the engine
never raises, and the CLI, flake8 and pylint agree on every generated program.

Generated programs alone rarely break a rule (most have no finding, the rest mostly QF003),
so each program compared across the front ends ends with the triggers of two per-file
rules, and the run must have met every per-file rule.

The normal run is bounded; set ``QEMLFLOW_FUZZ_EXAMPLES`` (e.g. 2000) for a longer one.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.run.file import analyse_source
from tests.frontends import FRONT_ENDS, Reported, per_file_codes, rule_trigger

EXAMPLES = int(os.environ.get("QEMLFLOW_FUZZ_EXAMPLES", "40"))


def _from_grammar() -> st.SearchStrategy[str]:
    """Programs from the grammar (odd but valid). hypothesmith is imported, and its grammar
    built, only when a fuzz test draws: about two seconds that every test process collecting
    this module would otherwise spend, the quick suite's (which skips the fuzz tests) included."""
    import hypothesmith

    return hypothesmith.from_grammar()


def _from_node() -> st.SearchStrategy[str]:
    """Programs from libcst's node types (realistic)."""
    import hypothesmith

    return hypothesmith.from_node()


PROGRAMS = st.one_of(st.deferred(_from_grammar), st.deferred(_from_node))
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.mark.slow
@settings(FUZZ, max_examples=EXAMPLES)
@given(source=PROGRAMS)
def test_the_engine_never_raises(source: str) -> None:
    for path in ("fuzz.py", "pkg/__init__.py", "tests/test_fuzz_case.py"):
        result = analyse_source(source, path, Settings())
        assert all(f.line >= 1 and f.col >= 0 for f in result.findings)
        assert all(count >= 0 for count in result.units.values())


def _comparable(rows: list[Reported]) -> dict[str, list[tuple[int, int, str]]]:
    by_file: dict[str, list[tuple[int, int, str]]] = {}
    for row in rows:
        by_file.setdefault(Path(row.path).name, []).append((row.line, row.col, row.code))
    return by_file


#: Code that breaks each per-file rule, from the rule's fixtures (QF008: a module too long).
TRIGGERS = {code: rule_trigger(code) for code in per_file_codes()}
SEEDED = sorted(TRIGGERS)
PROGRAMS_PER_EXAMPLE = 6


def _seeded(source: str, index: int) -> tuple[str, tuple[str, str]]:
    """``source`` followed by the triggers of two rules, chosen so that the programs of one
    example meet every per-file rule between them."""
    codes = (SEEDED[index % len(SEEDED)], SEEDED[(index + PROGRAMS_PER_EXAMPLE) % len(SEEDED)])
    return source + "\n\n" + "".join(TRIGGERS[code] for code in codes), codes


def test_the_triggers_cover_every_per_file_rule() -> None:
    assert sorted(rule.code for rule in all_rules() if not rule.project) == SEEDED
    seeded = {code for index in range(PROGRAMS_PER_EXAMPLE) for code in _seeded("", index)[1]}
    assert seeded == set(SEEDED)
    for code, trigger in TRIGGERS.items():
        assert code in {f.code for f in analyse_source(trigger, "pkg/trigger.py", Settings()).findings}


@pytest.mark.slow
def test_every_front_end_agrees_on_generated_programs() -> None:
    found: Counter[str] = Counter()
    compared: list[str] = []

    @settings(FUZZ, max_examples=max(2, EXAMPLES // 30))
    @given(
        sources=st.lists(
            st.deferred(_from_grammar), min_size=PROGRAMS_PER_EXAMPLE, max_size=PROGRAMS_PER_EXAMPLE
        )
    )
    def agree(sources: list[str]) -> None:
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            names = []
            for index, source in enumerate(sources):
                name = f"case{index}.py"
                (root / name).write_text(_seeded(source, index)[0], encoding="utf-8")
                names.append(name)
            reported = {
                front_end: _comparable(
                    run(names, "--no-cache", cwd=root) if front_end == "cli" else run(names, cwd=root)
                )
                for front_end, run in FRONT_ENDS.items()
            }
        cli = reported["cli"]
        for name in names:
            if any(code == "QF000" for _, _, code in cli.get(name, [])):
                continue  # valid to the grammar but not to this Python: each tool says so its own way
            expected = [row for row in cli.get(name, []) if not row[2].startswith("QF1")]
            assert reported["flake8"].get(name, []) == expected, name
            assert reported["pylint"].get(name, []) == expected, name
            compared.append(name)
            found.update(code for _, _, code in expected)

    agree()
    # the front ends agreed on findings of every per-file rule, not on a run of empty lists
    assert len(compared) >= PROGRAMS_PER_EXAMPLE, compared
    assert sum(found.values()) >= 2 * len(compared), found
    assert set(found) >= set(SEEDED), found


@pytest.mark.parametrize(
    "source", ["", "\n", "#", "x = 1 + \\\n2\n", "pass", "x = (\n1)\n", "if 1:\n  pass\n"]
)
def test_tiny_programs(source: str) -> None:
    assert analyse_source(source, "tiny.py", Settings()).ok
