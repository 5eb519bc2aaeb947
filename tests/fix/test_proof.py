"""The proof of a fix that only annotates signatures: pyflakes reads the outline of the
module (every function's body taken out), and the whole module only where the outline
leaves a name undefined. The outcome is the one the whole module's check gives."""

from __future__ import annotations

import ast
from types import SimpleNamespace

import libcst as cst
import pytest

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


def _fix(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> fix_apply.FileFix:
    monkeypatch.setattr(fix_apply, "FIX_ORDER", (("QF002", _annotating(old, new)),))
    return fix_text(MODULE, "pkg/io.py", Settings(select=("QF002",)), FixOptions(unsafe=True))


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
    seen: list[bool] = []
    outline = verify.no_new_undefined_in_signatures

    def spy(tree: ast.Module, path: str) -> bool:
        seen.append(outline(tree, path))
        return seen[-1]

    monkeypatch.setattr(verify, "no_new_undefined_in_signatures", spy)
    fixed = _fix(monkeypatch, "def load(path):", "def load(path: str) -> str:")
    assert fixed.changed and not fixed.refused
    assert seen == [True]  # proven on the outline


def test_a_class_level_name_in_a_method_signature_resolves_in_the_outline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fixed = _fix(monkeypatch, "def size(self, path):", "def size(self, path: Kind) -> int:")
    assert fixed.changed and not fixed.refused
