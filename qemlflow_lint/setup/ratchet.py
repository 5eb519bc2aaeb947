"""The typing ratchet of ``init --typing``: which packages mypy checks strictly.

A package's QF002 coverage is the share of its public defs that QF002 finds fully
annotated, over the library files of the package and its subpackages (a def whose finding a
``# noqa`` suppresses counts as annotated, as in the score). A package is fully typed when
that is 100 % of at least one def and every one of its files parses. Each importable
package and subpackage is a candidate, and so is a top-level module (one file, such as
``tool.py``); modules inside a package are not, so the entries follow the package tree, not
the list of files. The ratchet turns ``disallow_untyped_defs`` and
``disallow_incomplete_defs`` on for the largest fully typed subtrees: one entry for a whole
top-level package when it is fully typed, else entries for its fully typed subpackages, and
so on down.

A package that mypy already checks strictly is not added again; one that fell below 100 %
keeps its entry (the ratchet only turns one way): mypy reports what broke.
:func:`ratchet_report` says, per package, what happened, from the configuration before and
after the edit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import NamedTuple

from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.modules import is_test_path, module_name
from qemlflow_lint.model.words import plural
from qemlflow_lint.setup.mypy_config import RATCHET_FLAGS, MypyConfig, checks_strictly

#: The rule whose findings say which public defs lack annotations.
QF002 = "QF002"


class PackageCoverage(NamedTuple):
    """QF002's count for one package (with its subpackages) or top-level module."""

    #: The dotted name.
    name: str
    #: The analysed modules in it, itself included when it has a file of its own.
    modules: tuple[str, ...]
    #: Public defs (QF002's units).
    defs: int
    #: Public defs with a QF002 finding that no noqa comment suppresses.
    untyped: int
    #: Files in it that could not be read or parsed.
    unreadable: int = 0
    #: True for a top-level module (one file), false for a package.
    single_file: bool = False

    @property
    def fully_typed(self) -> bool:
        """True when every public def is annotated (at least one) and every file parses."""
        return self.defs > 0 and self.untyped == 0 and self.unreadable == 0

    @property
    def pattern(self) -> str:
        """The mypy module pattern of the package and everything in it (``pkg.sub.*``,
        which covers ``pkg.sub`` itself), or the module's own name."""
        return self.name if self.single_file else f"{self.name}.*"

    def summary(self) -> str:
        """``87.5 % (3 defs to annotate)``; ``100 % (4 public defs)``."""
        if self.unreadable:
            return f"{plural(self.unreadable, 'file')} could not be read or parsed"
        if self.untyped == 0:
            return f"100 % ({plural(self.defs, 'public def')})"
        share = Fraction(self.defs - self.untyped, self.defs)
        tenths = min(math.floor(share * 1000 + Fraction(1, 2)), 999)  # never 100 % with a def left
        return f"{tenths // 10}.{tenths % 10} % ({plural(self.untyped, 'def')} to annotate)"


def _package_names(module: str, is_package: bool) -> list[str]:
    """The packages a module is in, outermost first, itself included when it is a package
    (its ``__init__.py``) or a top-level module."""
    parts = module.split(".")
    names = [".".join(parts[:size]) for size in range(1, len(parts))]
    return [*names, module] if is_package or len(parts) == 1 else names


def package_coverage(results: Sequence[FileResult], root: str) -> dict[str, PackageCoverage]:
    """QF002's count for every package, subpackage and top-level module of the analysed
    library files (test files and scripts are not the API), by name. A file that could not
    be read or parsed counts against the packages it is in."""
    members: dict[str, list[FileResult]] = {}
    single: dict[str, bool] = {}
    for result in results:
        if not result.ok or not result.library or result.test or not result.module:
            continue
        is_init = os.path.basename(result.path) == "__init__.py"
        for name in _package_names(result.module, is_init):
            members.setdefault(name, []).append(result)
            single[name] = name == result.module and not is_init and "." not in name
    broken: dict[str, int] = {}
    for result in results:
        if not result.ok and not is_test_path(result.path, root):
            module = module_name(result.path)
            for name in _package_names(module, os.path.basename(result.path) == "__init__.py"):
                if name in members:
                    broken[name] = broken.get(name, 0) + 1
    coverage = {}
    for name in sorted(members):
        files = members[name]
        coverage[name] = PackageCoverage(
            name,
            tuple(sorted({result.module for result in files})),
            sum(result.units.get(QF002, 0) for result in files),
            sum(
                len({finding.unit for finding in result.findings if finding.code == QF002})
                for result in files
            ),
            broken.get(name, 0),
            single[name],
        )
    return coverage


