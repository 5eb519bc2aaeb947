"""``report --html``: the page's content, its escaping, its inputs and its exit codes, without
a browser (``test_html_browser.py`` opens the page in Chromium)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.cli import report as report_command
from qemlflow_lint.history.model import CommitScore, Trend
from qemlflow_lint.report.html.charts import trend_chart
from qemlflow_lint.report.html.inputs import InputError, importtime_panel, trend_from_json
from tests.frontends import FIXTURES
from tests.history.gitrepo import GitRepo
from tests.report.html_samples import (
    EMOJI_SUBJECT,
    HOSTILE,
    HOSTILE_AUTHOR,
    HOSTILE_FILE,
    HOSTILE_SUBJECT,
    RISE,
    RLO,
    RLO_FILE,
    RLO_SUBJECT,
    hostile_project,
    hostile_trend,
    importtime_data,
    large_project,
    long_history,
    plain,
    trend_json,
)

GOLDEN = FIXTURES / "projects" / "golden"


@pytest.fixture()
def golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "golden"
    shutil.copytree(GOLDEN, project)
    monkeypatch.chdir(project)
    return project


@pytest.fixture()
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = hostile_project(tmp_path / "demo")
    monkeypatch.chdir(project)
    return project


def _report(*args: str) -> tuple[int, str]:
    """Run ``report --html out.html ARGS`` in the working directory; the code and the page."""
    code = main(["report", "--html", "out.html", "--no-cache", *args])
    page = Path("out.html")
    return code, page.read_text(encoding="utf-8") if page.exists() else ""


def _score_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    capsys.readouterr()
    main(["score", "--format", "json", "--no-cache", *args])
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def _write_json(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


# The numbers: the same as `score` gives


def test_the_page_shows_the_numbers_of_score(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, page = _report()
    expected = _score_json(capsys)
    assert code == 0
    assert re.search(rf'data-testid="score">{expected["score"]:.1f}<', page)
    for rule_code, rule in expected["rules"].items():
        row = re.search(rf'<li class="bar-row" data-rule="{rule_code}" data-coverage="([^"]+)">', page)
        assert row is not None, rule_code
        assert float(row[1]) == rule["coverage"]
    ledger = {
        (path, rule_code, float(points))
        for path, rule_code, points in re.findall(
            r'<tr data-path="([^"]+)" data-rule="(QF\d+)" [^>]*data-points="([^"]+)"', page
        )
    }
    assert ledger == {(fix["path"], fix["code"], fix["points"]) for fix in expected["best_next_fixes"]}
    assert 'data-testid="lost">22.7<' in page  # 100 − 77.3


def test_the_ledger_rows_add_up_to_the_points_lost(golden: Path) -> None:
    _, page = _report()
    shown = [float(points) for points in re.findall(r'class="number points"[^>]*>([0-9.]+)<', page)]
    assert len(shown) == 6
    assert round(sum(shown), 1) == 22.7


def test_the_gate_is_the_one_of_score(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, page = _report("--fail-under", "80")
    assert code == 1, "a failed gate exits 1, as score does; the page is written anyway"
    assert "FAIL: score 77.3 is below 80 (--fail-under)" in page
    assert "FAIL: score 77.3 is below 80 (--fail-under)" in capsys.readouterr().err
    code, page = _report("--fail-under", "70")
    assert code == 0
    assert "PASS: score 77.3 is at least 70 (--fail-under)" in page


def test_the_configured_fail_under_is_the_gate(golden: Path) -> None:
    with open("pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[tool.qemlflow-lint.score]\nfail-under = 90\n")
    code, page = _report()
    assert code == 1
    assert "FAIL: score 77.3 is below 90 (fail-under in pyproject.toml)" in page


def test_without_a_gate_the_page_says_how_to_set_one(golden: Path) -> None:
    _, page = _report()
    assert "No gate is set" in page


# Escaping: nothing from the code or the history is markup


def test_a_hostile_file_name_is_text_everywhere(hostile: Path) -> None:
    _, page = _report()
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.py" in page
    assert page.count("<img") == 0
    # in the ledger's data attributes too, where the script reads it
    assert f'data-path="{html.escape(HOSTILE_FILE)}"' in page


def test_hostile_commit_texts_and_module_names_are_text(hostile: Path, tmp_path: Path) -> None:
    trend = _write_json(tmp_path / "trend.json", trend_json(hostile_trend()))
    timing = _write_json(tmp_path / "importtime.json", importtime_data())
    _, page = _report("--trend-json", trend, "--importtime", timing)
    for text in (HOSTILE, HOSTILE_SUBJECT, HOSTILE_AUTHOR):
        assert text not in page
    assert "add sympy &lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "Mallory &lt;img src=y onerror=alert(2)&gt;" in page
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert page.count("<img") == 0


def test_only_the_page_s_own_script_may_run(golden: Path) -> None:
    _, page = _report()
    script = re.search(r"<script>(.*)</script>", page, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script[1].encode("utf-8")).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    assert f"script-src 'sha256-{digest}'" in html.unescape(policy[1])
    assert "default-src 'none'" in html.unescape(policy[1])


class _References(HTMLParser):
    """Every attribute that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [
            (tag, name)
            for name, _ in attrs
            if name in {"src", "href", "srcset", "xlink:href", "action", "data", "poster"}
        ]
        if tag in {"link", "iframe", "object", "embed", "img", "base"}:
            self.found.append((tag, ""))


