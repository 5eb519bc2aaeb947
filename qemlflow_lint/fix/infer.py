"""``fix --infer``: complete the signatures the code leaves open from mypy's suggestion
engine, ``dmypy suggest``, which reads the def's body and its call sites.

:func:`infer_signatures` runs before the fixers: it starts mypy's daemon with the running
interpreter (``python -m mypy.dmypy``; its status file, log and cache in a temporary
folder, the daemon always stopped), type-checks the files, asks for each def a QF002
finding names (``dmypy suggest --json PATH:LINE``) and keeps the types of the
annotations that are missing, rewritten in the module's own names (``pkg.mod.Box`` in
``pkg/mod.py`` becomes ``Box``, ``Tuple`` becomes ``tuple``). A suggestion that would
write ``Any``, or a bare ``object`` (what mypy joins unrelated types to, as uninformative
as ``Any`` and an error at every use), is refused, with the reason. Whether the module can spell the types is the
fixer's question (:mod:`~qemlflow_lint.fix.rules.untyped_public_def`); every inferred
annotation is an unsafe fix. mypy is not a dependency of qemlflow-lint: without it, :class:`InferError`.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence

from qemlflow_lint.analysis.at_import import dotted_name
from qemlflow_lint.analysis.names.bindings import DefSite, def_sites
from qemlflow_lint.analysis.source import SourceError, read_source
from qemlflow_lint.fix.model import InferredSignature
from qemlflow_lint.fix.signatures import RETURN, parameter_names
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.modules import module_name
from qemlflow_lint.rules.untyped_public_def import missing_annotations

#: The error when mypy cannot be imported: one line, for the command line.
MYPY_MISSING = "--infer needs mypy in the environment qemlflow-lint runs in (pip install mypy)"
#: Why a suggestion is refused.
HAS_ANY = "mypy's suggestion has Any"
NO_SUGGESTION = "mypy has no suggestion"
MISFIT = "mypy's suggestion does not fit the signature"
JUST_OBJECT = "mypy's suggestion is just object"
#: mypy's names of the builtin generics, as an annotation spells them since Python 3.9.
_BUILTIN_GENERICS = {
    "Tuple": "tuple",
    "List": "list",
    "Dict": "dict",
    "Set": "set",
    "FrozenSet": "frozenset",
    "Type": "type",
}
#: Seconds mypy may take to check the files (the first check of a large project is slow).
CHECK_SECONDS = 900.0
#: Seconds one daemon command (start, suggest, stop) may take.
COMMAND_SECONDS = 120.0


class InferError(Exception):
    """``--infer`` cannot run: mypy is missing, or its daemon failed (one line saying why)."""


class _ModuleSpelling(ast.NodeTransformer):
    """mypy's fully qualified names as the module itself names them."""

    def __init__(self, module: str) -> None:
        self.prefixes = (f"{module}.", "builtins.")

    def _shortened(self, node: ast.expr) -> ast.expr:
        dotted = dotted_name(node)
        for prefix in self.prefixes:
            if dotted and dotted.startswith(prefix):
                return ast.parse(dotted[len(prefix) :], mode="eval").body
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        """``pkg.mod.Box`` → ``Box`` in ``pkg.mod``; ``builtins.int`` → ``int``."""
        shortened = self._shortened(node)
        return self.generic_visit(node) if shortened is node else shortened  # type: ignore[return-value]

    def visit_Name(self, node: ast.Name) -> ast.Name:
        """``Tuple`` → ``tuple`` (mypy's names of the builtin generics)."""
        return ast.Name(_BUILTIN_GENERICS.get(node.id, node.id), ast.Load())


def module_spelling(type_text: str, module: str) -> str | None:
    """A type as mypy prints it, in the names the module ``module`` has; ``None`` when it
    is not a type expression or uses ``Any``."""
    try:
        expression = ast.parse(type_text, mode="eval").body
    except SyntaxError:
        return None
    rewritten = _ModuleSpelling(module).visit(expression)
    uses_any = any(getattr(node, "id", getattr(node, "attr", None)) == "Any" for node in ast.walk(rewritten))
    return None if uses_any else ast.unparse(rewritten)


def signature_from(suggestion: Mapping[str, object], site: DefSite, module: str) -> InferredSignature:
    """The missing annotations of the def at ``site`` from one ``dmypy suggest --json`` entry."""
    signature = suggestion.get("signature")
    arg_types = signature.get("arg_types") if isinstance(signature, dict) else None
    returns = signature.get("return_type") if isinstance(signature, dict) else None
    names = parameter_names(site.node, site.in_class)
    if not isinstance(arg_types, list) or not isinstance(returns, str) or len(arg_types) != len(names):
        return InferredSignature(refused=MISFIT)
    types = {**dict(zip(names, map(str, arg_types))), RETURN: returns}
    spelled: dict[str, str] = {}
    for item in missing_annotations(site.node, site.in_class):
        text = module_spelling(types[item], module)
        if text is None:
            return InferredSignature(refused=HAS_ANY if "Any" in types[item] else MISFIT)
        if text == "object":  # what mypy joins unrelated types to: no more telling than Any
            return InferredSignature(refused=JUST_OBJECT)
        spelled[item] = text
    result = spelled.pop(RETURN, "")
    return InferredSignature(tuple(spelled.items()), result)


