"""What a def's docstring says its parameters and return are, as types.

The docstring is read by `docstring-parser <https://pypi.org/project/docstring-parser/>`_
(numpydoc, Google and reST, whichever fits it best). ``__init__`` takes the parameters its
class documents when it documents none itself (numpydoc's habit). ``x, y : float``
documents both; ``*args`` and ``**kwargs`` are found with or without their stars.

The words become a union of :class:`Ref` (qualified names), in numpydoc's vocabulary:

* ``int``/``integer``, ``float``, ``str``/``string``, ``bool``/``boolean``, ``complex``,
  ``bytes``, ``dict``, ``list``, ``tuple``, ``set``, ``object``, ``None``;
* ``callable``/``function`` → ``collections.abc.Callable``;
* ``ndarray``, ``np.ndarray``, ``numpy.ndarray``, ``numpy array`` → ``numpy.ndarray``;
  ``array_like``/``array-like`` → ``numpy.typing.ArrayLike``;
* ``DataFrame``, ``Series``, ``DatetimeIndex``, ``Timestamp``, ``Timedelta`` (bare, or
  after ``pandas.``/``pd.``) → the pandas class; ``datetime`` → ``datetime.datetime``;
* ``list of str`` (or ``list[str]``) → ``list[str]``, ``tuple of int`` → ``tuple[int, ...]``,
  ``dict[str, float]`` and other subscripted builtins as written, except ``tuple[str]``:
  a docstring means a tuple of ``str`` by it (``tuple[str, ...]``), not a tuple of one;
* ``X or Y``, ``X | Y`` and ``X, Y or Z`` → a union; ``{'a', 'b'}`` (a set of choices) →
  ``str`` (``int`` for numbers): ``Literal[...]`` would be narrower than what callers pass
  (a string read from a configuration file is a ``str``, never a literal type);
* ``, optional`` (numpydoc's marker of a parameter with a default: it does not admit
  ``None``), ``, default 0``, and ``, shape (n,)`` or ``, dtype ...`` qualifiers say
  nothing more about the type and are dropped;
* a class name (``Location``, ``pkg.mod.Box``) when the module can name it (``resolve``).

Anything else (``numeric``, ``scalar``, ``DataFrame-like``, ``path-like``, a class the
module cannot name) is not guessed: the item's :class:`DocType` has no union, and the fix
leaves it with a reason that names the docstring's words.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Callable, NamedTuple

import docstring_parser

from qemlflow_lint.analysis.defs import AnyDef


class Ref(NamedTuple):
    """One type of a union: a qualified name (``int``, ``None``, ``numpy.ndarray``,
    ``pkg.mod.Box``) and its type arguments (``...`` is :data:`ELLIPSIS`)."""

    name: str
    args: tuple[Ref, ...] = ()


#: The ``...`` of ``tuple[int, ...]``.
ELLIPSIS = Ref("...")
NONE = Ref("None")
#: A union: the types one item may have (empty: the docstring's words are not understood).
Union = tuple[Ref, ...]
#: A class name's qualified name where the module can name it, else ``None``.
Resolver = Callable[[str], "str | None"]


class DocType(NamedTuple):
    """What a docstring says one item is: its words, and the union they mean (empty when
    the words are not understood)."""

    words: str
    union: Union = ()


class Documented(NamedTuple):
    """A def's documented types: each parameter's by QF002's name of it (``x``,
    ``*args``, ``**kwargs``), and each documented return (several: the def returns a
    tuple of them)."""

    params: Mapping[str, DocType]
    returns: tuple[DocType, ...] = ()


NOTHING = Documented({})

#: The builtin types by their docstring names (lower case).
_BUILTINS = {
    "int": "int",
    "integer": "int",
    "float": "float",
    "str": "str",
    "string": "str",
    "bool": "bool",
    "boolean": "bool",
    "complex": "complex",
    "bytes": "bytes",
    "dict": "dict",
    "dictionary": "dict",
    "list": "list",
    "tuple": "tuple",
    "set": "set",
    "frozenset": "frozenset",
    "object": "object",
    "none": "None",
    "callable": "collections.abc.Callable",
    "function": "collections.abc.Callable",
}
#: Well-known library types by their docstring names (lower case, spaces for ``_``/``-``).
_LIBRARY = {
    **dict.fromkeys(
        ("ndarray", "np.ndarray", "numpy.ndarray", "numpy array", "np.array", "numpy.array", "numpy ndarray"),
        "numpy.ndarray",
    ),
    **dict.fromkeys(
        ("array like", "arraylike", "numpy.typing.arraylike", "npt.arraylike"), "numpy.typing.ArrayLike"
    ),
    "datetime": "datetime.datetime",
    "datetime.datetime": "datetime.datetime",
    "datetime.date": "datetime.date",
    "datetime.timedelta": "datetime.timedelta",
    "collections.abc.callable": "collections.abc.Callable",
    "typing.callable": "collections.abc.Callable",
}
for _name in ("DataFrame", "Series", "DatetimeIndex", "Timestamp", "Timedelta"):
    for _prefix in ("", "pandas.", "pd.", "pandas "):
        _LIBRARY[(_prefix + _name).lower()] = f"pandas.{_name}"
_LIBRARY["pandas.index"] = _LIBRARY["pd.index"] = "pandas.Index"

#: The generic builtins a docstring may subscript, and how many arguments they take.
_GENERICS = {"list": 1, "set": 1, "frozenset": 1, "dict": 2, "tuple": -1}
#: The qualifiers after a comma that say nothing about the type.
_QUALIFIERS = ("optional", "default", "shape", "dtype", "ndim", "length", "len ", "size")
#: A Sphinx role around a name (``:class:`~pandas.DataFrame```) and the backticks left.
_ROLE = re.compile(r":[\w:.]+:`~?([^`]*)`")
_IDENTIFIER = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*\Z")
#: The parameter kinds of a docstring's sections that document the def's parameters.
_PARAMETER_SECTIONS = frozenset({"param", "parameter", "arg", "argument", "key", "keyword", "other_param"})
#: A numpydoc line that underlines a section title docstring-parser did not recognise.
_UNDERLINE = re.compile(r"[-=~^:*\s]+\Z")


def _split(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets, braces and quotes."""
    parts, depth, quote, start, index = [], 0, "", 0, 0
    while index < len(text):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


