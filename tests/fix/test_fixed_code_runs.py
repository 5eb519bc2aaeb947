"""QF001's fixes keep what the code does: each case is a module that imports a heavy
dependency, run before and after ``fix --unsafe-fixes`` in two worlds — the dependency
installed (a stand-in module) and not installed (importing it fails, as for a user without
the optional extra) — and each call must give the same result, or raise the same kind of
error, in both versions.

Each case of ``CASES`` also requires that the fix applied: a fixer that stopped fixing would otherwise
pass unnoticed. Cases marked ``xfail(strict=True)`` are known fixer bugs, with their minimal
reproduction: when the fixer is corrected, they pass and the marker must go.
"""

from __future__ import annotations

import importlib.machinery
import subprocess
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, cast

import pytest

from qemlflow_lint.fix.apply import FileFix, FixOptions, fix_text
from qemlflow_lint.model.settings import Settings

#: The stand-in heavy dependency (in the default heavy list, and not installed here).
HEAVY = "rdkit"


class Case(NamedTuple):
    """A module's text, where it lives, and the calls whose results must not change."""

    source: str
    calls: tuple[str, ...]
    path: str = "pkg/mod.py"
    #: An optional dependency: the module must also work, the same, where it is not installed.
    #: (A required one fails there: at import before the fix, at first use after it.)
    optional: bool = False


def _stand_in() -> types.ModuleType:
    module = types.ModuleType(HEAVY)
    module.__spec__ = importlib.machinery.ModuleSpec(HEAVY, None, is_package=True)  # as if installed
    # A class, as rdkit.Chem is to type checkers: Python 3.9's get_type_hints wants a callable.
    vars(module).update(
        Chem=type("Chem", (), {"atoms": staticmethod(lambda smiles: len(smiles))}), version="1.0"
    )
    module.__path__ = []  # a package, so that ``from rdkit import Chem`` resolves an attribute
    return module


@contextmanager
def world(installed: bool) -> Iterator[None]:
    """``rdkit`` importable (a stand-in) or not (``None`` in ``sys.modules``: import fails)."""
    saved = sys.modules.get(HEAVY, ...)
    # ``None`` in ``sys.modules`` makes the import fail; typeshed's type leaves it out.
    modules = cast("dict[str, types.ModuleType | None]", sys.modules)
    modules[HEAVY] = _stand_in() if installed else None
    try:
        yield
    finally:
        if saved is ...:
            del sys.modules[HEAVY]
        else:
            sys.modules[HEAVY] = saved


def outcomes(text: str, case: Case, installed: bool) -> list[Any]:
    """Import ``text`` as a fresh module, then evaluate each call in its namespace: the value,
    or the type of the exception raised (importing included)."""
    results: list[Any] = []
    with world(installed):
        name = case.path.replace("/", ".").removesuffix(".py").removesuffix(".__init__")
        module = types.ModuleType(name)
        sys.modules[name] = module  # as an import does: typing.get_type_hints looks it up there
        try:
            exec(compile(text, case.path, "exec"), module.__dict__)
        except Exception as error:
            return [f"import raised {type(error).__name__}"]
        else:
            for call in case.calls:
                try:
                    results.append(eval(call, {"module": module}))
                except Exception as error:
                    results.append(f"raised {type(error).__name__}")
        finally:
            del sys.modules[name]
    return results


def fixed(case: Case) -> FileFix:
    return fix_text(case.source, case.path, Settings(), FixOptions(unsafe=True, codes={"QF001"}))


def assert_fixed_and_unchanged_in_behaviour(case: Case) -> None:
    fix = fixed(case)
    assert fix.changed and not fix.refused and not fix.left, fix
    for installed in (True, False) if case.optional else (True,):
        before, after = outcomes(case.source, case, installed), outcomes(fix.fixed, case, installed)
        world_name = "installed" if installed else "not installed"
        assert after == before, f"{HEAVY} {world_name}:\n{fix.fixed}"


