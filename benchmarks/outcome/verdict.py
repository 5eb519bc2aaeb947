"""Reading what the runs printed (``-X importtime``, JUnit XML, ``ruff-config``), and the
verdict: which tests changed outcome, which modules broke, which public names were lost."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence

from benchmarks.base import BenchmarkError
from benchmarks.outcome.results import Comparison, ImportSample, ModeResult

_IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+)\s*\|\s*(\d+)\s*\|( +)(\S+)\s*$")


def parse_importtime(stderr: str, module: str) -> ImportSample:
    """The cumulative time of ``module``'s top-level line in ``-X importtime`` output, and the
    modules of its subtree (the rows since the previous top-level row: the output lists each
    import after the imports it caused, indented by two spaces a level)."""
    rows: list[tuple[int, str, int]] = []
    for line in stderr.splitlines():
        match = _IMPORTTIME_LINE.match(line)
        if match:
            rows.append((len(match.group(3)), match.group(4), int(match.group(2))))
    if not rows:
        raise BenchmarkError("no -X importtime output")
    top = min(depth for depth, _, _ in rows)
    ends = [index for index, (depth, name, _) in enumerate(rows) if depth == top and name == module]
    if not ends:
        raise BenchmarkError(f"{module} is not among the imports -X importtime reports")
    end = ends[-1]
    start = end
    while start > 0 and rows[start - 1][0] != top:
        start -= 1
    return ImportSample(rows[end][2] / 1000.0, tuple(name for _, name, _ in rows[start : end + 1]))


def heavy_loaded(modules: Sequence[str], heavy: Sequence[str]) -> list[str]:
    """The heavy-list entries that ``modules`` contain (an entry matches its submodules too)."""
    found = {entry for entry in heavy for name in modules if name == entry or name.startswith(entry + ".")}
    return sorted(found)


def parse_heavy_list(ruff_config: str) -> list[str]:
    """The heavy list from ``qemlflow-lint ruff-config``: its ``banned-module-level-imports``."""
    match = re.search(r"banned-module-level-imports\s*=\s*\[(.*?)\]", ruff_config, re.DOTALL)
    if not match:
        raise BenchmarkError("`qemlflow-lint ruff-config` printed no banned-module-level-imports list")
    return re.findall(r'"([^"]+)"', match.group(1))


def read_junit(text: str) -> dict[str, str]:
    """Each test id (``classname::name``) of a JUnit XML report, and its outcome: passed,
    failed, error, skipped or xfailed. An id seen again (a teardown error) gets ``#2``."""
    outcomes: dict[str, str] = {}
    for case in ElementTree.fromstring(text).iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        skipped = case.find("skipped")
        if case.find("failure") is not None:
            outcome = "failed"
        elif case.find("error") is not None:
            outcome = "error"
        elif skipped is not None:
            outcome = "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
        else:
            outcome = "passed"
        key, number = test_id, 2
        while key in outcomes:
            key, number = f"{test_id} #{number}", number + 1
        outcomes[key] = outcome
    return outcomes


def flaky_tests(runs: Sequence[Mapping[str, str]]) -> set[str]:
    """Test ids whose outcome differs between runs of the same code."""
    ids = set().union(*(run.keys() for run in runs)) if runs else set()
    return {test_id for test_id in ids if len({run.get(test_id, "absent") for run in runs}) > 1}


def changed_tests(
    before: Mapping[str, str], after: Mapping[str, str], flaky: set[str]
) -> list[tuple[str, str, str]]:
    """Test ids whose outcome differs (a test that vanished or appeared counts), flaky ones left out."""
    ids = (set(before) | set(after)) - flaky
    pairs = ((test_id, before.get(test_id, "absent"), after.get(test_id, "absent")) for test_id in ids)
    return sorted(pair for pair in pairs if pair[1] != pair[2])


def _owned_by(owner: str, package: str) -> bool:
    return owner == package or owner.startswith(package + ".")


def compare(base: ModeResult, result: ModeResult, package: str) -> Comparison:
    """What ``result`` changed against the untouched ``base``, for the tests and for callers."""
    flaky = flaky_tests([run.outcomes for run in base.tests])
    changed = changed_tests(base.tests[0].outcomes, result.tests[0].outcomes, flaky) if result.tests else []
    broken: list[tuple[str, str]] = []
    lost: list[tuple[str, str]] = []
    gone = 0
    for module, before in sorted(base.api.modules.items()):
        after = result.api.modules.get(module, {"error": "not probed"})
        if "error" in before:
            continue
        if "error" in after:
            broken.append((module, str(after["error"])))
            continue
        names_before = before.get("names", {})
        names_after = after.get("names", {})
        assert isinstance(names_before, dict) and isinstance(names_after, dict)
        for name, owner in sorted(names_before.items()):
            now = str(names_after.get(name, "!not read"))
            if str(owner).startswith("!") or not now.startswith("!"):
                continue
            if _owned_by(str(owner), package):
                lost.append((f"{module}.{name}", now[1:]))
            else:
                gone += 1
    return Comparison(changed, broken, lost, gone)
