"""QF001's fix, for the cases a fixture file cannot hold: each case is a source, what
``fix`` reports for each finding (fixed how, or left why) and the exact text it writes,
through :func:`~qemlflow_lint.fix.apply.fix_text`. Every result has so passed the proof (it
compiles, analyses without new findings, leaves no name undefined, and a second fix changes
nothing); the tests check the last two again, for each case.

A case lives once. Most live as fixture files with snapshots (``fixtures/fix/QF001/``, see
``tests/fix/test_snapshots.py``); the ones here need what a fixture folder does not give: a
module inside a package (``pkg/mod.py`` unless a case says otherwise), a configured heavy
list, or the readers of other modules.

``SAFE`` cases are fixed the same with and without ``--unsafe-fixes``; ``UNSAFE`` cases
only with it (and say so without it); ``LEFT`` cases are never changed. Each reason a fix is
refused has a case, here or among the fixtures.
"""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent
from typing import NamedTuple
from unittest import mock

import libcst as cst
import pytest
from pyflakes import api as pyflakes_api

from qemlflow_lint.analysis.names import scopes
from qemlflow_lint.analysis.names.attribute_reads import ProjectReads, Readers, file_reads
from qemlflow_lint.fix.apply import FileFix, FixOptions, fix_text
from qemlflow_lint.fix.edit import rewrite
from qemlflow_lint.fix.import_deferral import import_plans, optional_imports
from qemlflow_lint.fix.import_deferral.callers import reason_phrase
from qemlflow_lint.fix.model import NEEDS_UNSAFE, FixSource
from qemlflow_lint.fix.rules import heavy_top_level_import
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.file import analyse_source
from tests.fix.snapshots import cases, snapshot_path
from tests.frontends import run_cli

MODULE = "pkg/mod.py"


class Fixed(NamedTuple):
    """A safe fix: the same result with and without ``--unsafe-fixes``."""

    name: str
    source: str
    report: tuple[str, ...]
    fixed: str
    path: str = MODULE
    heavy: tuple[str, ...] = ()


class Unsafe(NamedTuple):
    """A case with an unsafe fix: what ``fix`` does without ``--unsafe-fixes`` (``None``:
    nothing), and with it."""

    name: str
    source: str
    safe_report: tuple[str, ...]
    safe_fixed: str | None
    report: tuple[str, ...]
    fixed: str
    path: str = MODULE
    heavy: tuple[str, ...] = ()


class Left(NamedTuple):
    """A case ``fix`` leaves as it is in both modes, and why."""

    name: str
    source: str
    report: tuple[str, ...]
    path: str = MODULE
    heavy: tuple[str, ...] = ()
    #: Who else reads the module's names (see :func:`read_by`).
    readers: Readers | None = None


def fix(
    source: str, unsafe: bool, path: str = MODULE, heavy: tuple[str, ...] = (), readers: Readers | None = None
) -> FileFix:
    """QF001's fix of ``source`` (only QF001: the other fixers' work is theirs to test)."""
    settings = Settings(heavy_modules=heavy) if heavy else Settings()
    by_path = {path: readers} if readers is not None else None
    return fix_text(source, path, settings, FixOptions(unsafe=unsafe, codes={"QF001"}, readers=by_path))


def read_by(files: dict[str, str], module: str = "pkg.mod") -> Readers:
    """Who reads the names of ``module``, when the project's other files are ``files``
    (path → source)."""
    reads = [
        (path, "tests", file_reads(ast.parse(text), "tests", False, {"pkg"})) for path, text in files.items()
    ]
    return ProjectReads.of(reads).readers(module, MODULE)


def report(result: FileFix) -> tuple[str, ...]:
    """``line: fixed (safe): what`` / ``line: left: why`` for each QF001 finding, by line."""
    assert not result.refused, result.refused
    rows = [(a.finding.line, f"fixed ({a.applicability}): {a.what}") for a in result.applied]
    rows += [(left.finding.line, f"left: {left.reason}") for left in result.left]
    return tuple(f"{line}: {text}" for line, text in sorted(rows) if text)


