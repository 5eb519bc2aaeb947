"""``# noqa`` comments, read exactly as flake8 reads them.

flake8 applies ``# noqa`` itself; the CLI and the pylint plugin use this module so that a
comment means the same in every front end:

- ``# noqa`` (any case) on the reported line suppresses every finding there;
- ``# noqa: QF001,QF002`` suppresses those codes, and codes that start with a listed one;
- a comment at the end of a statement continued over several lines by a backslash or a
  multi-line string covers all of those lines (as in flake8, a line break inside brackets
  ends the range: a comment after a closing bracket covers only its own line);
- a line that is only ``# flake8: noqa`` skips the whole file.

A check may name the codes of other linters that report the same thing (its aliases:
``E722`` for QF004); with them, ``# noqa: E722`` suppresses the QF004 finding too, matched
by the same rules as the check's own code. This layer knows no rule: the caller passes the
table of aliases by code (an empty table when ``noqa-equivalents`` is off).
"""

from __future__ import annotations

import ast
import bisect
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence

from qemlflow_lint.model.findings import Finding

NOQA_COMMENT = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
FILE_NOQA_COMMENT = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)
_CODE_SEPARATOR = re.compile(r"[,\s]")


def file_is_skipped(lines: Sequence[str]) -> bool:
    """True when a line is a file-level ``# flake8: noqa`` comment."""
    return any(FILE_NOQA_COMMENT.match(line) for line in lines)


#: The codes of other linters whose ``# noqa`` also suppresses a check's findings, by the
#: check's code.
Aliases = Mapping[str, Sequence[str]]
NO_ALIASES: Aliases = {}


def listed_codes(text: str) -> tuple[str, ...] | None:
    """The codes a ``# noqa`` comment in ``text`` lists: ``None`` without a comment, ``()``
    for a ``# noqa`` that lists none (it covers every code)."""
    match = NOQA_COMMENT.search(text)
    if match is None:
        return None
    listed = match.group("codes")
    if listed is None:
        return ()
    return tuple(part.strip() for part in _CODE_SEPARATOR.split(listed) if part.strip())


def _covers(codes: tuple[str, ...], code: str) -> bool:
    """True when a list of ``# noqa`` codes covers ``code`` (itself, or a prefix of it)."""
    return code in codes or code.startswith(codes)


def comment_suppresses(code: str, text: str, aliases: Sequence[str] = ()) -> bool:
    """True when a ``# noqa`` comment in ``text`` covers ``code`` or one of its
    ``aliases`` (the codes of other linters for the same finding)."""
    codes = listed_codes(text)
    if codes is None:
        return False
    return not codes or _covers(codes, code) or any(_covers(codes, alias) for alias in aliases)


def names_alias(text: str, aliases: Sequence[str]) -> bool:
    """True when a ``# noqa`` comment in ``text`` lists codes and covers one of
    ``aliases``: what a host that applies ``# noqa`` itself, for the reported code only
    (flake8), leaves to the plugin."""
    codes = listed_codes(text)
    return codes is not None and any(_covers(codes, alias) for alias in aliases)


def _statement_text(lines: Sequence[str], offset: int = 0) -> dict[int, str]:
    """Map each line to the text of every line of the logical line it belongs to.

    ``lines`` may be a slice of a file that starts and ends on statement boundaries;
    ``offset`` is the number of file lines before it.
    """
    mapping: dict[int, str] = {}
    first, last = len(lines) + 2, -1
    position = iter(lines)
    try:
        for token in tokenize.generate_tokens(lambda: next(position, "")):
            kind, _, start, end, _ = token
            if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first, last = min(first, start[0]), max(last, end[0])
            if kind in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(lines[first - 1 : last])
                mapping.update(dict.fromkeys(range(first + offset, last + offset + 1), joined))
                first, last = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return mapping


def _top_level_spans(tree: ast.Module) -> list[tuple[int, int]]:
    """``(first, last)`` lines of each module-level statement, decorators included."""
    spans = []
    for statement in tree.body:
        decorators = getattr(statement, "decorator_list", ())
        first = min([statement.lineno, *(d.lineno for d in decorators)])
        spans.append((first, getattr(statement, "end_lineno", None) or statement.lineno))
    return spans


def _statements_near(findings: Sequence[Finding], lines: Sequence[str], tree: ast.Module) -> dict[int, str]:
    """:func:`_statement_text` for just the module-level statements that hold a finding
    and a ``noqa`` comment. A module-level statement starts and ends on token boundaries,
    so tokenizing it alone gives the same logical lines as tokenizing the whole file (as
    flake8 does), at a fraction of the cost."""
    spans = _top_level_spans(tree)
    starts = [first for first, _ in spans]
    mapping: dict[int, str] = {}
    done = set()
    for finding in findings:
        index = bisect.bisect_right(starts, finding.line) - 1
        if index < 0 or index in done:
            continue
        first, last = spans[index]
        if finding.line > last:
            continue
        done.add(index)
        chunk = lines[first - 1 : last]
        if any("noqa" in line.lower() for line in chunk):
            mapping.update(_statement_text(chunk, first - 1))
    return mapping


def hidden_by_bare_noqa(hidden: Iterable[Finding], lines: Sequence[str], tree: ast.Module) -> int:
    """How many of the ``hidden`` (suppressed) findings a comment that names no code hid:
    a bare ``# noqa`` (which flake8 reads as "every code") or ``# flake8: noqa``."""
    hidden = list(hidden)
    if not hidden:
        return 0
    if file_is_skipped(lines):
        return len(hidden)
    statements = _statements_near(hidden, lines, tree)
    count = 0
    for finding in hidden:
        text = statements.get(finding.line)
        if text is None and 0 < finding.line <= len(lines):
            text = lines[finding.line - 1]
        count += listed_codes(text or "") == ()
    return count


def unsuppressed(
    findings: Iterable[Finding],
    lines: Sequence[str],
    tree: ast.Module,
    aliases: Aliases = NO_ALIASES,
    *,
    aliases_only: bool = False,
) -> list[Finding]:
    """The findings that no ``# noqa`` comment covers (QF000 is never suppressed); the
    parsed ``tree`` tells which statements need tokenizing. ``aliases`` are the other
    linters' codes that also suppress each check's findings.

    With ``aliases_only``, only a comment that names an alias suppresses a finding: the
    rest (a bare ``# noqa``, the finding's own code, ``# flake8: noqa``) is left to a host
    that applies ``# noqa`` itself.
    """
    findings = list(findings)
    candidates = [f for f in findings if f.code in aliases] if aliases_only else findings
    if not candidates or "noqa" not in "".join(lines).lower():
        return findings
    if not aliases_only and file_is_skipped(lines):
        return [f for f in findings if f.code == "QF000"]
    statements = _statements_near(candidates, lines, tree)
    kept = []
    for finding in findings:
        also = aliases.get(finding.code, ())
        if finding.code == "QF000" or (aliases_only and not also):
            kept.append(finding)
            continue
        text = statements.get(finding.line)
        if text is None and 0 < finding.line <= len(lines):
            text = lines[finding.line - 1]
        if aliases_only:
            suppressed = names_alias(text or "", also)
        else:
            suppressed = comment_suppresses(finding.code, text or "", also)
        if not suppressed:
            kept.append(finding)
    return kept
