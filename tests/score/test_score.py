"""The compliance score: golden numbers on a hand-counted project, exact ledgers on real
code, and the gates CI relies on."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sysconfig
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.config.loading import with_values
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.run.file import analyse_path
from qemlflow_lint.score.compute import apportion_tenths, compute_score, round_tenths
from qemlflow_lint.score.gate import gate_for
from qemlflow_lint.score.profile import default_profile, effective_weights
from qemlflow_lint.score.render import render_markdown
from tests.frontends import FIXTURES, cli_command

GOLDEN = FIXTURES / "projects" / "golden"

# Hand count of fixtures/projects/golden (see the comments in its files):
#            units O  violating V  weight
HAND_COUNT = {
    "QF001": (3, 1, 3),  # 3 modules; pkg/models.py imports torch
    "QF002": (4, 1, 2),  # fit, predict, load, save; fit is untyped
    "QF003": (7, 1, 1),  # 3 modules + 4 public defs; predict has no docstring
    "QF004": (2, 1, 2),  # the two handlers in pkg/io.py; one is bare
    "QF005": (2, 0, 1),  # modules other than __init__.py
    "QF006": (3, 1, 2),  # pkg/io.py prints at import
    "QF007": (2, 1, 2),  # the bare handler only passes
    "QF008": (3, 0, 1),  # no module over 40 lines
    "QF101": (3, 0, 3),  # no first-party module imports another
    "QF102": (3, 0, 2),  # so there is no cycle either
}
# score = 100·Σw(1 − V/O)/Σw = 100 − 100·(181/42)/19
GOLDEN_EXACT = 100 - Fraction(100 * 181, 42 * 19)


@pytest.fixture()
def golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "golden"
    shutil.copytree(GOLDEN, project)
    monkeypatch.chdir(project)
    return project


def _json_report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["score", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_golden_project_scores_exactly_the_hand_count(
    golden: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _json_report(capsys, ".")
    assert code == 0
    rules = report["rules"]
    assert isinstance(rules, dict)
    assert {c: (r["units"], r["violating"], r["weight"]) for c, r in rules.items()} == HAND_COUNT
    assert Fraction(30850, 399) == GOLDEN_EXACT and round(float(GOLDEN_EXACT), 4) == 77.3183
    assert report["score"] == 77.3
    assert report["score_exact"] == pytest.approx(float(GOLDEN_EXACT))
    assert report["profile"] == {
        "name": "qemlflow-philosophy",
        "version": 2,
        "weights": {c: float(w) for c, (_, _, w) in HAND_COUNT.items()},
    }


def test_golden_ledger_and_best_next_fixes(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["score", "."])
    text = capsys.readouterr().out
    assert "Compliance score: 77.3/100 (profile qemlflow-philosophy v2, 3 files)" in text
    # the rounded ledger adds up to exactly 100 − 77.3
    assert "Points lost by file (22.7 in all):\n   14.0  pkg/io.py\n    8.7  pkg/models.py\n" in text
    assert text.split("Best next fixes:\n")[1].splitlines()[:6] == [
        "  + 5.3  name the exceptions of 1 bare except handler in pkg/io.py (QF004)",
        "  + 5.3  handle or log the exceptions of 1 except handler in pkg/io.py (QF007)",
        "  + 5.3  defer the heavy imports of pkg/models.py (torch) (QF001)",
        "  + 3.5  move the import-time side effects of pkg/io.py into functions (QF006)",
        "  + 2.6  annotate 1 public def in pkg/models.py (QF002)",
        "  + 0.8  document 1 public object in pkg/models.py (QF003)",
    ]
    for headline in (
        "Missing type hints: 1 of 4 public functions",
        "Import violations: 1 of 3 modules import heavy modules at import time",
        "Documentation coverage: 85.7% of 7 public objects documented",
    ):
        assert headline in text


def test_fixing_a_file_regains_exactly_its_points(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, before = _json_report(capsys, ".")
    files = before["files"]
    assert isinstance(files, dict)
    models_points = files["pkg/models.py"]["points_lost"]
    (golden / "pkg" / "models.py").write_text(
        '"""Model code."""\n\n\ndef fit(data: list) -> list:\n    """Fit."""\n    return data\n\n\n'
        'def predict(data: list) -> list:\n    """Predict."""\n    return data\n',
        encoding="utf-8",
    )
    _, after = _json_report(capsys, ".")
    assert after["score_exact"] == pytest.approx(before["score_exact"] + models_points)


def test_json_carries_everything_needed_to_recompute_the_score(
    golden: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = _json_report(capsys, ".")
    weights = report["profile"]["weights"]
    files = report["files"]
    total = Fraction(0)
    kept = Fraction(0)
    for code, weight in weights.items():
        units = sum(f["units"].get(code, 0) for f in files.values())
        violating = sum(f["violating"].get(code, 0) for f in files.values())
        w = Fraction(str(weight))
        total += w
        kept += w * (1 - Fraction(violating, units) if units else 1)
    assert round(float(100 * kept / total), 1) == report["score"]
    assert (
        report["tool"]["name"] == "qemlflow-lint"
        and report["config_hash"] == with_values(Settings(), {"max-module-lines": 40}, "x").fingerprint()
    )


def test_points_lost_per_file_add_up_exactly_to_100_minus_score_on_real_code() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in (stdlib / "email").rglob("*.py"))[:40] + sorted((stdlib / "json").glob("*.py"))
    results = [analyse_path(str(p), Settings()) for p in files]
    report = compute_score(results, effective_weights(default_profile(), {}))
    assert report.exact < 100, "the sample should lose points"
    assert sum(points for _, points in report.file_points()) == 100 - report.exact
    assert sum(rule.points_lost for rule in report.rules) == 100 - report.exact
    reordered = compute_score(list(reversed(results)), effective_weights(default_profile(), {}))
    assert reordered.exact == report.exact and reordered.losses == tuple(
        sorted(report.losses, key=lambda loss: (loss.code, loss.path))
    )


def test_markdown_ledger_rows_add_up_to_100_minus_score_with_the_rest_in_one_row() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    results = [analyse_path(str(p), Settings()) for p in sorted((stdlib / "email").rglob("*.py"))[:30]]
    report = compute_score(results, effective_weights(default_profile(), {}))
    markdown = render_markdown(report, gate_for(report, None, None), top=5)
    section = markdown.split("### Points lost by file (")[1].split("\n\n###")[0]
    heading, table = section.split("\n\n")
    rows = [row.strip("| ").split(" | ") for row in table.splitlines()[2:]]
    assert len(rows) == 6 and re.fullmatch(r"\.\.\. \d+ more files", rows[-1][1])
    assert sum(round(float(lost) * 10) for lost, _ in rows) == round(float(heading.split()[0]) * 10)


@pytest.mark.parametrize(
    ("threshold", "code", "verdict"),
    [
        pytest.param("80", 1, "FAIL: score 77.3 is below 80 (--fail-under)", id="below"),
        pytest.param("77.3", 0, "PASS: score 77.3 is at least 77.3 (--fail-under)", id="equal-passes"),
    ],
)
def test_fail_under_gives_a_visible_verdict_either_way(
    golden: Path, capsys: pytest.CaptureFixture[str], threshold: str, code: int, verdict: str
) -> None:
    assert main(["score", ".", "--fail-under", threshold]) == code
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == verdict


def test_score_only_prints_just_the_number(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", ".", "--score-only"]) == 0
    assert capsys.readouterr().out == "77.3\n"


def test_fail_under_and_weights_come_from_the_score_table(
    golden: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open(golden / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(
            "\n[tool.qemlflow-lint.score]\nfail-under = 95\nweights = { QF001 = 0, QF004 = 0, QF007 = 0 }\n"
        )
    code, report = _json_report(capsys, ".")
    assert code == 1 and report["gate"]["fail_under"] == 95
    assert report["gate"]["reasons"] == [
        f"score {report['score']} is below 95 (fail-under in pyproject.toml)"
    ]
    assert set(report["rules"]) == {rule.code for rule in all_rules()} - {"QF001", "QF004", "QF007"}
    # 100 − 100·(2/4 + 1/7 + 2/3)/12
    assert report["score"] == round(
        float(100 - 100 * (Fraction(1, 2) + Fraction(1, 7) + Fraction(2, 3)) / 12), 1
    )


@pytest.mark.parametrize(
    ("where", "args", "verdict"),
    [
        pytest.param(
            ".", ["."], "FAIL: score 77.3 is below 80 (fail-under in pyproject.toml)", id="configured"
        ),
        pytest.param(
            "..",
            ["golden"],
            "FAIL: score 77.3 is below 80 (fail-under in golden/pyproject.toml)",
            id="configured-shown-from-the-working-directory",
        ),
        pytest.param(
            ".", [".", "--fail-under", "70"], "PASS: score 77.3 is at least 70 (--fail-under)", id="flag-wins"
        ),
    ],
)
def test_the_verdict_names_where_the_gate_came_from(
    golden: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    args: list[str],
    verdict: str,
) -> None:
    with open(golden / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[tool.qemlflow-lint.score]\nfail-under = 80\n")
    monkeypatch.chdir(golden / where)
    main(["score", *args, "--score-only"])
    assert capsys.readouterr().err.strip() == verdict


def test_disabled_rules_drop_out_of_both_sums(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, report = _json_report(capsys, ".", "--ignore", "QF")
    assert report["rules"] == {} and report["score"] == 100.0
    _, only_docs = _json_report(capsys, ".", "--select", "QF003")
    assert only_docs["score"] == round(100 * 6 / 7, 1)


def test_unparseable_files_are_listed_and_fail_every_gate(
    golden: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (golden / "pkg" / "broken.py").write_text("def broken(:\n", encoding="utf-8")
    assert main(["score", ".", "--fail-under", "0"]) == 1
    out = capsys.readouterr().out
    assert "Could not be analysed (these fail every gate):\n  pkg/broken.py: syntax error" in out
    assert out.rstrip().splitlines()[-1].startswith("FAIL: 1 file(s) could not be analysed")


def test_record_then_no_regress(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", ".", "--record", "score.json"]) == 0
    recorded = json.loads((golden / "score.json").read_text(encoding="utf-8"))
    assert recorded["score"] == 77.3 and recorded["profile"] == ["qemlflow-philosophy", 2]
    assert main(["score", ".", "--no-regress", "score.json"]) == 0
    assert "PASS: score 77.3 is not below the recorded 77.3 (--no-regress)" in capsys.readouterr().out
    (golden / "pkg" / "extra.py").write_text('"""Extra."""\nimport pandas\n', encoding="utf-8")
    assert main(["score", ".", "--no-regress", "score.json"]) == 1
    assert "is below the recorded 77.3 (--no-regress)" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["not json", '{"points": 3}', "[1, 2]"])
def test_a_bad_recorded_score_is_a_usage_error(
    golden: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    (golden / "score.json").write_text(content, encoding="utf-8")
    assert main(["score", ".", "--no-regress", "score.json"]) == 2
    assert "score.json: not a recorded score" in capsys.readouterr().err


def test_markdown_report_is_a_job_summary(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", ".", "--format", "markdown", "--fail-under", "60"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Compliance score: 77.3/100\n")
    assert "| QF001 | `heavy-top-level-import` | 3 | 1 | 66.7% | 3 | 5.3 |" in out
    assert "**PASS: score 77.3 is at least 60 (--fail-under)**" in out
    assert "| +5.3 | defer the heavy imports of pkg/models.py (torch) (QF001) |" in out
    # the ledger of the text report, as a table whose column adds up to 100 − score
    assert (
        "### Points lost by file (22.7 in all)\n\n| points lost | file |\n|--:|---|\n"
        "| 14.0 | `pkg/io.py` |\n| 8.7 | `pkg/models.py` |\n\n### Best next fixes\n"
    ) in out


def test_markdown_ledger_is_limited_by_top(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", ".", "--format", "markdown", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "| 14.0 | `pkg/io.py` |\n| 8.7 | ... 1 more file |\n" in out


def test_detailed_report_lists_every_finding_by_rule_and_file(
    golden: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["score", ".", "--detailed-report"])
    out = capsys.readouterr().out
    assert "Findings by rule and file:\n  QF001\n    pkg/models.py\n      2:1 heavy module 'torch'" in out
    assert "  QF004\n    pkg/io.py\n      12:5 bare `except:`" in out


def test_score_command_end_to_end(golden: Path) -> None:
    done = subprocess.run(
        cli_command("score", "--score-only", "--fail-under", "80"), capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stdout == "77.3\n"
    assert "FAIL: score 77.3 is below 80 (--fail-under)" in done.stderr and "Traceback" not in done.stderr


def test_score_with_a_baseline_shows_the_full_score_and_the_new_findings(
    golden: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["baseline", ".", "-o", "baseline.json"]) == 0
    capsys.readouterr()
    (golden / "pkg" / "extra.py").write_text(
        '"""Extra."""\n\n\ndef more(x):\n    """More."""\n', encoding="utf-8"
    )
    assert main(["score", ".", "--baseline", "baseline.json"]) == 0
    out = capsys.readouterr().out
    assert "Compliance score: " in out and "New findings (not in the baseline): 1\n" in out
    code, report = _json_report(capsys, ".", "--baseline", "baseline.json")
    assert report["new_findings"] == 1 and code == 0


def test_ci_formats_print_findings_and_the_gate_decides_the_exit_code(
    golden: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", ".", "--format", "sarif", "--fail-under", "90"]) == 1
    captured = capsys.readouterr()
    sarif = json.loads(captured.out)
    assert len(sarif["runs"][0]["results"]) == 6  # the findings listed in HAND_COUNT
    assert "FAIL: score 77.3 is below 90 (--fail-under)" in captured.err
    assert main(["score", ".", "--format", "junit", "--fail-under", "50"]) == 0


# --- rounding to tenths (what every report shows) ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tenths"),
    [
        pytest.param(Fraction("99.95"), 1000, id="99.95-shows-as-100.0"),
        pytest.param(Fraction("99.949999"), 999, id="just-below-half-rounds-down"),
        pytest.param(Fraction("0.05"), 1, id="half-a-tenth-rounds-up"),
        pytest.param(Fraction("0.15"), 2, id="0.15-exactly-not-the-binary-float-below-it"),
        pytest.param(Fraction(200, 3), 667, id="two-thirds-of-100"),
        pytest.param(Fraction(0), 0, id="zero"),
        pytest.param(Fraction("-0.05"), -1, id="a-drop-of-half-a-tenth-shows-as-minus-0.1"),
        pytest.param(Fraction("-0.04"), 0, id="a-smaller-drop-shows-as-0.0"),
    ],
)
def test_round_tenths_rounds_half_up_exactly(value: Fraction, tenths: int) -> None:
    assert round_tenths(value) == tenths


@pytest.mark.parametrize(
    ("parts", "total", "tenths"),
    [
        # 1.0 point lost in three equal parts: 0.4 + 0.3 + 0.3, the first in order gets the spare tenth
        pytest.param([Fraction(1, 3)] * 3, 10, [4, 3, 3], id="three-thirds-over-ten-tenths"),
        pytest.param(
            [Fraction("0.26"), Fraction("0.34"), Fraction("0.40")], 10, [3, 3, 4], id="largest-remainder-wins"
        ),
        pytest.param([Fraction("0.5"), Fraction("0.25")], 7, [5, 2], id="floors-already-add-up"),
        pytest.param([Fraction("0.04"), Fraction("0.01")], 0, [0, 0], id="less-than-a-tenth-in-all"),
        pytest.param([Fraction(2, 3), Fraction(1, 3)], 10, [7, 3], id="two-thirds-and-one-third"),
    ],
)
def test_apportion_tenths_adds_up_to_the_rounded_total(
    parts: list[Fraction], total: int, tenths: list[int]
) -> None:
    assert apportion_tenths(parts, total) == tenths
    assert sum(tenths) == total
    assert all(abs(part * 10 - share) < 1 for part, share in zip(parts, tenths))
