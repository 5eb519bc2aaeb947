"""Exit codes, and the error of a command used wrongly: what every command shares."""

from __future__ import annotations

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
#: A file the command had to write was not written: the code of a usage error, as when
#: ``report``, ``trend`` or ``init`` cannot write their output.
EXIT_NOT_WRITTEN = EXIT_USAGE


class UsageError(Exception):
    """A command used wrongly (exit code 2); the message says how."""