def _choices(text: str) -> Union:
    """``{'a', 'b'}``: ``str`` (``int`` for numbers; ``None`` kept); empty when mixed."""
    try:
        values = ast.literal_eval(f"[{text[1:-1]}]")
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return ()
    kinds = {type(value) for value in values if value is not None}
    if not values or len(kinds) != 1 or kinds.pop() not in (str, int):
        return ()
    plain = Ref(type(next(v for v in values if v is not None)).__name__)
    return (plain, NONE) if None in values else (plain,)


def _subscripted(expression: ast.expr, resolve: Resolver) -> Ref | None:
    """A type written as Python (``list[str]``, ``dict[str, float]``, ``pandas.DataFrame``)."""
    if isinstance(expression, ast.Constant) and expression.value in (None, Ellipsis):
        return NONE if expression.value is None else ELLIPSIS
    if isinstance(expression, ast.Subscript):
        base = _subscripted(expression.value, resolve)
        if base is None or base.args or base.name not in _GENERICS:
            return None
        items = expression.slice.elts if isinstance(expression.slice, ast.Tuple) else [expression.slice]
        args = [_subscripted(item, resolve) for item in items]
        wanted = _GENERICS[base.name]
        if any(arg is None for arg in args) or (wanted > 0 and len(args) != wanted):
            return None
        if ELLIPSIS in args and (base.name != "tuple" or args.index(ELLIPSIS) != 1 or len(args) != 2):
            return None
        if base.name == "tuple" and len(args) == 1:
            args.append(ELLIPSIS)  # a docstring's "tuple[str]" means a tuple of str, not one str
        return Ref(base.name, tuple(arg for arg in args if arg is not None))
    if isinstance(expression, (ast.Name, ast.Attribute)):
        found = _named(ast.unparse(expression), resolve)
        return found[0] if len(found) == 1 else None
    return None


def _named(word: str, resolve: Resolver) -> Union:
    """One name: a builtin, a library type, or a class the module can name."""
    lowered = word.lower()
    if lowered in _BUILTINS:
        return (Ref(_BUILTINS[lowered]),)
    # The module's own class of that name first: its ``DataFrame`` may not be pandas'.
    if _IDENTIFIER.match(word) and word.rsplit(".", 1)[-1][:1].isupper():
        qualified = resolve(word)
        if qualified:
            return (Ref(qualified),)
    for key in (lowered, lowered.replace("_", " ").replace("-", " ")):
        if key in _LIBRARY:
            return (Ref(_LIBRARY[key]),)
    return ()


