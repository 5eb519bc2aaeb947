"""How ``qemlflow-lint fix`` writes a file, and what it says when it cannot.

A symbolic link is written through to its target when that target is in the project, and
refused otherwise; a read-only file is refused; a write that fails is reported as not
written, is not counted as fixed, and makes ``fix`` exit 2. The failures are real where the
system can make them for a root user (``chattr +i``, a file size limit, ``/dev/full``) and
injected at the failing call otherwise. QF004's fix (with ``--unsafe-fixes``) stands in for
every fix.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from qemlflow_lint.cli import main
from tests.frontends import cli_command, crash_in, write_tree

PACKAGE = '"""A package."""\n'
BARE = '"""Loads."""\n\n\ndef load(path):\n    """Load."""\n    try:\n        return open(path).read()\n    except:  # keep me\n        return None\n'
FIXED = BARE.replace("except:", "except Exception:")
CONFIG = '[tool.qemlflow-lint]\nselect = ["QF004"]\n'
#: What ``fix`` prints for a file whose fix was made but not written.
LEFT = "pkg/io.py:8:5: QF004 left: the fixed file was not written\n"
NOTHING_FIXED = ["Fixed 0 findings in 0 files.", "Left 1:", "  QF004 (1): the fixed file was not written (1)"]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project with a package holding one bare except (QF004 selected alone)."""
    write_tree(tmp_path, {"pyproject.toml": CONFIG, "pkg/__init__.py": PACKAGE, "pkg/io.py": BARE})
    return tmp_path


