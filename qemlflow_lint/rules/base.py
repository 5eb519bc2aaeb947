"""The shape every rule has: a declaration (class attributes) plus visitor hooks.

A rule module defines one subclass of :class:`Rule`. Its docstring is the rule's
documentation, in the sections *What it does*, *Why is this bad?*, *Example*,
*Use instead* and *Options*; ``qemlflow-lint explain`` prints it and the README's rule
table is generated from the same attributes.

The engine makes one instance per file and calls ``visit_<NodeType>(node, where)`` for
every statement (and ``except`` handler) of that type, in source order, then
:meth:`Rule.finish`. A rule records findings with :meth:`Rule.report` and counts its
units (the score's denominator) in :attr:`Rule.units`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, ClassVar, Dict, List, NamedTuple, TypeVar

from qemlflow_lint.analysis.context import FileContext
from qemlflow_lint.model.findings import WHOLE_MODULE, Finding

if TYPE_CHECKING:
    from qemlflow_lint.project.graph import ImportGraph


HookMethod = TypeVar("HookMethod", bound=Callable[..., None])


def outside_functions(hook: HookMethod) -> HookMethod:
    """Mark a hook that can never report inside a function body (nothing there runs at
    import, and nothing there is public), so the walk skips it there. This keeps the one
    walk cheap: most statements of a project are in function bodies."""
    setattr(hook, "outside_functions", True)
    return hook


class RuleOption(NamedTuple):
    """One configuration key a rule reads, as documented by ``explain``."""

    key: str
    kind: str
    default: str
    help: str


class Visitor:
    """Anything that joins the engine's one walk: rules, and collectors of facts such as
    the import graph's edges. Hooks are ``visit_<NodeType>(node, where)`` methods."""

    #: ``(node type, method name, also inside functions)`` of every ``visit_<NodeType>``
    #: hook, found once per class.
    hooks: ClassVar[tuple[tuple[type[ast.AST], str, bool], ...]] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        found = []
        for name in dir(cls):
            node_type = getattr(ast, name[len("visit_") :], None) if name.startswith("visit_") else None
            if isinstance(node_type, type) and issubclass(node_type, ast.AST):
                inside = not getattr(getattr(cls, name), "outside_functions", False)
                found.append((node_type, name, inside))
        cls.hooks = tuple(found)

    def __init__(self, file: FileContext) -> None:
        self.file = file

    def begin(self, tree: ast.Module) -> None:
        """Called once before the walk."""

    def finish(self) -> None:
        """Called once after the walk; override for decisions that need the whole file."""


class Rule(Visitor):
    """Base class of every rule; see the module docstring for the protocol."""

    code: ClassVar[str]
    symbol: ClassVar[str]
    category: ClassVar[str]
    #: One line, shown by ``rules`` and in the README table.
    summary: ClassVar[str]
    #: What the score counts for this rule ("module", "public def", ...).
    unit: ClassVar[str]
    #: The pylint message id (letter + checker prefix + two digits).
    pylint_id: ClassVar[str]
    #: The pylint symbol: the rule's symbol, unless pylint already uses that name for a
    #: message of its own (then ``qf-`` + symbol, since pylint symbols are global).
    pylint_symbol: ClassVar[str] = ""
    #: The best-next-fix sentence, with ``{n}`` (violating units), ``{units}`` (the unit,
    #: pluralised when needed) and ``{path}``.
    fix: ClassVar[str] = "fix {n} {units} in {path}"
    options: ClassVar[tuple[RuleOption, ...]] = ()
    version_added: ClassVar[str] = "0.1.0"
    #: True for project rules, which need the whole project (the import graph) and run
    #: after the per-file walk, in the CLI only; the walk skips them.
    project: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.pylint_symbol:
            cls.pylint_symbol = cls.symbol

    def __init__(self, file: FileContext) -> None:
        super().__init__(file)
        self.findings: list[Finding] = []
        self.units = 0

    @classmethod
    def check(cls, graph: ImportGraph) -> Dict[str, List[Finding]]:
        """Project rules override this: their findings by module name, from the whole
        project's import graph (per-file rules report from the walk instead)."""
        return {}

    @classmethod
    def fix_text(cls, count: int, path: str) -> str:
        """The best-next-fix sentence for ``count`` violating units in ``path``."""
        units = cls.unit if count == 1 else f"{cls.unit}s"
        return cls.fix.format(n=count, units=units, path=path)

    def begin(self, tree: ast.Module) -> None:
        """Called once before the walk; override to count file-level units."""

    def report(self, node: ast.AST, message: str, unit: str = "<module>") -> None:
        """Record a finding at ``node``'s position."""
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        source = WHOLE_MODULE if isinstance(node, ast.Module) else ""
        self.findings.append(Finding(line, col, self.code, message, unit, source=source))