CASES = {
    "used only in functions": Case(
        f'"""Doc."""\nimport {HEAVY}\n\n\ndef version():\n    """V."""\n    return {HEAVY}.version\n',
        ("module.version()",),
    ),
    "a from import split between functions": Case(
        f'"""Doc."""\nfrom {HEAVY} import Chem, version\n\n\n'
        'def atoms(s):\n    """A."""\n    return Chem.atoms(s)\n\n\n'
        'def v():\n    """V."""\n    return version\n\n\ndef light():\n    """L."""\n    return 1\n',
        ("module.atoms('CCO')", "module.v()", "module.light()"),
    ),
    "an optional import whose flag guards the start of the function": Case(
        f'"""Doc."""\ntry:\n    import {HEAVY}\n    HAS = True\nexcept ImportError:\n    HAS = False\n\n\n'
        f'def version():\n    """V."""\n    if not HAS:\n        return None\n    return {HEAVY}.version\n',
        ("module.HAS", "module.version()"),
        optional=True,
    ),
    "an optional import used under its flag": Case(
        f'"""Doc."""\ntry:\n    import {HEAVY}\n    HAS = True\nexcept ImportError:\n    HAS = False\n\n\n'
        f'def version():\n    """V."""\n    if HAS:\n        return {HEAVY}.version\n    return "pure Python"\n',
        ("module.HAS", "module.version()"),
        optional=True,
    ),
    "an optional import used in the else branch of its flag's test": Case(
        f'"""Doc."""\ntry:\n    from {HEAVY} import Chem\nexcept ImportError:\n    HAS = False\nelse:\n    HAS = True\n\n\n'
        'def atoms(s):\n    """A."""\n    if not HAS:\n        n = len(s)\n    else:\n        n = Chem.atoms(s)\n    return n\n',
        ("module.HAS", "module.atoms('CCO')"),
        optional=True,
    ),
    "an optional import whose absence a helper reports": Case(
        f'"""Doc."""\ntry:\n    import {HEAVY}\n    HAS = True\nexcept ImportError:\n    HAS = False\n\n\n'
        'def require():\n    """R."""\n    if not HAS:\n        raise RuntimeError("pip install rdkit")\n\n\n'
        f'def version():\n    """V."""\n    require()\n    return {HEAVY}.version\n',
        ("module.HAS", "module.version()"),
        optional=True,
    ),
    "an __init__.py re-export": Case(
        f'"""Doc."""\nfrom {HEAVY} import Chem\n\n__all__ = ["Chem"]\n',
        ("module.Chem.atoms('CC')", "sorted(set(module.__all__) & set(dir(module)))"),
        path="pkg/__init__.py",
    ),
    "a name used only in postponed annotations": Case(
        f'"""Doc."""\nfrom __future__ import annotations\n\nfrom {HEAVY} import Chem\n\n\n'
        'def f(x: Chem) -> Chem:\n    """F."""\n    return x\n',
        ("module.f(3)",),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_the_fixed_module_behaves_as_before(name: str) -> None:
    assert_fixed_and_unchanged_in_behaviour(CASES[name])


FINALIZER = (
    f'"""A cache released when it is collected."""\nimport {HEAVY}\n\n\n'
    'class Cache:\n    """C."""\n\n    def __del__(self) -> None:\n'
    f'        print("released", {HEAVY}.version)\n\n\nDEFAULT = Cache()\n'
)


def test_an_import_used_by_a_finalizer_still_works_at_interpreter_shutdown(tmp_path: Path) -> None:
    """``__del__`` of a module-level object runs at interpreter shutdown, when an import in it
    fails (ImportError: sys.meta_path is None): the import must stay where it is."""
    fix = fix_text(FINALIZER, "cache.py", Settings(), FixOptions(codes={"QF001"}))
    assert fix.changed or fix.left, fix  # fixed, or left with a reason: either must run
    (tmp_path / "cache.py").write_text(fix.fixed, encoding="utf-8")
    (tmp_path / f"{HEAVY}.py").write_text('version = "1.0"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import cache"], cwd=str(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert (done.stdout, done.stderr) == ("released 1.0\n", ""), fix.fixed


#: A stand-in for pydantic (or SQLAlchemy's declarative models, msgspec, cattrs): the base
#: class resolves its subclasses' annotations when each subclass is made.
MODELS = "modelkit"
VALIDATED_MODEL = (
    f'"""Records validated like pydantic models."""\nfrom __future__ import annotations\n\n'
    f"from {HEAVY} import Chem\nfrom {MODELS} import Model\n\n\n"
    'class Measurement(Model):\n    """One measurement."""\n\n    molecule: Chem\n    label: str\n'
)


def test_a_model_whose_base_class_resolves_annotations_still_imports() -> None:
    """Class-body annotations that a base class resolves when the subclass is made (pydantic):
    the import they use must stay importable at runtime, or the module raises NameError."""
    models = types.ModuleType(MODELS)
    exec(
        "import typing\nclass Model:\n"
        "    def __init_subclass__(cls):\n        cls.fields = typing.get_type_hints(cls)\n",
        models.__dict__,
    )
    case = Case(VALIDATED_MODEL, ("sorted(module.Measurement.fields)",))
    fix = fixed(case)
    sys.modules[MODELS] = models
    try:
        assert fix.changed or fix.left, fix  # fixed, or left with a reason: either must import
        assert outcomes(fix.fixed, case, installed=True) == [["label", "molecule"]], fix.fixed
    finally:
        del sys.modules[MODELS]


#: The settings of a call recorded with ``locals()``, as ML code logs its hyper-parameters:
#: before the heavy name is used, and after it.
LOCALS_RECORDED = (
    f'"""Training settings."""\nimport json\n\nfrom {HEAVY} import Chem\n\n\n'
    'def train(alpha=0.1, epochs=3):\n    """Train, and return the settings as JSON."""\n'
    "    settings = dict(locals())\n    atoms = Chem.atoms('CCO')\n    return json.dumps(settings), atoms\n\n\n"
    'def report(smiles):\n    """The names this call used."""\n'
    "    atoms = Chem.atoms(smiles)\n    return sorted(locals()), atoms\n"
)


def test_a_function_that_records_its_locals_records_the_same_names() -> None:
    """A def that reads ``locals()`` after the heavy name is used would record the moved
    import too: the fix leaves that import (names read dynamically), and whatever it does
    the module must behave the same."""
    case = Case(LOCALS_RECORDED, ("module.train()", "module.report('CC')"))
    fix = fixed(case)
    assert [left.reason for left in fix.left] == [
        "names read dynamically (`globals()`, `locals()`, `eval`, `exec`)"
    ]
    assert outcomes(fix.fixed, case, installed=True) == outcomes(case.source, case, installed=True)