def _container(word: str, resolve: Resolver) -> Union:
    """``list of str`` → ``list[str]``; ``tuple of int`` → ``tuple[int, ...]``."""
    head, _, rest = word.partition(" of ")
    kind = _BUILTINS.get(head.strip().lower())
    if kind not in ("list", "tuple", "set", "frozenset"):
        return ()
    inner = _member(rest.strip(), resolve)
    if len(inner) != 1 or inner[0] == NONE:
        return ()
    return (Ref(kind, (inner[0], ELLIPSIS) if kind == "tuple" else (inner[0],)),)


def _member(word: str, resolve: Resolver) -> Union:
    """One member of a union, or empty when it is not understood."""
    word = word.strip().strip("`").strip()
    if word.startswith("{") and word.endswith("}"):
        return _choices(word)
    if len(word) > 1 and word[0] in "'\"" and word[-1] == word[0]:
        return (Ref("str"),)  # one documented value: "list or 'all'"
    if " of " in word:
        return _container(word, resolve)
    if "[" in word:
        try:
            expression = ast.parse(word, mode="eval").body
        except SyntaxError:
            return ()
        found = _subscripted(expression, resolve)
        return (found,) if found is not None else ()
    return _named(word, resolve)


def _members(words: str) -> list[str]:
    """The members a type's words list: ``X or Y``, ``X | Y``, ``X, Y or Z``; the
    qualifiers after a comma (``optional``, ``default 0``, ``shape (n,)``) dropped."""
    members = []
    for index, part in enumerate(_split(words, ",")):
        lowered = part.lower()
        if index and lowered.startswith(_QUALIFIERS):
            continue
        if lowered.startswith("or "):
            part = part[3:]
        for alternative in _split(part, " or "):
            members.extend(_split(alternative, "|"))
    return members


def union_of(words: str, resolve: Resolver) -> Union:
    """The union a docstring's type words mean (see the module docstring), or ``()``."""
    text = _ROLE.sub(r"\1", words).replace("`", "").strip().rstrip(".").strip()
    if not text:
        return ()
    union: list[Ref] = []
    members = _members(text)
    if any(" of " in member for member in members) and len([m for m in members if m != "None"]) > 1:
        return ()  # "list of int or float": which one the "or" binds is not certain
    for member in members:
        found = _member(member, resolve)
        if not found:
            return ()
        union.extend(ref for ref in found if ref not in union)
    # None last, as annotations write it.
    return tuple(sorted(union, key=lambda ref: ref == NONE))


def union_annotation(union: Union, spell: Callable[[str], str]) -> str:
    """The annotation of a union, each qualified name written as ``spell`` says."""

    def one(ref: Ref) -> str:
        if ref.name in ("None", "..."):
            return ref.name
        if ref.name == "|":  # a union as a type argument: tuple[int | None, str]
            return " | ".join(one(arg) for arg in ref.args)
        name = spell(ref.name)
        return f"{name}[{', '.join(one(arg) for arg in ref.args)}]" if ref.args else name

    return " | ".join(one(ref) for ref in union)


def names_in(union: Union) -> set[str]:
    """Every qualified name a union uses (``None`` and ``...`` are not names)."""
    found: set[str] = set()
    stack = list(union)
    while stack:
        ref = stack.pop()
        if ref.name not in ("None", "...", "|"):
            found.add(ref.name)
        stack.extend(ref.args)
    return found


_A_LINE_STARTS_WITH_COLON = re.compile(r"^\s*:", re.MULTILINE)
_A_LINE_ENDS_WITH_COLON = re.compile(r":[ \t\r\f\v]*$", re.MULTILINE)
_A_LINE_STARTS_WITH_AT = re.compile(r"^\s*@", re.MULTILINE)
#: Each docstring style, in the order ``docstring_parser``'s automatic choice tries them
#: (of two styles that find as many sections, the first wins), with a test that is true of
#: every text in which the style can find a section: the others need no parse.
_STYLES: tuple[tuple[docstring_parser.DocstringStyle, Callable[[str], bool]], ...] = (
    (docstring_parser.DocstringStyle.REST, lambda text: _A_LINE_STARTS_WITH_COLON.search(text) is not None),
    (docstring_parser.DocstringStyle.GOOGLE, lambda text: _A_LINE_ENDS_WITH_COLON.search(text) is not None),
    (docstring_parser.DocstringStyle.NUMPYDOC, lambda text: "----" in text or ".." in text),
    (docstring_parser.DocstringStyle.EPYDOC, lambda text: _A_LINE_STARTS_WITH_AT.search(text) is not None),
)


