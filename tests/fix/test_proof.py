"""The proof of a fix that only annotates signatures (or names ``Exception`` in bare
handlers): pyflakes reads the outline of the module (every function's body taken out), and
the whole module only where the outline leaves a name undefined, or where the module binds
``Exception`` itself. The outcome is the one the whole module's check gives."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from types import SimpleNamespace

import libcst as cst
import pytest

from qemlflow_lint.analysis.names.bindings import binds_anywhere
from qemlflow_lint.fix import apply as fix_apply
from qemlflow_lint.fix import verify
from qemlflow_lint.fix.apply import FixOptions, fix_text
from qemlflow_lint.fix.model import UNSAFE, Applied, FixSource, Plan
from qemlflow_lint.model.settings import Settings

MODULE = '''"""Loads."""


class Reader:
    """Reads."""

    Kind = int

    def size(self, path):
        """Size."""
        return missing_helper(path)


def load(path):
    """Load."""
    return open(path).read()
'''


def _annotating(old: str, new: str) -> SimpleNamespace:
    """A QF002 fixer that rewrites one signature line and claims its finding."""

    def plan(source: FixSource, unsafe: bool) -> Plan:
        lines = source.text.splitlines()
        applied = tuple(
            Applied(f, UNSAFE, "annotated", True) for f in source.findings if old in lines[f.line - 1]
        )
        return Plan({source.tree: [lambda module: cst.parse_module(source.text.replace(old, new))]}, applied)

    return SimpleNamespace(plan=plan)


def _fix(monkeypatch: pytest.MonkeyPatch, old: str, new: str, module: str = MODULE) -> fix_apply.FileFix:
    monkeypatch.setattr(fix_apply, "FIX_ORDER", (("QF002", _annotating(old, new)),))
    return fix_text(module, "pkg/io.py", Settings(select=("QF002",)), FixOptions(unsafe=True))


def _pyflakes_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts pyflakes is given from now on (the outline, or the whole module)."""
    read: list[str] = []
    real = verify.undefined_names

    def spy(tree: ast.Module, path: str) -> Counter[str]:
        read.append(ast.unparse(tree))
        return real(tree, path)

    monkeypatch.setattr(verify, "undefined_names", spy)
    return read


def test_an_annotation_naming_nothing_the_module_binds_fails_the_proof(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fixed = _fix(monkeypatch, "def load(path):", "def load(path: Pathish) -> str:")
    assert not fixed.changed
    assert fixed.refused == "the fixed code would leave 'Pathish' undefined"


def test_a_name_a_body_left_undefined_before_does_not_fail_a_signature_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``missing_helper`` was undefined in a body before the fix: not the fix's doing."""
    read = _pyflakes_reads(monkeypatch)
    fixed = _fix(monkeypatch, "def load(path):", "def load(path: str) -> str:")
    assert fixed.changed and not fixed.refused
    # Proven on the outline: pyflakes never read the bodies.
    assert len(read) == 1 and "def load(path: str) -> str:" in read[0] and "missing_helper" not in read[0]


def test_a_body_that_did_not_compile_before_does_not_fail_a_signature_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``break`` outside a loop parses, and only the compiler rejects it: the fix did not write it."""
    module = MODULE.replace("return open(path).read()", "break")
    fixed = _fix(monkeypatch, "def load(path):", "def load(path: str) -> str:", module)
    assert fixed.changed and not fixed.refused


def test_a_signature_fix_that_breaks_the_module_does_not_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    """The outline keeps every line a signature fix writes: an import put above ``from
    __future__`` is refused."""
    module = "from __future__ import annotations\n" + MODULE
    fixed = _fix(
        monkeypatch,
        "from __future__ import annotations",
        "import os\nfrom __future__ import annotations",
        module,
    )
    assert not fixed.changed
    assert fixed.refused is not None and fixed.refused.startswith(
        "the fixed code does not compile (SyntaxError"
    )


def test_a_class_level_name_in_a_method_signature_resolves_in_the_outline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fixed = _fix(monkeypatch, "def size(self, path):", "def size(self, path: Kind) -> int:")
    assert fixed.changed and not fixed.refused


HANDLER = '''"""Parses."""


def parse(text):
    """Parse."""
    try:
        return int(text)
    except:
        return missing_helper(text)
'''


def test_a_bare_handler_naming_the_builtin_exception_is_proven_on_the_outline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read = _pyflakes_reads(monkeypatch)
    fixed = fix_text(HANDLER, "pkg/io.py", Settings(select=("QF004",)), FixOptions(unsafe=True))
    assert fixed.changed and not fixed.refused
    assert "    except Exception:\n" in fixed.fixed
    assert len(read) == 1 and "missing_helper" not in read[0]


def test_a_handler_in_a_module_that_binds_exception_is_proven_on_the_whole_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A local ``Exception`` assigned after the handler makes it an unbound local there."""
    read = _pyflakes_reads(monkeypatch)
    module = HANDLER + "    Exception = ValueError\n"
    fixed = fix_text(module, "pkg/io.py", Settings(select=("QF004",)), FixOptions(unsafe=True))
    assert not fixed.changed
    assert fixed.refused == "the fixed code would leave 'Exception' undefined"
    assert any("missing_helper" in text for text in read)


@pytest.mark.parametrize(
    "source",
    [
        "Exception = ValueError",
        "del Exception",
        "def f(Exception): pass",
        "def f(*, Exception=1): pass",
        "f = lambda Exception: 1",
        "def Exception(): pass",
        "class Exception: pass",
        "import Exception",
        "import builtins as Exception",
        "from errors import Exception",
        "from errors import *",
        "def f():\n    global Exception",
        "def f():\n    nonlocal Exception",
        "try: pass\nexcept ValueError as Exception: pass",
        "for Exception in (): pass",
        "with open(p) as Exception: pass",
        "[Exception for Exception in ()]",
        "(Exception := 1)",
    ],
)
def test_every_way_to_bind_a_name_is_found(source: str) -> None:
    assert binds_anywhere(ast.parse(source), "Exception")


@pytest.mark.parametrize(
    "source",
    [
        "raise Exception",
        "except_ = Exception",
        "import errors.Exception",
        "x.Exception = 1",
        "def f(e=Exception): pass",
    ],
)
def test_reading_a_name_or_an_attribute_of_its_name_binds_nothing(source: str) -> None:
    assert not binds_anywhere(ast.parse(source), "Exception")


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match")
@pytest.mark.parametrize(
    "case",
    [
        "case Exception: pass",
        "case [*Exception]: pass",
        "case {**Exception}: pass",
        "case 1 as Exception: pass",
    ],
)
def test_a_pattern_that_captures_the_name_binds_it(case: str) -> None:
    assert binds_anywhere(ast.parse(f"match x:\n    {case}\n"), "Exception")
