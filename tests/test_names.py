"""A name means one thing in the package: no two modules define the same public top-level
class or function, except the hooks every module of one kind defines on purpose."""

from __future__ import annotations

import ast
import functools
from collections import defaultdict

from tests.frontends import REPO

PACKAGE = REPO / "qemlflow_lint"

#: Names that each module of one kind defines for the same role; the reason says which kind.
SAME_ROLE: dict[str, str] = {
    "configure": "each CLI command's module adds its arguments to its subparser",
    "run": "each CLI command's module runs the parsed command and returns its exit code",
    "render": "each output format's module turns one report into that format's text",
    "plan": "each fixer module plans its rule's edits (`plan(source, unsafe) -> Plan`)",
    "loads": "each file format's module reads a document from text, as `json.loads` does",
    "render_json": "the score and the trend report each have a JSON emitter",
    "render_markdown": "the score and the trend report each have a Markdown emitter",
}

#: Names that still mean two different things, each with the modules that define it; the
#: list only shrinks: a new collision, or a module joining one of these, fails the test.
NOT_YET_RENAMED: dict[str, tuple[frozenset[str], str]] = {}


@functools.cache
def defined_names() -> dict[str, set[str]]:
    """Every public top-level class and function name of the package, with the modules
    (relative to the package) that define it (read once: the tests only read it)."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            defines = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            if isinstance(node, defines) and not node.name.startswith("_"):
                found[node.name].add(path.relative_to(PACKAGE).as_posix())
    return found


def test_no_two_modules_define_the_same_name() -> None:
    collisions = {
        name: sorted(modules)
        for name, modules in defined_names().items()
        if len(modules) > 1
        and name not in SAME_ROLE
        and not modules <= NOT_YET_RENAMED.get(name, (frozenset(),))[0]
    }
    assert not collisions, (
        "these names are defined by more than one module; give each a name that says what it "
        f"is (or, for a hook every module of one kind defines, list it in SAME_ROLE): {collisions}"
    )


def test_every_allowed_name_still_collides() -> None:
    names = defined_names()
    stale = sorted(name for name in [*SAME_ROLE, *NOT_YET_RENAMED] if len(names.get(name, ())) < 2)
    assert not stale, f"no longer defined twice, so drop them from the allow-lists: {stale}"
