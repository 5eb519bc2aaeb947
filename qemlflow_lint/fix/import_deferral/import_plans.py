"""What QF001's fix does with each reported import statement, decided from the ``ast``.

Each finding (one import statement, possibly with several heavy names) gets a
:class:`StatementPlan`, or is left with a reason a maintainer can act on. A statement is
fixed only when every heavy name it binds can be handled; its light names stay at module
level. The decisions, in order:

1. where the statement is: a literal ``importlib.import_module(...)``, a star import, an
   import in a class body or a conditional block are left;
2. ``lazy import`` (PEP 810) when the target is Python 3.15 or newer and nothing at import
   time reads the names;
3. for each heavy name (see :mod:`~qemlflow_lint.analysis.names.scopes`): into the functions that
   read it, under ``if TYPE_CHECKING:`` for the annotations, a PEP 562 ``__getattr__`` for a
   package's re-exports, or removed when nothing reads it;
4. across statements: a name bound by another module-level statement stays (unless all its
   bindings are fixed together: ``import scipy`` and ``import scipy.stats``), and the imports
   of one ``try: … except ImportError:`` block move together or not at all.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import NamedTuple

import libcst as cst

from qemlflow_lint.analysis import at_import
from qemlflow_lint.analysis.at_import import catches_import_error, dotted_name
from qemlflow_lint.analysis.engine import literal_all
from qemlflow_lint.analysis.names.attribute_reads import Readers
from qemlflow_lint.analysis.names.bindings import ImportNode, bound_name
from qemlflow_lint.analysis.names.scopes import (
    READ_DYNAMICALLY,
    USED_AT_MODULE_LEVEL,
    USED_IN_CLASS_BODY,
    USED_IN_DECORATOR,
    USED_IN_DEFAULT,
    USED_IN_DOCTEST,
    USED_IN_FIELD_TYPES,
    USED_IN_FINALIZER,
    FunctionNode,
    NameUses,
    SourceText,
    locals_calls,
    name_uses,
)
from qemlflow_lint.analysis.names.usage import postpones_annotations
from qemlflow_lint.analysis.nodes import BLOCK_FIELDS, child_nodes, every_node
from qemlflow_lint.analysis.noqa import comment_suppresses
from qemlflow_lint.fix.import_deferral.callers import (
    READ_FROM_ANOTHER_MODULE,
    READ_THROUGH_SYS_MODULES,
    loading_readers,
    outside_readers,
    read_elsewhere,
)
from qemlflow_lint.fix.import_deferral.optional_imports import (
    TRY_KEEPS_IMPORT,
    OptionalBlock,
    late_places,
    optional_block,
)
from qemlflow_lint.fix.model import NEEDS_UNSAFE, Choice, Left
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.heavy import EAGER_PACKAGES, LOADS_TOO
from qemlflow_lint.model.words import plural
from qemlflow_lint.rules.heavy_top_level_import import reported_modules

#: The code a deferred first-party import is shown under: it cuts a QF101 chain.
FIRST_PARTY_CODE = "QF101"

# The reasons a finding is left (stable phrases: the summary groups by them).
IMPORT_CALL = "imported through importlib.import_module"
DUNDER_IMPORT_CALL = "imported through __import__"
STAR_IMPORT = "star import"
IN_CLASS_BODY = "imported in a class body"
IN_CONDITIONAL_BLOCK = "imported in a conditional block"
IN_TRY_BLOCK = "imported in a `try` block"
REBOUND_AT_MODULE_LEVEL = "rebound at module level"
EXPORTED_THROUGH_ALL = "re-exported through `__all__`"
COMPUTED_ALL = "`__all__` is computed"
HAS_GETATTR = "the module already defines `__getattr__`"
SUBMODULE_REEXPORT = "re-exports a package through `import a.b`"
ANNOTATIONS_READ_AT_RUNTIME = "annotations are read at runtime"
#: A class-body annotation mentions the name, and the class has a base class (or a
#: decorator) that may resolve its annotations when it is created, as pydantic does.
BASE_MAY_READ_ANNOTATIONS = "a base class may read the annotations"
LAZY_NEEDS_PYTHON = "`lazy import` needs Python 3.15 to verify"
LAZY_NEEDS_LIBCST = "`lazy import` needs libcst 1.9 or newer"
NONE_TESTED = "a function tests it against None"
NOT_FOUND = "the import statement was not found"
PACKAGE_STAYS = "a heavy import that stays loads it anyway"
#: A module the package imports while it initialises imports the name from the package
#: (``from .. import __url__``): it is needed before the package's ``__getattr__`` exists.
NEEDED_EARLY = "the package's own modules import it from the package while it initialises"
#: The project-wide plan did not choose the statement, and gave no more precise reason.
NOT_NEEDED = "deferring it would not take a heavy module out of an entry point's import"
#: TorchScript compiles a function from its source: it rejects an ``import`` in the body and
#: resolves annotations in the module's globals, so torch stays where it is in modules that
#: mention it (``torch.jit``, ``jit.script``, "TorchScript").
TORCHSCRIPT = "TorchScript may compile its functions"

# What makes a plan unsafe (shown after NEEDS_UNSAFE when it is not applied).
UNSAFE_REMOVE = "removes an unused import"
UNSAFE_EXPORT = "loads re-exports on first access"
UNSAFE_FUTURE = "adds `from __future__ import annotations`"
UNSAFE_OPTIONAL = "defers an optional import"
UNSAFE_FIRST_PARTY = "defers one of the project's modules: its import-time code runs on first use"

#: Modules whose use means annotations are read when the code runs: a name they need
#: must stay importable. (Dataclasses, ``NamedTuple`` and ``TypedDict`` do not evaluate
#: their annotations when the class is created, but their callers may: see
#: :data:`~qemlflow_lint.analysis.names.scopes.USED_IN_FIELD_TYPES`.)
ANNOTATION_READER_MODULES = frozenset(
    {
        "pydantic",
        "pydantic_settings",
        "attr",
        "attrs",
        "cattrs",
        "typer",
        "fastapi",
        "beartype",
        "typeguard",
        "jaxtyping",
        "msgspec",
        "strawberry",
        "sqlmodel",
        "sqlalchemy",
        "marshmallow_dataclass",
        "dataclasses_json",
        "dacite",
        "jsonargparse",
        "tyro",
        "simple_parsing",
        "omegaconf",
        "hydra",
        "cyclopts",
    }
)
#: Names whose use reads annotations: ``typing.get_type_hints``, ``inspect.get_annotations``,
#: ``functools.singledispatch`` (``register`` dispatches on an annotation).
ANNOTATION_READER_NAMES = frozenset(
    {"get_type_hints", "get_annotations", "__annotations__", "singledispatch", "singledispatchmethod"}
)
#: What a module's text must hold for it to use one of them.
_ANNOTATION_READER_WORDS = sorted(ANNOTATION_READER_MODULES | ANNOTATION_READER_NAMES)


class Target(NamedTuple):
    """An import statement to defer, by the finding at its position: the modules whose
    names it defers (absolute names), and whether they are the project's own modules (an
    edge of a QF101 chain) rather than heavy ones (QF001)."""

    finding: Finding
    modules: tuple[str, ...]
    first_party: bool = False


class HeavyName(NamedTuple):
    """One heavy name of a statement and where it goes."""

    alias: ast.alias
    #: The name it binds (``np`` for ``import numpy as np``, ``scipy`` for ``import scipy.stats``).
    name: str
    #: The outermost defs that import it at their top.
    functions: tuple[FunctionNode, ...] = ()
    #: Imported under ``if TYPE_CHECKING:`` too (annotations, or a PEP 562 re-export).
    type_checking: bool = False
    #: Loaded on first access by the module's ``__getattr__`` (PEP 562).
    exported: bool = False
    #: For an optional dependency, and in a def that calls ``locals()``: the statements
    #: it is imported right before in each def, rather than at the top of the def (see
    #: :func:`~qemlflow_lint.fix.import_deferral.optional_imports.late_places`).
    places: tuple[tuple[FunctionNode, tuple[ast.stmt, ...]], ...] = ()
    #: For a re-export of one of the project's submodules: the module to import for it, as
    #: the statement spells it (``.core`` for ``from . import core``); "" otherwise.
    submodule: str = ""

    @property
    def removed(self) -> bool:
        """True when nothing needs it: the import goes."""
        return not (self.functions or self.type_checking or self.exported)


class StatementPlan(NamedTuple):
    """How one reported import statement is fixed."""

    finding: Finding
    statement: ImportNode
    heavy: tuple[HeavyName, ...]
    #: The names of a ``from`` (or ``import a, b``) statement that stay at module level.
    light: tuple[ast.alias, ...] = ()
    lazy: bool = False
    optional: OptionalBlock | None = None
    #: ``from __future__ import annotations`` must be added first.
    future: bool = False
    #: What makes it unsafe ("" when it is safe).
    unsafe: str = ""

    @property
    def functions(self) -> tuple[FunctionNode, ...]:
        """Every def the statement's names move into, once each."""
        seen: dict[int, FunctionNode] = {}
        for heavy in self.heavy:
            for function in heavy.functions:
                seen.setdefault(id(function), function)
        return tuple(seen.values())

    @property
    def what(self) -> str:
        """What the fix does, for the user ("moved into 2 functions")."""
        if self.lazy:
            return "made lazy"
        parts = []
        functions = len(self.functions)
        typing = any(h.type_checking and not h.exported for h in self.heavy)
        if functions and typing:
            parts.append(f"moved into {plural(functions, 'function')} and under `if TYPE_CHECKING:`")
        elif functions:
            parts.append(f"moved into {plural(functions, 'function')}")
        elif typing:
            parts.append("moved under `if TYPE_CHECKING:`")
        if any(h.exported for h in self.heavy):
            parts.append("loaded on first access (PEP 562)")
        removed = [h.name for h in self.heavy if h.removed]
        if removed and len(removed) == len(self.heavy):
            parts.append("removed (unused)")
        elif removed:
            parts.append("removed unused " + ", ".join(f"`{name}`" for name in removed))
        if self.future:
            parts.append("added `from __future__ import annotations`")
        if self.optional is not None and self.optional.flags:
            flags = ", ".join(self.optional.flags)
            parts.append(f"{flags} uses importlib.util.find_spec")
        return "; ".join(parts)