SAFE = [
    Fixed(
        # The moved import would pass the line length (79 without a configured one): it is
        # wrapped as black writes it.
        "a_long_moved_import_is_wrapped",
        dedent(
            """\
            from scipy.optimize import brentq, least_squares, minimize_scalar, newton


            class Solver:
                def solve(self, f):
                    return brentq(f, 0, 1), newton(f, 0), minimize_scalar(f), least_squares(f, 0)
            """
        ),
        ("1: fixed (safe): moved into 1 function",),
        dedent(
            """\
            class Solver:
                def solve(self, f):
                    from scipy.optimize import (
                        brentq,
                        least_squares,
                        minimize_scalar,
                        newton,
                    )

                    return brentq(f, 0, 1), newton(f, 0), minimize_scalar(f), least_squares(f, 0)
            """
        ),
    ),
    Fixed(
        "a_sibling_subpackage_that_stays_does_not_load_it",
        dedent(
            """\
            import scipy.special
            from scipy.linalg import LinAlgError

            ERF = scipy.special.erf


            def invert(matrix):
                try:
                    return matrix.inverse()
                except LinAlgError:
                    return None
            """
        ),
        ("1: left: used at module level", "2: fixed (safe): moved into 1 function"),
        dedent(
            """\
            import scipy.special

            ERF = scipy.special.erf


            def invert(matrix):
                from scipy.linalg import LinAlgError

                try:
                    return matrix.inverse()
                except LinAlgError:
                    return None
            """
        ),
    ),
    Fixed(
        "function_only",
        dedent(
            '''\
            """Model fitting."""

            import os

            import torch


            def train(model):
                """Compile the model."""
                return torch.compile(model), os.sep
            '''
        ),
        ("5: fixed (safe): moved into 1 function",),
        dedent(
            '''\
            """Model fitting."""

            import os


            def train(model):
                """Compile the model."""
                import torch

                return torch.compile(model), os.sep
            '''
        ),
    ),
    Fixed(
        "from_import_split_by_function",
        dedent(
            """\
            from scipy import linalg as la, stats


            def norm(x):
                return stats.norm(x)


            def invert(x):
                return la.inv(x)


            def both(x):
                return la.inv(stats.zscore(x))
            """
        ),
        ("1: fixed (safe): moved into 3 functions",),
        dedent(
            """\
            def norm(x):
                from scipy import stats

                return stats.norm(x)


            def invert(x):
                from scipy import linalg as la

                return la.inv(x)


            def both(x):
                from scipy import linalg as la, stats

                return la.inv(stats.zscore(x))
            """
        ),
    ),
    Fixed(
        "light_names_stay",
        dedent(
            """\
            import os, torch
            from scipy import constants, stats


            def f(x):
                return torch.tensor(x), stats.norm(x), constants.pi, os.sep
            """
        ),
        ("1: fixed (safe): moved into 1 function", "2: fixed (safe): moved into 1 function"),
        dedent(
            """\
            import os
            from scipy import constants


            def f(x):
                import torch
                from scipy import stats

                return torch.tensor(x), stats.norm(x), constants.pi, os.sep
            """
        ),
        heavy=("torch", "scipy.stats"),
    ),
    Fixed(
        "nested_def_imports_in_outermost",
        dedent(
            """\
            import pandas as pd


            class Loader:
                def load(self, path):
                    def read():
                        return pd.read_csv(path)

                    return read()
            """
        ),
        ("1: fixed (safe): moved into 1 function",),
        dedent(
            """\
            class Loader:
                def load(self, path):
                    import pandas as pd

                    def read():
                        return pd.read_csv(path)

                    return read()
            """
        ),
    ),
    Fixed(
        "local_binding_is_not_a_use",
        dedent(
            """\
            import pandas as pd


            def frame(x):
                return pd.DataFrame(x)


            def shadow(pd):
                return pd


            def assigned():
                pd = 3
                return pd


            def comprehension(rows):
                return [pd for pd in rows]
            """
        ),
        ("1: fixed (safe): moved into 1 function",),
        dedent(
            """\
            def frame(x):
                import pandas as pd

                return pd.DataFrame(x)


            def shadow(pd):
                return pd


            def assigned():
                pd = 3
                return pd


            def comprehension(rows):
                return [pd for pd in rows]
            """
        ),
    ),
    Fixed(
        "one_line_body",
        dedent(
            """\
            import pandas as pd


            def frame(x): return pd.DataFrame(x)
            """
        ),
        ("1: fixed (safe): moved into 1 function",),
        dedent(
            """\
            def frame(x):
                import pandas as pd

                return pd.DataFrame(x)
            """
        ),
    ),
    Fixed(
        "comments",
        dedent(
            """\
            import os

            # pandas: for the frames
            import pandas as pd  # type: ignore[import-untyped]


            def frame(x):
                # a frame
                return pd.DataFrame(x)
            """
        ),
        ("4: fixed (safe): moved into 1 function",),
        dedent(
            """\
            import os

            # pandas: for the frames


            def frame(x):
                import pandas as pd  # type: ignore[import-untyped]

                # a frame
                return pd.DataFrame(x)
            """
        ),
    ),
    Fixed(
        "async_and_nested_class",
        dedent(
            """\
            import pandas as pd


            async def fetch(url):
                class Frame(pd.DataFrame):
                    pass

                return Frame()
            """
        ),
        ("1: fixed (safe): moved into 1 function",),
        dedent(
            """\
            async def fetch(url):
                import pandas as pd

                class Frame(pd.DataFrame):
                    pass

                return Frame()
            """
        ),
    ),
    Fixed(
        "parenthesized_from_import_keeps_light_names",
        dedent(
            """\
            from scipy import (
                constants,  # physical constants
                stats,
            )
            import os; import torch


            def f(x):
                return stats.norm(x), torch.zeros(1), os.sep


            PI = constants.pi
            """
        ),
        ("1: fixed (safe): moved into 1 function", "5: fixed (safe): moved into 1 function"),
        dedent(
            """\
            from scipy import (
                constants,  # physical constants
            )
            import os


            def f(x):
                from scipy import stats
                import torch

                return stats.norm(x), torch.zeros(1), os.sep


            PI = constants.pi
            """
        ),
        heavy=("torch", "scipy.stats"),
    ),
]


