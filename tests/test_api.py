"""The library API (``qemlflow_lint.api``): what it exports stays as the snapshot says until
a change is meant (and in the CHANGELOG), importing it stays cheap, its options take
keywords only, and every example of its documentation page runs and prints what the page
shows."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qemlflow_lint import api
from qemlflow_lint.api import Analysis, RunOptions, analyse_paths
from tests.api import signatures
from tests.frontends import REPO

API_PAGE = REPO / "docs" / "api.md"

#: A fenced block of the page: its language, its attributes (``title="path"``) and its text.
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def test_the_signatures_are_those_of_the_snapshot() -> None:
    now = signatures.signatures()
    stored = signatures.SNAPSHOT.read_text(encoding="utf-8")
    assert stored == now, signatures.HOW_TO_UPDATE


def test_a_changed_signature_makes_the_snapshot_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    def analyse_paths(paths: list[str], options: RunOptions, strict: bool = False) -> Analysis:
        raise NotImplementedError

    monkeypatch.setattr(api, "analyse_paths", analyse_paths)
    assert not signatures.check()
    assert (
        "def analyse_paths(paths: list[str], options: RunOptions, strict: bool = False)"
        in signatures.signatures()
    )
    assert signatures.main(["--check"]) == 1


def test_importing_the_api_loads_nothing_else_of_the_package() -> None:
    code = "import sys, qemlflow_lint.api; print(sorted(m for m in sys.modules if m.startswith('qemlflow_lint') or m == 'sqlite3'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.split() == ["['qemlflow_lint',", "'qemlflow_lint.api']"]


def test_every_exported_name_loads_and_is_listed() -> None:
    assert sorted(api.__all__) == api.__all__
    for name in api.__all__:
        assert getattr(api, name) is not None
    assert set(api.__all__) <= set(dir(api))
    with pytest.raises(AttributeError, match="no attribute 'Settings'"):
        _ = api.Settings  # internal, not exported


def test_every_exported_name_is_documented() -> None:
    page = API_PAGE.read_text(encoding="utf-8")
    missing = [name for name in api.__all__ if f"`{name}" not in page]
    assert not missing, f"docs/api.md does not describe {missing}"


def test_the_options_take_keywords_only_and_are_frozen() -> None:
    with pytest.raises(TypeError):
        RunOptions(None)  # type: ignore[call-arg]
    options = RunOptions(jobs=1)
    with pytest.raises(AttributeError, match="frozen"):
        options.jobs = 2
    assert options.replace(use_cache=False) == RunOptions(jobs=1, use_cache=False)
    assert options.jobs == 1
    assert repr(options).startswith("RunOptions(config_file=None, overrides=mappingproxy({}), ")
    with pytest.raises(TypeError):
        options.replace(job=2)


def test_the_examples_of_the_page_print_what_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The page's files (blocks with a title) make the project; its Python blocks run in
    # order in one namespace, and each one's output is the text block right after it.
    page = API_PAGE.read_text(encoding="utf-8")
    blocks = [
        (page.count("\n", 0, match.start()) + 1, match.group(1), match.group(2), match.group(3))
        for match in FENCE.finditer(page)
    ]
    namespace: dict[str, object] = {}
    monkeypatch.chdir(tmp_path)
    ran = 0
    for index, (line, language, attributes, text) in enumerate(blocks):
        title = re.search(r'title="([^"]+)"', attributes)
        if title:
            (tmp_path / title.group(1)).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / title.group(1)).write_text(text, encoding="utf-8")
            continue
        if language != "python":
            continue
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(text, f"docs/api.md:{line}", "exec"), namespace)
        ran += 1
        shown = blocks[index + 1] if index + 1 < len(blocks) else None
        expected = shown[3] if shown and shown[1] == "text" else ""
        assert output.getvalue() == expected, f"the example at docs/api.md:{line} printed other lines"
    assert ran >= 4, "the page's examples were found and run"


def test_analyse_paths_reads_the_options_it_is_given(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    (tmp_path / "demo.py").write_text('"""Demo."""\nimport pandas\n', encoding="utf-8")
    path = str(tmp_path / "demo.py")
    found = analyse_paths([path], RunOptions(use_cache=False, jobs=1))
    assert [finding.code for finding in found.results[0].findings] == ["QF001"]
    quiet = analyse_paths([path], RunOptions(overrides={"ignore": ["QF001"]}, use_cache=False, jobs=1))
    assert quiet.results[0].findings == ()