#: Nobody else reads the module's names (or nobody asked).
NO_READERS = Readers()


class ModuleFacts(NamedTuple):
    """What the decisions need to know about the whole module."""

    tree: ast.Module
    is_package_init: bool
    target_version: tuple[int, int] | None
    postponed: bool
    reads_annotations: bool
    all_names: frozenset[str] | None
    computed_all: bool
    defines_getattr: bool
    #: The source lines (for their suppression comments).
    lines: tuple[str, ...] = ()
    #: The module mentions TorchScript (see :data:`TORCHSCRIPT`).
    torchscript: bool = False
    #: The package relative imports start from ("" for a top-level module, or unknown).
    package: str = ""
    #: The project's module names (to tell a re-exported submodule from a name).
    first_party: frozenset[str] = frozenset()
    #: The names the package's own modules import from it while it initialises (see
    #: :attr:`~qemlflow_lint.fix.model.ModulePlan.needed_early`).
    needed_early: frozenset[str] = frozenset()
    #: Who else in the project reads the module's names (see
    #: :mod:`~qemlflow_lint.fix.import_deferral.callers`).
    readers: Readers = NO_READERS


def _module_level_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every statement that runs at module level: nested blocks, not defs or classes."""
    pending = list(tree.body)
    while pending:
        statement = pending.pop()
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in BLOCK_FIELDS:
            for child in getattr(statement, field, []):
                if isinstance(child, ast.stmt):
                    pending.append(child)
                else:
                    pending.extend(getattr(child, "body", []))


def _reads_annotations(tree: ast.Module, text: str = "") -> bool:
    """True when the module imports or names what reads annotations at run time
    (``text``, its source when known, spares the walk when it names none of them)."""
    if text and not any(word in text for word in _ANNOTATION_READER_WORDS):
        return False
    for node in every_node(tree):
        if isinstance(node, ast.Import):
            if any(a.name.split(".", 1)[0] in ANNOTATION_READER_MODULES for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            if node.module and not node.level and node.module.split(".", 1)[0] in ANNOTATION_READER_MODULES:
                return True
            if any(a.name in ANNOTATION_READER_NAMES for a in node.names):
                return True
        elif (isinstance(node, ast.Name) and node.id in ANNOTATION_READER_NAMES) or (
            isinstance(node, ast.Attribute) and node.attr in ANNOTATION_READER_NAMES
        ):
            return True
    return False


def module_facts(
    tree: ast.Module,
    is_package_init: bool,
    target_version: tuple[int, int] | None,
    text: str = "",
    package: str = "",
    first_party: frozenset[str] = frozenset(),
    needed_early: frozenset[str] = frozenset(),
    readers: Readers | None = None,
) -> ModuleFacts:
    """Collect the module-wide facts once (``text``: the source, for ``# noqa`` comments;
    ``package``: the package relative imports start from; ``first_party``: the project's
    module names; ``readers``: who else reads the module's names, when known)."""
    # From Python 3.14 (PEP 649) annotations are evaluated only when something reads them.
    deferred = target_version is not None and target_version >= (3, 14)
    statements = list(_module_level_statements(tree))
    assigns_all = any(
        isinstance(t, ast.Name) and t.id == "__all__"
        for s in statements
        if isinstance(s, (ast.Assign, ast.AugAssign, ast.AnnAssign))
        for t in (s.targets if isinstance(s, ast.Assign) else [s.target])
    )
    names = literal_all(tree)
    return ModuleFacts(
        tree,
        is_package_init,
        target_version,
        deferred or postpones_annotations(tree),
        _reads_annotations(tree, text),
        names,
        assigns_all and names is None,
        any(
            isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__getattr__"
            for s in statements
        )
        or any(
            isinstance(t, ast.Name) and t.id == "__getattr__"
            for s in statements
            if isinstance(s, ast.Assign)
            for t in s.targets
        ),
        tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")),
        _mentions_torchscript(text),
        package,
        first_party,
        needed_early,
        readers or NO_READERS,
    )


def _mentions_torchscript(text: str) -> bool:
    """``torch.jit``, ``jit.script`` or ``torchscript`` in any case (searched in the
    case-folded text: a case-insensitive pattern scans several times slower)."""
    folded = text.casefold()
    return any(word in folded for word in ("torch.jit", "jit.script", "torchscript"))


# -- where the statement is --------------------------------------------------------------


class _Located(NamedTuple):
    node: ast.AST
    #: The enclosing nodes, outermost first (the module excluded).
    parents: tuple[ast.AST, ...]


def _locate(tree: ast.Module) -> dict[tuple[int, int], _Located]:
    """Every import statement and call outside functions, by its position."""
    found: dict[tuple[int, int], _Located] = {}
    pending: list[tuple[ast.AST, tuple[ast.AST, ...]]] = [(s, ()) for s in tree.body]
    while pending:
        node, parents = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Call)):
            found.setdefault((node.lineno, node.col_offset), _Located(node, parents))
        pending.extend((child, (*parents, node)) for child in child_nodes(node))
    return found


