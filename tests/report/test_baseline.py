"""``baseline`` and ``check --baseline``: adopting the rules on legacy code.

The round trip the feature exists for runs on one sample project: record, move lines,
copy a baselined line, fix one, update. Exit codes and "no traceback" run the real
command in a subprocess; everything else calls :func:`qemlflow_lint.cli.main` in-process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.report.baseline import (
    Baseline,
    BaselineError,
    Entry,
    compare,
    dumps,
    loads,
    record,
    shrink,
)
from qemlflow_lint.report.identity import FindingKey
from tests.frontends import cli_command, write_tree

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>QF\d{3}) ")

#: A legacy module: QF001 (line 2), QF002 on ``load`` and ``Model.fit``, QF004 in ``fit``.
LEGACY = '''\
"""Legacy model code."""
import torch


def load(path):
    """Load a model."""
    return torch.load(path)


class Model:
    """A model."""

    def fit(self, x):
        """Fit the model."""
        try:
            return x
        except:
            return None
'''
#: The ``except`` handler in ``Model.fit``, and a copy of it to add after it.
HANDLER = "        except:\n            return None\n"
COPY = "        try:\n            return -x\n        except:\n            return None\n"
#: A module with no docstring: QF003 about the module as a whole.
UNDOCUMENTED = "import os\n"
CLEAN = '"""Nothing to report."""\n'
PROJECT = {"pkg/__init__.py": CLEAN, "pkg/legacy.py": LEGACY, "pkg/undocumented.py": UNDOCUMENTED}
RECORDED = [
    ("QF001", "pkg/legacy.py", "", "import torch", 1),
    ("QF002", "pkg/legacy.py", "Model.fit", "def fit(self, x):", 1),
    ("QF002", "pkg/legacy.py", "load", "def load(path):", 1),
    ("QF004", "pkg/legacy.py", "Model.fit", "except:", 1),
    ("QF003", "pkg/undocumented.py", "", "<module>", 1),
]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(cli_command(*args), capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[tuple[str, int, str]], str]:
    """Run in-process: the exit code, the ``(path, line, code)`` findings printed, stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    rows = []
    for line in captured.out.splitlines():
        match = LINE.match(line)
        assert match, f"not a finding line: {line!r}"
        rows.append((match["path"], int(match["line"]), match["code"]))
    return code, rows, captured.err


def _entries(path: Path) -> list[tuple[str, str, str, str, int]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(e["code"], e["path"], e["scope"], e["source"], e["count"]) for e in data["findings"]]


def _by_path(rows: list[tuple[str, str, str, str, int]]) -> list[tuple[str, str, str, str, int]]:
    return sorted(rows, key=lambda row: (row[1], row[0], row[2], row[3]))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample legacy project, also the working directory."""
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, PROJECT)
    return tmp_path


@pytest.fixture
def recorded(project: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The sample project with ``qf-baseline.json`` recorded at its root."""
    code, rows, err = _cli(capsys, "baseline", "-o", "qf-baseline.json", ".")
    assert (code, rows) == (0, []), err
    assert "recorded 5 findings (5 entries) in qf-baseline.json" in err
    return project / "qf-baseline.json"


# --- the round trip ---------------------------------------------------------------------------


def test_recording_keys_findings_by_code_path_scope_and_source_without_line_numbers(recorded: Path) -> None:
    assert _entries(recorded) == _by_path(RECORDED)