UNSAFE = [
    Unsafe(
        "runtime_annotations_need_future",
        dedent(
            '''\
            """Docstring."""
            # a comment under the docstring

            from __future__ import division

            import pandas as pd


            def rows(frame: pd.DataFrame) -> int:
                return len(frame)
            '''
        ),
        ("6: left: needs --unsafe-fixes (adds `from __future__ import annotations`)",),
        None,
        ("6: fixed (unsafe): moved under `if TYPE_CHECKING:`; added `from __future__ import annotations`",),
        dedent(
            '''\
            """Docstring."""
            # a comment under the docstring

            from __future__ import division, annotations

            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                import pandas as pd


            def rows(frame: pd.DataFrame) -> int:
                return len(frame)
            '''
        ),
    ),
    Unsafe(
        "runtime_annotations_no_future_yet",
        dedent(
            '''\
            """Docstring."""

            import pandas as pd


            class Table:
                frame: pd.DataFrame
            '''
        ),
        ("3: left: needs --unsafe-fixes (adds `from __future__ import annotations`)",),
        None,
        ("3: fixed (unsafe): moved under `if TYPE_CHECKING:`; added `from __future__ import annotations`",),
        dedent(
            '''\
            """Docstring."""

            from __future__ import annotations

            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                import pandas as pd


            class Table:
                frame: pd.DataFrame
            '''
        ),
    ),
    Unsafe(
        "init_reexports",
        dedent(
            '''\
            """A package."""

            # The heavy array type, re-exported.
            from heavyml import Array
            import heavyml.chem as chem
            import pandas as pd

            from .core import thing

            __all__ = ["Array", "chem", "thing", "load"]


            def load(path: str) -> "pd.DataFrame":
                """Load a table."""
                return pd.read_csv(path)
            '''
        ),
        (
            "4: left: needs --unsafe-fixes (loads re-exports on first access)",
            "5: left: needs --unsafe-fixes (loads re-exports on first access)",
            "6: fixed (safe): moved into 1 function and under `if TYPE_CHECKING:`",
        ),
        dedent(
            '''\
            """A package."""

            from typing import TYPE_CHECKING

            # The heavy array type, re-exported.
            from heavyml import Array
            import heavyml.chem as chem

            from .core import thing

            if TYPE_CHECKING:
                import pandas as pd

            __all__ = ["Array", "chem", "thing", "load"]


            def load(path: str) -> "pd.DataFrame":
                """Load a table."""
                import pandas as pd

                return pd.read_csv(path)
            '''
        ),
        (
            "4: fixed (unsafe): loaded on first access (PEP 562)",
            "5: fixed (unsafe): loaded on first access (PEP 562)",
            "6: fixed (safe): moved into 1 function and under `if TYPE_CHECKING:`",
        ),
        dedent(
            '''\
            """A package."""

            from typing import TYPE_CHECKING

            from .core import thing

            if TYPE_CHECKING:
                # The heavy array type, re-exported.
                from heavyml import Array
                import heavyml.chem as chem
                import pandas as pd

            __all__ = ["Array", "chem", "thing", "load"]


            def load(path: str) -> "pd.DataFrame":
                """Load a table."""
                import pandas as pd

                return pd.read_csv(path)


            #: The names this module loads on first access (PEP 562): name -> (module, attribute).
            _LAZY_IMPORTS = {
                "Array": ("heavyml", "Array"),
                "chem": ("heavyml.chem", ""),
            }


            def __getattr__(name: str) -> object:
                """Import a name on first access (PEP 562), then keep it as a module global."""
                if name not in _LAZY_IMPORTS:
                    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
                from importlib import import_module

                module_name, attribute = _LAZY_IMPORTS[name]
                value: object = import_module(module_name)
                if attribute:
                    try:
                        value = getattr(value, attribute)
                    except AttributeError:
                        value = import_module(f"{module_name}.{attribute}")
                globals()[name] = value
                return value


            def __dir__() -> list[str]:
                """The module's names, the ones loaded on first access included."""
                return sorted(set(globals()) | set(_LAZY_IMPORTS))
            '''
        ),
        path="pkg/__init__.py",
        heavy=("heavyml", "pandas"),
    ),
    Unsafe(
        # The import goes at the top of the def, never between its statements.
        "optional_dependency_read_after_other_statements",
        dedent(
            '''\
            try:
                import scipy.optimize as opt
            except ImportError:
                opt = None


            def solve(c0, stoich):
                """Solve for the limit."""
                limits = c0 / stoich
                return opt.brentq(lambda x: x - limits, 0, 1)
            '''
        ),
        ("2: left: needs --unsafe-fixes (defers an optional import)",),
        None,
        ("2: fixed (unsafe): moved into 1 function",),
        dedent(
            '''\
            def solve(c0, stoich):
                """Solve for the limit."""
                import scipy.optimize as opt

                limits = c0 / stoich
                return opt.brentq(lambda x: x - limits, 0, 1)
            '''
        ),
    ),
    Unsafe(
        "optional_dependency_checked_first",
        dedent(
            '''\
            try:
                import torch
            except ImportError:
                HAS_TORCH = False
            else:
                HAS_TORCH = True


            def _require_torch():
                if not HAS_TORCH:
                    raise RuntimeError("pip install torch")


            def zeros(n):
                """Zeros, with torch."""
                _require_torch()
                return torch.zeros(n)


            def ones(n):
                if not HAS_TORCH:
                    return [1.0] * n
                else:
                    return torch.ones(n)


            def total(values):
                if HAS_TORCH: return torch.tensor(values).sum()
                return sum(values)
            '''
        ),
        ("2: left: needs --unsafe-fixes (defers an optional import)",),
        None,
        ("2: fixed (unsafe): moved into 3 functions; HAS_TORCH uses importlib.util.find_spec",),
        dedent(
            '''\
            import importlib.util

            HAS_TORCH = importlib.util.find_spec("torch") is not None


            def _require_torch():
                if not HAS_TORCH:
                    raise RuntimeError("pip install torch")


            def zeros(n):
                """Zeros, with torch."""
                _require_torch()
                import torch

                return torch.zeros(n)


            def ones(n):
                if not HAS_TORCH:
                    return [1.0] * n
                else:
                    import torch

                    return torch.ones(n)


            def total(values):
                if HAS_TORCH:
                    import torch

                    return torch.tensor(values).sum()
                return sum(values)
            '''
        ),
    ),
]


