"""The code actions of one buffer: a quick fix per finding that ``fix`` can fix, "add
``# noqa``" per finding, and the fix of every safe fix in the file.

Every edit comes from ``fix``'s planners and passes its proof
(:func:`~qemlflow_lint.fix.apply.fix_text`: the result compiles, the fixed finding is gone,
no new finding appears, no name becomes undefined, fixing again changes nothing); a fix
that fails its proof is not offered. A ``# noqa`` comment is checked too: it must end a
line outside any string, and cover the code. Actions are texts here; the protocol
layer turns them into edits.
"""

from __future__ import annotations

import io
import tokenize
from typing import NamedTuple

from qemlflow_lint.analysis.noqa import NOQA_COMMENT, comment_suppresses, listed_codes
from qemlflow_lint.fix.apply import FixOptions, fix_text
from qemlflow_lint.model.findings import UNREADABLE_CODE, FileResult, Finding
from qemlflow_lint.model.fixes import UNSAFE
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.server.text import protocol_lines

#: The kind of a fix for one finding.
QUICK_FIX = "quickfix"
#: The kind of the fix of every safe fix in the file (editors run it on save when asked).
FIX_ALL = "source.fixAll.qemlflow-lint"
#: What an unsafe fix's title ends with.
UNSAFE_MARK = " (unsafe)"


class ProposedAction(NamedTuple):
    """A code action: its title, kind, the buffer's text after it, and the findings it is
    for (the diagnostics it resolves)."""

    title: str
    kind: str
    new_text: str
    findings: tuple[Finding, ...]
    preferred: bool = False


def finding_fix(
    text: str,
    path: str,
    settings: Settings,
    options: FixOptions,
    finding: Finding,
    analysed_as: FileResult | None = None,
) -> ProposedAction | None:
    """The fix of ``finding`` alone, proven, or ``None`` when it has none (or only an
    unsafe one and ``options`` do not allow those). An unsafe fix's title says so.
    ``analysed_as``: the text's analysis, when the caller has it."""
    only = options._replace(only=(finding,), per_finding=True)
    fixed = fix_text(text, path, settings, only, analysed_as=analysed_as)
    applied = [item for item in fixed.applied if item.finding == finding and item.complete]
    if not fixed.changed or not applied:
        return None
    unsafe = applied[0].applicability == UNSAFE
    title = f"Fix {finding.code}: {applied[0].what}{UNSAFE_MARK if unsafe else ''}"
    return ProposedAction(title, QUICK_FIX, fixed.fixed, (finding,), preferred=not unsafe)


def comment_fits(text: str, line: int) -> bool:
    """True when a comment can end the 1-based ``line`` of ``text`` without changing the
    code: the line does not end inside a string or after a backslash. Only the tokens up
    to that line are read."""
    lines = protocol_lines(text)
    if lines[line - 1].rstrip("\r\n").endswith("\\"):
        return False
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    try:
        for token in tokens:
            if token.start[0] > line:
                return True
            if token.start[0] <= line < token.end[0] and token.type not in (tokenize.NL, tokenize.NEWLINE):
                return False
    except (tokenize.TokenError, SyntaxError):
        return False
    return True


def with_noqa(line: str, code: str) -> str:
    """``line`` (without its break) with ``code`` added to its ``# noqa: …`` comment, or a
    ``  # noqa: CODE`` comment appended when it has none."""
    match = NOQA_COMMENT.search(line)
    if match is None or match.group("codes") is None:
        return f"{line}  # noqa: {code}"
    codes = match.group("codes")
    end = match.start("codes") + len(codes.rstrip(", \t"))
    return f"{line[:end]}, {code}{line[end:]}"


def noqa_action(text: str, finding: Finding) -> ProposedAction | None:
    """Add ``# noqa: CODE`` for ``finding`` on its line (to the comment already there), or
    ``None`` where that cannot be done without changing the code (the line ends inside a
    string, or after a backslash: :func:`comment_fits`) or would not suppress it."""
    if finding.code == UNREADABLE_CODE:
        return None
    lines = protocol_lines(text)
    index = finding.line - 1
    if not 0 <= index < len(lines):
        return None
    line = lines[index]
    body = line.rstrip("\r\n")
    if listed_codes(body) == ():  # a bare noqa already covers every code
        return None
    changed = with_noqa(body, finding.code)
    new_text = "".join([*lines[:index], changed + line[len(body) :], *lines[index + 1 :]])
    if not comment_suppresses(finding.code, changed) or not comment_fits(text, finding.line):
        return None
    return ProposedAction(f"Add `# noqa: {finding.code}` on this line", QUICK_FIX, new_text, (finding,))


def fix_all_action(
    text: str, path: str, settings: Settings, options: FixOptions, analysed_as: FileResult | None = None
) -> ProposedAction | None:
    """Every safe fix of the buffer, proven together, or ``None`` when there is none.
    ``analysed_as``: the text's analysis, when the caller has it."""
    fixed = fix_text(text, path, settings, options._replace(unsafe=False, only=None), analysed_as=analysed_as)
    if not fixed.changed:
        return None
    findings = tuple(item.finding for item in fixed.applied)
    count = len({(f.line, f.col, f.code) for f in findings})
    title = f"Fix all safe qemlflow-lint fixes ({count} finding{'s' if count != 1 else ''})"
    return ProposedAction(title, FIX_ALL, fixed.fixed, findings)