def test_check_with_the_fresh_baseline_reports_nothing(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, rows, err = _cli(capsys, "check", "--baseline", "qf-baseline.json", ".")
    assert (code, rows) == (0, [])
    assert "5 findings matched the baseline qf-baseline.json" in err
    assert "no longer occur" not in err


def test_lines_moving_reports_nothing_new(
    project: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = project / "pkg/legacy.py"
    _edit(legacy, "import torch\n", "import os\nimport sys\n\nimport torch\n\nLIMIT = 3\n")
    _edit(legacy, '        """Fit the model."""\n', '        """Fit the model."""\n        x = x * 2\n\n')
    # Lines above the module's first line move a finding about the module as a whole, too.
    _edit(project / "pkg/undocumented.py", "import os\n", "# Legacy.\nimport sys\nimport os\n")
    code, rows, err = _cli(capsys, "check", "--baseline", "qf-baseline.json", ".")
    assert (code, rows) == (0, []), err
    assert "no longer occur" not in err


def test_a_copy_of_a_baselined_line_in_the_same_function_is_reported_alone(
    project: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = project / "pkg/legacy.py"
    _edit(legacy, HANDLER, HANDLER + COPY)
    code, rows, err = _cli(capsys, "check", "--baseline", "qf-baseline.json", ".")
    assert code == 1
    assert rows == [("pkg/legacy.py", 21, "QF004")]  # the second `except:` in line order
    assert "1 finding in 3 files" in err


def test_a_fixed_finding_is_listed_as_no_longer_occurring_and_update_removes_it_without_adding(
    project: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = project / "pkg/legacy.py"
    _edit(legacy, "def load(path):", "def load(path: str) -> object:")  # fixes QF002 on load
    _edit(legacy, HANDLER, HANDLER + COPY)

    code, rows, err = _cli(capsys, "check", "--baseline", "qf-baseline.json", ".")
    assert code == 1 and [c for _, _, c in rows] == ["QF004"]
    assert (
        "1 baselined finding no longer occurs; run `qemlflow-lint baseline --update -o qf-baseline.json`"
        in err
    )
    assert "  pkg/legacy.py: QF002 in load: def load(path):" in err.splitlines()

    code, rows, err = _cli(capsys, "baseline", "--update", "-o", "qf-baseline.json", ".")
    assert (code, rows) == (0, [])
    assert "removed 1 finding that no longer occurs (1 entry) from qf-baseline.json; 4 remain" in err
    assert "1 finding not in the baseline was not added" in err
    assert _entries(recorded) == _by_path([row for row in RECORDED if row[2] != "load"])

    code, rows, err = _cli(capsys, "check", "--baseline", "qf-baseline.json", ".")
    assert (code, [c for _, _, c in rows]) == (1, ["QF004"])  # the copy is still new
    assert "no longer occur" not in err


def test_update_lowers_a_count_and_never_raises_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {"twice.py": '"""Two."""\nimport torch\nimport torch\n'})
    assert _cli(capsys, "baseline", "-o", "b.json", "twice.py")[0] == 0
    assert _entries(project / "b.json") == [("QF001", "twice.py", "", "import torch", 2)]
    write_tree(project, {"twice.py": '"""Two."""\nimport torch\n'})
    assert _cli(capsys, "baseline", "--update", "-o", "b.json", "twice.py")[0] == 0
    assert _entries(project / "b.json") == [("QF001", "twice.py", "", "import torch", 1)]
    write_tree(project, {"twice.py": '"""Three."""\nimport torch\nimport torch\nimport torch\n'})
    assert _cli(capsys, "baseline", "--update", "-o", "b.json", "twice.py")[0] == 0
    assert _entries(project / "b.json") == [("QF001", "twice.py", "", "import torch", 1)]


# --- the file ------------------------------------------------------------------------------------


def test_the_file_is_sorted_one_entry_per_line_and_recording_twice_gives_identical_bytes(
    project: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = recorded.read_bytes()
    # Recorded again from another directory, naming the files another way.
    os.chdir(project / "pkg")
    assert _cli(capsys, "baseline", "--force", "-o", "../qf-baseline.json", "legacy.py", "../pkg")[0] == 0
    assert recorded.read_bytes() == first
    text = first.decode("utf-8")
    assert text.endswith("}\n") and "\r" not in text
    lines = text.splitlines()
    assert lines[:4] == ["{", '  "tool": "qemlflow-lint",', '  "version": 1,', '  "findings": [']
    assert lines[-2:] == ["  ]", "}"]
    body = lines[4:-2]
    assert len(body) == len(RECORDED)
    assert [json.loads(line.rstrip(",")) for line in body] == [
        {"code": code, "path": path, "scope": scope, "source": source, "count": count}
        for code, path, scope, source, count in _by_path(RECORDED)
    ]


def test_paths_are_relative_to_the_baseline_file_wherever_the_command_runs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(project / "pkg")
    assert _cli(capsys, "baseline", "-o", "../qf-baseline.json", ".")[0] == 0
    assert {path for _, path, _, _, _ in _entries(project / "qf-baseline.json")} == {
        "pkg/legacy.py",
        "pkg/undocumented.py",
    }
    os.chdir(project)
    code, rows, err = _cli(capsys, "check", "--baseline", "qf-baseline.json", "pkg")
    assert (code, rows) == (0, []), err


def test_check_from_another_directory_finds_the_same_files_subprocess(recorded: Path) -> None:
    project = recorded.parent
    (project / "elsewhere").mkdir()
    done = _run(["check", "--baseline", "../qf-baseline.json", "../pkg"], project / "elsewhere")
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    _edit(project / "pkg/legacy.py", "import torch\n", "import torch\nimport pandas\n")
    done = _run(["check", "--baseline", "qf-baseline.json", "pkg"], project)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("pkg/legacy.py:3:1: QF001 heavy module 'pandas'")
    assert len(done.stdout.splitlines()) == 1 and "Traceback" not in done.stderr


# --- a baseline never grows silently --------------------------------------------------------


def test_an_existing_file_is_not_overwritten(
    project: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = recorded.read_bytes()
    _edit(project / "pkg/legacy.py", "import torch\n", "import torch\nimport pandas\n")
    code, rows, err = _cli(capsys, "baseline", "-o", "qf-baseline.json", ".")
    assert (code, rows) == (2, [])
    assert err == (
        "qemlflow-lint: error: qf-baseline.json already exists; use --update to remove the findings "
        "fixed since it was recorded, or --force to record it anew\n"
    )
    assert recorded.read_bytes() == before
    assert _cli(capsys, "baseline", "--update", "-o", "qf-baseline.json", ".")[0] == 0
    assert recorded.read_bytes() == before  # --update never adds the new import
    assert _cli(capsys, "baseline", "--force", "-o", "qf-baseline.json", ".")[0] == 0
    assert ("QF001", "pkg/legacy.py", "", "import pandas", 1) in _entries(recorded)


def test_update_and_force_together_are_a_usage_error(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["baseline", "--update", "--force", "-o", "qf-baseline.json", "."])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_update_of_a_missing_file_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "baseline", "--update", "-o", "missing.json", ".")
    assert code == 2
    assert err == "qemlflow-lint: error: missing.json: cannot read baseline: No such file or directory\n"
    assert not (project / "missing.json").exists()


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["pkg/legacy.py"], id="a-subset-of-the-files"),
        pytest.param(["--select", "QF001", "."], id="a-subset-of-the-rules"),
    ],
)
def test_update_leaves_entries_it_did_not_look_for(
    project: Path, recorded: Path, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    before = recorded.read_bytes()
    code, _, err = _cli(capsys, "baseline", "--update", "-o", "qf-baseline.json", *options)
    assert code == 0 and "removed 0 findings" in err
    assert recorded.read_bytes() == before
    code, rows, err = _cli(capsys, "check", "--baseline", "qf-baseline.json", *options)
    assert (code, rows) == (0, []) and "no longer occur" not in err


def test_entries_of_a_deleted_file_no_longer_occur(
    project: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pkg/undocumented.py").unlink()
    code, rows, err = _cli(capsys, "check", "--baseline", "qf-baseline.json", ".")
    assert (code, rows) == (0, [])
    assert "  pkg/undocumented.py: QF003 in <module>: the module as a whole" in err.splitlines()
    assert _cli(capsys, "baseline", "--update", "-o", "qf-baseline.json", ".")[0] == 0
    assert _entries(recorded) == _by_path([row for row in RECORDED if row[1] != "pkg/undocumented.py"])


# --- unparseable files ------------------------------------------------------------------------


def test_an_unreadable_file_is_recorded_as_such_and_only_a_new_one_fails(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(project, {"broken.py": "def f(:\n"})
    code, rows, err = _cli(capsys, "baseline", "-o", "qf-baseline.json", ".")
    assert (code, rows) == (0, [("broken.py", 1, "QF000")])
    assert "1 file could not be read or parsed and is recorded as such" in err
    assert '{"code": "QF000", "path": "broken.py", "scope": "", "source": "", "count": 1}' in (
        project / "qf-baseline.json"
    ).read_text(encoding="utf-8")
    # Broken already: neither check nor the score's gate fails on it, even edited.
    (project / "broken.py").write_text("x = 1\ndef g(:\n", encoding="utf-8")
    assert _cli(capsys, "check", "--baseline", "qf-baseline.json", ".")[:2] == (0, [])
    assert main(["score", "--baseline", "qf-baseline.json", "--fail-under", "0", "--score-only", "."]) == 0
    assert "PASS" in capsys.readouterr().err
    # A file that breaks now is new: both fail on it.
    write_tree(project, {"later.py": "def h(:\n"})
    code, rows, _ = _cli(capsys, "check", "--baseline", "qf-baseline.json", ".")
    assert (code, rows) == (1, [("later.py", 1, "QF000")])
    assert main(["score", "--baseline", "qf-baseline.json", "--fail-under", "0", "--score-only", "."]) == 1
    assert "FAIL: 1 file(s) could not be analysed" in capsys.readouterr().err


def test_entries_of_a_file_that_no_longer_parses_are_kept(
    project: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = recorded.read_bytes()
    _edit(project / "pkg/legacy.py", "def load(path):", "def load(path:")
    code, rows, err = _cli(capsys, "check", "--baseline", "qf-baseline.json", ".")
    assert code == 1 and [c for _, _, c in rows] == ["QF000"] and "no longer occur" not in err
    assert _cli(capsys, "baseline", "--update", "-o", "qf-baseline.json", ".")[0] == 1
    assert recorded.read_bytes() == before


# --- bad baseline files -------------------------------------------------------------------------

BAD_BASELINES = [
    pytest.param("", "not valid JSON (Expecting value: line 1 column 1 (char 0))", id="empty"),
    pytest.param('{"tool": "qemlflow-lint", "version": 1, "findings": [', "not valid JSON", id="truncated"),
    pytest.param("[]", 'not a qemlflow-lint baseline (no "tool": "qemlflow-lint" header)', id="a-list"),
    pytest.param('{"version": 1, "findings": []}', "not a qemlflow-lint baseline", id="no-tool"),
    pytest.param(
        '{"tool": "qemlflow-lint", "version": 2, "findings": []}',
        "baseline format version 2 is not supported (this qemlflow-lint reads version 1",
        id="newer-version",
    ),
    pytest.param(
        '{"tool": "qemlflow-lint", "version": true, "findings": []}',
        "baseline format version true is not supported",
        id="boolean-version",
    ),
    pytest.param('{"tool": "qemlflow-lint", "version": 1}', '"findings" must be a list', id="no-findings"),
    pytest.param(
        '{"tool": "qemlflow-lint", "version": 1, "findings": [3]}',
        "findings[0] must be an object",
        id="entry-not-an-object",
    ),
    pytest.param(
        '{"tool": "qemlflow-lint", "version": 1, "findings": '
        '[{"code": "QF001", "path": "a.py", "scope": "", "count": 1}]}',
        'findings[0] needs a string "source"',
        id="entry-without-source",
    ),
    pytest.param(
        '{"tool": "qemlflow-lint", "version": 1, "findings": '
        '[{"code": "QF001", "path": "a.py", "scope": "", "source": "x", "count": 0}]}',
        'findings[0] needs a positive integer "count"',
        id="zero-count",
    ),
    pytest.param("[" * 100000, "not valid JSON", id="nested-too-deeply"),
]


@pytest.mark.parametrize(("text", "message"), BAD_BASELINES)
@pytest.mark.parametrize("command", [["check", "--baseline"], ["baseline", "--update", "-o"]])
def test_a_bad_baseline_file_is_a_one_line_error(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str], text: str, message: str
) -> None:
    (project / "bad.json").write_text(text, encoding="utf-8")
    code, rows, err = _cli(capsys, *command, "bad.json", ".")
    assert (code, rows) == (2, [])
    assert err.startswith(f"qemlflow-lint: error: bad.json: {message}") and err.count("\n") == 1, err
    assert (project / "bad.json").read_text(encoding="utf-8") == text


def test_a_bad_baseline_file_gives_no_traceback_subprocess(tmp_path: Path) -> None:
    write_tree(tmp_path, {"mod.py": LEGACY, "bad.json": "\ufeff{not json", "binary.json": ""})
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    for name in ("bad.json", "binary.json", "missing.json", "."):
        done = _run(["check", "--baseline", name, "mod.py"], tmp_path)
        assert done.returncode == 2, done.stderr
        assert done.stdout == "" and "Traceback" not in done.stderr
        assert done.stderr.startswith(f"qemlflow-lint: error: {name}: ") and done.stderr.count("\n") == 1


# --- the pure functions (``score --baseline`` calls compare on results) ------------------------


def _result(path: str, *findings: tuple[int, str, str, str]) -> FileResult:
    return FileResult(
        path,
        tuple(
            Finding(line, 0, code, "message", scope=scope, source=source)
            for line, code, scope, source in findings
        ),
        {"QF001": 1, "QF004": 2},
    )


def test_compare_matches_as_a_multiset_in_line_order(tmp_path: Path) -> None:
    key = FindingKey("QF004", "mod.py", "f", "except:")
    baseline = Baseline((Entry(key, 1),))
    results = (_result(str(tmp_path / "mod.py"), (9, "QF004", "f", "except:"), (4, "QF004", "f", "except:")),)
    comparison = compare(baseline, results, str(tmp_path))
    assert comparison.matched == 1 and comparison.vanished == ()
    assert [f.line for f in comparison.new[0].findings] == [9]
    assert comparison.new[0].units == results[0].units


def test_compare_lists_vanished_entries_with_how_many_fewer(tmp_path: Path) -> None:
    kept, fixed = FindingKey("QF001", "a.py", "", "import torch"), FindingKey("QF004", "a.py", "f", "except:")
    baseline = Baseline((Entry(kept, 3), Entry(fixed, 1)))
    results = (_result(str(tmp_path / "a.py"), (2, "QF001", "", "import torch")),)
    comparison = compare(baseline, results, str(tmp_path))
    assert comparison.vanished == (Entry(kept, 2), Entry(fixed, 1))
    assert comparison.new_count == 0
    assert shrink(baseline, results, str(tmp_path)) == Baseline((Entry(kept, 1),))


def test_record_dumps_and_loads_round_trip(tmp_path: Path) -> None:
    results = (
        _result(str(tmp_path / "b/m.py"), (2, "QF001", "", "import torch"), (5, "QF001", "", "import torch")),
        _result(str(tmp_path / "a.py"), (7, "QF004", "C.f", "except: # é")),
    )
    baseline = record(results, str(tmp_path))
    assert [(entry.key.path, entry.count) for entry in baseline.entries] == [("a.py", 1), ("b/m.py", 2)]
    assert loads(dumps(baseline)) == baseline
    assert "é" in dumps(baseline)
    assert dumps(Baseline()) == '{\n  "tool": "qemlflow-lint",\n  "version": 1,\n  "findings": []\n}\n'
    with pytest.raises(BaselineError):
        loads("{}")