def test_the_page_refers_to_nothing_outside_itself(hostile: Path, tmp_path: Path) -> None:
    trend = _write_json(tmp_path / "trend.json", trend_json(hostile_trend()))
    timing = _write_json(tmp_path / "importtime.json", importtime_data())
    _, page = _report("--trend-json", trend, "--importtime", timing)
    references = _References()
    references.feed(page)
    assert references.found == []
    assert not re.search(r"url\(|@import|@font-face|https?://(?!www\.w3\.org/2000/svg)", page)


# The panels


def test_an_empty_project_says_there_is_nothing_to_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, page = _report()
    assert code == 0
    assert 'data-testid="empty"' in page
    assert "No Python file of library code was found" in page
    assert 'id="ledger"' not in page and 'id="rules"' not in page


def test_without_history_there_is_no_trend_panel(golden: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_command, "load_trend", lambda project_root: None)
    _, page = _report()
    assert 'id="trend"' not in page


def test_the_stored_history_is_drawn_when_there_is_one(golden: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def load_trend(project_root: str) -> Trend:
        asked.append(project_root)
        return hostile_trend()

    monkeypatch.setattr(report_command, "load_trend", load_trend)
    _, page = _report()
    assert asked == [str(golden)], "the history of the project the configuration belongs to"
    assert 'id="trend"' in page


def test_the_trend_marks_its_drops_and_breaks_at_unscored_commits() -> None:
    chart = trend_chart(hostile_trend(), fail_under=85)
    assert chart is not None
    assert [dot.drop for dot in chart.dots] == [False, True, False]
    assert len(chart.lines) == 2, "the commit without a Python file breaks the line"
    assert chart.gate_y is not None and chart.top < chart.gate_y < chart.bottom
    # round steps from just below the lowest score (80.7) to just above the highest (92.5)
    assert [label for _, label in chart.ticks] == ["80", "85", "90", "95"]


def test_a_history_without_scores_has_no_chart() -> None:
    unscored = Trend((CommitScore("a" * 40, "2026-01-01", "Ann", "docs", None, {}),))
    assert trend_chart(unscored) is None


def test_the_import_time_panel_and_the_heavy_chains(hostile: Path, tmp_path: Path) -> None:
    timing = _write_json(tmp_path / "importtime.json", importtime_data())
    _, page = _report("--importtime", timing)
    assert "chemtools: 198.1 ms to import (median of 5 runs; min–max 183.6–240.8 ms)" in page
    assert "chemtools/symbolic.py:3</bdi>: <code>import sympy</code>" in page
    assert "deferring that line would save up to 196.5 ms (527 modules first loaded through it)" in page
    assert "FAIL: chemtools imports in 0.198 s" in page
    assert (
        "<li><bdi>chemtools/__init__.py:3</bdi></li><li><bdi>chemtools/api.py:3</bdi></li>"
        "<li><bdi>chemtools/symbolic.py:3</bdi></li><li><bdi>sympy</bdi></li>" in page
    )


# A report read in a minute: a long history and a large project


@pytest.fixture(scope="module")
def long_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report of a 60-module project (180 ledger rows, 60 heavy chains) with a
    200-commit history of 50 drops (made once: the tests only read it)."""
    folder = tmp_path_factory.mktemp("long")
    project = large_project(folder / "labkit")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)
        _, page = _report("--trend-json", _write_json(folder / "trend.json", trend_json(long_history())))
    return page


def _outside_details(page: str) -> str:
    """The page without what waits behind a closed ``<details>``."""
    return re.sub(r"<details\b.*?</details>", "", page, flags=re.S)


def test_long_lists_show_their_top_entries_and_the_rest_behind_show_all(long_page: str) -> None:
    shown = _outside_details(long_page)
    first_rows = re.findall(r'<tr data-path="[^"]*" data-rule=', long_page)
    rows = len(re.findall(r"<tr( class=\"more\")? data-path=", long_page))
    assert rows > 180, "every row is in the page: three a module, and the core's"
    assert len(first_rows) == 10, "the ledger shows its ten largest rows"
    assert 'id="ledger-all"' in long_page and f"Show all {rows} rows" in long_page
    assert shown.count('<li class="drop"') == 5 and long_page.count('<li class="drop"') == 50
    assert "Show all 50 drops" in long_page
    chains = re.search(r'<section id="chains".*?</section>', shown, re.S)
    assert chains is not None and chains[0].count('<ol class="hops">') == 5
    assert "Show all 60 chains" in long_page


def test_zero_rows_wait_behind_show_all(long_page: str) -> None:
    for row in re.findall(r"<tr[^>]*data-path=.*?</tr>", long_page, re.S):
        if re.search(r'class="number points"[^>]*>0\.0<', row):
            assert row.startswith('<tr class="more"'), row
    assert not re.search(r"[+−-]0\.0\b", long_page), "no file or rule is listed for a change of 0.0"
    assert "18 other files: less than 0.05 each" in long_page


def test_the_chart_fits_the_scores_names_dates_and_marks_only_falls() -> None:
    trend = long_history()
    chart = trend_chart(trend)
    assert chart is not None
    scores = [point.score for point in trend.points if point.score is not None]
    values = [float(label) for _, label in chart.ticks]
    assert min(scores) - 2 <= min(values) <= min(scores) and max(scores) <= max(values) <= max(scores) + 2
    assert len(chart.dates) >= 4, "more than two dates"
    assert len({date.text for date in chart.dates}) == len(chart.dates)
    kept = [date.x for date in chart.dates if not date.minor]
    assert len(kept) >= 3 and all(b - a >= 200 for a, b in zip(kept, kept[1:])), (
        "a phone's dates do not overlap"
    )
    falls = {drop.commit for drop in trend.drops if drop.after < drop.before}
    assert {dot.commit for dot in chart.dots if dot.drop} == falls
    assert len(falls) < len(trend.drops), "a drop flagged with a rising score is not marked as a fall"


def test_rises_are_green_and_falls_red_in_the_markup(long_page: str) -> None:
    rise = f"{RISE[0]:.1f} → {RISE[1]:.1f}"
    assert f'<span class="change up">{rise}</span>' in long_page
    assert '<span class="change down">86.0 → 81.0</span>' in long_page
    assert '<span class="change down">−5.0</span>' in long_page, "a file that cost points lowered the score"
    css = (Path(report_command.__file__).parent.parent / "report/html/templates/report.css").read_text()
    assert re.search(r"\.change\.up \{ color: var\(--good\)", css)
    assert re.search(r"\.change\.down \{ color: var\(--bad\)", css)


def test_the_font_stack_falls_back_to_colour_emoji() -> None:
    css = (Path(report_command.__file__).parent.parent / "report/html/templates/report.css").read_text()
    body = re.search(r"body \{.*?font: ([^;]+);", css, re.S)
    assert body is not None and "Noto Color Emoji" in body[1] and "Segoe UI Emoji" in body[1]
    assert "Apple Color Emoji" in body[1]


def test_text_from_the_history_is_isolated(long_page: str) -> None:
    assert f'<bdi class="subject">{html.escape(RLO_SUBJECT)}</bdi>' in long_page
    assert f'<bdi class="subject">{EMOJI_SUBJECT}</bdi>' in long_page
    file = html.escape(RLO_FILE).replace("/", "/<wbr>")
    assert f'<bdi class="path">{file}</bdi> <span class="change down">−5.0</span>' in long_page
    for element in re.findall(r"<(\w+)[^>]*>[^<]*" + RLO, long_page):
        # (a path's line-break opportunities, <wbr>, are inside its <bdi>)
        assert element in {"bdi", "title", "wbr"}, (
            f"a right-to-left override outside an isolate, in <{element}>"
        )
    assert f"\u2068{html.escape(RLO_SUBJECT)}\u2069" in long_page, "the tooltips isolate the subject too"


def test_escape_sequences_and_line_breaks_in_the_history_are_shown_not_acted_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = long_history()
    hostile = "fix: \x1b[31mred\x1b[0m\nsecond line\x07"
    drop = history.drops[0].commit
    points = tuple(
        point._replace(subject=hostile, author="Ann\x1b]0;owned\x07") if point.commit == drop else point
        for point in history.points
    )
    project = large_project(tmp_path / "labkit")
    monkeypatch.chdir(project)
    trend = trend_json(history._replace(points=points))
    _, page = _report("--trend-json", _write_json(tmp_path / "trend.json", trend))
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", page), "no raw control character in the page"
    assert "fix: \\x1b[31mred\\x1b[0m\\nsecond line\\x07" in page
    assert "Ann\\x1b]0;owned\\x07" in page


# Inputs read from files


def test_a_trend_reads_as_objects_or_as_lists() -> None:
    trend = hostile_trend()
    assert trend_from_json(trend_json(trend)) == trend
    assert trend_from_json({"points": plain(trend.points), "drops": plain(trend.drops)}) == trend


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object with a 'points' list"),
        ({"points": [{"commit": "a"}]}, "points[0].date: missing or not a string"),
        (
            {"points": [{"commit": "a", "date": "d", "author": "x", "subject": "s", "score": "high"}]},
            "points[0].score",
        ),
        (
            {"points": [], "drops": [{"commit": "a", "before": 1, "after": 0, "rules": [["QF001"]]}]},
            "drops[0].rules",
        ),
    ],
    ids=["not-an-object", "missing-field", "score-not-a-number", "short-rule-row"],
)
def test_a_malformed_trend_names_the_field(data: Any, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        trend_from_json(data)


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("median_ms", "NaN", "nan"),
        ("median_ms", "Infinity", "inf"),
        ("median_ms", "1e308", "1e+308"),
        ("top_modules[0].self_ms", "-Infinity", "-inf"),
        ("attributions[0].saving_up_to_ms", "1e308", "1e+308"),
    ],
)
def test_a_number_that_is_not_finite_is_refused_with_its_field(
    golden: Path, capsys: pytest.CaptureFixture[str], field: str, value: str, shown: str
) -> None:
    data = importtime_data()
    marker = 123456.789
    if field == "median_ms":
        data["median_ms"] = marker
    elif field.startswith("top_modules"):
        data["top_modules"][0]["self_ms"] = marker
    else:
        data["attributions"][0]["saving_up_to_ms"] = marker
    Path("timing.json").write_text(json.dumps(data).replace(str(marker), value), encoding="utf-8")
    code, page = _report("--importtime", "timing.json")
    assert code == 2 and page == ""
    assert capsys.readouterr().err == (
        f"qemlflow-lint: error: timing.json: not an importtime result: {field}: {shown} is not a "
        "finite number of a sensible size (at most 1e+09)\n"
    )


def test_a_trend_with_a_number_that_is_not_finite_is_refused() -> None:
    data = trend_json(hostile_trend())
    data["points"][0]["score"] = float("nan")
    with pytest.raises(InputError, match=re.escape("points[0].score: nan is not a finite number")):
        trend_from_json(data)
    data = trend_json(hostile_trend())
    data["drops"][0]["files"][0][1] = 1e308
    with pytest.raises(InputError, match=re.escape("drops[0].files[0][1]: 1e+308")):
        trend_from_json(data)


def test_a_malformed_importtime_result_names_the_field() -> None:
    with pytest.raises(InputError, match=re.escape("median_ms: missing or not a number")):
        importtime_panel({"module": "x", "top_modules": [], "attributions": []})


@pytest.mark.parametrize("option", ["--trend-json", "--importtime"])
@pytest.mark.parametrize("content", ["{not json", '{"points": 3}'], ids=["invalid-json", "wrong-shape"])
def test_a_bad_input_file_is_a_one_line_error(
    golden: Path, capsys: pytest.CaptureFixture[str], option: str, content: str
) -> None:
    Path("input.json").write_text(content, encoding="utf-8")
    code, page = _report(option, "input.json")
    error = capsys.readouterr().err
    assert code == 2
    assert error.startswith("qemlflow-lint: error: input.json: ") and error.count("\n") == 1
    assert page == "", "nothing is written"


# Writing the file


def test_an_unwritable_output_is_a_one_line_error_and_no_file(
    golden: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--html", "missing/out.html", "--no-cache"]) == 2
    error = capsys.readouterr().err
    assert error == "qemlflow-lint: error: missing/out.html: cannot write the report: no directory missing\n"
    Path("folder").mkdir()
    assert main(["report", "--html", "folder", "--no-cache"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert list(Path("folder").iterdir()) == []


def test_a_failed_write_leaves_the_old_file(
    golden: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    Path("out.html").write_text("old", encoding="utf-8")

    def refuse(path: str, text: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(report_command, "write_text_atomic", refuse)
    assert main(["report", "--html", "out.html", "--no-cache"]) == 2
    assert (
        capsys.readouterr().err
        == "qemlflow-lint: error: out.html: cannot write the report: Permission denied\n"
    )
    assert Path("out.html").read_text(encoding="utf-8") == "old"


def test_the_page_is_replaced_whole(golden: Path) -> None:
    Path("out.html").write_text("old", encoding="utf-8")
    _, page = _report()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert sorted(path.name for path in golden.iterdir() if path.name.startswith(".tmp-")) == []


@pytest.mark.slow
def test_measure_times_the_import_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "quick").mkdir()
    (tmp_path / "quick" / "__init__.py").write_text('"""Imports json."""\nimport json\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, page = _report("--measure", "quick", "--runs", "1")
    assert code == 0
    assert re.search(r"quick: \d+\.\d ms to import \(median of 1 run;", page)
    assert main(["report", "--html", "out.html", "--measure", "not_there", "--runs", "1"]) == 2


@pytest.mark.slow
def test_the_history_trend_stored_is_the_one_the_page_draws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``trend`` then ``report --html`` in one real repository: the page draws what ``trend``
    stored, every commit's score included, with the drop the second commit made."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        "typed",
        {
            "pyproject.toml": '[project]\nname = "lab"\n',
            "lab/__init__.py": '"""Lab."""\n',
            "lab/core.py": '"""Core."""\n\n\ndef one() -> int:\n    """One."""\n    return 1\n',
        },
    )
    repo.commit("untyped", {"lab/core.py": '"""Core."""\n\n\ndef one():\n    """One."""\n    return 1\n'})
    monkeypatch.chdir(repo.root)
    assert main(["trend", "--format", "json", "-o", str(tmp_path / "trend.json")]) == 0
    stored = json.loads((tmp_path / "trend.json").read_text(encoding="utf-8"))
    scores = [point["score"] for point in stored["points"]]
    assert len(scores) == 2 and scores[0] > scores[1]
    assert main(["report", "--html", str(tmp_path / "page.html")]) in (0, 1)
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert 'id="trend"' in page
    for score in scores:
        assert f"{score:.1f}" in page