LEFT = [
    Left(
        "another_import_of_the_package_stays",
        dedent(
            """\
            import torch
            from torch import nn

            DEVICE = torch.device("cpu")


            def layer():
                return nn.Linear(1, 1)
            """
        ),
        ("1: left: used at module level", "2: left: a heavy import that stays loads it anyway"),
    ),
    Left(
        "read_from_another_module",
        dedent(
            """\
            import pandas as pd


            def frame():
                return pd.DataFrame()
            """
        ),
        ("1: left: read from another module (tests/test_mod.py:1)",),
        readers=read_by({"tests/test_mod.py": "from pkg.mod import pd\n"}),
    ),
    Left(
        "taken_from_sys_modules_at_import_time",
        dedent(
            """\
            import pandas as pd


            def frame():
                return pd.DataFrame()
            """
        ),
        ("1: left: read through `sys.modules` at import time (tests/conftest.py:3)",),
        readers=read_by({"tests/conftest.py": "import sys\nimport pkg.mod\nPD = sys.modules['pandas']\n"}),
    ),
    Left(
        "locals_recorded_after_the_use",
        dedent(
            """\
            import torch


            def train(alpha=0.1):
                model = torch.nn.Linear(1, 1)
                return model, vars()
            """
        ),
        ("1: left: names read dynamically (`globals()`, `locals()`, `eval`, `exec`)",),
    ),
    Left(
        "used_under_the_main_guard",
        dedent(
            """\
            import pandas as pd


            def frame():
                return pd.DataFrame()


            if __name__ == "__main__":
                print(pd.__version__)
            """
        ),
        ("1: left: used at module level",),
    ),
    Left(
        "an_eager_package_loads_all_its_modules",
        dedent(
            """\
            import torch.nn as tnn
            import torch.optim as optim

            LAYER = tnn.Linear


            def step(params):
                return optim.SGD(params, lr=0.1)
            """
        ),
        ("1: left: used at module level", "2: left: a heavy import that stays loads it anyway"),
    ),
]