def _where_reason(located: _Located, tree: ast.Module) -> str | None:
    """Why an import at this place cannot be fixed (``None``: module level or an optional block)."""
    parents = [p for p in located.parents if isinstance(p, ast.stmt)]
    if any(isinstance(p, ast.ClassDef) for p in parents):
        return IN_CLASS_BODY
    if not parents:
        return None
    if len(parents) == 1 and isinstance(parents[0], at_import.TRY_TYPES):
        block = parents[0]
        if located.node in getattr(block, "body") and block in tree.body:
            if isinstance(block, ast.Try) and catches_import_error(block.handlers):
                return None
            return IN_TRY_BLOCK
    return IN_CONDITIONAL_BLOCK


def absolute_module(statement: ast.ImportFrom, package: str) -> str:
    """The module a ``from`` statement imports from, absolute (``pkg.core`` for
    ``from .core import x`` in package ``pkg``); "" when it leaves the top-level package."""
    if not statement.level:
        return statement.module or ""
    parts = package.split(".") if package else []
    if statement.level - 1 > len(parts):
        return ""
    base = parts[: len(parts) - (statement.level - 1)]
    return ".".join([*base, statement.module] if statement.module else base)


def _heavy_aliases(statement: ImportNode, modules: Sequence[str], package: str) -> list[ast.alias]:
    if isinstance(statement, ast.Import):
        return [alias for alias in statement.names if alias.name in modules]
    module = absolute_module(statement, package)
    if not module:
        return []
    return [alias for alias in statement.names if module in modules or f"{module}.{alias.name}" in modules]


