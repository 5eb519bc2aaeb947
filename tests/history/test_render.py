"""``trend``'s formats: JSON carries every field (and reads back as the same trend), CSV has
a header and a row per commit, Markdown a table, text a table and a sparkline."""

from __future__ import annotations

import csv
import io
import json
from types import MappingProxyType

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.history.encode import trend_from
from qemlflow_lint.history.model import CommitScore, Drop, Trend
from qemlflow_lint.history.render import (
    author_name,
    render_csv,
    render_json,
    render_markdown,
    render_text,
    sparkline,
)
from tests.history.gitrepo import GitRepo
from tests.history.projects import build


@pytest.mark.parametrize(
    ("scores", "line"),
    [
        ([70.0, 80.0, 75.0], "▁█▅"),
        ([50.0, None, 100.0], "▁·█"),
        ([90.0, 90.0], "▄▄"),
        ([None], "·"),
        ([], ""),
    ],
    ids=["lowest to highest", "a gap", "flat", "nothing scored", "no commit"],
)
def test_the_sparkline_spans_the_lowest_to_the_highest_score(scores: list[float | None], line: str) -> None:
    assert sparkline(scores) == line


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every format of one history's trend."""
    root = tmp_path_factory.mktemp("render") / "repo"
    build(GitRepo(root))
    outputs = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        for name in ("text", "json", "csv", "markdown"):
            capture = io.StringIO()
            patch.setattr("sys.stdout", capture)
            patch.setattr("sys.stderr", io.StringIO())
            assert main(["trend", "--format", name, "--no-cache"]) == 0
            outputs[name] = capture.getvalue()
    return outputs


def test_json_carries_every_field_and_reads_back(formats: dict[str, str]) -> None:
    data = json.loads(formats["json"])
    assert data["tool"]["name"] == "qemlflow-lint"
    assert data["profile"]["name"] == "qemlflow-philosophy"
    assert len(data["sparkline"]) == len(data["points"]) == 5
    assert set(data["points"][0]) == set(CommitScore._fields)
    assert set(data["drops"][0]) == set(Drop._fields)
    trend = trend_from(data)
    assert json.loads(render_json(trend)) == data


def test_csv_has_a_header_and_a_row_per_commit(formats: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(formats["csv"])))
    assert len(rows) == 5
    assert list(rows[0])[:10] == [
        "commit",
        "date",
        "author",
        "subject",
        "score",
        "change",
        "drop",
        "files",
        "unparseable",
        "error",
    ]
    assert "coverage QF003" in rows[0]
    assert rows[-1]["drop"] == "yes" and rows[0]["change"] == ""
    assert float(rows[-1]["change"]) < 0


def test_markdown_has_a_table_and_the_drops(formats: dict[str, str]) -> None:
    lines = formats["markdown"].splitlines()
    assert lines[0] == "## Score trend"
    assert "| commit | date | author | score | change | subject |" in lines
    assert sum(line.startswith("| `") for line in lines) == 5
    assert any(line.startswith("- `") and "Undocumented helpers" in line for line in lines)


def test_text_has_the_sparkline_the_table_and_the_drops(formats: dict[str, str]) -> None:
    lines = formats["text"].splitlines()
    assert lines[0].startswith("Score over 5 commit(s) of . (each commit's own configuration): ")
    assert len(lines[1]) == 5 and set(lines[1]) <= set("▁▂▃▄▅▆▇█")
    assert lines[3].split() == ["commit", "date", "author", "score", "change", "subject"]
    assert any(line.endswith("  Undocumented helpers") for line in lines[4:9])
    assert any(line.startswith("Drops (") for line in lines)


def test_markdown_cells_cannot_break_the_table() -> None:
    point = CommitScore("c" * 40, "2026-01-01T00:00:00+00:00", "A | B", "x", 50.0, MappingProxyType({}))
    text = render_markdown(Trend((point,), paths=(".",), config="each commit's own configuration"))
    row = next(line for line in text.splitlines() if line.startswith("| `"))
    assert "A \\| B" in row and row.count(" | ") == 5


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Sanjeeva Reddy Dodlapati", "Sanjeeva Reddy Dodlapati"),
        ("Maria Dolores de la Fuente Ortega", "M. D. d. l. F. Ortega"),
        ("Ada", "Ada"),
        ("A" * 30, "A" * 23 + "…"),
    ],
    ids=["fits", "initials keep the person", "one word", "one long word"],
)
def test_authors_are_whole_or_initialled_never_cut_mid_name(name: str, shown: str) -> None:
    assert author_name(name) == shown


def test_an_empty_range_says_so() -> None:
    empty = Trend((), paths=(".",), config="each commit's own configuration")
    assert render_text(empty) == "No commit to score (the range is empty).\n"
    assert render_csv(empty).count("\n") == 1
    assert json.loads(render_json(empty))["points"] == []
