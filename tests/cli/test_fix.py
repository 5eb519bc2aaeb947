"""``qemlflow-lint fix`` as a user meets it: what it writes and what it never writes, its
modes and exit codes, standard input, bad input, and the proof that keeps a broken fix off
the disk. The fixes themselves are pinned by the fixtures (``tests/fix/``); QF004's fix,
the simplest, stands in for all of them here."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import libcst as cst
import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.fix import apply as fix_apply
from qemlflow_lint.fix import on_disk
from qemlflow_lint.fix.apply import FixOptions, fix_text
from qemlflow_lint.fix.model import UNSAFE, Applied, FixSource, ModulePlan, Plan
from qemlflow_lint.fix.on_disk import Fixed
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.api import RunOptions
from tests.frontends import cli_command, run_fix, run_in_process, write_tree

PACKAGE = '"""A package."""\n'
#: A module whose one finding (QF004 with only QF004 selected) has an unsafe fix.
BARE = '"""Loads."""\n\n\ndef load(path):\n    """Load."""\n    try:\n        return open(path).read()\n    except:  # keep me\n        return None\n'
FIXED = BARE.replace("except:", "except Exception:")
CONFIG = '[tool.qemlflow-lint]\nselect = ["QF004"]\n'


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project with a package holding one bare except (QF004 selected alone)."""
    write_tree(tmp_path, {"pyproject.toml": CONFIG, "pkg/__init__.py": PACKAGE, "pkg/io.py": BARE})
    return tmp_path


def test_safe_by_default_the_unsafe_fix_waits_for_its_flag(project: Path) -> None:
    done = run_fix(["pkg"], cwd=project)
    assert done.returncode == 0, done.stderr
    assert (project / "pkg/io.py").read_text(encoding="utf-8") == BARE
    assert done.stdout == "pkg/io.py:8:5: QF004 left: needs --unsafe-fixes\n"
    assert done.stderr.splitlines() == [
        "Fixed 0 findings in 0 files.",
        "Left 1:",
        "  QF004 (1): needs --unsafe-fixes (1)",
        "1 more fix available with --unsafe-fixes.",
    ]

    done = run_fix(["pkg", "--unsafe-fixes"], cwd=project)
    assert done.returncode == 0, done.stderr
    assert (project / "pkg/io.py").read_text(encoding="utf-8") == FIXED
    assert done.stdout == "pkg/io.py:8:5: QF004 fixed (unsafe): now catches Exception\n"
    assert done.stderr.splitlines()[0] == "Fixed 1 finding in 1 file (0 safe, 1 unsafe)."


def test_diff_and_check_write_nothing_and_exit_1_when_something_would_change(project: Path) -> None:
    diff = run_fix(["pkg", "--diff", "--unsafe-fixes"], cwd=project)
    assert diff.returncode == 1
    assert diff.stdout.splitlines()[:2] == ["--- a/pkg/io.py", "+++ b/pkg/io.py"]
    assert "-    except:  # keep me\n+    except Exception:  # keep me\n" in diff.stdout
    assert diff.stderr.splitlines()[0] == "Would fix 1 finding in 1 file (0 safe, 1 unsafe)."
    check = run_fix(["pkg", "--check", "--unsafe-fixes"], cwd=project)
    assert check.returncode == 1
    assert check.stdout == "pkg/io.py:8:5: QF004 fixed (unsafe): now catches Exception\n"
    assert (project / "pkg/io.py").read_text(encoding="utf-8") == BARE
    # Nothing to change: exit 0, an empty diff.
    assert run_fix(["pkg", "--diff"], cwd=project).returncode == 0
    assert run_fix(["pkg", "--diff"], cwd=project).stdout == ""


def test_exit_non_zero_on_fix_reports_a_changed_file(project: Path) -> None:
    assert run_fix(["pkg", "--unsafe-fixes", "--exit-non-zero-on-fix"], cwd=project).returncode == 1
    assert run_fix(["pkg", "--unsafe-fixes", "--exit-non-zero-on-fix"], cwd=project).returncode == 0


def test_bytes_outside_the_edit_are_kept_crlf_bom_and_permissions_included(project: Path) -> None:
    module = project / "pkg/io.py"
    module.write_bytes(b"\xef\xbb\xbf" + BARE.replace("\n", "\r\n").encode())
    module.chmod(0o640)
    assert main(["fix", str(module), "--unsafe-fixes", "--no-cache"]) == 0
    assert module.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(module.stat().st_mode) == 0o640
    assert not [p.name for p in module.parent.iterdir() if p.name.startswith(".tmp-")]