def _submodule(statement: ImportNode, alias: ast.alias, facts: ModuleFacts) -> str:
    """The project's submodule a ``from`` alias binds, spelt as the statement spells its
    module (``.core``, ``pkg.core``); "" when the alias is a name, not a module."""
    if not isinstance(statement, ast.ImportFrom):
        return ""
    absolute = absolute_module(statement, facts.package)
    if not absolute or f"{absolute}.{alias.name}" not in facts.first_party:
        return ""
    written = "." * statement.level + (statement.module or "")
    return f"{written}{'' if written.endswith('.') else '.'}{alias.name}"


# -- the decisions -----------------------------------------------------------------------


class _Decider:
    """The decisions of one module's findings (see the module docstring)."""

    def __init__(
        self, facts: ModuleFacts, targets: Sequence[Target], unsafe: bool, choice: Choice | None
    ) -> None:
        self.facts = facts
        self.targets = targets
        self.modules = {target.finding: target.modules for target in targets}
        self.first_party = {target.finding for target in targets if target.first_party}
        self.unsafe = unsafe
        self.choice = choice
        self.located = _locate(facts.tree)
        self.statements: dict[int, tuple[Finding, ImportNode, list[ast.alias]]] = {}
        self.blocks: dict[int, OptionalBlock | str] = {}
        self.uses: dict[str, NameUses] = {}
        #: What the unsafe mode decides, kept on the way to the safe mode's decisions.
        self.unsafe_result: tuple[list[StatementPlan], list[Left]] = ([], [])
        self.source = SourceText(facts.tree, facts.lines)
        #: The module may call ``locals()`` or ``vars()`` (its text names one of them).
        self.may_call_locals = self.source.may_spell(("locals", "vars"))

    def _after_locals(self, uses: NameUses) -> tuple[tuple[FunctionNode, tuple[ast.stmt, ...]], ...] | None:
        """``None`` when a def that reads the name calls ``locals()`` or ``vars()``: an import at
        its top would add the name to what they return, and one further down is an import in
        the middle of the body. Otherwise no late places: each def imports it at its top."""
        if self.may_call_locals and any(locals_calls(function) for function in uses.functions):
            return None
        return ()

    def decide(self) -> tuple[list[StatementPlan], list[Left]]:
        left: list[Left] = []
        for target in self.targets:
            reason = self._statement(target)
            if reason:
                left.append(Left(target.finding, reason))
        names = {
            bound_name(alias, statement)
            for _, statement, heavy in self.statements.values()
            for alias in heavy
        }
        self.uses = name_uses(self.facts.tree, names, self.facts.postponed, self.source)
        finding_ids = set(self.statements)
        plans: list[StatementPlan] = []
        for finding, statement, heavy in self.statements.values():
            decided = self._plan(finding, statement, heavy, finding_ids)
            if isinstance(decided, str):
                left.append(Left(finding, decided))
            else:
                plans.append(decided)
        # What other statements keep at module level first, so that a statement that
        # could never be fixed says why, rather than that it needs --unsafe-fixes.
        suppressed = self._suppressed_packages()
        modules = self.modules
        plans, more = _together(plans, left, self.uses, suppressed, modules)
        left += more
        self.unsafe_result = (list(plans), list(left))
        if not self.unsafe:
            left += [Left(p.finding, f"{NEEDS_UNSAFE} ({p.unsafe})") for p in plans if p.unsafe]
            plans, more = _together([p for p in plans if not p.unsafe], left, self.uses, suppressed, modules)
            left += more
        choice = self.choice
        if choice is not None:
            where = {id(p): (p.finding.line, p.finding.col) for p in plans}
            left += [
                Left(p.finding, choice.reasons.get(where[id(p)], NOT_NEEDED))
                for p in plans
                if where[id(p)] not in choice.chosen
            ]
            plans = [p for p in plans if where[id(p)] in choice.chosen]
            plans, more = _together(plans, left, self.uses, suppressed, modules)
            left += more
        return plans, left

    def _suppressed_packages(self) -> set[str]:
        """The modules of the import statements a ``# noqa`` keeps at module level."""
        packages: set[str] = set()
        lines = self.facts.lines
        for (line, _col), located in self.located.items():
            node = located.node
            relative = isinstance(node, ast.ImportFrom) and node.level > 0
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or relative or not 0 < line <= len(lines):
                continue
            if comment_suppresses("QF001", lines[line - 1], ("TID253",)):
                modules = (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                )
                packages.update(modules)
        return packages

    def _statement(self, target: Target) -> str | None:
        """Find the target's statement and check where it is; ``None`` when it may be fixed."""
        finding = target.finding
        located = self.located.get((finding.line, finding.col))
        if located is None:
            return NOT_FOUND
        node = located.node
        if isinstance(node, ast.Call):
            return DUNDER_IMPORT_CALL if dotted_name(node.func) == "__import__" else IMPORT_CALL
        assert isinstance(node, (ast.Import, ast.ImportFrom))
        if any(alias.name == "*" for alias in node.names):
            return STAR_IMPORT
        reason = _where_reason(located, self.facts.tree)
        if reason:
            return reason
        heavy = _heavy_aliases(node, target.modules, self.facts.package)
        if not heavy:
            return NOT_FOUND
        self.statements[id(node)] = (finding, node, heavy)
        return None

    def _block_of(self, statement: ImportNode, finding_ids: set[int]) -> OptionalBlock | str | None:
        for block in self.facts.tree.body:
            if isinstance(block, ast.Try) and statement in block.body:
                if id(block) not in self.blocks:
                    self.blocks[id(block)] = optional_block(block, finding_ids)
                return self.blocks[id(block)]
        return None

    def _lazy(self, statement: ImportNode, heavy: list[ast.alias]) -> str | bool:
        """``True`` when ``lazy`` fixes it, a reason when it would but cannot be proven,
        ``False`` when it does not apply."""
        target = self.facts.target_version
        if target is None or target < (3, 15) or statement not in self.facts.tree.body:
            return False
        at_import = {USED_AT_MODULE_LEVEL, USED_IN_CLASS_BODY, USED_IN_DECORATOR, USED_IN_DEFAULT}
        at_import |= {USED_IN_DOCTEST, READ_DYNAMICALLY, USED_IN_FINALIZER}
        for alias in heavy:
            uses = self.uses[bound_name(alias, statement)]
            if uses.blockers & at_import or uses.runtime_annotations:
                return False
        if not at_import_supports_lazy():
            return LAZY_NEEDS_PYTHON
        if not libcst_supports_lazy():
            return LAZY_NEEDS_LIBCST
        return True

    def _plan(
        self, finding: Finding, statement: ImportNode, heavy: list[ast.alias], finding_ids: set[int]
    ) -> StatementPlan | str:
        light = tuple(alias for alias in statement.names if alias not in heavy)
        first_party = finding in self.first_party
        loading = loading_readers(self.facts.readers, self.modules[finding], first_party=first_party)
        if loading:
            return read_elsewhere(READ_THROUGH_SYS_MODULES, loading)
        lazy = self._lazy(statement, heavy)
        if isinstance(lazy, str):
            return lazy
        if lazy:
            return StatementPlan(
                finding, statement, tuple(HeavyName(a, bound_name(a, statement)) for a in heavy), lazy=True
            )
        if self.facts.torchscript and any(m.split(".", 1)[0] == "torch" for m in self.modules[finding]):
            return TORCHSCRIPT
        block = self._block_of(statement, finding_ids)
        if isinstance(block, str):
            return block
        facts = self.facts
        names: list[HeavyName] = []
        future = False
        unsafe = UNSAFE_OPTIONAL if block is not None else ""
        if finding in self.first_party:
            unsafe = unsafe or UNSAFE_FIRST_PARTY
        for alias in heavy:
            name = bound_name(alias, statement)
            uses = self.uses[name]
            if uses.blocker:
                return uses.blocker
            if block is not None and uses.none_tested:
                return NONE_TESTED
            listed = facts.all_names is not None and name in facts.all_names
            # A public name imported from the project's own module is part of this module's
            # API (``pkg.chemistry.Expr``): it stays readable, loaded on first access.
            own_api = (
                finding in self.first_party
                and not name.startswith("_")
                and (facts.all_names is None or listed)
            )
            if listed and not own_api and (not facts.is_package_init or block is not None):
                return EXPORTED_THROUGH_ALL
            if facts.computed_all:
                return COMPUTED_ALL
            exported = block is None and ((facts.is_package_init and (listed or uses.unused)) or own_api)
            if exported:
                if facts.defines_getattr:
                    return HAS_GETATTR
                if name in facts.needed_early:
                    return NEEDED_EARLY
                if isinstance(statement, ast.Import) and not alias.asname and "." in alias.name:
                    return SUBMODULE_REEXPORT
                unsafe = unsafe or UNSAFE_EXPORT
            star_exports = facts.all_names is None
            outside = outside_readers(facts.readers, name, exported=exported, star_exports=star_exports)
            if outside:
                return read_elsewhere(READ_FROM_ANOTHER_MODULE, outside)
            annotations = uses.typing or uses.runtime_annotations
            if annotations and facts.reads_annotations:
                return ANNOTATIONS_READ_AT_RUNTIME
            if uses.annotation_read:
                return USED_IN_FIELD_TYPES if uses.field_types else BASE_MAY_READ_ANNOTATIONS
            if uses.runtime_annotations:
                future = True
                unsafe = unsafe or UNSAFE_FUTURE
            if uses.unused and not exported:
                unsafe = unsafe or UNSAFE_REMOVE
            places = late_places(uses, block.flags) if block is not None else self._after_locals(uses)
            if places is None:
                return READ_DYNAMICALLY
            submodule = _submodule(statement, alias, facts)
            names.append(
                HeavyName(alias, name, uses.functions, annotations or exported, exported, places, submodule)
            )
        return StatementPlan(
            finding,
            statement,
            tuple(names),
            light,
            False,
            block if block is not None else None,
            future,
            unsafe,
        )