def _ids(cases: list[Fixed] | list[Unsafe] | list[Left]) -> list[str]:
    return [case.name for case in cases]


@pytest.mark.parametrize("case", SAFE, ids=_ids(SAFE))
def test_a_safe_fix_is_made_with_and_without_unsafe_fixes(case: Fixed) -> None:
    for unsafe in (False, True):
        result = fix(case.source, unsafe, case.path, case.heavy)
        assert report(result) == case.report
        assert result.fixed == case.fixed


@pytest.mark.parametrize("case", UNSAFE, ids=_ids(UNSAFE))
def test_an_unsafe_fix_is_made_only_with_unsafe_fixes(case: Unsafe) -> None:
    safe = fix(case.source, False, case.path, case.heavy)
    assert report(safe) == case.safe_report
    assert safe.fixed == (case.source if case.safe_fixed is None else case.safe_fixed)
    assert any(NEEDS_UNSAFE in line for line in case.safe_report)
    unsafe = fix(case.source, True, case.path, case.heavy)
    assert report(unsafe) == case.report
    assert unsafe.fixed == case.fixed


@pytest.mark.parametrize("case", LEFT, ids=_ids(LEFT))
def test_a_finding_that_cannot_be_fixed_is_left_with_its_reason(case: Left) -> None:
    for unsafe in (False, True):
        result = fix(case.source, unsafe, case.path, case.heavy, case.readers)
        assert report(result) == case.report
        assert not result.changed


def _reasons(module: object) -> set[str]:
    names = [n for n in dir(module) if n.isupper() and not n.startswith("_")]
    values = [getattr(module, n) for n in names]
    return {
        v
        for v in values
        if isinstance(v, str)
        and (" " in v)
        and not v.startswith(("needs", "adds", "removes", "loads", "defers"))
    }


def test_every_reason_to_leave_a_finding_has_a_case() -> None:
    reasons = _reasons(import_plans) | _reasons(scopes) | _reasons(optional_imports)
    # The lazy-import reasons need patching (see the tests below); NOT_FOUND cannot happen
    # for a finding of the same text.
    # NOT_NEEDED is what the project-wide plan says when it has no more precise reason
    # (tests/fix/test_project_plan.py pins the precise ones).
    elsewhere = {
        import_plans.LAZY_NEEDS_PYTHON,
        import_plans.LAZY_NEEDS_LIBCST,
        import_plans.NOT_FOUND,
        import_plans.NOT_NEEDED,
        import_plans.NEEDED_EARLY,
    }
    left_or_unsafe: list[Left | Unsafe] = [*LEFT, *UNSAFE]
    lines = [line for case in left_or_unsafe for line in case.report]
    lines += [
        line for case in cases() for line in snapshot_path(case).read_text(encoding="utf-8").splitlines()
    ]
    shown = {reason_phrase(line.split(" left: ", 1)[1]) for line in lines if " left: " in line}
    assert reasons - elsewhere - shown == set()


