"""How a body uses a parameter, or the items it holds, that its documented type does not
allow: named cases, each a body, the parameter's documented words and the use found."""

from __future__ import annotations

import ast
import textwrap

import pytest

from qemlflow_lint.fix.annotation_types.docstring_types import union_of
from qemlflow_lint.fix.annotation_types.type_uses import unsupported_use

CASES = {
    "index_of_an_item_of_floats": ("list[float]", "return x[0][1]", "indexes a float"),
    "index_through_a_local_name": ("list[float]", "row = x[0]\nreturn row[1]", "indexes a float"),
    "index_through_a_loop": ("list[float]", "for row in x:\n    row[0]", "indexes a float"),
    "index_through_enumerate": ("list[float]", "for i, row in enumerate(x):\n    row[0]", "indexes a float"),
    "a_list_of_lists_is_indexed_twice": ("list[list[float]]", "return x[0][1]", None),
    "a_slice_keeps_the_type": ("list[float]", "return x[1:][0]", None),
    "attribute_a_float_has": ("float", "return x.real", None),
    "attribute_a_float_lacks": ("float", "return x.shape", "reads `.shape` of a float"),
    "attribute_of_a_callable_item": (
        "list[callable]",
        "return [f.solve(1) for f in x]",
        "reads `.solve` of a Callable",
    ),
    "a_callable_called": ("list[callable]", "return [f(1) for f in x]", None),
    "a_function_attribute": ("callable", "return x.__name__", None),
    "a_number_called": ("float", "return x()", "calls a float"),
    "unknown_items_are_not_followed": ("list", "return x[0][1].shape", None),
    "dict_values_by_key": ("dict[str, float]", "return x['a'][0]", "indexes a float"),
    "dict_keys_by_iteration": ("dict[str, float]", "for k in x:\n    k.upper()", None),
    "nested_def_with_its_own_x": ("float", "def g(x):\n    return x.shape\nreturn g", None),
    "a_loop_name_bound_to_other_values_too": (
        "list[float]",
        "for row in x:\n    pass\nrow = [1]\nrow[0]",
        None,
    ),
    "variable_reused_for_a_number": (
        "list[float]",
        "d = [0.0] * 3\nfor i in range(3):\n    d = x[i] - 1.0",
        "assigns a number computed from it to `d`, a list before",
    ),
    "int_total_gets_floats": (
        "list[float]",
        "total = 0\nfor v in x:\n    total += v",
        "assigns a float computed from it to `total`, an int before",
    ),
    "float_total_gets_floats": ("list[float]", "total = 0.0\nfor v in x:\n    total += v", None),
    "int_total_gets_ints": ("list[int]", "total = 0\nfor v in x:\n    total += v", None),
}


@pytest.mark.parametrize(("words", "body", "expected"), CASES.values(), ids=list(CASES))
def test_uses_the_documented_type_does_not_allow(words: str, body: str, expected: str | None) -> None:
    node = ast.parse("def f(x):\n" + textwrap.indent(body, "    ") + "\n").body[0]
    assert isinstance(node, ast.FunctionDef)
    union = union_of(words, lambda _: None)
    assert union, words
    assert unsupported_use(node, "x", union) == expected


def test_every_judged_kind_is_a_builtin_whose_attributes_are_known() -> None:
    """A parameter whose views include none of these is not walked at all."""
    from qemlflow_lint.fix.annotation_types import type_uses

    judged = set(type_uses._ATTRIBUTES)
    assert judged >= type_uses._NOT_INDEXED | type_uses._NOT_CALLED | type_uses._NUMBERS


@pytest.mark.parametrize("words", ["numpy.ndarray", "pandas.DataFrame", "array_like"])
def test_a_type_nothing_judges_allows_every_use(words: str) -> None:
    node = ast.parse("def f(x):\n    y = x[0]\n    return x.shape(y) + x()\n").body[0]
    assert isinstance(node, ast.FunctionDef)
    assert unsupported_use(node, "x", union_of(words, lambda _name: None)) is None