def at_import_supports_lazy() -> bool:
    """True when the running Python parses ``lazy import`` (read when asked, so tests can
    patch :data:`~qemlflow_lint.analysis.at_import.SUPPORTS_LAZY_IMPORTS`)."""
    return at_import.SUPPORTS_LAZY_IMPORTS


def libcst_supports_lazy() -> bool:
    """True when the installed libcst has PEP 810 nodes (libcst 1.9 and newer)."""
    return hasattr(cst, "LazyImport") and hasattr(cst, "LazyImportFrom")


def _allowed_binding(plan: StatementPlan, name: str, node: ast.AST, fixed: dict[int, StatementPlan]) -> bool:
    """True when ``node``, a module-level binding of ``name``, goes with ``plan``: the
    statement itself, a fallback of its optional block, an import of the same block, or
    another fixed ``import name.sub`` when ``plan``'s is one too."""
    if node is plan.statement:
        return True
    block = plan.optional
    if block is not None and (id(node) in block.fallbacks or node in block.imports):
        return id(node) in fixed or id(node) in block.fallbacks
    other = fixed.get(id(node))
    if other is None or other.lazy or not isinstance(node, ast.Import):
        return False
    return _plain(plan.statement, name) and _plain(node, name)


def _plain(statement: ImportNode, name: str) -> bool:
    """True when every alias binding ``name`` is a plain ``import name`` / ``import name.sub``."""
    if not isinstance(statement, ast.Import):
        return False
    binding = [a for a in statement.names if bound_name(a, statement) == name]
    return bool(binding) and all(not a.asname for a in binding)


