"""What QF002's fix reads from docstrings: each style's parameters and returns, and the
annotation a docstring's type words mean (or that they mean none the fix may write)."""

from __future__ import annotations

import ast
import textwrap

import docstring_parser
import pytest

from qemlflow_lint.fix.annotation_types.docstring_types import _parsed, documented, union_annotation, union_of

#: The classes a module can name in these tests: ``Location`` (imported), ``Box`` (its own).
CLASSES = {"Location": "pkg.location.Location", "Box": "pkg.mod.Box", "pkg.mod.Box": "pkg.mod.Box"}

#: Docstring words → the annotation, qualified names in full ("" when not mapped).
WORDS = {
    "float": "float",
    "int": "int",
    "integer": "int",
    "str": "str",
    "string": "str",
    "bool": "bool",
    "boolean": "bool",
    "dict": "dict",
    "tuple": "tuple",
    "callable": "collections.abc.Callable",
    "None": "None",
    "list of str": "list[str]",
    "list[str]": "list[str]",
    "tuple of int": "tuple[int, ...]",
    "tuple[str]": "tuple[str, ...]",
    "tuple[int, str]": "tuple[int, str]",
    "dict[str, float]": "dict[str, float]",
    "numpy.ndarray": "numpy.ndarray",
    "np.ndarray": "numpy.ndarray",
    "ndarray": "numpy.ndarray",
    "pandas.DataFrame": "pandas.DataFrame",
    "pd.Series": "pandas.Series",
    "DataFrame": "pandas.DataFrame",
    "pandas.DatetimeIndex": "pandas.DatetimeIndex",
    "array_like": "numpy.typing.ArrayLike",
    "array-like": "numpy.typing.ArrayLike",
    "float or array-like": "float | numpy.typing.ArrayLike",
    "int or None": "int | None",
    "None or int": "int | None",
    "int | str": "int | str",
    "int, float or None": "int | float | None",
    "float, optional": "float",
    "int, default 0": "int",
    "float, shape (n,)": "float",
    "{'linear', 'cubic'}": "str",
    "{'linear', 'cubic'}, optional": "str",
    "{1, 2, 3}": "int",
    "{'a', None}": "str | None",
    "list or 'all'": "list | str",
    "list of str or None": "list[str] | None",
    ":class:`~pandas.DataFrame`": "pandas.DataFrame",
    "``float``": "float",
    "float.": "float",
    "Location": "pkg.location.Location",
    "pkg.mod.Box": "pkg.mod.Box",
    # Not guessed.
    "numeric": "",
    "scalar": "",
    "DataFrame-like": "",
    "path-like": "",
    "str or path-like": "",
    "array": "",
    "PVSystem": "",
    "list of int or float": "",
    "{'a', 1}": "",
    "float, non-negative": "",
    "See also": "",
}


def _resolve(word: str) -> str | None:
    return CLASSES.get(word)


@pytest.mark.parametrize(("words", "expected"), WORDS.items(), ids=list(WORDS))
def test_docstring_words_map_to_an_annotation_or_to_none(words: str, expected: str) -> None:
    union = union_of(words, _resolve)
    assert union_annotation(union, lambda name: name) == expected


def _def(source: str) -> tuple[ast.FunctionDef, ast.ClassDef | None]:
    tree = ast.parse(textwrap.dedent(source))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            owner = next((c for c in ast.walk(tree) if isinstance(c, ast.ClassDef) and node in c.body), None)
            return node, owner
    raise AssertionError("no def")


def _read(source: str) -> tuple[dict[str, str], list[str]]:
    node, owner = _def(source)
    found = documented(node, owner, _resolve)
    params = {
        item: union_annotation(doc.union, lambda name: name) or f"?{doc.words}"
        for item, doc in found.params.items()
    }
    return params, [
        union_annotation(doc.union, lambda name: name) or f"?{doc.words}" for doc in found.returns
    ]


