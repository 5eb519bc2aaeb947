"""The proof a fixed file must pass before it is written.

The result must compile; analysing it again must show every finding the fixers claim to
have fixed gone and no finding that was not there before (counted per rule: lines move, so
a finding is known by its rule, not its line); no name pyflakes could resolve before may
become undefined; and fixing the result again must change nothing. A file that fails is
left untouched, with the reason.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from typing import Callable

from pyflakes import api as pyflakes_api
from pyflakes import messages as pyflakes_messages

from qemlflow_lint.fix.model import Applied
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.words import plural

#: The pyflakes messages that mean a name has no binding.
_UNDEFINED = (
    pyflakes_messages.UndefinedName,
    pyflakes_messages.UndefinedLocal,
    pyflakes_messages.UndefinedExport,
)


class _Collector:
    """A pyflakes reporter that keeps the undefined names and ignores the rest."""

    def __init__(self) -> None:
        self.names: Counter[str] = Counter()

    def unexpectedError(self, filename: str, message: str) -> None:
        """pyflakes could not read the file (the compile check reports that)."""

    def syntaxError(self, filename: str, message: str, lineno: int, offset: int, text: str) -> None:
        """A syntax error (the compile check reports that)."""

    def flake(self, message: pyflakes_messages.Message) -> None:
        """Keep the undefined names."""
        if isinstance(message, _UNDEFINED):
            self.names[str(message.message_args[0])] += 1


def undefined_names(text: str, path: str) -> Counter[str]:
    """The names pyflakes finds no binding for, with how often."""
    collector = _Collector()
    pyflakes_api.check(text, path, collector)
    return collector.names


def compile_error(text: str, path: str) -> str | None:
    """Why ``text`` does not compile, or ``None`` when it does."""
    try:
        with warnings.catch_warnings():
            # The compiler's warnings ('"is" with a literal') are about code fix did not write.
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def new_findings(
    before: Sequence[Finding], after: Sequence[Finding], applied: Sequence[Applied]
) -> list[str]:
    """What the fixed file reports that it should not: per rule, more findings than were
    left. Returns one phrase per rule ("1 more QF008")."""
    expected = Counter(finding.code for finding in before)
    expected.subtract(fix.finding.code for fix in applied if fix.complete)
    found = Counter(finding.code for finding in after)
    return [
        f"{plural(found[code] - expected[code], 'more ' + code + ' finding')}"
        for code in sorted(found)
        if found[code] > expected[code]
    ]


def proof_failure(
    original: str,
    fixed: str,
    path: str,
    before: Sequence[Finding],
    analyse: Callable[[str], Sequence[Finding] | str],
    applied: Sequence[Applied],
    refix: Callable[[str], str],
) -> str | None:
    """Why ``fixed`` must not replace ``original``, or ``None`` when it proves sound.

    ``analyse`` gives a text's findings (or why it could not be analysed); ``refix`` fixes
    a text again, with the same options.
    """
    error = compile_error(fixed, path)
    if error:
        return f"the fixed code does not compile ({error})"
    after = analyse(fixed)
    if isinstance(after, str):
        return f"the fixed code cannot be analysed ({after})"
    extra = new_findings(before, after, applied)
    if extra:
        return f"the fixed code would have {', '.join(extra)}"
    undefined_after = undefined_names(fixed, path)
    # Most fixed files have no undefined name at all: then the original needs no analysis.
    newly_undefined = (
        undefined_after - undefined_names(original, path) if undefined_after else undefined_after
    )
    if newly_undefined:
        names = ", ".join(f"'{name}'" for name in sorted(newly_undefined))
        return f"the fixed code would leave {names} undefined"
    if refix(fixed) != fixed:
        return "fixing the fixed code again would change it (the fix is not stable)"
    return None