def first_party_targets(
    tree: ast.Module,
    positions: Collection[tuple[int, int]],
    module: str,
    package: str,
    heavy: Collection[str],
) -> list[Target]:
    """The import statements of one module (the ones at ``positions``) that run a project
    module whose import loads a heavy module (``heavy``), each with the modules whose names
    it must defer: a ``from`` statement's whole module when that (or a package above it) is
    one, else the submodules it binds that are (``from . import core``); an ``import a.b``
    alias when ``a`` or ``a.b`` is. The module's own packages never count: Python has
    already run them."""
    own = set(_parents(module)) | ({package} if package else set())
    targets: list[Target] = []
    for node in every_node(tree):
        if (
            not isinstance(node, (ast.Import, ast.ImportFrom))
            or (node.lineno, node.col_offset) not in positions
        ):
            continue
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [
                a.name for a in node.names if any(p in heavy and p not in own for p in _parents(a.name))
            ]
        else:
            absolute = absolute_module(node, package)
            if absolute and any(p in heavy and p not in own for p in _parents(absolute)):
                modules = [absolute]
            elif absolute:
                modules = [f"{absolute}.{a.name}" for a in node.names if f"{absolute}.{a.name}" in heavy]
        if modules:
            names = ", ".join(modules)
            message = f"imports {names}, which loads a heavy module at import time"
            finding = Finding(node.lineno, node.col_offset, FIRST_PARTY_CODE, message)
            targets.append(Target(finding, tuple(modules), first_party=True))
    return targets


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def qf001_targets(findings: Sequence[Finding]) -> list[Target]:
    """The targets of QF001 findings: the heavy modules each names (``scipy.linalg``, ``torch``)."""
    return [Target(finding, reported_modules(finding.message)) for finding in findings]


