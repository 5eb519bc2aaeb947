"""Every node of a module's ``ast``, listed once per tree.

Planning a file's fixes asks many questions of the whole tree (which names are tested
against None, read in doctests or finalizers, bound with ``global`` …), and ``fix`` asks
them in several passes (the analysis, the callers' reads, QF001's plan, the fixers) of
the same kept tree. Each used to walk it again; walking costs more than reading a list,
so the list is made once per tree and kept as long as the tree lives.
"""

from __future__ import annotations

import ast
import weakref

#: The nodes below each tree asked about, for as long as the tree lives (the tree itself
#: is not among them: a value that held its key would keep it alive).
_below: weakref.WeakKeyDictionary[ast.AST, tuple[ast.AST, ...]] = weakref.WeakKeyDictionary()


def every_node(tree: ast.AST) -> tuple[ast.AST, ...]:
    """Every node of ``tree``, in :func:`ast.walk`'s order (the tree must not change).

    Breadth first, as :func:`ast.walk`, but reading each node's fields directly: a list
    that grows while it is read needs no queue, and the walk takes about half the time."""
    below = _below.get(tree)
    if below is None:
        below = _below[tree] = walk_tree(tree)[1:]
    return (tree, *below)


def walk_tree(tree: ast.AST) -> tuple[ast.AST, ...]:
    """Every node of ``tree``, in :func:`ast.walk`'s order, not kept (see :func:`every_node`)."""
    found: list[ast.AST] = [tree]
    append, extend = found.append, found.extend
    fields_of = _node_fields.get
    for node in found:
        fields = fields_of(node.__class__)
        for field in node_fields(node.__class__) if fields is None else fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                extend([item for item in value if isinstance(item, ast.AST)])
            elif isinstance(value, ast.AST):
                append(value)
    return tuple(found)


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """The direct children of ``node``, in :func:`ast.iter_child_nodes`' order: read from
    the node's fields in one loop, where that function nests two generators (most of the
    time of the walks that call it for every node)."""
    found: list[ast.AST] = []
    fields = _node_fields.get(node.__class__)
    for field in node_fields(node.__class__) if fields is None else fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            found.extend([item for item in value if isinstance(item, ast.AST)])
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


#: The fields that never hold a node, by the name of the node class: names, numbers,
#: constants and type comments (the grammar's identifiers, ints, strings and constants).
#: The walks skip them (a fifth of the fields read).
PLAIN_FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(fields)
    for name, fields in {
        "AnnAssign": ("simple",),
        "Assign": ("type_comment",),
        "AsyncFor": ("type_comment",),
        "AsyncFunctionDef": ("name", "type_comment"),
        "AsyncWith": ("type_comment",),
        "Attribute": ("attr",),
        "ClassDef": ("name",),
        "Constant": ("value", "kind"),
        "ExceptHandler": ("name",),
        "For": ("type_comment",),
        "FormattedValue": ("conversion",),
        "FunctionDef": ("name", "type_comment"),
        "Global": ("names",),
        "ImportFrom": ("module", "level"),
        "MatchAs": ("name",),
        "MatchClass": ("kwd_attrs",),
        "MatchMapping": ("rest",),
        "MatchSingleton": ("value",),
        "MatchStar": ("name",),
        "Name": ("id",),
        "Nonlocal": ("names",),
        "ParamSpec": ("name",),
        "TypeIgnore": ("lineno", "tag"),
        "TypeVar": ("name",),
        "TypeVarTuple": ("name",),
        "With": ("type_comment",),
        "alias": ("name", "asname"),
        "arg": ("arg", "type_comment"),
        "comprehension": ("is_async",),
        "keyword": ("arg",),
    }.items()
}
#: The fields of each node class that may hold nodes, as :func:`node_fields` found them.
_node_fields: dict[type, tuple[str, ...]] = {}


def node_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """The fields of the node class ``kind`` that may hold nodes, in their order (a class
    of :mod:`ast` by its name, without :data:`PLAIN_FIELDS`; any other, all its fields)."""
    fields = _node_fields.get(kind)
    if fields is None:
        plain = (
            PLAIN_FIELDS.get(kind.__name__, frozenset()) if getattr(ast, kind.__name__, None) is kind else ()
        )
        fields = _node_fields[kind] = tuple(field for field in kind._fields if field not in plain)
    return fields


#: The fields that hold statements, or the handlers and cases that do.
BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
#: The nodes that are not statements and hold some (``match`` cases from Python 3.10).
_HOLDERS: tuple[type[ast.AST], ...] = tuple(
    getattr(ast, name) for name in ("ExceptHandler", "match_case") if hasattr(ast, name)
)


def every_statement(tree: ast.AST) -> list[ast.stmt]:
    """Every statement below ``tree``, nested blocks, defs and classes included: the walk
    reads only the fields that hold statements, not the expressions (most of the nodes)."""
    found: list[ast.stmt] = []
    pending: list[ast.AST] = [tree]
    for node in pending:
        for field in BLOCK_FIELDS:
            value = getattr(node, field, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.stmt):
                        found.append(item)
                        pending.append(item)
                    elif isinstance(item, _HOLDERS):
                        pending.append(item)
    return found