def test_noqa_select_and_ignore_are_those_of_check(project: Path) -> None:
    module = project / "pkg/io.py"
    module.write_text(BARE.replace("# keep me", "# noqa: QF004"), encoding="utf-8")
    done = run_fix(["pkg", "--unsafe-fixes"], cwd=project)
    assert done.returncode == 0 and done.stdout == ""
    assert module.read_text(encoding="utf-8") == BARE.replace("# keep me", "# noqa: QF004")
    module.write_text(BARE, encoding="utf-8")
    done = run_fix(["pkg", "--unsafe-fixes", "--ignore", "QF004"], cwd=project)
    assert done.returncode == 0 and done.stdout == ""
    assert module.read_text(encoding="utf-8") == BARE


def test_a_file_that_cannot_be_parsed_is_left_and_the_others_fixed_in_their_encoding(project: Path) -> None:
    (project / "pkg/broken.py").write_text("def f(:\n", encoding="utf-8")
    latin = '# -*- coding: latin-1 -*-\n"""Caf\xe9."""\n\n\ndef f():\n    """F."""\n    try:\n        pass\n    except:\n        pass\n'
    (project / "pkg/latin.py").write_bytes(latin.encode("latin-1"))
    done = run_fix(["pkg", "--unsafe-fixes"], cwd=project)
    assert done.returncode == 0, done.stderr
    assert (project / "pkg/io.py").read_text(encoding="utf-8") == FIXED
    assert (project / "pkg/latin.py").read_bytes() == latin.replace("except:", "except Exception:").encode(
        "latin-1"
    )
    assert "Skipped 1 file that cannot be parsed (QF000)." in done.stderr.splitlines()