def _with_what_they_load(modules: set[str]) -> set[str]:
    """``modules`` and every heavy package they load (see :data:`LOADS_TOO`)."""
    found = set(modules)
    pending = [module.split(".", 1)[0] for module in modules]
    while pending:
        for loaded in LOADS_TOO.get(pending.pop(), frozenset()):
            if loaded not in found:
                found.add(loaded)
                pending.append(loaded)
    return found


def _loaded_anyway(module: str, staying: set[str]) -> bool:
    """True when importing the ``staying`` modules already loads ``module``: it is one of
    them or a package of one (``import scipy.special`` loads ``scipy``), or its package
    imports all of itself eagerly (:data:`EAGER_PACKAGES`: ``import torch.nn`` loads
    ``torch.optim``). ``import scipy.special`` does not load ``scipy.linalg``."""
    top = module.split(".", 1)[0]
    return any(
        other == module
        or other.startswith(module + ".")
        or (top in EAGER_PACKAGES and other.split(".", 1)[0] == top)
        for other in staying
    )


def _together(
    plans: list[StatementPlan],
    left: list[Left],
    uses: dict[str, NameUses],
    suppressed: set[str],
    modules: Mapping[Finding, Sequence[str]],
) -> tuple[list[StatementPlan], list[Left]]:
    """Leave, until nothing changes, the plans whose names another binding keeps at module
    level, the optional blocks not every import of which can move, and the statements
    whose package another import still loads at import time (``suppressed``: the packages
    of the ``# noqa`` ones): moving ``from torch import Tensor`` gains nothing while
    ``import torch`` (or ``import lightning``) stays."""
    more: list[Left] = []
    while True:
        fixed = {id(plan.statement): plan for plan in plans}
        staying = set(suppressed)
        for item in [*left, *more]:
            staying.update(modules.get(item.finding, ()))
        staying = _with_what_they_load(staying)
        keep: list[StatementPlan] = []
        for plan in plans:
            reason = _together_reason(plan, fixed, uses)
            if reason is None and any(_loaded_anyway(module, staying) for module in modules[plan.finding]):
                reason = PACKAGE_STAYS
            if reason:
                more.append(Left(plan.finding, reason))
            else:
                keep.append(plan)
        if len(keep) == len(plans):
            return plans, more
        plans = keep


