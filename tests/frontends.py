"""Run the three front ends as a user does and read their output.

flake8 and pylint run as subprocesses. ``qemlflow-lint check`` and ``fix`` run in this
interpreter (:func:`run_in_process`), which has already loaded the analysis and libcst: a
fresh interpreter would spend a tenth of a second (``check``) to a third of a second
(``fix``, importing libcst) on every case. The CLI's own tests (``tests/cli/``) still start
each command as a program where the interpreter matters: exit codes at the program's edge,
what it imports, standard input and output as bytes.

Every runner returns :class:`Reported` rows with a 0-based column, so results from flake8
and the CLI (which print ``col + 1``) and pylint (which prints the column as is) compare
directly.
"""

from __future__ import annotations

import ast
import io
import locale
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from qemlflow_lint import cli
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.run.file import analyse_source

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def per_file_codes() -> list[str]:
    """The codes of the registry's per-file rules, in code order: every front end reports them.

    Tests take their lists of rules from the registry, so that a new rule is tested
    everywhere without editing them (``tests/rules/test_throwaway_rule.py`` proves it).
    """
    return [rule.code for rule in all_rules() if not rule.project]


def project_codes() -> list[str]:
    """The codes of the registry's project rules, in code order: only the CLI reports them."""
    return [rule.code for rule in all_rules() if rule.project]


#: pylint checker name: enabling it alone enables every rule and keeps pylint's own checks quiet.
PYLINT_SYMBOLS = "qemlflow-lint"
#: The header of a trigger module: a documented module, so QF003 has nothing to say of it.
_TRIGGER_HEADER = '"""Loads the model."""\n'
#: The last candidate trigger of every rule: a module too long for the default limit (it
#: needs no statement, so the rule's fixtures cannot give it).
_LONG_MODULE = "\n" * 1001


def _fixture_statements(code: str, fixtures: Path) -> Iterator[str]:
    """The module-level statements of a rule's fixture folder that hold one of its
    ``# expect:`` lines, in file order, each with its decorators and without the markers.
    Fixtures written for a newer Python (``# min-python:``) are passed over: a trigger
    parses on every Python the package supports."""
    folder = fixtures / code.lower()
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        if _MIN_PYTHON.search(text):
            continue
        lines = text.splitlines()
        expected = {
            number
            for number, line in enumerate(lines, start=1)
            if (marker := _EXPECT.search(line)) and code in {c.strip() for c in marker["codes"].split(",")}
        }
        for node in ast.parse("\n".join(lines)).body:
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            last = node.end_lineno or node.lineno
            if expected & set(range(first, last + 1)):
                yield "".join(_EXPECT_COMMENT.sub("", line) + "\n" for line in lines[first - 1 : last])


@cache
def rule_trigger(code: str, fixtures: Path = FIXTURES) -> str:
    """Code that breaks the rule ``code`` once and no other rule, at module level in a
    documented library module with the default settings: the first such statement of the
    rule's fixture folder (or a module too long for the default limit). A new rule needs no
    entry anywhere: its fixtures give its trigger, and a test fails naming the rule when
    none of their statements will do."""
    for candidate in [*_fixture_statements(code, fixtures), _LONG_MODULE]:
        found = analyse_source(_TRIGGER_HEADER + candidate, "pkg/trigger.py", Settings()).findings
        if [finding.code for finding in found] == [code]:
            return candidate
    raise LookupError(
        f"no module-level statement of fixtures/{code.lower()}/ breaks {code} alone with the default "
        "settings: add such a case to its fixtures"
    )


def every_rule_source() -> str:
    """A module that breaks every per-file rule exactly once: the adapter, CLI and editor
    tests share it. The triggers come from the rules' fixtures (:func:`rule_trigger`)."""
    return _TRIGGER_HEADER + "".join(rule_trigger(code) for code in per_file_codes())


_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>QF\d{3}) (?P<message>.*)$")
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>QF\d{3}(?:\s*,\s*QF\d{3})*)")
_EXPECT_COMMENT = re.compile(r"\s*#\s*expect:[^#]*$")
_MIN_PYTHON = re.compile(r"^#\s*min-python:\s*(\d+)\.(\d+)", re.MULTILINE)


@dataclass(frozen=True, order=True)
class Reported:
    """One finding as a front end printed it."""

    path: str
    line: int
    col: int
    code: str
    message: str = field(compare=False)


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (a path below ``root`` → its text or bytes, byte for byte) and
    return ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def _run(
    command: Sequence[str], stdin: str | None = None, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        list(command), input=stdin, capture_output=True, text=True, cwd=str(cwd), env=env, timeout=600
    )


