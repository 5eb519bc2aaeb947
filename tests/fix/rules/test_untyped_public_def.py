"""QF002's fix, case by case: what each kind of def gets, safe and unsafe, and why the rest
is left. Each table holds named cases (as flake8-annotations keeps its edge cases): the
source, the text after ``fix`` and after ``fix --unsafe-fixes``, and the reasons left.

A case lives once: the fixture files of ``fixtures/fix/QF002/`` and their snapshots hold the
realistic ones (``tests/fix/test_snapshots.py``); these tables hold the small edge cases no
fixture has."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest

from qemlflow_lint.analysis.names import bindings
from qemlflow_lint.analysis.names.bindings import ModuleNames, def_sites, spelling
from qemlflow_lint.fix.annotation_types import return_types
from qemlflow_lint.fix.apply import FileFix, FixOptions, fix_text
from qemlflow_lint.fix.model import NEEDS_UNSAFE, FixSource, Left
from qemlflow_lint.fix.rules import untyped_public_def
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.settings import Settings
from tests.frontends import FIXTURES, REPO

#: A library module (public, not a test file), so QF002 reports its public defs.
PATH = "pkg/models.py"
SAME = "<same>"
NONE_LEFT: tuple[str, ...] = ()

PARAMS = untyped_public_def.NO_LITERAL_DEFAULT


class Case(NamedTuple):
    """A source; the text after the safe and the unsafe fix; the reasons left by each."""

    name: str
    source: str
    safe: str
    unsafe: str = SAME
    left: tuple[str, ...] = NONE_LEFT
    left_unsafe: tuple[str, ...] | str = SAME


def fix(source: str, unsafe: bool, target: tuple[int, int] | None = None) -> FileFix:
    """Fix QF002 alone in ``source``."""
    return fix_text(
        source, PATH, Settings(), FixOptions(unsafe=unsafe, codes={"QF002"}, target_version=target)
    )


def code(text: str) -> str:
    """A dedented snippet."""
    return textwrap.dedent(text).lstrip("\n")


RETURNS = [
    Case(
        "no_return_value_gets_none",
        code("def f(x):\n    print(x)\n"),
        code("def f(x) -> None:\n    print(x)\n"),
        left=(PARAMS,),
        left_unsafe=(PARAMS,),
    ),
    Case(
        "bare_return_and_return_none_are_none",
        code("def f():\n    if f:\n        return\n    return None\n"),
        code("def f() -> None:\n    if f:\n        return\n    return None\n"),
    ),
    Case(
        "return_of_a_name_is_unknown",
        code("def f():\n    return f\n"),
        code("def f():\n    return f\n"),
        left=(return_types.UNKNOWN_VALUE,),
    ),
    Case("literal_int", code("def f():\n    return 3\n"), code("def f() -> int:\n    return 3\n")),
    Case(
        "negative_literal", code("def f():\n    return -1.5\n"), code("def f() -> float:\n    return -1.5\n")
    ),
    Case("literal_bool", code("def f():\n    return False\n"), code("def f() -> bool:\n    return False\n")),
    Case("literal_bytes", code("def f():\n    return b'x'\n"), code("def f() -> bytes:\n    return b'x'\n")),
    Case(
        "f_string_is_str",
        code("def f():\n    return f'{f}'\n"),
        code("def f() -> str:\n    return f'{f}'\n"),
    ),
    Case(
        "a_builtins_call_is_its_type",
        code(
            "def f(x) -> None:\n    pass\ndef g():\n    return str(f)\ndef h():\n    return len(g()) or int('3')\n"
        ),
        code(
            "def f(x) -> None:\n    pass\ndef g() -> str:\n    return str(f)\ndef h():\n    return len(g()) or int('3')\n"
        ),
        left=(PARAMS, return_types.UNKNOWN_VALUE),
    ),
    Case(
        "a_rebound_builtin_call_is_unknown",
        code("def f(str='a'):\n    return str(1)\n"),
        code("def f(str='a'):\n    return str(1)\n"),
        code("def f(str: str = 'a'):\n    return str(1)\n"),
        left=(return_types.UNKNOWN_VALUE,),
    ),
    Case(
        "not_is_bool",
        code("def f():\n    return not f\n"),
        code("def f() -> bool:\n    return not f\n"),
    ),
    Case(
        "literals_of_two_types",
        code("def f():\n    if f:\n        return 1\n    return 'a'\n"),
        code("def f():\n    if f:\n        return 1\n    return 'a'\n"),
        left=(return_types.MIXED_LITERALS,),
    ),
    Case(
        "literal_that_may_fall_off_the_end",
        code("def f():\n    if f:\n        return 1\n"),
        code("def f():\n    if f:\n        return 1\n"),
        left=(return_types.MAY_RETURN_NONE,),
    ),
    Case(
        "literal_and_bare_return",
        code("def f():\n    if f:\n        return\n    return 1\n"),
        code("def f():\n    if f:\n        return\n    return 1\n"),
        left=(return_types.MAY_RETURN_NONE,),
    ),
    Case(
        "if_else_both_return",
        code("def f():\n    if f:\n        return 1\n    else:\n        return 2\n"),
        code("def f() -> int:\n    if f:\n        return 1\n    else:\n        return 2\n"),
    ),
    Case(
        "ends_with_raise",
        code("def f():\n    if f:\n        return 'a'\n    raise ValueError\n"),
        code("def f() -> str:\n    if f:\n        return 'a'\n    raise ValueError\n"),
    ),
    Case(
        "while_true_without_break",
        code("def f():\n    while True:\n        if f:\n            return 1\n"),
        code("def f() -> int:\n    while True:\n        if f:\n            return 1\n"),
    ),
    Case(
        "while_true_with_break_may_fall_off",
        code("def f():\n    while True:\n        if f:\n            break\n        return 1\n"),
        code("def f():\n    while True:\n        if f:\n            break\n        return 1\n"),
        left=(return_types.MAY_RETURN_NONE,),
    ),
    Case(
        "try_whose_body_and_handlers_return",
        code("def f():\n    try:\n        return 1\n    except OSError:\n        return 0\n"),
        code("def f() -> int:\n    try:\n        return 1\n    except OSError:\n        return 0\n"),
    ),
    Case(
        "with_block_may_swallow_and_fall_off",
        code("def f():\n    with f:\n        return 1\n"),
        code("def f():\n    with f:\n        return 1\n"),
        left=(return_types.MAY_RETURN_NONE,),
    ),
    Case(
        "nested_def_returns_do_not_count",
        code("def f():\n    def g():\n        return g\n    g()\n"),
        code("def f() -> None:\n    def g():\n        return g\n    g()\n"),
    ),
    Case(
        "lambda_does_not_count",
        code("def f():\n    g = lambda: 1\n    g()\n"),
        code("def f() -> None:\n    g = lambda: 1\n    g()\n"),
    ),
    Case(
        "nested_class_does_not_count",
        code("def f():\n    class C:\n        def m(self):\n            yield 1\n    return None\n"),
        code("def f() -> None:\n    class C:\n        def m(self):\n            yield 1\n    return None\n"),
    ),
    Case(
        "yield_in_a_nested_default_is_ours",
        code("def f():\n    def g(x=(yield)):\n        pass\n"),
        code("def f():\n    def g(x=(yield)):\n        pass\n"),
        left=(return_types.GENERATOR,),
    ),
    Case(
        "async_def",
        code("async def f():\n    await f()\n"),
        code("async def f() -> None:\n    await f()\n"),
    ),
    Case(
        "async_literal",
        code("async def f():\n    return 'done'\n"),
        code("async def f() -> str:\n    return 'done'\n"),
    ),
    Case(
        "stub_with_ellipsis_is_left",
        code("def f():\n    ...\n"),
        code("def f():\n    ...\n"),
        left=(return_types.STUB,),
    ),
    Case(
        "docstring_and_pass_stub_is_left",
        code('def f():\n    """Override me."""\n    pass\n'),
        code('def f():\n    """Override me."""\n    pass\n'),
        left=(return_types.STUB,),
    ),
    Case(
        "body_that_only_raises_is_left",
        code("def f():\n    raise NotImplementedError\n"),
        code("def f():\n    raise NotImplementedError\n"),
        left=(return_types.STUB,),
    ),
    Case(
        "one_line_stub_is_left",
        code("def f(): pass\n"),
        code("def f(): pass\n"),
        left=(return_types.STUB,),
    ),
]

DUNDERS = [
    Case(
        "init_without_parameters",
        code("class C:\n    def __init__(self):\n        pass\n"),
        code("class C:\n    def __init__(self) -> None:\n        pass\n"),
    ),
    Case(
        "init_with_parameters_needs_no_return",
        code("class C:\n    def __init__(self, name='x'):\n        self.name = name\n"),
        code("class C:\n    def __init__(self, name='x'):\n        self.name = name\n"),
        code("class C:\n    def __init__(self, name: str = 'x'):\n        self.name = name\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "len_is_int_whatever_it_returns",
        code("class C:\n    def __len__(self):\n        return self.n\n"),
        code("class C:\n    def __len__(self) -> int:\n        return self.n\n"),
    ),
    Case(
        "repr_bool_and_contains",
        code(
            "class C:\n    def __repr__(self):\n        return self.r\n"
            "    def __bool__(self):\n        raise TypeError\n"
            "    def __contains__(self, item: object):\n        return item in self.r\n"
        ),
        code(
            "class C:\n    def __repr__(self) -> str:\n        return self.r\n"
            "    def __bool__(self) -> bool:\n        raise TypeError\n"
            "    def __contains__(self, item: object) -> bool:\n        return item in self.r\n"
        ),
    ),
    Case(
        "setitem_stub_is_none_even_abstract",
        code("class C:\n    def __setitem__(self, key: str, value: int):\n        ...\n"),
        code("class C:\n    def __setitem__(self, key: str, value: int) -> None:\n        ...\n"),
    ),
    Case(
        "iter_generator_is_left",
        code("class C:\n    def __iter__(self):\n        yield 1\n"),
        code("class C:\n    def __iter__(self):\n        yield 1\n"),
        left=(return_types.GENERATOR,),
    ),
]

DECORATORS = [
    Case(
        "no_type_check_is_not_reported",
        code("from typing import no_type_check\n@no_type_check\ndef f(x=1):\n    pass\n"),
        code("from typing import no_type_check\n@no_type_check\ndef f(x=1):\n    pass\n"),
    ),
    Case(
        "property_getter_and_setter",
        code(
            "class C:\n    @property\n    def v(self):\n        self.log()\n"
            "    @v.setter\n    def v(self, value: int):\n        self.x = value\n"
        ),
        code(
            "class C:\n    @property\n    def v(self) -> None:\n        self.log()\n"
            "    @v.setter\n    def v(self, value: int) -> None:\n        self.x = value\n"
        ),
    ),
    Case(
        "abstract_style_property_is_left",
        code("class C:\n    @property\n    def v(self):\n        raise NotImplementedError\n"),
        code("class C:\n    @property\n    def v(self):\n        raise NotImplementedError\n"),
        left=(untyped_public_def.ABSTRACT_PROPERTY,),
    ),
    Case(
        "staticmethod_first_parameter_counts",
        code("class C:\n    @staticmethod\n    def f(on=True):\n        return 1\n"),
        code("class C:\n    @staticmethod\n    def f(on=True) -> int:\n        return 1\n"),
        code("class C:\n    @staticmethod\n    def f(on: bool = True) -> int:\n        return 1\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "classmethod_cls_is_exempt",
        code("class C:\n    @classmethod\n    def f(cls, name='x'):\n        cls.n = name\n"),
        code("class C:\n    @classmethod\n    def f(cls, name='x') -> None:\n        cls.n = name\n"),
        code("class C:\n    @classmethod\n    def f(cls, name: str = 'x') -> None:\n        cls.n = name\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "abstractmethod_gets_no_none",
        code("import abc\nclass C:\n    @abc.abstractmethod\n    def f(self):\n        self.log()\n"),
        code("import abc\nclass C:\n    @abc.abstractmethod\n    def f(self):\n        self.log()\n"),
        left=(return_types.ABSTRACT,),
    ),
    Case(
        "protocol_method_literal_is_unsafe",
        code("from typing import Protocol\nclass P(Protocol):\n    def f(self):\n        return 0\n"),
        code("from typing import Protocol\nclass P(Protocol):\n    def f(self):\n        return 0\n"),
        code("from typing import Protocol\nclass P(Protocol):\n    def f(self) -> int:\n        return 0\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "unknown_decorator_may_read_annotations",
        code("@app.route('/')\ndef index():\n    app.log()\n"),
        code("@app.route('/')\ndef index():\n    app.log()\n"),
        code("@app.route('/')\ndef index() -> None:\n    app.log()\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "inert_decorators_keep_it_safe",
        code("import functools\n@functools.lru_cache(maxsize=None)\ndef f():\n    return 1\n"),
        code("import functools\n@functools.lru_cache(maxsize=None)\ndef f() -> int:\n    return 1\n"),
    ),
]

PARAMETERS = [
    Case(
        "literal_defaults_of_each_type",
        code("def f(on=False, s='', b=b'', t=f'') -> None:\n    pass\n"),
        code("def f(on=False, s='', b=b'', t=f'') -> None:\n    pass\n"),
        code("def f(on: bool = False, s: str = '', b: bytes = b'', t: str = f'') -> None:\n    pass\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        # w=1 is as often an array's or a float's default: int would be narrower.
        "undocumented_number_defaults_are_left",
        code("def f(n=0, x=-1.5) -> None:\n    pass\n"),
        code("def f(n=0, x=-1.5) -> None:\n    pass\n"),
        left=(untyped_public_def.NUMBER_DEFAULT,),
    ),
    Case(
        "none_and_computed_defaults_are_left",
        code("def f(a=None, b=1 + 1, c=(1,)) -> None:\n    pass\n"),
        code("def f(a=None, b=1 + 1, c=(1,)) -> None:\n    pass\n"),
        left=(PARAMS,),
    ),
    Case(
        "args_and_kwargs_are_left",
        code("def f(*args, n=True, **kwargs) -> None:\n    pass\n"),
        code("def f(*args, n=True, **kwargs) -> None:\n    pass\n"),
        code("def f(*args, n: bool = True, **kwargs) -> None:\n    pass\n"),
        left=(PARAMS,),
        left_unsafe=(PARAMS,),
    ),
    Case(
        "positional_only_and_keyword_only",
        code("def f(a=b'', /, b='x', *, c=True) -> None:\n    pass\n"),
        code("def f(a=b'', /, b='x', *, c=True) -> None:\n    pass\n"),
        code("def f(a: bytes = b'', /, b: str = 'x', *, c: bool = True) -> None:\n    pass\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "spaced_equals_kept",
        code("def f(s = 'a') -> None:\n    pass\n"),
        code("def f(s = 'a') -> None:\n    pass\n"),
        code("def f(s: str = 'a') -> None:\n    pass\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "parameter_named_like_a_builtin",
        code("def f(bytes=b'') -> None:\n    pass\n"),
        code("def f(bytes=b'') -> None:\n    pass\n"),
        code("def f(bytes: bytes = b'') -> None:\n    pass\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
]

NAMES = [
    Case(
        "builtin_rebound_in_the_module",
        code("from numpy import float\ndef f():\n    return 1.0\n"),
        code("from numpy import float\ndef f():\n    return 1.0\n"),
        left=(bindings.REBOUND,),
    ),
    Case(
        "from_builtins_import_is_the_builtin",
        code("from builtins import str\ndef f():\n    return 'a'\n"),
        code("from builtins import str\ndef f() -> str:\n    return 'a'\n"),
    ),
]

LAYOUT = [
    Case(
        "default_on_its_own_line",
        code("def f(s=\n      'a') -> None:\n    pass\n"),
        code("def f(s=\n      'a') -> None:\n    pass\n"),
        code("def f(s: str =\n      'a') -> None:\n    pass\n"),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "crlf_line_endings",
        "def f(x=True):\r\n    print(x)\r\n",
        "def f(x=True) -> None:\r\n    print(x)\r\n",
        "def f(x: bool = True) -> None:\r\n    print(x)\r\n",
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "tab_indented_method",
        "class C:\n\tdef f(self):\n\t\treturn 1\n",
        "class C:\n\tdef f(self) -> int:\n\t\treturn 1\n",
    ),
    Case(
        "noqa_line_is_not_touched",
        code("def f():  # noqa: QF002\n    pass\ndef g():\n    print()\n"),
        code("def f():  # noqa: QF002\n    pass\ndef g() -> None:\n    print()\n"),
    ),
    Case(
        "private_and_nested_defs_are_not_reported",
        code("def _f():\n    pass\ndef g() -> None:\n    def h():\n        pass\n"),
        code("def _f():\n    pass\ndef g() -> None:\n    def h():\n        pass\n"),
    ),
]


def doc(params: str = "", returns: str = "") -> str:
    """A numpydoc docstring, indented for a def's body."""
    text = '    """F.\n'
    if params:
        text += "\n    Parameters\n    ----------\n" + "".join(f"    {line}\n" for line in params.split("\n"))
    if returns:
        text += "\n    Returns\n    -------\n" + "".join(f"    {line}\n" for line in returns.split("\n"))
    return text + '    """\n'