def test_standard_input_prints_the_whole_buffer_fixed(project: Path) -> None:
    done = run_fix(["-", "--stdin-filename", "pkg/io.py", "--unsafe-fixes"], stdin=BARE, cwd=project)
    assert done.returncode == 0 and done.stdout == FIXED
    done = run_fix(["-", "--stdin-filename", "pkg/io.py"], stdin=BARE, cwd=project)
    assert done.returncode == 0 and done.stdout == BARE
    done = run_fix(["-", "--stdin-filename", "pkg/io.py"], stdin="def f(:\n", cwd=project)
    assert done.returncode == 0 and done.stdout == "def f(:\n"
    assert (project / "pkg/io.py").read_text(encoding="utf-8") == BARE


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--target-version", "3.9"], "expected a version such as py39 or py315, got '3.9'"),
        (["-", "pkg"], "fix - reads one buffer from standard input: name no other path"),
        (["--diff", "--check"], "not allowed with argument"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(project: Path, arguments: list[str], message: str) -> None:
    done = run_in_process(["fix", *arguments], cwd=project)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_usage_error_ends_the_program_with_exit_2(project: Path) -> None:
    # The cases above run in this interpreter; this one is the program itself.
    done = subprocess.run(
        cli_command("fix", "--diff", "--check"), cwd=project, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr and "Traceback" not in done.stderr


def test_a_file_changed_while_it_was_fixed_is_not_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = project / "pkg/io.py"
    real = on_disk._fix_one

    def edited_meanwhile(
        path: str,
        settings: Settings,
        options: FixOptions,
        project: ModulePlan | None,
        analysed: FileResult | None,
        write: bool,
    ) -> Fixed:
        result = real(path, settings, options, project, analysed, write)
        module.write_text(BARE + "# edited in an editor\n", encoding="utf-8")
        return result

    monkeypatch.setattr(on_disk, "_fix_one", edited_meanwhile)
    monkeypatch.chdir(project)
    run = on_disk.fix_paths(["pkg"], RunOptions(use_cache=False), FixOptions(unsafe=True), write=True)
    assert run.written == ()
    assert [(u.path, u.reason) for u in run.unwritten] == [
        (os.path.join("pkg", "io.py"), "it changed on disk while it was being fixed")
    ]
    assert module.read_text(encoding="utf-8") == BARE + "# edited in an editor\n"


def _fixer(rewrite: Callable[[str], str], complete: bool = True) -> SimpleNamespace:
    """A fixer that claims to fix every finding, and rewrites the text with ``rewrite``."""

    def plan(source: FixSource, unsafe: bool) -> Plan:
        applied = tuple(Applied(f, UNSAFE, "rewrote", complete) for f in source.findings)
        return Plan({source.tree: [lambda module: cst.parse_module(rewrite(source.text))]}, applied)

    return SimpleNamespace(plan=plan)


TWO_BARE = BARE + "\n\ndef cleanup():\n    try:\n        pass\n    except:\n        pass\n"


@pytest.mark.parametrize(
    ("fixer", "reason"),
    [
        pytest.param(
            _fixer(lambda text: text.replace("def load(", "def other("), complete=False),
            "the fixed code would leave 'load' undefined",
            id="an-undefined-name",
        ),
        pytest.param(
            _fixer(
                lambda text: text + "\n\ndef more():\n    try:\n        pass\n    except:\n        pass\n"
            ),
            "the fixed code would have 3 more QF004 findings",
            id="new-findings",
        ),
        pytest.param(
            _fixer(lambda text: text + "# once more\n", complete=False),
            "fixing the fixed code again would change it (the fix is not stable)",
            id="an-unstable-fix",
        ),
    ],
)
def test_a_fix_that_fails_its_proof_leaves_the_file_and_says_why(
    monkeypatch: pytest.MonkeyPatch, fixer: SimpleNamespace, reason: str
) -> None:
    monkeypatch.setattr(fix_apply, "FIX_ORDER", (("QF004", fixer),))
    text = TWO_BARE.replace("return open(path).read()", "return load(path)")
    fixed = fix_text(text, "pkg/io.py", Settings(select=("QF004",)), FixOptions(unsafe=True))
    assert not fixed.changed and fixed.applied == ()
    assert fixed.refused == reason
    assert {left.reason for left in fixed.left} == {"the fix failed its proof"}


def test_check_never_imports_libcst_or_pyflakes(project: Path) -> None:
    probe = (
        "import sys\nfrom qemlflow_lint.cli import main\n"
        "code = main(['check', '--no-cache', 'pkg'])\n"
        "print(sorted(m for m in ('libcst', 'pyflakes') if m in sys.modules), code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.splitlines()[-1] == "[] 1", done.stdout + done.stderr


@pytest.mark.slow
def test_infer_completes_a_signature_from_its_callers_through_mypy(tmp_path: Path) -> None:
    module = '"""M."""\n\n\ndef double(x):\n    """Twice."""\n    return x * 2\n\n\ndef use() -> int:\n    """Use."""\n    return double(3)\n'
    write_tree(
        tmp_path,
        {"pyproject.toml": '[project]\nname = "x"\n', "pkg/__init__.py": PACKAGE, "pkg/m.py": module},
    )
    done = run_fix(["pkg", "--infer"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "asking mypy for 1 signature (dmypy suggest)" in done.stderr
    assert "pkg/m.py:4:1: QF002 fixed (unsafe): " in done.stdout
    assert (tmp_path / "pkg/m.py").read_text(encoding="utf-8") == module.replace(
        "def double(x):", "def double(x: int) -> int:"
    )


def test_infer_does_not_read_standard_input(project: Path) -> None:
    done = subprocess.run(
        cli_command("fix", "-", "--infer"), cwd=project, input="", capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert (
        done.stderr
        == "qemlflow-lint: error: --infer asks mypy about files on disk: it does not read standard input\n"
    )


def test_each_qf001_fix_names_the_qf101_chains_it_removes(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[tool.qemlflow-lint]\nselect = ["QF001", "QF101"]\n',
            "pkg/__init__.py": '"""P."""\nfrom pkg import api\n',
            "pkg/api.py": '"""A."""\nfrom pkg import model\n',
            "pkg/model.py": '"""M."""\nimport torch\n\n\ndef fit():\n    """F."""\n    return torch.ones(1)\n',
        },
    )
    done = run_fix(["pkg", "--check", "--no-measure"], cwd=tmp_path)
    assert done.returncode == 1
    assert (
        done.stdout == "pkg/model.py:2:1: QF001 fixed (safe): moved into 1 function; removes 2 QF101 chains\n"
    )
    assert done.stderr.splitlines()[-4:] == [
        "QF101 chains that disappear (2):",
        "  with the fix of pkg/model.py:2:",
        "    pkg/__init__.py: importing pkg pulls in torch at import time: "
        "pkg/__init__.py:2 → pkg/api.py:2 → pkg/model.py:2 → torch",
        "    pkg/api.py: importing pkg.api pulls in torch at import time: pkg/api.py:2 → pkg/model.py:2 → torch",
    ]
