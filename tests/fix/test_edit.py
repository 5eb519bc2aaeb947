"""Edits at the statements the ``ast`` chose, made without libcst's position metadata: every
kind of block is reached, everything else keeps its bytes, and a line of several statements
is never split."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

import libcst as cst
import pytest

from qemlflow_lint.fix import edit as edit_module
from qemlflow_lint.fix.annotation_types.type_imports import type_checking_imports
from qemlflow_lint.fix.edit import (
    Edits,
    LineEdit,
    OutlinedEdit,
    Replacement,
    SharedLine,
    SignatureEdit,
    TopLevelEdit,
    code_of,
    rewrite,
    rewrite_text,
)
from qemlflow_lint.fix.rules.bare_except import _catch_exception, _catch_exception_in_line
from tests.fix.snapshots import FIX_FIXTURES, cases, fix_case


def _rename_imports(source: str, change: Callable[[cst.CSTNode], Replacement]) -> str:
    """``source`` with ``change`` applied to every ``import`` statement."""
    tree = ast.parse(source)
    edits: Edits = {node: [change] for node in ast.walk(tree) if isinstance(node, ast.Import)}
    return rewrite(cst.parse_module(source), tree, edits).code


def _to_z(node: cst.CSTNode) -> Replacement:
    return node.with_changes(names=[cst.ImportAlias(cst.Name("z"))])


EVERY_BLOCK = """\
# a comment
if a:  # after the test
    import x
elif b:
    import x
else:
    import x
for i in c:
    import x
else:
    import x
while d:
    import x
with e as f:  # the with
    import x
try:
    import x
except E:
    import x
else:
    import x
finally:
    import x
class K:
    import x
    def m(self):
        '''Doc.'''
        import x
async def g():
    async with h:
        import x
    async for j in k:
        import x
if l: import x
"""


def test_every_kind_of_block_is_reached_and_the_rest_keeps_its_bytes() -> None:
    assert _rename_imports(EVERY_BLOCK, _to_z) == EVERY_BLOCK.replace("import x", "import z")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* needs Python 3.11")
def test_except_star_and_match_blocks_are_reached() -> None:
    source = "try:\n    import x\nexcept* E:\n    import x\nmatch v:\n    case 1:\n        import x\n"
    assert _rename_imports(source, _to_z) == source.replace("import x", "import z")


def test_removing_a_statement_keeps_its_neighbours_on_their_line() -> None:
    source = "a = 1; import x; b = 2\nimport y; import x\nimport x\n"
    assert _rename_imports(source, lambda node: []) == "a = 1; b = 2\n"


def test_a_line_of_several_statements_is_never_replaced_by_a_block() -> None:
    block = cst.parse_statement("if T:\n    import x\n")
    with pytest.raises(SharedLine, match="line 1 holds more than one statement"):
        _rename_imports("a = 1; import x\n", lambda node: [block])


def test_a_replaced_line_keeps_the_comments_above_it() -> None:
    block = cst.parse_statement("if T:\n    import x\n")
    source = "a = 1\n\n# why x is here\nimport x  # trailing\n"
    assert _rename_imports(source, lambda node: [block]) == "a = 1\n\n# why x is here\nif T:\n    import x\n"


def test_edits_inside_a_node_run_before_the_edit_of_the_node() -> None:
    source = "def f():\n    try:\n        pass\n    except:\n        pass\n"
    tree = ast.parse(source)
    function = tree.body[0]
    handler = next(node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler))
    seen: list[str] = []

    def name_exception(node: cst.CSTNode) -> Replacement:
        return node.with_changes(
            type=cst.Name("Exception"), whitespace_after_except=cst.SimpleWhitespace(" ")
        )

    def remember(node: cst.CSTNode) -> Replacement:
        seen.append(code_of(node))
        return node

    rewritten = rewrite(cst.parse_module(source), tree, {handler: [name_exception], function: [remember]})
    assert rewritten.code == source.replace("except:", "except Exception:")
    assert seen == [source.replace("except:", "except Exception:")]


def test_no_edit_gives_back_the_same_module() -> None:
    module = cst.parse_module("import x\n")
    assert rewrite(module, ast.parse("import x\n"), {}) is module


def _type_checking_pandas(node: cst.CSTNode) -> cst.CSTNode:
    return type_checking_imports(cast(cst.Module, node), ["import pandas as pd"])


OUTLINED = [
    '"""Doc."""\nimport os\n\n\n@decorator\n# between\nclass K:\n    x = 1\n\n    # indented, after the body\n'
    "# a comment above\nasync def f():\n    return 1  # trailing\ndef _outlined_0(): pass\n",
    "import os\r\rdef f():\r    pass\r",  # CR-only line endings
    "import os\n\ndef f():\n    pass",  # no final newline
    "def f():\n    pass\nimport os\nif TYPE_CHECKING:\n    import numpy as np\n",
    "from typing import TYPE_CHECKING\ndef f(): pass; x = 1\n",  # shares a line: the whole module
    "import os\n",
]


@pytest.mark.parametrize("source", OUTLINED)
def test_a_top_level_edit_sees_the_outline_and_writes_what_the_whole_module_would(source: str) -> None:
    tree = ast.parse(source)
    whole = rewrite_text(source, tree, {tree: [_type_checking_pandas]})
    assert rewrite_text(source, tree, {tree: [TopLevelEdit(_type_checking_pandas)]}) == whole
    assert "import pandas as pd" in whole


def test_an_outlined_module_keeps_the_edits_inside_its_defs() -> None:
    source = "import os\n\n\ndef f(a):\n    '''Doc.'''\n    return a\n"
    tree = ast.parse(source)
    function = tree.body[1]

    def typed(node: cst.FunctionDef) -> cst.FunctionDef:
        return node.with_changes(returns=cst.Annotation(cst.Name("int")))

    edits: Edits = {tree: [TopLevelEdit(_type_checking_pandas)], function: [SignatureEdit(typed)]}
    assert rewrite_text(source, tree, edits) == (
        "import os\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import pandas as pd\n\n\n"
        "def f(a) -> int:\n    '''Doc.'''\n    return a\n"
    )


def test_a_top_level_edit_is_given_the_outline_not_the_bodies() -> None:
    source = OUTLINED[0]
    tree = ast.parse(source)
    seen: list[str] = []

    def remember(node: cst.CSTNode) -> cst.CSTNode:
        seen.append(cast(cst.Module, node).code)
        return _type_checking_pandas(node)

    rewrite_text(source, tree, {tree: [TopLevelEdit(remember)]})
    assert "import os" in seen[0]
    assert "x = 1" not in seen[0] and "return 1" not in seen[0]


def _qf001_cases() -> list[Path]:
    return [case for case in cases() if case.relative_to(FIX_FIXTURES).parts[0] == "QF001"]


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_qf001_edits_made_in_the_outline_write_what_the_whole_module_would(
    monkeypatch: pytest.MonkeyPatch, unsafe: bool
) -> None:
    """Every QF001 fixture, fixed with the untouched defs and classes stood in for, and
    fixed with the whole module parsed: the same text (some take the outline)."""
    outlined: list[str] = []
    real = edit_module._rewrite_in_outline

    def counted(text: str, tree: ast.Module, edits: Edits) -> str | None:
        done = real(text, tree, edits)
        if done is not None:
            outlined.append(text)
        return done

    monkeypatch.setattr(edit_module, "_rewrite_in_outline", counted)
    with_outline = {case: fix_case(case, unsafe).fixed for case in _qf001_cases()}
    monkeypatch.setattr(edit_module, "_rewrite_in_outline", lambda *_: None)
    whole = {case: fix_case(case, unsafe).fixed for case in _qf001_cases()}
    assert with_outline == whole
    assert len(outlined) >= 3  # the fixtures are small: in most, every def takes an import


def test_a_def_with_an_indented_comment_after_its_body_is_not_stood_in_for() -> None:
    """libcst counts such a comment in the def's block: the outline would leave it behind."""
    source = (
        "import os\n\n\ndef f():\n    return 1\n    # about f\n\n\ndef g():\n    return os.sep\n\n\n"
        "def h():\n    return 2\n"
    )
    tree = ast.parse(source)
    seen: list[str] = []

    def remember(node: cst.CSTNode) -> cst.CSTNode:
        seen.append(cast(cst.Module, node).code)
        return node

    rewrite_text(source, tree, {tree: [OutlinedEdit(remember, {9})]})
    assert "return 1\n    # about f" in seen[0] and "return os.sep" in seen[0]
    assert "return 2" not in seen[0]  # h is stood in for