DOCSTRINGS = [
    Case(
        "int_default_documented_as_float_is_float",
        "def f(t0=0):\n" + doc("t0 : float") + "    print(t0)\n",
        "def f(t0=0) -> None:\n" + doc("t0 : float") + "    print(t0)\n",
        "def f(t0: float = 0) -> None:\n" + doc("t0 : float") + "    print(t0)\n",
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "unknown_documented_type_is_not_guessed_from_the_default",
        "def f(w=1):\n" + doc("w : numeric") + "    print(w)\n",
        "def f(w=1) -> None:\n" + doc("w : numeric") + "    print(w)\n",
        left=(return_types.unknown_words("numeric"),),
    ),
    Case(
        "optional_admits_no_none_a_none_default_does",
        "def f(a=2, b=None):\n" + doc("a : int, optional\nb : int, optional") + "    print(a, b)\n",
        "def f(a=2, b=None) -> None:\n" + doc("a : int, optional\nb : int, optional") + "    print(a, b)\n",
        'def f(a: int = 2, b: "int | None" = None) -> None:\n'
        + doc("a : int, optional\nb : int, optional")
        + "    print(a, b)\n",
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "a_parameter_the_body_rebinds_to_another_type_is_left",
        "def f(lat):\n" + doc("lat : float") + "    lat = str(lat)\n    print(lat)\n",
        "def f(lat) -> None:\n" + doc("lat : float") + "    lat = str(lat)\n    print(lat)\n",
        left=(untyped_public_def.REBOUND_TO_ANOTHER_TYPE,),
    ),
    Case(
        "a_default_the_docstring_contradicts_is_left",
        "def f(n=0.5):\n" + doc("n : int") + "    print(n)\n",
        "def f(n=0.5) -> None:\n" + doc("n : int") + "    print(n)\n",
        left=("the default is a float, documented as `int`",),
    ),
    Case(
        "documented_float_wins_over_a_literal_int_return",
        "def f():\n" + doc(returns="float") + "    return 0\n",
        "def f():\n" + doc(returns="float") + "    return 0\n",
        "def f() -> float:\n" + doc(returns="float") + "    return 0\n",
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "a_return_of_another_literal_type_is_left",
        "def f():\n" + doc(returns="int") + "    return 'a'\n",
        "def f():\n" + doc(returns="int") + "    return 'a'\n",
        left=("returns a str where the docstring says `int`",),
    ),
    Case(
        "several_documented_returns_are_a_tuple",
        "def f():\n" + doc(returns="a : int\nb : str") + "    return 1, 'b'\n",
        "def f():\n" + doc(returns="a : int\nb : str") + "    return 1, 'b'\n",
        "def f() -> tuple[int, str]:\n" + doc(returns="a : int\nb : str") + "    return 1, 'b'\n",
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "kwargs_documented_as_a_dict_is_the_collection",
        "def f(**kwargs):\n" + doc("**kwargs : dict") + "    print(kwargs)\n",
        "def f(**kwargs) -> None:\n" + doc("**kwargs : dict") + "    print(kwargs)\n",
        left=(untyped_public_def.STAR_COLLECTION,),
    ),
    Case(
        "args_documented_per_item",
        "def f(*values):\n" + doc("*values : float") + "    print(values)\n",
        "def f(*values) -> None:\n" + doc("*values : float") + "    print(values)\n",
        "def f(*values: float) -> None:\n" + doc("*values : float") + "    print(values)\n",
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "abstract_method_takes_its_documented_return",
        "import abc\nclass C(abc.ABC):\n    @abc.abstractmethod\n    def f(self):\n"
        + textwrap.indent(doc(returns="dict"), "    "),
        "import abc\nclass C(abc.ABC):\n    @abc.abstractmethod\n    def f(self):\n"
        + textwrap.indent(doc(returns="dict"), "    "),
        "import abc\nclass C(abc.ABC):\n    @abc.abstractmethod\n    def f(self) -> dict:\n"
        + textwrap.indent(doc(returns="dict"), "    "),
        left=(NEEDS_UNSAFE,),
        left_unsafe=NONE_LEFT,
    ),
    Case(
        "certain_code_wins_over_words_the_fix_cannot_read",
        "def f():\n" + doc(returns="numeric") + "    return float(f)\n",
        "def f() -> float:\n" + doc(returns="numeric") + "    return float(f)\n",
    ),
    Case(
        "a_concrete_stub_gets_no_documented_value_return",
        "def f():\n" + doc(returns="int") + "    pass\n",
        "def f():\n" + doc(returns="int") + "    pass\n",
        left=(return_types.STUB,),
    ),
    Case(
        "protocol_member_without_a_documented_return",
        "from typing import Protocol\nclass P(Protocol):\n    def f(self):\n        self.g()\n",
        "from typing import Protocol\nclass P(Protocol):\n    def f(self):\n        self.g()\n",
        left=(return_types.ABSTRACT,),
    ),
    Case(
        "none_on_an_override_whose_siblings_return_values_is_left",
        "class A:\n    def f(self):\n        raise NotImplementedError\n"
        "class B(A):\n    def f(self):\n        return 1\n"
        "class C(A):\n    def f(self):\n        print()\n",
        "class A:\n    def f(self):\n        raise NotImplementedError\n"
        "class B(A):\n    def f(self) -> int:\n        return 1\n"
        "class C(A):\n    def f(self):\n        print()\n",
        left=(return_types.STUB, return_types.OVERRIDES_RETURN),
    ),
]