def _parse(stdout: str, col_base: int) -> list[Reported]:
    rows = []
    for line in stdout.splitlines():
        match = _LINE.match(line.strip())
        if match:
            rows.append(
                Reported(
                    os.path.normpath(match["path"]),
                    int(match["line"]),
                    int(match["col"]) - col_base,
                    match["code"],
                    match["message"],
                )
            )
    return sorted(rows)


#: What a crash looks like in a front end's output: a Python traceback (whoever raised),
#: flake8's report of a plugin that raised (``--jobs``) or of its own failure, and pylint's
#: report of a checker that raised (pylint goes on, so only these lines tell).
CRASH_SIGNS = (
    "Traceback (most recent call last)",
    "failed during execution",
    "There was a critical error during execution",
    "Fatal error while checking",
    "Exception on node",
)
#: Any message line (``path:line:col: ...``), ours or the host tool's.
_MESSAGE = re.compile(r"^.+:\d+:\d+: ", re.MULTILINE)


def crash_in(output: str) -> str | None:
    """The first line of ``output`` that shows a crash, or None when there is none."""
    return next((line for line in output.splitlines() if any(sign in line for sign in CRASH_SIGNS)), None)


def check_finished(
    tool: str, done: subprocess.CompletedProcess[str], findings_exit: Callable[[int], bool]
) -> None:
    """Fail unless ``tool`` ran to its end: nothing in its output shows a crash, it exits 0
    when it printed no message, and ``findings_exit(code)`` holds when it printed some."""
    crash = crash_in(done.stderr) or crash_in(done.stdout)
    assert crash is None, f"{tool} crashed ({crash})\n{done.stdout}{done.stderr}"
    if _MESSAGE.search(done.stdout):
        assert findings_exit(done.returncode), f"{tool} exited {done.returncode}\n{done.stdout}{done.stderr}"
    else:
        assert done.returncode == 0, (
            f"{tool} exited {done.returncode} without a message\n{done.stdout}{done.stderr}"
        )


def _exit_for_findings(extra: Sequence[str]) -> Callable[[int], bool]:
    """flake8 and the CLI exit 1 when they report something, 0 with ``--exit-zero``."""
    expected = 0 if "--exit-zero" in extra else 1
    return lambda code: code == expected


def _pylint_exit_for_findings(code: int) -> bool:
    """pylint's exit code is a bit field: some message category, never fatal (1) or usage (32)."""
    return code != 0 and not code & (1 | 32)


def cli_command(*args: str) -> list[str]:
    """The CLI invoked through the running interpreter."""
    return [sys.executable, "-m", "qemlflow_lint", *args]


def run_cli(paths: Iterable[str], *extra: str, stdin: str | None = None, cwd: Path = REPO) -> list[Reported]:
    """``qemlflow-lint check PATHS`` (in this interpreter)."""
    done = run_in_process(["check", *extra, *paths], stdin, cwd)
    check_finished("qemlflow-lint", done, _exit_for_findings(extra))
    return _parse(done.stdout, 1)


