"""Positions as the protocol counts them, the one edit between two texts, and where a
``# noqa`` comment can go: the parts of the server that need no client."""

from __future__ import annotations

import random

import pytest

from qemlflow_lint.model.findings import Finding
from qemlflow_lint.server.actions import comment_fits, noqa_action, with_noqa
from qemlflow_lint.server.text import apply_change, changed_region, finding_span, protocol_lines


def test_lines_break_where_the_protocol_breaks_them_only() -> None:
    # Form feeds, vertical tabs and Unicode line separators are no line breaks to an editor.
    assert protocol_lines("a\r\nb\rc\nd\x0ce\u2028f\n") == ["a\r\n", "b\r", "c\n", "d\x0ce\u2028f\n", ""]


@pytest.mark.parametrize(
    ("line", "byte_col", "expected"),
    [
        ("x = 1\n", 4, (0, 4)),  # ASCII: bytes, characters and UTF-16 units agree
        ('é = "a"\n', 5, (0, 4)),  # é is two bytes and one UTF-16 unit
        ('"😀"; import os\n', 8, (0, 6)),  # 😀 is four bytes and two UTF-16 units
    ],
    ids=["ascii", "two-byte", "astral"],
)
def test_a_finding_starts_at_its_utf16_column(line: str, byte_col: int, expected: tuple[int, int]) -> None:
    span = finding_span(protocol_lines(line), 1, byte_col)
    assert span.start == expected
    assert span.end == (0, len(line.rstrip("\n").encode("utf-16-le")) // 2)


def test_a_finding_past_the_end_shows_on_the_last_line() -> None:
    assert finding_span(protocol_lines("x = 1\n"), 9, 0).start == (1, 0)


def test_the_edit_between_two_texts_makes_one_from_the_other_and_keeps_line_breaks_whole() -> None:
    pieces = ["a", "\r\n", "\n", "\r", "é", "😀", "x = 1"]
    generator = random.Random(24)
    for _ in range(5_000):
        old = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 10)))
        new = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 10)))
        change = changed_region(old, new)
        if change is None:
            assert old == new
            continue
        assert apply_change(old, change) == new, (old, new, change)
        # Whole lines: an edit never starts between a \r and its \n.
        assert change.span.start[1] == 0 or change.span.start == change.span.end


def test_the_edit_of_a_one_line_fix_replaces_that_line_alone() -> None:
    old = "def f(x: int):\r\n    pass\r\n\r\nx = 1\r\n"
    new = old.replace("def f(x: int):", "def f(x: int) -> None:")
    change = changed_region(old, new)
    assert change is not None
    assert change.span.start == (0, 0) and change.span.end == (1, 0)
    assert change.new_text == "def f(x: int) -> None:\r\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = 1", "x = 1  # noqa: QF004"),
        ("x = 1  # noqa: E722", "x = 1  # noqa: E722, QF004"),
        ("x = 1  # noqa:E722,W0702  # why", "x = 1  # noqa:E722,W0702, QF004  # why"),
        ("x = 1  # a reason", "x = 1  # a reason  # noqa: QF004"),
    ],
    ids=["no-comment", "noqa-with-codes", "noqa-then-comment", "other-comment"],
)
def test_noqa_adds_the_code_to_the_comment_or_appends_one(line: str, expected: str) -> None:
    assert with_noqa(line, "QF004") == expected


def test_noqa_is_not_offered_where_a_comment_would_change_the_code() -> None:
    text = 'import os\ntext = """one\ntwo"""\ntotal = 1 + \\\n    2\nvalue = (1,\n    2)\n'
    assert comment_fits(text, 1)
    assert not comment_fits(text, 2)  # inside a triple-quoted string
    assert comment_fits(text, 3)  # the string ends there
    assert not comment_fits(text, 4)  # a backslash continues the line
    assert comment_fits(text, 6)  # inside brackets a comment is fine
    finding = Finding(2, 0, "QF006", "a side effect")
    assert noqa_action(text, finding) is None
    assert noqa_action("x = 1  # noqa\n", Finding(1, 0, "QF006", "x")) is None  # a bare noqa covers it
    assert noqa_action("def broken(:\n", Finding(1, 0, "QF000", "x")) is None