TABLES = {"returns": RETURNS, "dunders": DUNDERS, "decorators": DECORATORS, "parameters": PARAMETERS}
TABLES.update({"names": NAMES, "layout": LAYOUT, "docstrings": DOCSTRINGS})
ALL = [pytest.param(case, id=f"{table}-{case.name}") for table, cases in TABLES.items() for case in cases]


@pytest.mark.parametrize("case", ALL)
def test_the_safe_fix(case: Case) -> None:
    result = fix(case.source, unsafe=False)
    assert not result.refused
    assert result.fixed == case.safe
    assert [left.reason for left in result.left] == list(case.left)


@pytest.mark.parametrize("case", ALL)
def test_the_unsafe_fix(case: Case) -> None:
    result = fix(case.source, unsafe=True)
    assert not result.refused
    assert result.fixed == (case.safe if case.unsafe == SAME else case.unsafe)
    expected = case.left if case.left_unsafe == SAME else case.left_unsafe
    assert [left.reason for left in result.left] == list(expected)


@pytest.mark.parametrize("case", ALL)
def test_a_fixed_file_compiles_keeps_its_lines_and_a_second_fix_changes_nothing(case: Case) -> None:
    for unsafe in (False, True):
        fixed = fix(case.source, unsafe).fixed
        compile(fixed, PATH, "exec", dont_inherit=True)
        assert fixed.count("\n") == case.source.count("\n")
        assert fix(fixed, unsafe).fixed == fixed


