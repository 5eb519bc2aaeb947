"""Where a parameter that may be None is used before a check excludes None: named cases,
each a def's body and the parameters (of ``x`` and ``y``, both ``None`` by default) that a
type checker would report there."""

from __future__ import annotations

import ast
import textwrap

import pytest

from qemlflow_lint.fix.annotation_types.none_checks import module_callees, unchecked_none

HEADER = "def f(x=None, y=None):\n"

CASES = {
    "operand_without_check": ("return x * 2", {"x"}),
    "equality_needs_no_check": ("return x == 2 or y is None", set()),
    "str_needs_no_check": ("return str(x)", set()),
    "ordering_needs_a_check": ("return x < 2", {"x"}),
    "attribute_index_call_iteration": ("x.real\ny[0]\nfor v in x:\n    pass", {"x", "y"}),
    "checked_by_if": ("if x is not None:\n    return x * 2", set()),
    "truthiness_checks": ("if x:\n    return x * 2", set()),
    "not_equal_none_checks": ("if x != None:\n    return x * 2", set()),
    "isinstance_checks": ("if isinstance(x, float):\n    return x * 2", set()),
    "else_of_is_none": ("if x is None:\n    pass\nelse:\n    return x * 2", set()),
    "is_none_then_return": ("if x is None:\n    return 0\nreturn x * 2", set()),
    "is_none_then_assign": ("if x is None:\n    x = 1.0\nreturn x * 2", set()),
    "is_none_then_nothing": ("if x is None:\n    print(x)\nreturn x * 2", {"x"}),
    "and_chain": ("return x is not None and x > 1", set()),
    "or_chain": ("return x is None or x > 1", set()),
    "conditional_expression": ("return x * 2 if x is not None else 0", set()),
    "check_of_one_not_the_other": ("if x is None:\n    return y * 2\nreturn x", {"y"}),
    "both_none_raises": ("if x is None and y is None:\n    raise ValueError\nreturn x + y", {"x", "y"}),
    "assert_checks": ("assert x is not None\nreturn x * 2", set()),
    "assigned_none_again": ("x = 1.0\nx = None\nreturn x * 2", {"x"}),
    "narrowed_in_a_loop_body_only": ("for i in range(3):\n    x = 1.0\nreturn x * 2", {"x"}),
    "narrowed_in_try_only": (
        "try:\n    x = float(y or 0)\nexcept ValueError:\n    pass\nreturn x * 2",
        {"x"},
    ),
    "while_is_none": ("while x is None:\n    x = 1.0\nreturn x * 2", set()),
    "builtin_rejecting_none": ("return len(x) + math.floor(y)", {"x", "y"}),
    "starred_and_double_starred": ("g(*x, **y)", {"x", "y"}),
    "comprehension_condition": ("return [v for v in range(3) if x is not None and v < x]", set()),
    "nested_def_keeps_a_check_if_never_assigned": (
        "if x is None:\n    return 0\ndef g():\n    return x * 2\nreturn g()",
        set(),
    ),
    "nested_def_loses_a_check_if_assigned": (
        "if x is None:\n    return 0\ndef g():\n    return x * 2\nx = x + 1\nreturn g()",
        {"x"},
    ),
    "nested_def_own_parameter": ("def g(x):\n    return x * 2\nreturn g(1)", set()),
    "passed_to_a_def_taking_none": ("return takes_none(x)", set()),
    "passed_to_a_def_not_taking_none": ("return takes_value(x) + takes_value(value=y)", {"x", "y"}),
    "passed_to_a_decorated_def": ("return decorated(x)", set()),
}

MODULE = """
import functools, math

def takes_none(value=None):
    pass

def takes_value(value):
    pass

@functools.lru_cache
def decorated(value):
    pass
"""


@pytest.mark.parametrize(("body", "expected"), CASES.values(), ids=list(CASES))
def test_uses_before_a_check_are_found(body: str, expected: set[str]) -> None:
    source = MODULE + HEADER + textwrap.indent(body, "    ") + "\n"
    tree = ast.parse(source)
    node = tree.body[-1]
    assert isinstance(node, ast.FunctionDef)
    assert unchecked_none(node, ["x", "y"], module_callees(tree), strict_return=False) == expected


def test_a_return_counts_where_the_return_must_not_be_none() -> None:
    tree = ast.parse(HEADER + "    return x\n")
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef)
    assert unchecked_none(node, ["x"], {}, strict_return=True) == {"x"}
    assert unchecked_none(node, ["x"], {}, strict_return=False) == set()
