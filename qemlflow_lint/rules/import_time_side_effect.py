"""QF006 import-time-side-effect."""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterable, Iterator
from re import Pattern

from qemlflow_lint.analysis.at_import import dotted_name, import_time_calls
from qemlflow_lint.analysis.context import Where
from qemlflow_lint.analysis.visitor import outside_functions
from qemlflow_lint.rules.base import MAIN_FILES, NONE, SCRIPTS, TEST_FILES, RuffEquivalent, Rule

_PROCESS_ENV = "changes the environment of the whole process and of every subprocess it starts"
_SYS_PATH = "changes sys.path, where every later import in the process is looked up"
_WARNINGS = "changes the warning filters of every program that imports this module"
_ROOT_LOGGER = "configures the root logger of every program that imports this module"

#: Calls that change the world, by qualified name, and what they change for whom.
SIDE_EFFECT_CALLS: dict[str, str] = {
    "print": "writes to the standard output of every program that imports this module",
    "warnings.filterwarnings": _WARNINGS,
    "warnings.simplefilter": _WARNINGS,
    "warnings.resetwarnings": _WARNINGS,
    "logging.basicConfig": _ROOT_LOGGER,
    "logging.disable": "silences logging for every program that imports this module",
    "logging.captureWarnings": "reroutes warnings for every program that imports this module",
    "logging.root.addHandler": _ROOT_LOGGER,
    "logging.root.removeHandler": _ROOT_LOGGER,
    "logging.root.setLevel": _ROOT_LOGGER,
    "sys.path.insert": _SYS_PATH,
    "sys.path.append": _SYS_PATH,
    "sys.path.extend": _SYS_PATH,
    "sys.path.remove": _SYS_PATH,
    "sys.path.pop": _SYS_PATH,
    "sys.path.clear": _SYS_PATH,
    "os.environ.update": _PROCESS_ENV,
    "os.environ.setdefault": _PROCESS_ENV,
    "os.environ.pop": _PROCESS_ENV,
    "os.environ.clear": _PROCESS_ENV,
    "os.putenv": _PROCESS_ENV,
    "os.unsetenv": _PROCESS_ENV,
    "os.chdir": "changes the working directory, against which the whole process resolves relative paths",
    "sys.setrecursionlimit": "changes the recursion limit of the whole process",
    "matplotlib.use": "selects the matplotlib backend of every program that imports this module",
    "random.seed": "reseeds the global random generator of every program that imports this module",
    "numpy.random.seed": "reseeds numpy's global random generator of every program that imports this module",
    "numpy.seterr": "changes numpy's floating-point error handling in every program that imports this module",
    "locale.setlocale": "changes the locale of the whole process (number and date formats, string collation)",
    "socket.setdefaulttimeout": "changes the timeout of every new socket in the whole process",
    "signal.signal": "replaces a signal handler of the whole process",
}

#: Objects whose assignment or item assignment is a side effect.
SIDE_EFFECT_TARGETS: dict[str, str] = {
    "sys.path": _SYS_PATH,
    "os.environ": _PROCESS_ENV,
    "sys.stdout": "replaces the standard output of every program that imports this module",
    "sys.stderr": "replaces the standard error of every program that imports this module",
    "sys.excepthook": "replaces how every program that imports this module reports uncaught exceptions",
}

#: ``logging.getLogger()`` (also ``getLogger("")`` and ``getLogger(None)``) is the root
#: logger, and these of its methods configure it: ``logging.getLogger().setLevel(...)``.
#: A named logger (``getLogger(__name__)``) is the library's own and may be configured.
GET_LOGGER = "logging.getLogger"
ROOT_LOGGER_METHODS = frozenset({"addHandler", "removeHandler", "setLevel"})


def _is_root_logger(call: ast.Call) -> bool:
    """True for the arguments of ``getLogger()``, ``getLogger("")``, ``getLogger(None)``
    and ``getLogger(name=None)``: the root logger (any other argument names a logger)."""
    arguments = [*call.args, *(k.value for k in call.keywords if k.arg == "name")]
    if len(arguments) != len(call.args) + len(call.keywords):
        return False  # ``**kwargs`` or an unknown keyword
    if not arguments:
        return True
    only = arguments[0]
    return len(arguments) == 1 and isinstance(only, ast.Constant) and only.value in ("", None)