def test_what_each_fix_says() -> None:
    source = code(
        """
        def one(flag=False):
            print(flag)
        def two(a=False, b='x'):
            print(a)
        def three():
            return 'x'
        """
    )
    result = fix(source, unsafe=True)
    assert [(a.what, a.applicability, a.complete) for a in result.applied] == [
        ("added -> None; annotated flag: bool", "unsafe", True),
        ("added -> None; annotated 2 parameters", "unsafe", True),
        ("added -> str", "safe", True),
    ]
    safe = fix(source, unsafe=False)
    assert [(a.what, a.applicability, a.complete) for a in safe.applied] == [
        ("added -> None", "safe", False),
        ("added -> None", "safe", False),
        ("added -> str", "safe", True),
    ]


def test_a_partial_fix_is_both_applied_and_left() -> None:
    result = fix(code("def f(x):\n    print(x)\n"), unsafe=False)
    assert [(a.what, a.complete) for a in result.applied] == [("added -> None", False)]
    assert [left.reason for left in result.left] == [PARAMS]
    assert result.applied[0].finding == result.left[0].finding


def test_a_type_defined_later_is_quoted_unless_annotations_are_postponed() -> None:
    # mypy's suggestions name such types; the code alone writes builtins only.
    source = code("def f():\n    pass\nclass Box:\n    pass\n")
    tree = ast.parse(source)
    site = def_sites(tree)[1]
    assert spelling("Box", site, ModuleNames.of(tree), (3, 9)).text == '"Box"'
    assert spelling("int | None", site, ModuleNames.of(tree), (3, 9)).text == '"int | None"'
    assert spelling("int | None", site, ModuleNames.of(tree), (3, 10)).text == "int | None"
    assert spelling("Missing", site, ModuleNames.of(tree), (3, 9)).problem == bindings.NOT_IMPORTED
    postponed = ast.parse("from __future__ import annotations\n" + source)
    site = def_sites(postponed)[2]
    assert spelling("Box", site, ModuleNames.of(postponed), (3, 9)).text == "Box"