def _strict(config: MypyConfig, package: PackageCoverage) -> bool:
    return all(checks_strictly(config, module) for module in (package.name, *package.modules))


def fully_typed_subtrees(coverage: Mapping[str, PackageCoverage]) -> list[PackageCoverage]:
    """The largest fully typed subtrees: each fully typed package none of whose enclosing
    packages is fully typed, by name."""
    chosen: list[str] = []
    for name in sorted(coverage):  # a package sorts before its subpackages
        if not any(name.startswith(outer + ".") for outer in chosen) and coverage[name].fully_typed:
            chosen.append(name)
    return [coverage[name] for name in chosen]


def patterns_to_add(coverage: Mapping[str, PackageCoverage], config: MypyConfig) -> list[str]:
    """The module patterns that the ratchet adds to ``config``: the largest fully typed
    subtrees that mypy does not yet check strictly everywhere."""
    return [package.pattern for package in fully_typed_subtrees(coverage) if not _strict(config, package)]


class Ratchet(NamedTuple):
    """What the ratchet did, package by package."""

    #: The mypy configuration file.
    file: str
    #: Fully typed, and now checked strictly.
    added: tuple[PackageCoverage, ...] = ()
    #: Fully typed, and already checked strictly.
    already: tuple[PackageCoverage, ...] = ()
    #: Below 100 %, and checked strictly all the same: the ratchet keeps what it turned on.
    kept: tuple[PackageCoverage, ...] = ()
    #: Fully typed, but the edit could not make mypy check it strictly (see the file's notes).
    blocked: tuple[PackageCoverage, ...] = ()
    #: Below 100 % and not checked strictly: what is left to annotate.
    not_yet: tuple[PackageCoverage, ...] = ()
    #: The module patterns the configuration names itself (its entries).
    listed: frozenset[str] = frozenset()


def ratchet_report(coverage: Mapping[str, PackageCoverage], before: MypyConfig, after: MypyConfig) -> Ratchet:
    """What the edit from ``before`` to ``after`` did for each package. Packages below
    100 % are listed at every level, so the subpackage that fell behind shows too."""
    chosen = fully_typed_subtrees(coverage)
    below = [
        package
        for package in coverage.values()
        if not package.fully_typed and (package.defs > 0 or package.unreadable)
    ]
    return Ratchet(
        after.path,
        added=tuple(p for p in chosen if not _strict(before, p) and _strict(after, p)),
        already=tuple(p for p in chosen if _strict(before, p)),
        kept=tuple(p for p in below if _strict(before, p)),
        blocked=tuple(p for p in chosen if not _strict(after, p)),
        not_yet=tuple(p for p in below if not _strict(before, p)),
        listed=frozenset(pattern for pattern, _ in before.modules),
    )


def describe_ratchet(ratchet: Ratchet, dry_run: bool) -> list[str]:
    """The ratchet's report: a heading, then a line per package (or ``nothing to add``)."""
    flags = " and ".join(RATCHET_FLAGS)
    lines = [f"typing ratchet in {ratchet.file} ({flags} for each fully typed package):"]
    verb = "would add" if dry_run else "added"
    lines += [f"  {verb} {package.name}: {package.summary()}" for package in ratchet.added]
    lines += [f"  already strict: {package.name}: {package.summary()}" for package in ratchet.already]
    lines += [
        f"  stays {'listed' if package.pattern in ratchet.listed else 'strict'}: "
        f"{package.name}: {package.summary()}"
        for package in ratchet.kept
    ]
    if ratchet.kept:
        lines.append("  (init never removes a package: mypy reports the defs to annotate)")
    lines += [
        f"  not added: {package.name}: {package.summary()}; see the note on {ratchet.file}"
        for package in ratchet.blocked
    ]
    lines += [f"  not yet: {package.name}: {package.summary()}" for package in ratchet.not_yet]
    if not ratchet.added:
        lines.append("  nothing to add")
    return lines