def _unpacked(targets: Iterable[ast.expr]) -> Iterator[ast.expr]:
    """Each assigned target, looking into unpacking: ``first, sys.path = ...``."""
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            yield from _unpacked(target.elts)
        elif isinstance(target, ast.Starred):
            yield from _unpacked([target.value])
        else:
            yield target


#: Every name a side effect needs: the calls, the targets and ``logging.getLogger``.
_KNOWN = (*SIDE_EFFECT_CALLS, *SIDE_EFFECT_TARGETS, GET_LOGGER)
#: Between the parts of a dotted name, Python allows spaces, line breaks and parentheses.
_DOT = r"[\s()\\]*\.[\s()\\]*"
#: How the side effects this rule knows are spelled without an alias: their first two
#: name parts (``sys.path``, ``warnings.filterwarnings``), or the name (``print``).
_TRIGGERS = tuple(sorted({_DOT.join(map(re.escape, name.split(".")[:2])) for name in _KNOWN}))
#: The modules whose functions or objects the side effects are (``print`` is a builtin).
_MODULES = frozenset(name.partition(".")[0] for name in _KNOWN if "." in name)


class ImportTimeSideEffect(Rule):
    """Code that changes the world when the module is imported.

    ## What it does
    Reports, where code runs when the module is imported (the same definition as QF001),
    ``print(...)``, changes to the warning filters (``warnings.filterwarnings``,
    ``simplefilter``, ``resetwarnings``), ``logging.basicConfig`` (and
    ``logging.disable``/``captureWarnings``), configuring the root logger
    (``addHandler``, ``removeHandler`` or ``setLevel`` on ``logging.getLogger()``,
    ``getLogger("")``, ``getLogger(None)`` or ``logging.root``; a named logger such as
    ``logging.getLogger(__name__)`` is the module's own and is not reported), ``sys.path``
    changes (``insert``, ``append``, ``extend``, assignment, item assignment),
    ``os.environ`` changes (item assignment, ``update``, ``setdefault``, ``pop``, ``del``,
    ``os.putenv``), ``os.chdir``, assigning ``sys.stdout``, ``sys.stderr`` or
    ``sys.excepthook``, ``sys.setrecursionlimit``, ``matplotlib.use``, reseeding the shared
    random generators (``random.seed``, ``numpy.random.seed``), ``numpy.seterr``,
    ``locale.setlocale``, ``socket.setdefaulttimeout`` and ``signal.signal``. Import
    aliases are followed (``from os import environ``, ``import numpy as np``); variables
    are not (``root = logging.getLogger()``). Warning-filter changes inside
    ``with warnings.catch_warnings():`` are not reported: the block restores the filters
    on exit.

    ## Why is this bad?
    Importing a library must not change the program that imports it: output appears in
    other people's tools, their logging and warning configuration is overwritten, and
    ``sys.path``, environment, working directory, locale, random seed or signal handler
    changes alter how the whole process behaves, depending on import order.

    ## Example
    ```python
    import logging
    import sys

    sys.path.insert(0, "../vendor")
    logging.basicConfig(level=logging.DEBUG)
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)

    def main() -> None:
        logging.basicConfig(level=logging.DEBUG)
    ```

    ## Options
    None.
    """

    code = "QF006"
    symbol = "import-time-side-effect"
    category = "import-time"
    summary = "module-level `print`, warning-filter, logging, `sys.path` or `os.environ` change"
    unit = "module"
    pylint_id = "W7706"
    no_fix = "moving a side effect changes when it happens: only the author can choose where it belongs."
    weight = 2.0
    weight_reason = "import-time side effects change other people's programs"
    fix = "move the import-time side effects of {path} into functions"
    headline = "Import-time side effects: {v} of {o} modules"
    exempt_files = frozenset({TEST_FILES, MAIN_FILES, SCRIPTS})
    ruff = RuffEquivalent(
        (),
        NONE,
        "No ruff rule reports module-level side effects (print, warning filters, logging "
        "configuration, sys.path, os.environ or other process-wide changes); T201 reports every "
        "print, anywhere.",
    )

    def begin(self, tree: ast.Module) -> None:
        """One unit per module (test files and ``__main__.py`` are scripts: not checked)."""
        self.checked = not self.exempt
        self.units = 1 if self.checked else 0
        self.aliases: dict[str, str] = {}
        #: ``(first, last)`` lines of ``with warnings.catch_warnings():`` blocks, which
        #: restore the warning filters on exit.
        self.restored_warnings: list[tuple[int, int]] = []
        self._hot: Pattern[str] | None = None
        self._starts: list[int] | None = None
        # Until the module imports one of ``_MODULES`` (sys, os, logging, numpy …; the walk
        # sees module-level imports before their uses), only ``print`` can be a side effect.
        self._live = "print" in self.file.text
        if not self.checked:
            self.hooks = ()

    @outside_functions
    def visit_Import(self, node: ast.Import, where: Where) -> None:
        """Remember ``import os as o``."""
        for alias in node.names:
            if alias.name.partition(".")[0] in _MODULES:
                self._live = True
            if alias.asname:
                self._alias(alias.asname, alias.name)

    @outside_functions
    def visit_ImportFrom(self, node: ast.ImportFrom, where: Where) -> None:
        """Remember ``from os import environ``."""
        if node.module and not node.level:
            if node.module.partition(".")[0] in _MODULES:
                self._live = True
            for alias in node.names:
                self._alias(alias.asname or alias.name, f"{node.module}.{alias.name}")

    @outside_functions
    def visit_statement(self, node: ast.stmt, where: Where) -> None:
        """Side-effect calls in what a statement evaluates when it runs at import:
        ``print("loaded")``, a call in an ``if`` test, a ``with`` manager, a decorator …"""
        self._calls(node, where)

    @outside_functions
    def visit_Assign(self, node: ast.Assign, where: Where) -> None:
        """``os.environ["X"] = "1"``, ``sys.path = [...]``."""
        self._targets(node, node.targets, where)

    @outside_functions
    def visit_AugAssign(self, node: ast.AugAssign, where: Where) -> None:
        """``sys.path += [...]``."""
        self._targets(node, [node.target], where)

    @outside_functions
    def visit_AnnAssign(self, node: ast.AnnAssign, where: Where) -> None:
        """``os.environ["X"]: str = "1"``."""
        # An annotated assignment with a value assigns like ``=`` does; without one
        # (``x: int``) it only declares.
        if node.value is not None:
            self._targets(node, [node.target], where)

    @outside_functions
    def visit_Delete(self, node: ast.Delete, where: Where) -> None:
        """``del os.environ["X"]``."""
        self._targets(node, node.targets, where)

    @outside_functions
    def visit_With(self, node: ast.With, where: Where) -> None:
        """Remember ``with warnings.catch_warnings():`` blocks, which restore the filters."""
        for item in node.items:
            manager = item.context_expr
            if isinstance(manager, ast.Call) and self._qualified(manager.func) == "warnings.catch_warnings":
                self.restored_warnings.append((node.lineno, getattr(node, "end_lineno", None) or node.lineno))

    def _qualified(self, node: ast.expr) -> str | None:
        name = dotted_name(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        head = self.aliases.get(head, head)
        return f"{head}.{rest}" if rest else head

    def _alias(self, local: str, qualified: str) -> None:
        self.aliases[local] = qualified
        if any(known == qualified or known.startswith(qualified + ".") for known in _KNOWN):
            self._hot = None  # a new spelling of a side effect: look for it too

    def _names(self) -> Pattern[str]:
        """How the side effects can be spelled here: the triggers, and each import alias of
        a listed name with the part that follows it (``np.random`` after ``import numpy as
        np``, ``environ`` after ``from os import environ``); gathered again only when such
        an alias appears."""
        if self._hot is None:
            spellings: set[str] = set()
            for local, qualified in self.aliases.items():
                for known in _KNOWN:
                    if known == qualified:
                        spellings.add(re.escape(local))
                    elif known.startswith(qualified + "."):
                        following = known[len(qualified) + 1 :].partition(".")[0]
                        spellings.add(_DOT.join([re.escape(local), re.escape(following)]))
            self._hot = re.compile("|".join([*_TRIGGERS, *sorted(spellings)]))
        return self._hot

    def _may_change_the_world(self, node: ast.stmt) -> bool:
        """False when the statement evaluates nothing of its own when it runs (a ``def``
        without decorators or default values, a plain ``class``), or when its own lines name
        nothing a side effect needs: then its expressions need no walk (a prefilter: any
        occurrence, even inside a longer word, means "walk it"; searched in C)."""
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return False  # a docstring
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and all(isinstance(target, ast.Name) for target in node.targets)
        ):
            return False  # ``NAME = 1``
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            if not (node.decorator_list or arguments.defaults or any(arguments.kw_defaults)):
                return False
        elif isinstance(node, ast.ClassDef) and not (node.decorator_list or node.bases or node.keywords):
            return False
        if self._starts is None:
            self._starts = [0, *itertools.accumulate(map(len, self.file.lines))]
        decorators = getattr(node, "decorator_list", ())  # they come before the ``def`` line
        first = min([node.lineno, *(d.lineno for d in decorators)]) if decorators else node.lineno
        last = getattr(node, "end_lineno", None) or node.lineno
        body = getattr(node, "body", None)
        if body:  # a block statement evaluates its header only; the body is visited itself
            last = max(node.lineno, body[0].lineno - 1)
        starts = self._starts
        begin, end = starts[min(first - 1, len(starts) - 1)], starts[min(last, len(starts) - 1)]
        return self._names().search(self.file.text, begin, end) is not None

    def _calls(self, node: ast.stmt, where: Where) -> None:
        if not (self._live and where.at_import and self._may_change_the_world(node)):
            return
        for call in import_time_calls(node):
            name = self._qualified(call.func)
            if name in SIDE_EFFECT_CALLS and not self._restored(name, call):
                self._report(call, f"`{name}()`", SIDE_EFFECT_CALLS[name])
            elif name is None:
                method = self._root_logger_method(call.func)
                if method is not None:
                    self._report(call, f"`{GET_LOGGER}().{method}()`", _ROOT_LOGGER)

    def _root_logger_method(self, function: ast.expr) -> str | None:
        """``setLevel`` for ``logging.getLogger().setLevel`` (and the other root-logger
        methods): a method of the value of a call, which :func:`dotted_name` does not follow."""
        if not (isinstance(function, ast.Attribute) and function.attr in ROOT_LOGGER_METHODS):
            return None
        logger = function.value
        if (
            isinstance(logger, ast.Call)
            and _is_root_logger(logger)
            and self._qualified(logger.func) == GET_LOGGER
        ):
            return function.attr
        return None

    def _restored(self, name: str, call: ast.Call) -> bool:
        """True for a warning-filter change that ``catch_warnings()`` undoes on exit."""
        return SIDE_EFFECT_CALLS[name] == _WARNINGS and any(
            first < call.lineno <= last for first, last in self.restored_warnings
        )

    def _targets(self, node: ast.stmt, targets: Iterable[ast.expr], where: Where) -> None:
        if not (self._live and where.at_import and self._may_change_the_world(node)):
            return
        for target in _unpacked(targets):
            # A bare name (``environ = {}`` or ``del path`` after ``from os import
            # environ``/``from sys import path``) only rebinds this module's name; only
            # ``+=`` on it changes the list or mapping itself.
            if isinstance(target, ast.Name) and not isinstance(node, ast.AugAssign):
                continue
            base = target.value if isinstance(target, ast.Subscript) else target
            name = self._qualified(base)
            if name in SIDE_EFFECT_TARGETS:
                verb = "deleting from" if isinstance(node, ast.Delete) else "assigning to"
                # At the target, not the statement: ``os.environ["A"] = os.environ["B"] = "1"``
                # is two findings, and they must not be two copies of one position.
                self._report(target, f"{verb} `{name}`", SIDE_EFFECT_TARGETS[name])

    def _report(self, node: ast.AST, what: str, effect: str) -> None:
        self.report(
            node,
            f"{what} at import time {effect}; move it into a function "
            "the program calls (main(), a setup function)",
        )