HANDLERS = [
    "try:\n    x\nexcept:\n    y\n",
    "try:\n    x\nexcept :  # why\n    y\n",
    "try: x\nexcept: y\n",
    "class K:\n    def m(self):\n        try:\n            x\n        except\t:\n            pass\n",
    "try:\r\n    x\r\nexcept:\r\n    y\r\n",
    "try:\n    x\nexcept \\\n:\n    y\n",  # a continued line: libcst writes it
]


@pytest.mark.parametrize("source", HANDLERS)
def test_a_line_edit_writes_what_libcst_writes_and_parses_nothing(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = ast.parse(source)
    handlers = [node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)]
    by_libcst = rewrite(cst.parse_module(source), tree, {h: [_catch_exception] for h in handlers}).code
    continued = "\\\n" in source
    if not continued:  # the plain spelling never reaches libcst
        monkeypatch.setattr(edit_module, "parse_module", lambda _text: pytest.fail("parsed"))
    line_edits: Edits = {h: [LineEdit(_catch_exception_in_line, _catch_exception)] for h in handlers}
    assert rewrite_text(source, tree, line_edits) == by_libcst
    assert "except Exception:" in by_libcst


def test_line_edits_and_signature_edits_in_one_text_are_made_together() -> None:
    source = "def f(a):\n    try:\n        return a\n    except:\n        return None\n"
    tree = ast.parse(source)
    function = tree.body[0]
    handler = next(node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler))

    def annotate(node: cst.FunctionDef) -> cst.FunctionDef:
        return node.with_changes(returns=cst.Annotation(cst.Name("object")))

    edits: Edits = {
        function: [SignatureEdit(annotate)],
        handler: [LineEdit(_catch_exception_in_line, _catch_exception)],
    }
    assert rewrite_text(source, tree, edits) == (
        "def f(a) -> object:\n    try:\n        return a\n    except Exception:\n        return None\n"
    )
