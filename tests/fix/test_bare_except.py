"""QF004's fix: ``except:`` becomes ``except Exception:``, only with ``--unsafe-fixes``; a
``# noqa`` line and a handler that re-raises (not reported) are never touched."""

from __future__ import annotations

import textwrap
from typing import NamedTuple

import pytest

from qemlflow_lint.fix.apply import FileFix, FixOptions, fix_text
from qemlflow_lint.fix.model import NEEDS_UNSAFE
from qemlflow_lint.model.settings import Settings

PATH = "pkg/io.py"


class Case(NamedTuple):
    """A source and its text after ``fix --unsafe-fixes`` (``fix`` alone changes nothing)."""

    name: str
    source: str
    unsafe: str


def fix(source: str, unsafe: bool) -> FileFix:
    """Fix QF004 alone in ``source``."""
    return fix_text(source, PATH, Settings(), FixOptions(unsafe=unsafe, codes={"QF004"}))


def code(text: str) -> str:
    """A dedented snippet."""
    return textwrap.dedent(text).lstrip("\n")


CASES = [
    Case(
        "bare_handler_with_comment",
        code("try:\n    load()\nexcept:  # keep going\n    pass\n"),
        code("try:\n    load()\nexcept Exception:  # keep going\n    pass\n"),
    ),
    Case(
        "space_before_the_colon",
        code("try:\n    load()\nexcept :\n    log()\n"),
        code("try:\n    load()\nexcept Exception:\n    log()\n"),
    ),
    Case(
        "one_line_handler",
        code("try: load()\nexcept: log()\n"),
        code("try: load()\nexcept Exception: log()\n"),
    ),
    Case(
        "after_typed_handlers_in_a_method",
        code(
            """
            class Store:
                def save(self) -> None:
                    try:
                        self.write()
                    except OSError:
                        self.retry()
                    except:
                        self.log()
            """
        ),
        code(
            """
            class Store:
                def save(self) -> None:
                    try:
                        self.write()
                    except OSError:
                        self.retry()
                    except Exception:
                        self.log()
            """
        ),
    ),
    Case(
        "noqa_line_is_untouched",
        code("try:\n    load()\nexcept:  # noqa: QF004\n    log()\n"),
        code("try:\n    load()\nexcept:  # noqa: QF004\n    log()\n"),
    ),
    Case(
        "handler_that_reraises_is_not_reported",
        code("try:\n    load()\nexcept:\n    log()\n    raise\n"),
        code("try:\n    load()\nexcept:\n    log()\n    raise\n"),
    ),
    Case(
        "crlf_line_endings",
        "try:\r\n    load()\r\nexcept:\r\n    log()\r\n",
        "try:\r\n    load()\r\nexcept Exception:\r\n    log()\r\n",
    ),
]
IDS = [case.name for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_only_the_unsafe_fix_changes_a_handler(case: Case) -> None:
    safe = fix(case.source, unsafe=False)
    assert safe.fixed == case.source
    assert all(left.reason == NEEDS_UNSAFE for left in safe.left)
    unsafe = fix(case.source, unsafe=True)
    assert not unsafe.refused
    assert unsafe.fixed == case.unsafe
    assert unsafe.left == ()
    assert len(unsafe.applied) == len(safe.left)
    assert all(a.what == "now catches Exception" and a.applicability == "unsafe" for a in unsafe.applied)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_fixed_file_compiles_and_a_second_fix_changes_nothing(case: Case) -> None:
    fixed = fix(case.source, unsafe=True).fixed
    compile(fixed, PATH, "exec", dont_inherit=True)
    assert fix(fixed, unsafe=True).fixed == fixed