def fix(
    cwd: Path,
    *arguments: str,
    stdin: bytes | None = None,
    stdout: BinaryIO | None = None,
    limit: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """``qemlflow-lint fix --unsafe-fixes --no-cache ARGUMENTS``, its output as bytes
    (standard output into ``stdout`` when given); ``limit`` runs in the child before the
    command starts. With standard input, ``stdout`` or ``limit`` it runs in a subprocess, as
    a user starts it; otherwise in-process (``main``), which writes the same files."""
    argv = ["fix", "--unsafe-fixes", "--no-cache", *arguments]
    if stdin is None and stdout is None and limit is None:
        return _fix_in_process(cwd, argv)
    done = subprocess.run(
        cli_command(*argv),
        cwd=cwd,
        input=stdin,
        stdout=stdout or subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
        preexec_fn=limit,
        timeout=300,
    )
    crash = crash_in(done.stderr.decode()) or crash_in((done.stdout or b"").decode(errors="replace"))
    assert crash is None, f"fix crashed ({crash})\n{done.stderr.decode()}"
    return done


def _fix_in_process(cwd: Path, argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """``main(argv)`` run in ``cwd`` with its standard output and error captured as bytes."""
    out, err = io.TextIOWrapper(io.BytesIO(), "utf-8"), io.TextIOWrapper(io.BytesIO(), "utf-8")
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(before)
    out.flush()
    err.flush()
    stdout, stderr = out.buffer.getvalue(), err.buffer.getvalue()
    return subprocess.CompletedProcess(argv, code, stdout, stderr)


def lines(output: bytes) -> list[str]:
    """The lines of a command's text output."""
    return output.decode().splitlines()


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted write would leave."""
    return [path.name for path in folder.iterdir() if path.name.startswith(".tmp-")]


# --- symbolic links ---------------------------------------------------------------------


def test_a_link_to_a_file_in_the_project_is_written_through_and_stays_a_link(project: Path) -> None:
    (project / "lib").mkdir()
    (project / "pkg/io.py").rename(project / "lib/real.py")
    (project / "pkg/io.py").symlink_to("../lib/real.py")
    done = fix(project, "pkg/io.py")
    assert done.returncode == 0, done.stderr
    assert lines(done.stdout) == ["pkg/io.py:8:5: QF004 fixed (unsafe): now catches Exception"]
    assert lines(done.stderr) == ["Fixed 1 finding in 1 file (0 safe, 1 unsafe)."]
    assert (project / "pkg/io.py").is_symlink()
    assert os.readlink(project / "pkg/io.py") == "../lib/real.py"
    assert (project / "lib/real.py").read_bytes() == FIXED.encode()
    assert leftovers(project / "pkg") == leftovers(project / "lib") == []


def test_a_file_reached_through_two_paths_is_fixed_once(project: Path) -> None:
    (project / "pkg/alias.py").symlink_to("io.py")
    done = fix(project, "pkg", "pkg/io.py", "pkg/alias.py")
    assert done.returncode == 0, done.stderr
    assert lines(done.stdout) == ["pkg/alias.py:8:5: QF004 fixed (unsafe): now catches Exception"]
    assert lines(done.stderr) == ["Fixed 1 finding in 1 file (0 safe, 1 unsafe)."]
    assert (project / "pkg/alias.py").is_symlink()
    assert (project / "pkg/io.py").read_bytes() == FIXED.encode()


def test_a_link_to_a_file_outside_the_project_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "shared.py"
    elsewhere.write_text(BARE, encoding="utf-8")
    (project / "pkg/io.py").unlink()
    (project / "pkg/io.py").symlink_to(elsewhere)
    done = fix(project, "pkg/io.py")
    assert done.returncode == 2
    assert done.stdout.decode() == LEFT
    assert lines(done.stderr) == [
        *NOTHING_FIXED,
        f"Not written: pkg/io.py: it is a symbolic link to {elsewhere}, outside the project ({project})",
    ]
    assert elsewhere.read_text(encoding="utf-8") == BARE
    assert (project / "pkg/io.py").is_symlink()
    # The dry runs still show the fix, and exit 1 as ever.
    assert fix(project, "pkg/io.py", "--check").returncode == 1
    assert "+    except Exception:  # keep me" in lines(fix(project, "pkg/io.py", "--diff").stdout)


def test_a_file_in_a_linked_folder_outside_the_project_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    vendored = tmp_path_factory.mktemp("vendored")
    (vendored / "io.py").write_text(BARE, encoding="utf-8")
    (project / "pkg/io.py").unlink()
    (project / "pkg/vendor").symlink_to(vendored, target_is_directory=True)
    done = fix(project, "pkg/vendor/io.py")
    assert done.returncode == 2
    assert lines(done.stderr)[-1] == (
        f"Not written: pkg/vendor/io.py: a symbolic link on its path leads to {vendored / 'io.py'}, "
        f"outside the project ({project})"
    )
    assert (vendored / "io.py").read_text(encoding="utf-8") == BARE


def test_without_a_configuration_the_project_is_the_folder_fix_was_pointed_at(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"app/pkg/__init__.py": PACKAGE, "app/shared/io.py": BARE, "app/shared/other.py": BARE}
    )
    (tmp_path / "app/pkg/io.py").symlink_to("../shared/io.py")
    (tmp_path / "app/pkg/other.py").symlink_to("../shared/other.py")
    done = fix(tmp_path, "app", "app/pkg/other.py", "--select", "QF004")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "app/shared/io.py").read_text(encoding="utf-8") == FIXED
    assert (tmp_path / "app/shared/other.py").read_text(encoding="utf-8") == FIXED
    # Named alone, the link's target is outside the folder fix was pointed at.
    (tmp_path / "app/shared/io.py").write_text(BARE, encoding="utf-8")
    done = fix(tmp_path, "app/pkg/io.py", "--select", "QF004")
    assert done.returncode == 2
    assert lines(done.stderr)[-1] == (
        "Not written: app/pkg/io.py: it is a symbolic link to app/shared/io.py, "
        f"outside the project ({tmp_path / 'app/pkg'})"
    )
    assert (tmp_path / "app/shared/io.py").read_text(encoding="utf-8") == BARE


# --- read-only files and failed writes ---------------------------------------------------


def test_a_read_only_file_is_refused_though_root_could_write_it(project: Path) -> None:
    module = project / "pkg/io.py"
    module.chmod(0o444)
    done = fix(project, "pkg")
    assert done.returncode == 2
    assert done.stdout.decode() == LEFT
    assert lines(done.stderr) == [*NOTHING_FIXED, "Not written: pkg/io.py: it is read-only"]
    assert module.read_bytes() == BARE.encode()
    assert stat.S_IMODE(module.stat().st_mode) == 0o444
    # ``--check`` and ``--diff`` write nothing: they show the fix as they always have.
    check = fix(project, "pkg", "--check")
    assert check.returncode == 1
    assert lines(check.stdout) == ["pkg/io.py:8:5: QF004 fixed (unsafe): now catches Exception"]


@pytest.fixture()
def immutable() -> Iterator[Callable[[Path], None]]:
    """Makes a path immutable with ``chattr +i`` (undone afterwards); skips the test, saying
    why, where this system does not allow it."""
    marked: list[Path] = []

    def make(path: Path) -> None:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not allowed here: {done.stderr.strip()}")
        marked.append(path)

    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    yield make
    for path in marked:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_an_immutable_file_is_refused(project: Path, immutable: Callable[[Path], None]) -> None:
    immutable(project / "pkg/io.py")
    done = fix(project, "pkg")
    assert done.returncode == 2
    assert lines(done.stderr) == [*NOTHING_FIXED, "Not written: pkg/io.py: it is read-only"]
    assert (project / "pkg/io.py").read_bytes() == BARE.encode()


def test_a_folder_where_no_file_can_be_created_is_reported(
    project: Path, immutable: Callable[[Path], None]
) -> None:
    immutable(project / "pkg")
    done = fix(project, "pkg")
    assert done.returncode == 2
    assert done.stdout.decode() == LEFT
    assert lines(done.stderr) == [
        *NOTHING_FIXED,
        "Not written: pkg/io.py: cannot create a temporary file in its folder (Operation not permitted)",
    ]
    assert (project / "pkg/io.py").read_bytes() == BARE.encode()


def _small_files_only() -> None:
    """In the child: no file may grow past 100 bytes (the fixed ``pkg/io.py`` is longer)."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_a_write_that_fails_half_way_leaves_the_file_and_exits_2(project: Path) -> None:
    write_tree(project, {"pkg/tiny.py": "def f():\n    try:\n        pass\n    except:\n        pass\n"})
    done = fix(project, "pkg", limit=_small_files_only)
    assert done.returncode == 2, done.stderr
    # The short file fits under the limit and is fixed; the long one is not, and says why.
    assert lines(done.stdout) == [
        "pkg/io.py:8:5: QF004 left: the fixed file was not written",
        "pkg/tiny.py:4:5: QF004 fixed (unsafe): now catches Exception",
    ]
    assert lines(done.stderr) == [
        "Fixed 1 finding in 1 file (0 safe, 1 unsafe).",
        "Left 1:",
        "  QF004 (1): the fixed file was not written (1)",
        "Not written: pkg/io.py: cannot write it (File too large)",
    ]
    assert (project / "pkg/io.py").read_bytes() == BARE.encode()
    assert (project / "pkg/tiny.py").read_text(encoding="utf-8").count("except Exception:") == 1
    assert leftovers(project / "pkg") == []


def _failing(error: int) -> Callable[..., object]:
    def fail(*args: object, **kwargs: object) -> object:
        raise OSError(error, os.strerror(error))

    return fail


@pytest.mark.parametrize(
    ("call", "error", "reason"),
    [
        pytest.param("fsync", errno.ENOSPC, "cannot write it (No space left on device)", id="disk-full"),
        pytest.param("replace", errno.EPERM, "cannot write it (Operation not permitted)", id="immutable"),
        pytest.param(
            "replace", errno.EBUSY, "cannot write it (Device or resource busy)", id="bind-mounted-file"
        ),
        pytest.param(
            "mkstemp",
            errno.EROFS,
            "cannot create a temporary file in its folder (Read-only file system)",
            id="read-only-file-system",
        ),
        pytest.param(
            "mkstemp",
            errno.EACCES,
            "cannot create a temporary file in its folder (Permission denied)",
            id="folder-not-writable",
        ),
    ],
)
def test_every_failed_write_is_reported_not_counted_and_exits_2(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    call: str,
    error: int,
    reason: str,
) -> None:
    where = tempfile if call == "mkstemp" else os  # atomic imports tempfile when it writes
    monkeypatch.setattr(where, call, _failing(error))
    monkeypatch.chdir(project)
    assert main(["fix", "pkg", "--unsafe-fixes", "--no-cache"]) == 2
    out, err = capsys.readouterr()
    assert out == LEFT
    assert err.splitlines() == [*NOTHING_FIXED, f"Not written: pkg/io.py: {reason}"]
    assert (project / "pkg/io.py").read_bytes() == BARE.encode()
    assert leftovers(project / "pkg") == []


def test_exit_non_zero_on_fix_still_says_2_when_a_file_was_not_written(project: Path) -> None:
    (project / "pkg/io.py").chmod(0o444)
    assert fix(project, "pkg", "--exit-non-zero-on-fix").returncode == 2


@pytest.mark.skipif(not hasattr(os, "chown"), reason="file owners are POSIX")
def test_a_rewritten_file_keeps_its_owner_group_and_mode(project: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    module = project / "pkg/io.py"
    os.chown(module, 4321, 4322)
    module.chmod(0o640)
    assert fix(project, "pkg").returncode == 0
    status = module.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (4321, 4322, 0o640)
    assert module.read_bytes() == FIXED.encode()
