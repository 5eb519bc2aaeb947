"""``fix --infer``: mypy's suggestions complete what the code leaves open, through a real
mypy daemon on a tiny package whose callers pass ints and strs; a suggestion with ``Any``
is refused; the daemon is always stopped; without mypy, one clear line."""

from __future__ import annotations

import importlib.util
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qemlflow_lint.analysis.names.bindings import def_sites
from qemlflow_lint.fix import infer
from qemlflow_lint.fix.apply import FixOptions, fix_text
from qemlflow_lint.fix.model import InferredSignature
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.file import analyse_source
from tests.frontends import write_tree
from tests.tools import missing

CORE = '''\
"""Sizes and labels."""
import collections


def scale(value, factor=2):
    return value * factor


def label(name, count):
    return f"{name}: {count}"


def passthrough(item):
    return item


def tally(words):
    return collections.Counter(words)


class Box:
    def grow(self, by):
        return Box()
'''
CALLERS = '''\
"""Calls with ints and strs."""
from pkg.core import Box, label, passthrough, scale, tally

scale(3)
scale(4, 5)
label("a", 1)
label("b", 2)
tally(["a", "b"])
Box().grow(1)


def relay(thing):
    return passthrough(thing)
'''


def _findings(path: Path) -> list[Finding]:
    text = path.read_text(encoding="utf-8")
    return [f for f in analyse_source(text, str(path), Settings()).findings if f.code == "QF002"]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package, written once."""
    root = tmp_path_factory.mktemp("infer")
    return write_tree(root, {"pkg/__init__.py": "", "pkg/core.py": CORE, "pkg/callers.py": CALLERS})


@pytest.fixture(scope="module")
def inferred(package: Path) -> dict[str, dict[str, InferredSignature]]:
    """mypy's suggestions for pkg/core.py, from a real daemon."""
    try:
        import mypy  # noqa: F401
    except ImportError:
        missing("mypy is not installed: --infer runs mypy's daemon")
    core = package / "pkg" / "core.py"
    return infer.infer_signatures({str(core): _findings(core)}, [str(package / "pkg")], cwd=str(package))


@pytest.mark.slow
def test_suggestions_without_any_are_kept_in_the_modules_names(
    package: Path, inferred: dict[str, dict[str, InferredSignature]]
) -> None:
    signatures = inferred[str(package / "pkg" / "core.py")]
    assert signatures["scale"] == InferredSignature((("value", "int"), ("factor", "int")), "int")
    assert signatures["label"] == InferredSignature((("name", "str"), ("count", "int")), "str")
    assert signatures["tally"] == InferredSignature((("words", "list[str]"),), "collections.Counter[str]")
    assert signatures["Box.grow"] == InferredSignature((("by", "int"),), "Box")


@pytest.mark.slow
def test_a_suggestion_with_any_is_refused(
    package: Path, inferred: dict[str, dict[str, InferredSignature]]
) -> None:
    # relay() passes an unannotated value: mypy can only say Any.
    assert inferred[str(package / "pkg" / "core.py")]["passthrough"] == InferredSignature(
        refused=infer.HAS_ANY
    )


@pytest.mark.slow
def test_the_fix_writes_the_suggestions_within_the_lines(
    package: Path, inferred: dict[str, dict[str, InferredSignature]]
) -> None:
    core = package / "pkg" / "core.py"
    text = core.read_text(encoding="utf-8")
    safe = fix_text(text, str(core), Settings(), FixOptions(codes={"QF002"}, inferred=inferred))
    # label's f-string return is certain from the code: the safe fix writes it.
    assert safe.fixed == text.replace("def label(name, count):", "def label(name, count) -> str:")
    assert {left.reason for left in safe.left} == {"needs --unsafe-fixes", infer.HAS_ANY}
    result = fix_text(
        text, str(core), Settings(), FixOptions(unsafe=True, codes={"QF002"}, inferred=inferred)
    )
    assert not result.refused
    assert result.fixed == (
        text.replace("def scale(value, factor=2):", "def scale(value: int, factor: int = 2) -> int:")
        .replace("def label(name, count):", "def label(name: str, count: int) -> str:")
        .replace("def tally(words):", "def tally(words: list[str]) -> collections.Counter[str]:")
        .replace("def grow(self, by):", 'def grow(self, by: int) -> "Box":')
    )
    assert [a.what for a in result.applied] == [
        "added -> int; annotated 2 parameters (mypy's suggestion)",
        "added -> str; annotated 2 parameters (mypy's suggestion)",
        "added -> collections.Counter[str]; annotated words: list[str] (mypy's suggestion)",
        'added -> "Box"; annotated by: int (mypy\'s suggestion)',
    ]
    assert [(left.finding.line, left.reason) for left in result.left] == [(13, infer.HAS_ANY)]