def run_in_process(
    args: Sequence[str], stdin: str | None = None, cwd: Path = REPO, *, strict_encoding: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``qemlflow-lint ARGS`` run by :func:`qemlflow_lint.cli.main` in this interpreter, read
    as :func:`subprocess.run` with ``text=True`` reads a program: the streams in the
    locale's encoding, the output's line ends made ``\\n``, the exit code (argparse's
    ``SystemExit`` included) as ``returncode``. A crash (an exception) fails the test, as
    :func:`check_finished` fails it on a program's traceback. With ``strict_encoding``, the
    three streams take that encoding and refuse any character it cannot encode, as a program
    run with ``PYTHONIOENCODING=<encoding>:strict`` does."""
    encoding = strict_encoding or locale.getpreferredencoding(False)
    stderr_errors = "strict" if strict_encoding else "backslashreplace"
    stdin_bytes = io.BytesIO((stdin or "").encode(encoding))
    out, err = io.BytesIO(), io.BytesIO()
    streams = (
        io.TextIOWrapper(stdin_bytes, encoding=encoding),
        io.TextIOWrapper(out, encoding=encoding, write_through=True),
        io.TextIOWrapper(err, encoding=encoding, errors=stderr_errors, write_through=True),
    )
    saved, folder = (sys.stdin, sys.stdout, sys.stderr), os.getcwd()
    sys.stdin, sys.stdout, sys.stderr = streams
    os.chdir(cwd)  # contextlib.chdir is Python 3.11's
    try:
        try:
            code = cli.main(list(args))
        except SystemExit as exiting:
            code = exiting.code if isinstance(exiting.code, int) else 0 if exiting.code is None else 1
        except Exception as error:  # what the program would print as a traceback
            raise AssertionError(f"qemlflow-lint crashed ({type(error).__name__}: {error})") from error
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        os.chdir(folder)

    def text(data: bytes) -> str:
        return io.TextIOWrapper(io.BytesIO(data), encoding=encoding).read()

    return subprocess.CompletedProcess(
        ["qemlflow-lint", *args], code, text(out.getvalue()), text(err.getvalue())
    )


def run_fix(
    paths: Iterable[str], *extra: str, stdin: str | None = None, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    """``qemlflow-lint fix PATHS`` (in this interpreter), which must not crash; its exit code
    is the caller's to check."""
    done = run_in_process(["fix", *extra, *paths], stdin, cwd)
    crash = crash_in(done.stderr) or crash_in(done.stdout)
    assert crash is None, f"qemlflow-lint fix crashed ({crash})\n{done.stdout}{done.stderr}"
    assert done.returncode in (0, 1), f"qemlflow-lint fix exited {done.returncode}\n{done.stderr}"
    return done


def run_flake8(
    paths: Iterable[str], *extra: str, stdin: str | None = None, cwd: Path = REPO
) -> list[Reported]:
    """``flake8 --select QF PATHS`` with no user configuration."""
    command = [sys.executable, "-m", "flake8", "--isolated", "--select", "QF", *extra, *paths]
    done = _run(command, stdin, cwd)
    check_finished("flake8", done, _exit_for_findings(extra))
    return _parse(done.stdout, 1)


def run_pylint(
    paths: Iterable[str], *extra: str, stdin: str | None = None, cwd: Path = REPO
) -> list[Reported]:
    """``pylint --load-plugins=qemlflow_lint.pylint_plugin`` with only our messages enabled."""
    command = [
        sys.executable,
        "-m",
        "pylint",
        "--rcfile=/dev/null" if os.name != "nt" else "--rcfile=NUL",
        "--load-plugins=qemlflow_lint.pylint_plugin",
        "--disable=all",
        f"--enable={PYLINT_SYMBOLS}",
        "--msg-template={path}:{line}:{column}: {msg}",
        "--score=n",
        "--persistent=n",
        *extra,
        *paths,
    ]
    done = _run(command, stdin, cwd)
    check_finished("pylint", done, _pylint_exit_for_findings)
    return _parse(done.stdout, 0)


FRONT_ENDS = {"cli": run_cli, "flake8": run_flake8, "pylint": run_pylint}


#: Folders of ``fixtures/`` that hold no rule fixtures: hostile input and whole projects.
NOT_RULE_FIXTURES = ("bad", "projects", "fix", "formats")


def fixture_files(*, too_new: bool = False) -> list[Path]:
    """Every fixture file that the running Python can parse; with ``too_new``, also those
    written for a newer Python (``# min-python:``), whose expectations stand all the same."""
    files = []
    for path in sorted(FIXTURES.rglob("*.py")):
        if set(NOT_RULE_FIXTURES) & set(path.relative_to(FIXTURES).parts):
            continue
        if too_new or not is_too_new(path):
            files.append(path)
    return files


def is_too_new(path: Path) -> bool:
    """True when the fixture is written for a newer Python than the running one."""
    header = _MIN_PYTHON.search(path.read_text(encoding="utf-8"))
    return header is not None and sys.version_info < (int(header[1]), int(header[2]))


def expected_in(path: Path) -> list[tuple[str, int, str]]:
    """``(path, line, code)`` for every ``# expect: QFnnn`` comment in a fixture (its snapshot
    pins the column and message too: :mod:`tests.rules.expectations`)."""
    relative = os.path.normpath(path.relative_to(REPO))
    expected: list[tuple[str, int, str]] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECT.search(text)
        if match:
            expected.extend((relative, number, code.strip()) for code in match["codes"].split(","))
    return sorted(expected)


def case_name(path: Path, line: int) -> str:
    """The ``# case: name`` heading that a fixture line falls under, for failure messages."""
    name = "(no case)"
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if number > line:
            break
        stripped = text.strip()
        if stripped.startswith("# case:"):
            name = stripped[len("# case:") :].strip()
    return name
