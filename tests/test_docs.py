"""The documentation: a short README, a page per rule made from the rule itself, a generator
that names what is stale, and a site that builds without a single warning.

``tests/rules/test_registry.py`` runs ``python docs/generate.py --check`` on the real tree;
here the generator is run on a copy, to see that it notices every kind of stale file.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from qemlflow_lint import __version__
from qemlflow_lint.report.rule_docs import RuleDoc, rule_docs
from tests.frontends import REPO

README = REPO / "README.md"
RULE_PAGES = REPO / "docs" / "rules"
#: The README's quick start, exactly as CI runs it (.ci/run).
QUICK_START = (
    "pip install . && qemlflow-lint score qemlflow_lint --fail-under 100",
    "pip install -e '.[test]' && python -m pytest -n auto --dist loadfile",
)
#: A Markdown link's target, without its anchor.
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)\s]*)?\)")


def _generator() -> ModuleType:
    """``docs/generate.py`` as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("docs_generate", REPO / "docs" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_orients_and_the_manual_is_in_docs() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 12_000, "the README sells and orients; the manual lives in docs/"
    for command in QUICK_START:
        assert f"```sh\n{command}\n```" in text


def test_readme_links_lead_to_files_of_the_repository() -> None:
    targets = [t for t in LINK.findall(README.read_text(encoding="utf-8")) if "://" not in t]
    assert targets
    missing = [t for t in targets if not (REPO / t).is_file()]
    assert not missing, f"README links to missing files: {missing}"


#: A release heading of CHANGELOG.md: ``## [1.2.3] - 2026-11-29``.
RELEASE = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.MULTILINE)
#: The sections Keep a Changelog allows under a release.
SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_the_changelog_names_the_version_the_package_reports() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = RELEASE.findall(text)
    assert releases, "CHANGELOG.md has no release heading"
    assert releases[0][0] == __version__, "the newest release in CHANGELOG.md is not __version__"
    assert [date for _, date in releases] == sorted((date for _, date in releases), reverse=True)
    assert text.index("## [Unreleased]") < text.index(f"## [{releases[0][0]}]")
    unknown = set(re.findall(r"^### (.+)$", text, re.MULTILINE)) - SECTIONS
    assert not unknown, f"CHANGELOG.md sections Keep a Changelog does not know: {unknown}"


@pytest.mark.parametrize("doc", rule_docs(), ids=lambda doc: doc.code)
def test_every_rule_has_a_page_made_from_its_documentation(doc: RuleDoc) -> None:
    page = (RULE_PAGES / f"{doc.symbol}.md").read_text(encoding="utf-8")
    assert page.startswith(f"# {doc.code} {doc.symbol}\n")
    for heading in re.findall(r"^## .+$", doc.documentation, re.M):
        assert f"\n{heading}\n" in page, f"{doc.code}'s page lacks {heading}"
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"- rules/{doc.symbol}.md\n" in nav


def test_generate_check_names_every_stale_page_and_generate_repairs_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    generate = _generator()
    shutil.copytree(REPO / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copy(README, tmp_path / "README.md")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    for name, value in {
        "ROOT": tmp_path,
        "README": tmp_path / "README.md",
        "DOCS": tmp_path / "docs",
        "RULE_PAGES": tmp_path / "docs" / "rules",
        "MKDOCS": tmp_path / "mkdocs.yml",
    }.items():
        monkeypatch.setattr(generate, name, value)
    # The sample outputs are tested on the real tree; here they are a fixed text.
    monkeypatch.setattr(generate, "command_output", lambda folder, commands: f"$ {commands}\n")

    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["generate.py", *args])
        code = generate.main()
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    run()
    assert run("--check") == (0, "")
    rules = tmp_path / "docs" / "rules"
    (rules / "bare-except.md").write_text("# QF004 bare-except\n\nedited by hand\n", encoding="utf-8")
    (rules / "wildcard-import.md").unlink()
    (rules / "retired-rule.md").write_text(
        (rules / "oversized-module.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    nav = tmp_path / "mkdocs.yml"
    nav.write_text(
        nav.read_text(encoding="utf-8").replace("      - rules/import-cycle.md\n", ""), encoding="utf-8"
    )

    code, said = run("--check")
    assert code == 1
    assert sorted(line.split(" is stale")[0] for line in said.splitlines() if " is stale" in line) == [
        "docs/rules/bare-except.md",
        "docs/rules/retired-rule.md",
        "docs/rules/wildcard-import.md",
        "mkdocs.yml",
    ]
    assert "docs/rules/retired-rule.md is stale (its rule is gone: remove it)" in said

    run()
    assert not (rules / "retired-rule.md").exists()
    assert run("--check") == (0, "")


@pytest.mark.slow
def test_the_site_builds_without_a_warning(tmp_path: Path) -> None:
    # Material for MkDocs prints a notice about its future on every build: not a warning of ours.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNING" not in output, output
    for page in ("index.html", "rules/heavy-top-level-import/index.html", "changelog/index.html"):
        assert (tmp_path / "site" / page).is_file()
    # The repository files the site shows are reached through their pages.
    assert 'href="../benchmarks/"' in (tmp_path / "site" / "speed" / "index.html").read_text("utf-8")