def _daemon_pids(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the pid of every daemon stopped (read from its status file)."""
    pids: list[int] = []
    stop = infer._Daemon.stop

    def recording(daemon: infer._Daemon) -> None:
        with open(daemon.status, encoding="utf-8") as handle:
            pids.append(int(json.load(handle)["pid"]))
        stop(daemon)

    monkeypatch.setattr(infer._Daemon, "stop", recording)
    return pids


def _gone(pid: int) -> bool:
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture()
def daemon_pids(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The pids of the daemons stopped during the test."""
    try:
        import mypy  # noqa: F401
    except ImportError:
        missing("mypy is not installed: --infer runs mypy's daemon")
    yield _daemon_pids(monkeypatch)


@pytest.mark.slow
def test_the_daemon_is_stopped_even_when_checking_fails(
    package: Path, daemon_pids: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(daemon: infer._Daemon, paths: object) -> None:
        raise infer.InferError("mypy could not check the files: boom")

    monkeypatch.setattr(infer._Daemon, "check", failing)
    core = package / "pkg" / "core.py"
    with pytest.raises(infer.InferError, match="boom"):
        infer.infer_signatures({str(core): _findings(core)}, cwd=str(package))
    assert len(daemon_pids) == 1
    assert _gone(daemon_pids[0])


def test_without_mypy_one_clear_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "mypy" else real(name))
    with pytest.raises(infer.InferError) as raised:
        infer.infer_signatures({str(tmp_path / "m.py"): []})
    assert str(raised.value) == infer.MYPY_MISSING
    assert "\n" not in infer.MYPY_MISSING


@pytest.mark.parametrize(
    ("printed", "spelled"),
    [
        ("pkg.core.Box", "Box"),
        ("pkg.core.Box.Inner", "Box.Inner"),
        ("builtins.int", "int"),
        ("Tuple[int, str]", "tuple[int, str]"),
        ("dict[str, List[pkg.core.Box]]", "dict[str, list[Box]]"),
        ("str | None", "str | None"),
        ("collections.Counter[str]", "collections.Counter[str]"),
        ("pkg.other.Thing", "pkg.other.Thing"),
        ("Callable[[Any], int]", None),
        ("typing.Any", None),
        ("def (x: int) -> str", None),
    ],
)
def test_mypy_types_in_the_modules_own_names(printed: str, spelled: str | None) -> None:
    assert infer.module_spelling(printed, "pkg.core") == spelled


def test_a_suggestion_that_does_not_fit_the_signature_is_refused() -> None:
    import ast

    site = def_sites(ast.parse("def f(a, b):\n    pass\n"))[1]
    suggestion = {"signature": {"arg_types": ["int"], "return_type": "None"}}
    assert infer.signature_from(suggestion, site, "m") == InferredSignature(refused=infer.MISFIT)
    fitting = {"signature": {"arg_types": ["int", "Any"], "return_type": "None"}}
    assert infer.signature_from(fitting, site, "m") == InferredSignature(refused=infer.HAS_ANY)
    anything = {"signature": {"arg_types": ["int", "object"], "return_type": "None"}}
    assert infer.signature_from(anything, site, "m") == InferredSignature(refused=infer.JUST_OBJECT)
    typed = {"signature": {"arg_types": ["int", "list[object]"], "return_type": "None"}}
    assert infer.signature_from(typed, site, "m") == InferredSignature(
        (("a", "int"), ("b", "list[object]")), "None"
    )