class _Daemon:
    """One mypy daemon, its files in ``folder``, run from ``cwd`` (where mypy finds its
    configuration)."""

    def __init__(self, folder: str, cwd: str | None) -> None:
        self.folder = folder
        self.status = os.path.join(folder, "dmypy.json")
        self.cwd = cwd

    def run(self, *args: str, seconds: float = COMMAND_SECONDS) -> subprocess.CompletedProcess[str]:
        """One ``dmypy`` command; an :class:`InferError` when it takes too long."""
        command = [sys.executable, "-m", "mypy.dmypy", "--status-file", self.status, *args]
        try:
            return subprocess.run(command, cwd=self.cwd, capture_output=True, text=True, timeout=seconds)
        except subprocess.TimeoutExpired:
            raise InferError(f"mypy's daemon took more than {seconds:.0f} s to {args[0]}") from None

    def start(self) -> None:
        """Start the daemon; its cache and log stay in the temporary folder."""
        cache, log = os.path.join(self.folder, "cache"), os.path.join(self.folder, "dmypy.log")
        done = self.run("start", "--log-file", log, "--", "--cache-dir", cache)
        if done.returncode != 0:
            raise InferError(f"mypy's daemon did not start: {_first_line(done)}")

    def check(self, paths: Sequence[str]) -> None:
        """Type-check ``paths`` (type errors are fine: mypy still suggests)."""
        done = self.run("check", *paths, seconds=CHECK_SECONDS)
        if done.returncode not in (0, 1):
            raise InferError(f"mypy could not check the files: {_first_line(done)}")

    def suggest(self, path: str, line: int) -> Mapping[str, object] | None:
        """mypy's suggestion for the def at ``path:line``, or ``None``."""
        done = self.run("suggest", "--json", f"{path}:{line}")
        try:
            entries = json.loads(done.stdout) if done.returncode == 0 else None
        except ValueError:
            return None
        return entries[0] if isinstance(entries, list) and entries and isinstance(entries[0], dict) else None

    def stop(self) -> None:
        """Stop the daemon, or kill it when it does not stop."""
        try:
            stopped = self.run("stop").returncode == 0
        except InferError:  # it did not answer in time
            stopped = False
        if not stopped:
            self.run("kill")


def _first_line(done: subprocess.CompletedProcess[str]) -> str:
    """mypy's first error line, else its last line of output."""
    lines = (done.stderr + done.stdout).strip().splitlines()
    errors = [line for line in lines if ": error:" in line]
    return (errors or lines or [f"exit status {done.returncode}"])[-1 if not errors else 0]


def _without_nested(paths: Sequence[str]) -> list[str]:
    """The paths less those inside another one (mypy reports a file given twice as a
    duplicate module)."""
    unique = sorted({os.path.abspath(path) for path in paths})
    return [p for p in unique if not any(p.startswith(other + os.sep) for other in unique if other != p)]


def _file_signatures(daemon: _Daemon, path: str, findings: Sequence[Finding]) -> dict[str, InferredSignature]:
    text = read_source(path)
    if isinstance(text, SourceError):
        return {}
    sites = def_sites(ast.parse(text, path))
    qualnames = {finding: finding.unit.rsplit(":", 1)[0] for finding in findings}
    # A name defined twice (``if``/``else`` versions) would be ambiguous: left to the code.
    twice = {name for name, count in Counter(qualnames.values()).items() if count > 1}
    module = module_name(path)
    signatures = {}
    for finding, qualname in qualnames.items():
        site = sites.get(finding.line)
        if site is None or qualname in twice:
            continue
        suggestion = daemon.suggest(path, finding.line)
        found = InferredSignature(refused=NO_SUGGESTION) if suggestion is None else None
        signatures[qualname] = found or signature_from(suggestion or {}, site, module)
    return signatures


def infer_signatures(
    targets: Mapping[str, Sequence[Finding]], checked: Sequence[str] = (), *, cwd: str | None = None
) -> dict[str, dict[str, InferredSignature]]:
    """mypy's suggestions for the defs of the QF002 ``targets`` (findings by path), by
    absolute path and qualified name, as :class:`~qemlflow_lint.fix.apply.FixOptions`
    takes them. ``checked`` are the files or folders mypy checks besides the targets (the
    call sites it learns from); ``cwd`` is where mypy looks for its configuration.
    Raises :class:`InferError` when mypy is missing or its daemon fails."""
    if importlib.util.find_spec("mypy") is None:
        raise InferError(MYPY_MISSING)
    wanted = {os.path.abspath(path): found for path, found in targets.items() if found}
    if not wanted:
        return {}
    with tempfile.TemporaryDirectory(prefix="qemlflow-lint-dmypy-") as folder:
        daemon = _Daemon(folder, cwd)
        daemon.start()
        try:
            daemon.check(_without_nested([*wanted, *checked]))
            return {path: _file_signatures(daemon, path, found) for path, found in wanted.items()}
        finally:
            daemon.stop()
