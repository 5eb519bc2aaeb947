"""The unified diff that ``init --dry-run`` and ``fix --diff`` print, written once."""

from __future__ import annotations

from collections.abc import Sequence


def line_diff(
    before: Sequence[str],
    after: Sequence[str],
    old_name: str,
    new_name: str,
    *,
    line_ends: tuple[str, ...] = ("\n",),
) -> str:
    """The unified diff of two texts given as lines with their endings, under the names
    ``old_name`` and ``new_name`` (``a/…``, ``b/…`` or ``/dev/null``, as git shows them).

    Each line of the diff ends with ``\\n``: a line that ends with one of ``line_ends`` (a
    lone ``\\r`` where it ends a line, as Python's tokenizer has it) keeps its ending and
    gets the ``\\n``; a last line without one is marked ``\\ No newline at end of file``.
    """
    import difflib  # only the commands that print a diff pay for it

    shown: list[str] = []
    for line in difflib.unified_diff(before, after, old_name, new_name):
        if line.endswith("\n"):
            shown.append(line)
        elif line.endswith(line_ends):
            shown.append(line + "\n")
        else:
            shown.append(line + "\n\\ No newline at end of file\n")
    return "".join(shown)


__all__ = ["line_diff"]