CASES: list[Fixed | Unsafe | Left] = [*SAFE, *UNSAFE, *LEFT]
ALL = [(case.name, case.source, case.path, case.heavy) for case in CASES]


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize(("name", "source", "path", "heavy"), ALL, ids=[case[0] for case in ALL])
def test_the_result_compiles_and_a_second_fix_changes_nothing(
    name: str, source: str, path: str, heavy: tuple[str, ...], unsafe: bool
) -> None:
    fixed = fix(source, unsafe, path, heavy).fixed
    compile(fixed, path, "exec", dont_inherit=True)
    again = fix(fixed, unsafe, path, heavy)
    assert not again.changed, again.fixed


def test_line_endings_and_indentation_are_kept() -> None:
    source = (
        "import pandas as pd\r\n\r\n\r\nclass Table:\r\n\tdef frame(self):\r\n\t\treturn pd.DataFrame()\r\n"
    )
    result = fix(source, False)
    assert report(result) == ("1: fixed (safe): moved into 1 function",)
    assert result.fixed == (
        "class Table:\r\n\tdef frame(self):\r\n\t\timport pandas as pd\r\n\r\n\t\treturn pd.DataFrame()\r\n"
    )


def test_a_module_whose_imports_all_go_keeps_its_header_comment() -> None:
    source = "# Copyright the authors.\n\nimport pandas as pd\n\n\ndef frame():\n    return pd.DataFrame()\n"
    assert fix(source, False).fixed == (
        "# Copyright the authors.\n\ndef frame():\n    import pandas as pd\n\n    return pd.DataFrame()\n"
    )


# -- PEP 562: the generated code obeys the project's rules -----------------------------------

PACKAGE = dedent(
    '''\
    """Heavy types, re-exported."""

    from pandas import DataFrame as Frame
    from torch import Tensor

    __all__ = ["Frame", "Tensor"]
    '''
)