def test_findings_the_fixer_cannot_place_are_left() -> None:
    text = "x = 1\n"
    stray = Finding(1, 0, "QF002", "public function 'f' is missing type annotations: return", "f:1")
    plan = untyped_public_def.plan(FixSource(PATH, text, ast.parse(text), (stray,)), unsafe=True)
    assert plan.left == (Left(stray, untyped_public_def.NOT_FOUND),)
    assert plan.edits == {}


FRAME_DOC = doc(returns="pandas.DataFrame")


@pytest.mark.parametrize(
    ("header", "expected_header", "annotation"),
    [
        # pandas is heavy: quoted, so that QF001's fix may still defer the import.
        pytest.param(
            "import pandas as pd\n", "import pandas as pd\n", '"pd.DataFrame"', id="the_modules_import"
        ),
        pytest.param(
            "from pandas import DataFrame\n",
            "from pandas import DataFrame\n",
            '"DataFrame"',
            id="a_from_import",
        ),
        pytest.param(
            "import numpy as np\n", "import numpy as np\n", "dict", id="a_light_module_is_not_quoted"
        ),
        pytest.param(
            '"""M."""\n',
            '"""M."""\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import pandas as pd\n',
            '"pd.DataFrame"',
            id="an_import_added_under_type_checking_and_quoted",
        ),
        pytest.param(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas as pd\n",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas as pd\n",
            '"pd.DataFrame"',
            id="a_type_checking_import_is_quoted",
        ),
        pytest.param(
            "from __future__ import annotations\n",
            "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n    import pandas as pd\n",
            "pd.DataFrame",
            id="postponed_annotations_need_no_quotes",
        ),
        pytest.param(
            "import typing\nif typing.TYPE_CHECKING:\n    import numpy as np\n",
            "import typing\nif typing.TYPE_CHECKING:\n    import numpy as np\n    import pandas as pd\n",
            '"pd.DataFrame"',
            id="the_existing_type_checking_block_takes_it",
        ),
    ],
)
def test_a_documented_library_type_is_named_through_the_modules_imports(
    header: str, expected_header: str, annotation: str
) -> None:
    returned = "dict" if annotation == "dict" else "pandas.DataFrame"
    body = "\n\ndef f(data):\n" + doc("data : dict", returned) + "    return data\n"
    result = fix(header + body, unsafe=True, target=(3, 10))
    assert not result.refused
    assert result.fixed == expected_header + body.replace(
        "def f(data):", f"def f(data: dict) -> {annotation}:"
    )


