"""The callers QF001's fix must not break: a heavy import stays, with its reason and where,
when another file of the project reads its name as an attribute of the module, or takes the
heavy module from ``sys.modules`` while it is imported.

*Safe* means no caller can tell, and that holds for the unsafe fixes too: moving
``import pandas as pd`` into functions removes ``pkg.a.pd``, which ``from pkg.a import pd``,
``mock.patch("pkg.a.pd")`` and ``from pkg.a import *`` then ``pd.DataFrame`` need. Who reads
what is the analysis's answer (:mod:`~qemlflow_lint.analysis.names.attribute_reads`), for
the whole project (:mod:`~qemlflow_lint.run.project_reads`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from qemlflow_lint.analysis.names.attribute_reads import Readers, ReadSite
from qemlflow_lint.analysis.names.bindings import ANY_NAME
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.heavy_top_level_import import HeavyTopLevelImport
from qemlflow_lint.run.file import analyse_source
from qemlflow_lint.run.project_reads import readers_by_path

# The reasons: stable phrases, each followed by where its reader is. The summary groups
# them by the phrase alone (:func:`reason_phrase`).
READ_FROM_ANOTHER_MODULE = "read from another module"
READ_THROUGH_SYS_MODULES = "read through `sys.modules` at import time"


def read_elsewhere(phrase: str, wheres: tuple[ReadSite, ...]) -> str:
    """The reason with where: ``read from another module (tests/test_a.py:12 and 2 more)``,
    the first reader, and how many others there are."""
    first = wheres[0].text()
    more = f" and {len(wheres) - 1} more" if len(wheres) > 1 else ""
    return f"{phrase} ({first}{more})"


def reason_phrase(reason: str) -> str:
    """A reason without where its reader is (the phrase the summary groups by)."""
    for phrase in (READ_FROM_ANOTHER_MODULE, READ_THROUGH_SYS_MODULES):
        if reason.startswith(f"{phrase} ("):
            return phrase
    return reason


def outside_readers(
    readers: Readers, name: str, *, exported: bool, star_exports: bool
) -> tuple[ReadSite, ...]:
    """Where other files read ``name`` of the module, in a way the fix would break.

    ``exported``: the fix loads the name on first access (a PEP 562 ``__getattr__``, with
    an ``__all__`` for star imports), which serves every reader. ``star_exports``: a star
    import of the module passes the name on (no literal ``__all__`` says otherwise).
    """
    if exported:
        return ()
    found = [*readers.names.get(name, ()), *readers.names.get(ANY_NAME, ())]  # ``getattr(a, name)``
    if star_exports and not name.startswith("_"):
        found += readers.star.get(name, ())
    return tuple(sorted(set(found)))


def loading_readers(readers: Readers, modules: Iterable[str], *, first_party: bool) -> tuple[ReadSite, ...]:
    """Where the project takes from ``sys.modules``, at import time, a heavy module that
    importing one of ``modules`` loads (``pandas`` for ``import pandas.io``, and
    ``pandas.io`` for ``import pandas``: a package may load its submodules). The import of
    one of the project's own modules (``first_party``) may load any of them."""
    wanted = tuple(modules)
    found = {
        where
        for key, wheres in readers.loaded.items()
        if first_party or any(key == m or m.startswith(key + ".") or key.startswith(m + ".") for m in wanted)
        for where in wheres
    }
    return tuple(sorted(found))


def heavy_import_readers(
    results: Iterable[FileResult],
    settings_by_path: Mapping[str, Settings],
    codes: Collection[str] | None,
    jobs: int = 1,
    *,
    loaded_only: bool = False,
) -> dict[str, Readers]:
    """When ``codes`` let QF001 be fixed: for each analysed file of a project with a QF001
    finding, who else in the project reads the names of its module (the reads of the
    packages that have heavy imports; one walk of each project, on ``jobs`` processes).
    ``loaded_only``: only where the project takes a module from ``sys.modules``."""
    code = HeavyTopLevelImport.code
    if codes is not None and code not in codes:
        return {}
    analysed = [result for result in results if result.ok and result.path in settings_by_path]
    heavy = [result.path for result in analysed if any(f.code == code for f in result.findings)]
    wanted = {result.path: settings_by_path[result.path] for result in analysed}
    return readers_by_path(wanted, heavy, jobs, loaded_only=loaded_only) if heavy else {}


def buffer_readers(
    text: str, path: str, settings: Settings, codes: Collection[str] | None
) -> dict[str, Readers]:
    """For a buffer fixed on its own (``fix -``, an editor's), shown as ``path``: who else in
    its project reads the names of its module, when it has a QF001 finding to fix."""
    return heavy_import_readers([analyse_source(text, path, settings)], {path: settings}, codes)