def test_the_package_getattr_passes_the_projects_rules_and_pyflakes(tmp_path: Path) -> None:
    result = fix(PACKAGE, True, "pkg/__init__.py")
    assert report(result) == (
        "3: fixed (unsafe): loaded on first access (PEP 562)",
        "4: fixed (unsafe): loaded on first access (PEP 562)",
    )
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text(result.fixed, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
    assert run_cli(["pkg/__init__.py"], cwd=tmp_path) == []
    messages: list[str] = []

    class Collect:
        """The three calls pyflakes makes on its reporter, collected."""

        def unexpectedError(self, *args: object) -> None:
            messages.append(f"unexpected error {args}")

        def flake(self, message: object) -> None:
            messages.append(str(message))

        def syntaxError(self, *args: object) -> None:
            messages.append(f"syntax error {args}")

    pyflakes_api.check(result.fixed, "pkg/__init__.py", Collect())
    assert messages == []


def test_the_package_getattr_loads_a_name_once_on_first_access(tmp_path: Path) -> None:
    """Run the generated code: ``json`` stands in for the heavy package."""
    source = '"""Re-exports."""\n\nfrom json import JSONDecoder as Decoder\nimport json.decoder as decoder\n\n__all__ = ["Decoder", "decoder"]\n'
    result = fix(source, True, "pkg/__init__.py", heavy=("json",))
    assert report(result)[0].endswith("loaded on first access (PEP 562)")
    namespace: dict[str, object] = {"__name__": "pkg"}
    exec(compile(result.fixed, "pkg/__init__.py", "exec"), namespace)
    assert "Decoder" not in namespace
    getattr_ = namespace["__getattr__"]
    assert callable(getattr_)
    import json.decoder

    assert getattr_("Decoder") is json.JSONDecoder
    assert namespace["Decoder"] is json.JSONDecoder
    assert getattr_("decoder") is json.decoder
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        getattr_("missing")
    dir_ = namespace["__dir__"]
    assert callable(dir_)
    assert {"Decoder", "decoder"} <= set(dir_())


# -- PEP 810: lazy imports --------------------------------------------------------------------

LAZY = dedent(
    """\
    import os
    import torch, pandas as pd; from scipy import (linalg,
        stats)  # the statement's comment
    import polars

    SCHEMA = polars.Schema
    try:
        import rdkit
    except ImportError:
        rdkit = None


    def f():
        return torch, pd, linalg, stats, rdkit
    """
)


def fix_for_python_315(source: str) -> tuple[str, tuple[str, ...]]:
    """The QF001 fixer itself, with Python 3.15 as the target: on an older Python the
    result cannot pass the proof (it does not compile), so the fixer is called directly."""
    findings = tuple(f for f in analyse_source(source, MODULE, Settings()).findings if f.code == "QF001")
    fix_source = FixSource(MODULE, source, ast.parse(source), findings, False, (3, 15))
    plan = heavy_top_level_import.plan(fix_source, False)
    rows = [(a.finding.line, f"fixed ({a.applicability}): {a.what}") for a in plan.applied]
    rows += [(left.finding.line, f"left: {left.reason}") for left in plan.left]
    code = rewrite(cst.parse_module(source), fix_source.tree, plan.edits).code
    return code, tuple(f"{line}: {text}" for line, text in sorted(rows))


@pytest.mark.skipif(not hasattr(cst, "LazyImport"), reason="libcst writes `lazy import` from 1.9")
def test_lazy_imports_are_written_when_the_running_python_can_verify_them() -> None:
    with mock.patch("qemlflow_lint.analysis.at_import.SUPPORTS_LAZY_IMPORTS", True):
        code, rows = fix_for_python_315(LAZY)
    assert rows == (
        "2: fixed (safe): made lazy",
        "2: fixed (safe): made lazy",
        "4: left: used at module level",
        "8: left: needs --unsafe-fixes (defers an optional import)",
    )
    assert code == LAZY.replace(
        "import torch, pandas as pd; from scipy import (linalg,",
        "lazy import torch, pandas as pd; lazy from scipy import (linalg,",
    )


@pytest.mark.skipif(hasattr(cst, "LazyImport"), reason="this libcst writes `lazy import`")
def test_lazy_imports_are_left_with_a_libcst_that_cannot_write_them() -> None:
    with mock.patch("qemlflow_lint.analysis.at_import.SUPPORTS_LAZY_IMPORTS", True):
        code, rows = fix_for_python_315(LAZY)
    assert code == LAZY
    assert rows[:2] == ("2: left: `lazy import` needs libcst 1.9 or newer",) * 2


def test_lazy_imports_are_left_when_the_running_python_cannot_verify_them() -> None:
    with mock.patch("qemlflow_lint.analysis.at_import.SUPPORTS_LAZY_IMPORTS", False):
        code, rows = fix_for_python_315(LAZY)
    assert code == LAZY
    assert rows[:2] == ("2: left: `lazy import` needs Python 3.15 to verify",) * 2


def test_without_lazy_imports_the_target_decides_nothing_else() -> None:
    """The fix of ``fix_text`` with Python 3.15 as the target, on this Python: left."""
    options = FixOptions(codes={"QF001"}, target_version=(3, 15))
    with mock.patch("qemlflow_lint.analysis.at_import.SUPPORTS_LAZY_IMPORTS", False):
        result = fix_text(LAZY, MODULE, Settings(), options)
    assert not result.changed
    assert [left.reason for left in result.left][:2] == ["`lazy import` needs Python 3.15 to verify"] * 2


def test_lazy_imports_are_left_when_libcst_cannot_write_them() -> None:
    lazy_python = mock.patch("qemlflow_lint.analysis.at_import.SUPPORTS_LAZY_IMPORTS", True)
    old_libcst = mock.patch(
        "qemlflow_lint.fix.import_deferral.import_plans.libcst_supports_lazy", return_value=False
    )
    with lazy_python, old_libcst:
        code, rows = fix_for_python_315(LAZY)
    assert code == LAZY
    assert rows[:2] == ("2: left: `lazy import` needs libcst 1.9 or newer",) * 2