@functools.lru_cache(maxsize=2048)
def _parsed(raw: str | None) -> docstring_parser.Docstring | None:
    """The docstring ``raw`` (as written: :func:`inspect.cleandoc` is done here, once per
    text), parsed in the style that finds the most sections, as ``docstring_parser``'s
    automatic choice has it, or ``None`` when no style finds one (cached: a fix's proof
    plans the fixed text again, with the same docstrings; the result is only read).

    Only the styles whose marks the text has are tried: a numpydoc docstring has no
    ``:param`` line, and parsing it in all four styles took most of the time."""
    import inspect  # as ast.get_docstring does: loaded when a docstring is read

    text = inspect.cleandoc(raw) if raw else ""
    if not text.strip():
        return None
    found = []
    for style, may_have_sections in _STYLES:
        if may_have_sections(text):
            try:
                with suppress(docstring_parser.ParseError):  # a style that cannot read it finds nothing
                    found.append(docstring_parser.parse(text, style))
            except (ValueError, IndexError, KeyError):
                return None
    best = max(found, key=lambda parsed: len(parsed.meta), default=None)
    return best if best is not None and best.meta else None


def _parameter_items(node: AnyDef) -> dict[str, str]:
    """QF002's item name of each parameter, by its bare name (``args`` → ``*args``)."""
    arguments = node.args
    items = {a.arg: a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    if arguments.vararg is not None:
        items[arguments.vararg.arg] = f"*{arguments.vararg.arg}"
    if arguments.kwarg is not None:
        items[arguments.kwarg.arg] = f"**{arguments.kwarg.arg}"
    return items


def _documented_params(parsed: docstring_parser.Docstring | None, items: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for param in parsed.params if parsed else ():
        if not param.args or param.args[0] not in _PARAMETER_SECTIONS or not param.type_name:
            continue
        for name in param.arg_name.split(","):
            bare = name.strip().lstrip("\\*").strip()
            if bare in items and items[bare] not in found:
                found[items[bare]] = param.type_name.strip()
    return found


def _documented_returns(parsed: docstring_parser.Docstring | None) -> list[str]:
    entries = [r for r in (parsed.many_returns if parsed else []) if not r.is_generator]
    words = [(r.type_name or "").strip() for r in entries]
    for index, text in enumerate(words):
        if _UNDERLINE.match(text):
            # The entry above was a section title (``See also``) read as a return.
            return words[: max(index - 1, 0)]
    return words


def documented(
    node: AnyDef, owner: ast.ClassDef | None, resolve: Resolver, unions: dict[str, Union] | None = None
) -> Documented:
    """What ``node``'s docstring (or, for ``__init__``, its class's) says its parameters
    and return are; ``owner`` is the class the def is a method of. ``unions``: the unions
    already read with this ``resolve``, by their words (a module's docstrings repeat the
    same few types)."""
    parsed = _parsed(ast.get_docstring(node, clean=False))
    items = _parameter_items(node)
    params = _documented_params(parsed, items)
    if node.name == "__init__" and owner is not None and not params:
        params = _documented_params(_parsed(ast.get_docstring(owner, clean=False)), items)
    known = {} if unions is None else unions

    def union(text: str) -> Union:
        found = known.get(text)
        if found is None:
            found = known[text] = union_of(text, resolve)
        return found

    returns = tuple(DocType(text, union(text)) for text in _documented_returns(parsed) if text)
    return Documented({item: DocType(text, union(text)) for item, text in params.items()}, returns)


#: The kinds of literal a default or a returned value can be.
LITERAL_KINDS = frozenset(
    {"bool", "int", "float", "complex", "str", "bytes", "None", "tuple", "list", "dict", "set"}
)
#: The literal kinds each type accepts besides its own (the numeric tower: a ``bool`` is an
#: ``int``, an ``int`` is accepted as a ``float``), by qualified name.
ACCEPTS_TOO: Mapping[str, frozenset[str]] = {
    "object": LITERAL_KINDS,
    "complex": frozenset({"bool", "int", "float"}),
    "float": frozenset({"bool", "int"}),
    "int": frozenset({"bool"}),
    "numpy.typing.ArrayLike": frozenset({"bool", "int", "float", "complex", "str", "bytes", "tuple", "list"}),
}


def accepts(union: Sequence[Ref], kind: str) -> bool:
    """True when a value of literal ``kind`` (``int``, ``None``, ``list`` …) is of the union."""
    own = kind in LITERAL_KINDS
    return any((own and ref.name == kind) or kind in ACCEPTS_TOO.get(ref.name, ()) for ref in union)