def _together_reason(
    plan: StatementPlan, fixed: dict[int, StatementPlan], uses: dict[str, NameUses]
) -> str | None:
    if plan.optional is not None and any(id(s) not in fixed for s in plan.optional.imports):
        return TRY_KEEPS_IMPORT
    if plan.lazy:
        return None
    for heavy in plan.heavy:
        for _top, node in uses[heavy.name].bindings:
            if not _allowed_binding(plan, heavy.name, node, fixed):
                return REBOUND_AT_MODULE_LEVEL
    return None


def plan_fixes_both(
    facts: ModuleFacts, targets: Sequence[Target]
) -> tuple[tuple[list[StatementPlan], list[Left]], tuple[list[StatementPlan], list[Left]]]:
    """The plans and the findings left in the safe mode, then in the unsafe mode, from one
    look at the module."""
    decider = _Decider(facts, targets, False, None)
    safe = decider.decide()
    return safe, decider.unsafe_result


def plan_fixes(
    facts: ModuleFacts, targets: Sequence[Target], unsafe: bool, choice: Choice | None = None
) -> tuple[list[StatementPlan], list[Left]]:
    """The plans of the targets that can be deferred (with ``unsafe``: unsafe ones too) and
    the findings left, with their reasons. With a ``choice``, only the statements it chose
    are deferred; the others are left with the reason it gives."""
    return _Decider(facts, targets, unsafe, choice).decide()
