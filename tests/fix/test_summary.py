"""``fix`` counts only the findings it fixed completely: a def still reported after a
partial edit is "partly fixed", counted apart and listed with what is left."""

from __future__ import annotations

from qemlflow_lint.fix.apply import FixOptions, fix_text
from qemlflow_lint.fix.on_disk import file_diff, one_file_run
from qemlflow_lint.fix.summary import finding_lines, grouped_reasons, summary, unified_diff
from qemlflow_lint.model.settings import Settings

SOURCE = """def done(flag=False):
    print(flag)


def partly(x, flag=False):
    print(x, flag)
"""


def test_a_partial_edit_is_not_counted_as_fixed() -> None:
    options = FixOptions(unsafe=True, codes={"QF002"})
    fixed = fix_text(SOURCE, "pkg/m.py", Settings(), options)
    run = one_file_run(fixed, Settings(), options)
    assert finding_lines(run.files).splitlines() == [
        "pkg/m.py:1:1: QF002 fixed (unsafe): added -> None; annotated flag: bool",
        "pkg/m.py:5:1: QF002 partly fixed (unsafe): added -> None; annotated flag: bool",
        "pkg/m.py:5:1: QF002 left: parameters without a documented type or a literal default",
    ]
    assert summary(run, dry_run=False).splitlines()[:4] == [
        "Fixed 1 finding in 1 file (0 safe, 1 unsafe).",
        "Partly fixed 1 more finding, still reported: annotations added, the rest left (below).",
        "Left 1:",
        "  QF002 (1): parameters without a documented type or a literal default (1)",
    ]
    assert summary(run, dry_run=True).splitlines()[1].startswith("Would partly fix 1 more finding")


def test_with_only_partial_edits_nothing_is_fixed() -> None:
    options = FixOptions(codes={"QF002"})
    fixed = fix_text("def f(x):\n    print(x)\n", "pkg/m.py", Settings(), options)
    assert fixed.changed
    assert summary(one_file_run(fixed, Settings(), options), dry_run=False).splitlines()[:2] == [
        "Fixed 0 findings in 1 file.",
        "Partly fixed 1 more finding, still reported: annotations added, the rest left (below).",
    ]


def _documented(name: str, words: str) -> str:
    return f'def {name}(x):\n    """Do.\n\n    Parameters\n    ----------\n    x : {words}\n    """\n    print(x)\n\n\n'


def test_the_types_the_fix_does_not_map_are_one_reason_and_a_long_list_is_cut() -> None:
    """One reason per docstring's words made pvlib's QF002 line 60 entries long."""
    words = ["numeric"] * 3 + ["datetime-like"] * 2 + ["numeric [V]", "dict-like", "str or path object"]
    source = "".join(_documented(f"f{index}", text) for index, text in enumerate(words))
    options = FixOptions(unsafe=True, codes={"QF002"})
    run = one_file_run(fix_text(source, "pkg/m.py", Settings(), options), Settings(), options)
    line = next(line for line in summary(run, dry_run=True).splitlines() if line.startswith("  QF002"))
    assert line == (
        "  QF002 (8): documented as a type the fix does not map "
        "(8: `numeric` 3, `datetime-like` 2, `dict-like` 1 and 2 more)"
    )


def test_past_eight_reasons_the_rest_are_counted_together() -> None:
    reasons = [f"reason {index}" for index in range(10) for _ in range(10 - index)]
    assert grouped_reasons(reasons).endswith("reason 7 (3), 2 other reasons (3)")


def test_a_diff_made_where_the_file_was_fixed_is_the_one_the_summary_would_make() -> None:
    """``fix --diff`` has each worker diff the files it fixed; a fix without its diff is
    compared when the diffs are put together, and the files keep their order."""
    text = 'def area(r, unit=\'m\'):\n    """Area."""\n    return r * r\n'
    options = FixOptions(unsafe=True)
    first = fix_text(text, "pkg/a.py", Settings(), options)
    second = fix_text(text.replace("area", "volume"), "pkg/b.py", Settings(), options)
    assert first.changed and second.changed
    made_here = unified_diff([first, second])
    assert made_here.startswith("--- a/pkg/a.py\n+++ b/pkg/a.py\n") and "+++ b/pkg/b.py" in made_here
    brought = first._replace(diff=file_diff(first.path, first.original, first.fixed))
    assert unified_diff([brought, second]) == made_here
    assert unified_diff([brought._replace(diff="(brought)\n"), second]).startswith(
        "(brought)\n--- a/pkg/b.py"
    )