def test_a_heavy_import_qf001_defers_stays_for_the_annotations_under_type_checking() -> None:
    source = code(
        '''
        """M."""
        import pandas as pd


        def load(path):
            """Load.

            Parameters
            ----------
            path : str

            Returns
            -------
            pandas.DataFrame
            """
            return pd.read_csv(path)
        '''
    )
    result = fix_text(source, PATH, Settings(), FixOptions(unsafe=True, target_version=(3, 10)))
    assert not result.refused, result.refused
    assert sorted(a.finding.code for a in result.applied) == ["QF001", "QF002"]
    assert result.fixed.startswith(
        '"""M."""\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import pandas as pd\n\n\ndef load'
    ), result.fixed
    assert 'def load(path: str) -> "pd.DataFrame":' in result.fixed
    assert "    import pandas as pd\n\n    return pd.read_csv(path)" in result.fixed


def test_a_name_the_module_binds_otherwise_is_not_used_for_an_import() -> None:
    source = "pd = 1\n\n\ndef f():\n" + FRAME_DOC + "    return g()\n"
    result = fix(source, unsafe=True)
    assert result.fixed == source
    assert [left.reason for left in result.left] == [untyped_public_def.unnamed("pandas.DataFrame")]


def test_the_signature_is_wrapped_only_past_the_line_length() -> None:
    source = (
        "def f(first, second):\n" + doc("first : list of str\nsecond : list of str") + "    print(first)\n"
    )
    fits = fix_text(source, PATH, Settings(), FixOptions(unsafe=True, codes={"QF002"}, line_length=60))
    assert fits.fixed.splitlines()[0] == "def f(first: list[str], second: list[str]) -> None:"
    narrow = fix_text(source, PATH, Settings(), FixOptions(unsafe=True, codes={"QF002"}, line_length=40))
    assert narrow.fixed.splitlines()[:4] == [
        "def f(",
        "    first: list[str],",
        "    second: list[str],",
        ") -> None:",
    ]
    assert [a.what for a in narrow.applied] == ["added -> None; annotated 2 parameters (signature wrapped)"]


