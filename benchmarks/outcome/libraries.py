"""The libraries the outcome of ``fix`` is judged on, and the modes each is measured in."""

from __future__ import annotations

from dataclasses import dataclass

#: How much faster ``import PKG`` must be after ``fix --unsafe-fixes``.
SPEED_TARGET = 3.0
#: The rules whose findings are counted before and after.
COUNTED_RULES = ("QF001", "QF002", "QF101")
#: How many changed tests, broken modules or lost names the report lists per mode.
LISTED = 25


@dataclass(frozen=True)
class Library:
    """A library from the package index, and how to import and test it."""

    key: str  # its name on this script's command line
    requirement: str  # name==version: the source distribution to download
    module: str  # what ``import`` takes
    package_dir: str  # the package's folder in the source distribution: what fix and check get
    test_paths: tuple[str, ...]  # pytest's arguments, relative to the source distribution
    test_requirements: tuple[str, ...]
    why: str


LIBRARIES = (
    Library(
        key="pvlib",
        requirement="pvlib==0.16.1",
        module="pvlib",
        package_dir="pvlib",
        test_paths=("tests",),
        # its `test` extra without pytest-cov
        test_requirements=(
            "pytest",
            "pytest-mock",
            "requests-mock",
            "pytest-timeout",
            "pytest-rerunfailures",
            "pytest-remotedata",
            "packaging",
        ),
        why="pandas and scipy at module level in most modules, and an `__init__.py` that imports "
        "every submodule eagerly",
    ),
    Library(
        key="chempy",
        requirement="chempy==0.10.2",
        module="chempy",
        package_dir="chempy",
        test_paths=("chempy",),  # its tests live inside the package
        test_requirements=("pytest",),
        why="sympy arrives only through `__init__.py`'s eager re-exports of its own submodules "
        "(`chempy/__init__.py` → `chemistry.py` → `util/_expr.py`, an optional `try: import sympy`)",
    ),
)


@dataclass(frozen=True)
class Mode:
    """One way of treating the source before it is measured."""

    key: str
    label: str
    fix_args: tuple[str, ...] | None  # None: the source as distributed


MODES = (
    Mode("none", "none (as distributed)", None),
    Mode("safe", "`fix`", ()),
    Mode("unsafe", "`fix --unsafe-fixes`", ("--unsafe-fixes",)),
)
