"""``qemlflow-lint graph`` as a user meets it: formats on standard output or in a file,
the options, exit codes and the one-line errors (the formats themselves are pinned in
``tests/report/test_graph.py``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from qemlflow_lint.cli import main
from tests.frontends import FIXTURES, REPO, cli_command, write_tree
from tests.report.test_graph import CYCLES, mermaid_problems
from tests.tools import needs_program


@pytest.fixture()
def chemtools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = Path(shutil.copytree(FIXTURES / "projects" / "chemtools", tmp_path / "chemtools"))
    monkeypatch.chdir(root)
    return root


@pytest.fixture()
def cycles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree(tmp_path / "demo", CYCLES)
    monkeypatch.chdir(root)
    return root


def _graph(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["graph", "--no-cache", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_each_format_goes_to_standard_output(chemtools: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _graph(capsys)
    assert (code, err) == (0, "")
    assert (
        out.startswith("// The first-party import graph") and '"chemtools.api" -> "chemtools.symbolic"' in out
    )
    code, out, err = _graph(capsys, "--format", "mermaid", ".")
    assert (code, err, mermaid_problems(out)) == (0, "", [])
    code, out, err = _graph(capsys, "--format", "json", ".")
    assert (code, err) == (0, "")
    assert [node["name"] for node in json.loads(out)["nodes"]] == [
        "chemtools",
        "chemtools.api",
        "chemtools.symbolic",
        "sympy",
    ]


def test_the_selection_options(cycles: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def names(*args: str) -> list[str]:
        code, out, _ = _graph(capsys, "--format", "json", *args)
        assert code == 0
        return [node["name"] for node in json.loads(out)["nodes"]]

    library = ["pkg", "pkg.a", "pkg.b", "pkg.minimizer", "pkg.model", "torch"]
    assert names() == library
    assert names("--all-modules") == [*library[:5], "test_a", "torch"]
    assert names("--heavy-only") == ["pkg", "pkg.a", "pkg.b", "pkg.model", "torch"]
    assert names("--module", "pkg.b") == ["pkg.a", "pkg.b", "torch"]
    assert names("--module", "pkg", "--heavy-only") == ["pkg", "pkg.a", "pkg.b", "pkg.model", "torch"]
    assert names("--module", "test_a") == [
        "pkg",
        "pkg.a",
        "pkg.b",
        "pkg.minimizer",
        "pkg.model",
        "test_a",
        "torch",
    ]


def test_the_configuration_of_check_applies(cycles: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _graph(
        capsys, "--format", "json", "--ignore", "QF102", "--extend-exclude", "pkg/minimizer.py"
    )
    data = json.loads(out)
    assert code == 0 and data["cycles"] == []
    assert "pkg.minimizer" not in [node["name"] for node in data["nodes"]]
    code, out, _ = _graph(capsys, "--format", "json", "--heavy-modules", "numpy")
    assert json.loads(out)["chains"] == [] and "torch" not in out


def test_output_file_is_written_with_a_summary_on_standard_error(
    cycles: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = cycles / "graph.mmd"
    target.write_text("old\n", encoding="utf-8")
    code, out, err = _graph(capsys, "--format", "mermaid", "-o", "graph.mmd")
    assert (code, out) == (0, "")
    assert err == "wrote graph.mmd: 5 modules, 1 heavy module, 2 heavy chains, 2 import cycles\n"
    assert mermaid_problems(target.read_text(encoding="utf-8")) == []
    assert sorted(p.name for p in cycles.iterdir() if p.name.startswith(".tmp-")) == []


@pytest.mark.parametrize("where", ["missing/graph.dot", "pkg"])
def test_an_output_file_that_cannot_be_written_is_one_line_and_exit_2(
    cycles: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    code, out, err = _graph(capsys, "-o", where)
    assert (code, out) == (2, "")
    assert err.startswith(f"qemlflow-lint: error: {where}: cannot write the graph: ") and err.count("\n") == 1


def test_an_unknown_module_is_one_line_naming_the_closest_and_exit_2(
    cycles: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _graph(capsys, "--module", "pkg.modle")
    assert (code, out) == (2, "")
    assert err == (
        "qemlflow-lint: error: no first-party module 'pkg.modle' in the graph; did you mean pkg.model?\n"
    )


def test_a_tree_without_python_files_is_an_empty_graph_and_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("no code here\n", encoding="utf-8")
    code, out, err = _graph(capsys, "--format", "json", str(tmp_path))
    assert code == 0
    assert err == f"qemlflow-lint: no Python files under {tmp_path}: the graph is empty\n"
    assert json.loads(out)["nodes"] == []
    code, out, err = _graph(capsys, "--module", "pkg", str(tmp_path))
    assert (
        code == 2 and err == "qemlflow-lint: error: no first-party module 'pkg': the graph has no modules\n"
    )


def test_the_empty_graph_renders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _graph(capsys, str(tmp_path))
    program = needs_program("dot", "the DOT output of `graph` is checked by rendering it with Graphviz")
    done = subprocess.run([program, "-Tsvg"], input=out, capture_output=True, text=True, timeout=60)
    assert (code, done.returncode, done.stderr) == (0, 0, "")
    code, out, _ = _graph(capsys, "--format", "mermaid", str(tmp_path))
    assert (code, mermaid_problems(out)) == (0, [])


def test_only_scripts_give_an_empty_graph_and_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"pyproject.toml": "", "tests/test_x.py": "import os\n"})
    code, _, err = _graph(capsys, str(tmp_path))
    assert code == 0
    assert err == (
        f"qemlflow-lint: no library modules under {tmp_path}: the graph is empty "
        "(--all-modules adds tests and scripts)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "nowhere: no such file or directory"),
        (["-"], "graph reads files: standard input ('-') has no place in a project's import graph"),
    ],
)
def test_missing_paths_and_standard_input_are_usage_errors(
    cycles: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert _graph(capsys, *args) == (2, "", f"qemlflow-lint: error: {message}\n")


def test_files_that_cannot_be_parsed_are_left_out_quietly_unless_asked_for(
    cycles: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As in a real scientific project: a dozen broken example scripts, which check reports as QF000.
    for number in range(12):
        (cycles / "examples").mkdir(exist_ok=True)
        (cycles / "examples" / f"demo_{number}.py").write_text('"""Unterminated\n', encoding="utf-8")
    (cycles / "pkg" / "broken.py").write_text("def (:\n", encoding="utf-8")
    code, out, err = _graph(capsys, "--format", "json")
    assert (code, err) == (0, "") and "pkg.broken" not in out
    code, out, err = _graph(capsys, "--format", "json", "--show-outside")
    assert code == 0 and "pkg.broken" not in out
    warnings = err.splitlines()
    assert len(warnings) == 13 and all(" is not in the graph: " in line for line in warnings)
    assert warnings[0].startswith("qemlflow-lint: warning: examples/demo_0.py is not in the graph: ")
    assert warnings[-1].startswith("qemlflow-lint: warning: pkg/broken.py is not in the graph: syntax error")
    code, _, err = _graph(capsys, "-o", "graph.dot")
    assert (code, err) == (
        0,
        "wrote graph.dot: 5 modules, 1 heavy module, 2 heavy chains, 2 import cycles; "
        "13 files that cannot be parsed left out (--show-outside names them)\n",
    )