@pytest.mark.parametrize(
    ("target", "header"),
    [((3, 11), "from typing import Self"), ((3, 9), "from typing_extensions import Self")],
    ids=["typing", "typing_extensions"],
)
def test_return_self_is_self(target: tuple[int, int], header: str) -> None:
    source = '"""M."""\n\n\nclass Builder:\n    def add(self, item: int):\n        self.items.append(item)\n        return self\n'
    result = fix(source, unsafe=False, target=target)
    assert result.fixed == source.replace(
        '"""M."""\n',
        f'"""M."""\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    {header}\n',
    ).replace("item: int):", 'item: int) -> "Self":')
    assert [(a.what, a.applicability) for a in result.applied] == [('added -> "Self"', "safe")]


_MYPY_ERROR = re.compile(r"^(pkg/\S+?\.py):\d+: error: (.*)$", re.MULTILINE)


def _mypy_errors(root: Path) -> Counter[tuple[str, str]]:
    """mypy's errors in ``root/pkg``, bodies of untyped defs checked too, by file and
    message (lines move when a signature is wrapped)."""
    command = [sys.executable, "-m", "mypy", "--check-untyped-defs", "--ignore-missing-imports"]
    command += ["--no-incremental", "pkg"]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return Counter((m[1], m[2]) for m in _MYPY_ERROR.finditer(done.stdout))


@pytest.mark.slow
def test_mypy_finds_no_new_error_in_the_fixtures_fixed_unsafely(tmp_path: Path) -> None:
    """The outcome the fix is for: every fixture of QF002, fixed with --unsafe-fixes,
    gives mypy no error it did not report before (each left annotation is one it would)."""
    pytest.importorskip("mypy")
    package = tmp_path / "pkg"
    package.mkdir()
    for fixture in sorted((FIXTURES / "fix" / "QF002").glob("*.py")):
        shutil.copy(fixture, package / fixture.name)
    (package / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(FIXTURES / "fix" / "QF002" / "pyproject.toml", tmp_path / "pyproject.toml")
    before = _mypy_errors(tmp_path)
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "qemlflow_lint", "fix", "--unsafe-fixes", "--no-cache", "pkg"]
    fixed = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, env=environment, check=False
    )
    assert "Fixed" in fixed.stderr, fixed.stderr
    assert _mypy_errors(tmp_path) - before == Counter()
