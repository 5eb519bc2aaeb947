"""QF002 untyped-public-def."""

from __future__ import annotations

import ast

from qemlflow_lint.analysis.context import Scope, Where, def_is_public
from qemlflow_lint.analysis.defs import AnyDef, decorator_names
from qemlflow_lint.analysis.visitor import outside_functions
from qemlflow_lint.model.fixes import SAFE, UNSAFE, AutoFix
from qemlflow_lint.rules.base import MORE, SCRIPTS, TEST_FILES, RuffEquivalent, Rule


def missing_annotations(node: AnyDef, in_class: bool, decorators: frozenset[str] | None = None) -> list[str]:
    """Every unannotated parameter by name (``*args``, ``**kwargs`` marked) and ``return``.

    The first parameter of a method (``self``/``cls``) needs no annotation unless the
    method is a ``@staticmethod``; ``__init__`` needs no return annotation when it takes
    parameters (mypy counts ``def __init__(self):`` untyped without ``-> None``).
    """
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if decorators is None:
        decorators = decorator_names(node)
    if in_class and positional and "staticmethod" not in decorators:
        positional = positional[1:]
    missing = [a.arg for a in positional if a.annotation is None]
    if arguments.vararg is not None and arguments.vararg.annotation is None:
        missing.append(f"*{arguments.vararg.arg}")
    missing.extend(a.arg for a in arguments.kwonlyargs if a.annotation is None)
    if arguments.kwarg is not None and arguments.kwarg.annotation is None:
        missing.append(f"**{arguments.kwarg.arg}")
    # ``__init__`` needs no ``-> None`` once it has a parameter to annotate, as mypy sees it;
    # with none (``def __init__(self):``) mypy counts it untyped without one.
    takes_nothing = not (positional or arguments.vararg or arguments.kwonlyargs or arguments.kwarg)
    if node.returns is None and (node.name != "__init__" or takes_nothing):
        missing.append("return")
    return missing


class UntypedPublicDef(Rule):
    """Public functions and methods whose parameters or return are not all annotated.

    ## What it does
    Reports a public function or method with any unannotated parameter (``*args`` and
    ``**kwargs`` included) or no return annotation, and names every missing one.
    A def is public when its name has no leading underscore (dunders such as ``__call__``
    are public), every enclosing class is public, it is not nested in a function, its
    module is public (no module path part starting with ``_``), and, when the module has
    a literal ``__all__``, a module-level name is listed in it — or is what a listed alias
    names (``UFloat = AffineScalarFunc`` with ``"UFloat"`` listed makes the class public).

    The first parameter of a method (``self``/``cls``) is exempt unless the method is a
    ``@staticmethod``; ``__init__`` needs no return annotation when it takes parameters,
    as mypy sees it (``def __init__(self):`` needs ``-> None``). ``@overload``
    implementations (the stubs are checked instead), ``@no_type_check`` functions (and
    everything defined in a ``@no_type_check`` class, as :mod:`typing` applies it), test
    files and scripts are exempt.

    ## Why is this bad?
    A public function is an API. Without annotations, type checkers treat its callers'
    values as ``Any``, editors cannot complete or check calls, and readers must guess
    what it takes and returns.

    ## Example
    ```python
    def featurize(smiles, radius=2):
        ...
    ```

    ## Use instead
    ```python
    def featurize(smiles: str, radius: int = 2) -> list[int]:
        ...
    ```

    ## Options
    None.
    """

    code = "QF002"
    symbol = "untyped-public-def"
    category = "api"
    summary = "public function or method without complete type annotations"
    unit = "public def"
    pylint_id = "C7702"
    fixes = (
        AutoFix(
            "adds `-> None` where no value is returned, a literal scalar return type (`bool`, `int`, "
            "`float`, `str`, `bytes`) and the conventional dunder return types",
            SAFE,
        ),
        AutoFix(
            "types parameters and returns from numpydoc, Google and reST docstrings, never narrower than "
            "documented (an `int` default documented as `float` is `float`; types it does not know, such "
            "as `numeric`, are left and named); annotates undocumented parameters with a `bool`, `str` or "
            "`bytes` default (`flag=False` becomes `flag: bool = False`); every fix on a def whose "
            "decorators may read annotations at run time. No `-> None` on stubs, abstract methods, "
            "`Protocol` members or overrides whose other versions return values",
            UNSAFE,
        ),
        AutoFix(
            "with `--infer`: complete signatures from mypy's suggestions (`dmypy suggest`) without `Any`",
            UNSAFE,
        ),
    )
    weight = 2.0
    weight_reason = "a typed public API is checked by tools on every call site"
    fix = "annotate {n} {units} in {path}"
    headline = "Missing type hints: {v} of {o} public functions"
    exempt_files = frozenset({TEST_FILES, SCRIPTS})
    ruff = RuffEquivalent(
        ("ANN001", "ANN002", "ANN003", "ANN201", "ANN204", "ANN205", "ANN206"),
        MORE,
        "ANN reports each missing annotation at its parameter (QF002: one finding per def, at the def) "
        "and also checks what QF002 treats as private: underscore names, defs in private modules and "
        "packages, names left out of a literal `__all__`, defs nested in functions or in private "
        "classes. It checks `@no_type_check` functions and classes, and asks for `-> None` on an "
        "`__init__` whose parameters are all unannotated (QF002 names the parameters then). Both check "
        "`@overload` stubs and skip the implementation.",
    )

    def begin(self, tree: ast.Module) -> None:
        """Test files are not checked."""
        self.checked = not self.exempt
        self.candidates: list[tuple[AnyDef, Scope, frozenset[str]]] = []
        self.no_type_check_classes: list[str] = []

    @outside_functions
    def visit_ClassDef(self, node: ast.ClassDef, where: Where) -> None:
        """Remember ``@no_type_check`` classes: typing applies it to all they define."""
        if "no_type_check" in decorator_names(node):
            self.no_type_check_classes.append(where.scope.child("class", node.name, False).qualname)

    @outside_functions
    def visit_def(self, node: AnyDef, where: Where) -> None:
        """Collect public defs (``def`` and ``async def``); overloads are resolved once the
        whole scope is known."""
        if self.checked and def_is_public(node.name, where.scope, self.file):
            decorators = decorator_names(node)
            if "no_type_check" not in decorators and not self._in_no_type_check_class(where):
                self.candidates.append((node, where.scope, decorators))

    def _in_no_type_check_class(self, where: Where) -> bool:
        """True inside a ``@no_type_check`` class or a class nested in one (the walk
        visits a class before its body, so the class is already known)."""
        if where.scope.kind != "class":
            return False
        qualname = where.scope.qualname
        return any(qualname == name or qualname.startswith(name + ".") for name in self.no_type_check_classes)

    def finish(self) -> None:
        """Check every public def except ``@overload`` implementations."""
        overloaded = {
            (scope.qualname, node.name)
            for node, scope, decorators in self.candidates
            if "overload" in decorators
        }
        for node, scope, decorators in self.candidates:
            is_stub = "overload" in decorators
            if not is_stub and overloaded and (scope.qualname, node.name) in overloaded:
                continue
            self.units += 1
            in_class = scope.kind == "class"
            missing = missing_annotations(node, in_class, decorators)
            if missing:
                qualname = scope.child("function", node.name, True).qualname
                kind = "method" if in_class else "function"
                self.report(
                    node,
                    f"public {kind} '{qualname}' is missing type annotations: {', '.join(missing)}",
                    unit=f"{qualname}:{node.lineno}",
                )