def test_help_lists_the_command_and_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "the first-party import graph at import time" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["graph", "--help"])
    said = capsys.readouterr().out
    for option in (
        "--format {dot,svg,mermaid,json}",
        "--heavy-only",
        "--depth N",
        "--show-outside",
        "--module MODULE",
        "--all-modules",
        "-o FILE",
    ):
        assert option in said


def test_the_command_writes_the_same_bytes_from_any_working_directory(cycles: Path) -> None:
    # As a user runs it: the console entry in a fresh interpreter, with the result cache.
    outputs = set()
    for where, path in ((cycles, "."), (cycles.parent, "demo"), (cycles / "pkg", str(cycles))):
        done = subprocess.run(
            cli_command("graph", "--format", "json", path),
            cwd=where,
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
        )
        assert (done.returncode, done.stderr) == (0, "")
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_the_drawn_sample_in_the_docs_is_the_generated_one() -> None:
    # docs/generate.py rewrites the console block from the command; the mermaid block that
    # the site draws is its copy, kept equal here.
    page = (REPO / "docs" / "graph.md").read_text(encoding="utf-8")
    command = "$ qemlflow-lint graph --format mermaid .\n"
    generated = page.split("```console\n" + command, 1)[1].split("```\n", 1)[0]
    drawn = page.split("```mermaid\n", 1)[1].split("```\n", 1)[0]
    assert drawn == generated, "copy the generated sample of docs/graph.md into its mermaid block"
    assert mermaid_problems(drawn) == []


def test_heavy_only_without_a_heavy_import_says_so(cycles: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _graph(capsys, "--heavy-only", "--module", "pkg.minimizer")
    assert (code, err) == (
        0,
        "qemlflow-lint: pkg.minimizer imports no heavy module at import time, not even through others: "
        "the graph is empty\n",
    )
    code, _, err = _graph(capsys, "--heavy-only", "--heavy-modules", "numpy")
    assert (code, err) == (
        0,
        "qemlflow-lint: no module under . imports a heavy module at import time through another of its "
        "modules: the graph is empty\n",
    )


def test_svg_is_drawn_by_graphviz_and_its_absence_is_one_line(
    cycles: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    needs_program("dot", "--format svg runs Graphviz")
    code, out, err = _graph(capsys, "--format", "svg", "--depth", "1")
    assert (code, err) == (0, "")
    assert out.startswith("<?xml") and "<svg" in out and "<title>pkg</title>" in out
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    assert _graph(capsys, "--format", "svg") == (
        2,
        "",
        "qemlflow-lint: error: --format svg draws the graph with Graphviz's `dot` program, which is not on "
        "PATH: install Graphviz (https://graphviz.org/download/), or write --format dot and render it elsewhere\n",
    )


def test_depth_must_be_a_positive_number(cycles: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["graph", "--depth", "0", "."])
    assert raised.value.code == 2
    assert "argument --depth: expected a positive whole number, got '0'" in capsys.readouterr().err