STYLES = {
    "numpydoc": '''
        def f(x, y, z=None, *args, **kwargs):
            """F.

            Parameters
            ----------
            x, y : float
                Two of them.
            z : numeric, optional
            *args : int
            **kwargs : dict

            Returns
            -------
            out : numpy.ndarray
            """
        ''',
    "google": '''
        def f(x, y, z=None, *args, **kwargs):
            """F.

            Args:
                x (float): one.
                y (float): two.
                z (numeric, optional): three.
                *args (int): more.
                **kwargs (dict): options.

            Returns:
                numpy.ndarray: the result.
            """
        ''',
    "rest": '''
        def f(x, y, z=None, *args, **kwargs):
            """F.

            :param float x: one
            :param y: two
            :type y: float
            :param z: three
            :type z: numeric, optional
            :param args: more
            :type args: int
            :param kwargs: options
            :type kwargs: dict
            :rtype: numpy.ndarray
            """
        ''',
}


@pytest.mark.parametrize("style", STYLES)
def test_each_style_documents_the_parameters_and_the_return(style: str) -> None:
    params, returns = _read(STYLES[style])
    # numpydoc and Google parse the "optional" marker off; reST keeps it in the words.
    unknown = "?numeric, optional" if style == "rest" else "?numeric"
    assert params == {"x": "float", "y": "float", "z": unknown, "*args": "int", "**kwargs": "dict"}
    assert returns == ["numpy.ndarray"]


def test_init_takes_what_its_class_documents() -> None:
    params, returns = _read(
        '''
        class Box:
            """A box.

            Parameters
            ----------
            size : int
            """

            def __init__(self, size):
                self.size = size
        '''
    )
    assert params == {"size": "int"}
    assert returns == []


def test_several_returns_and_a_section_title_read_as_one() -> None:
    _, returns = _read(
        '''
        def f():
            """F.

            Returns
            -------
            low : float
            high : float

            See also
            --------
            g : another
            """
        '''
    )
    assert returns == ["float", "float"]


def test_a_docstring_without_sections_or_types_documents_nothing() -> None:
    assert _read('def f(x):\n    """Just prose about x."""\n') == ({}, [])
    assert _read(
        'def f(x):\n    """F.\n\n    Parameters\n    ----------\n    x\n        untyped.\n    """\n'
    ) == ({}, [])


EPYDOC = '''
    def f(x, y):
        """F.

        @param x: one
        @type x: float
        @param y: two
        @type y: int
        @rtype: numpy.ndarray
        """
    '''
#: Docstrings that carry the marks of two styles: a reST field in a numpydoc section, a
#: numpydoc underline after a Google section, a dashed rule in prose.
MIXED = {
    "numpydoc and reST": '''
        def f(x):
            """F.

            :param x: one
            :type x: int

            Parameters
            ----------
            x : float
            """
        ''',
    "Google and numpydoc": '''
        def f(x):
            """F.

            Args:
                x (float): one.

            Returns
            -------
            int
            """
        ''',
    "a rule in prose": '''
        def f(x):
            """F.

            ----
            x: float, as a note: not a section.
            """
        ''',
}


@pytest.mark.parametrize(
    "source", [*STYLES.values(), EPYDOC, *MIXED.values()], ids=[*STYLES, "epydoc", *MIXED]
)
def test_the_style_read_is_the_one_docstring_parser_would_choose(source: str) -> None:
    """Only the styles whose marks a docstring has are parsed; what is read is what
    ``docstring_parser``'s automatic choice of style reads."""
    node, _owner = _def(source)
    text = ast.get_docstring(node)
    assert text is not None
    auto = docstring_parser.parse(text)
    chosen = _parsed(ast.get_docstring(node, clean=False))  # cleaned as ast.get_docstring does
    shown = [(m.args, m.description, getattr(m, "type_name", None)) for m in auto.meta]
    assert (
        []
        if chosen is None
        else [(m.args, m.description, getattr(m, "type_name", None)) for m in chosen.meta]
    ) == shown


def test_epydoc_documents_the_parameters_and_the_return() -> None:
    assert _read(EPYDOC) == ({"x": "float", "y": "int"}, ["numpy.ndarray"])
