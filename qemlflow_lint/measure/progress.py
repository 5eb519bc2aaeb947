"""Progress on the terminal while something slow runs (measuring imports, scoring commits):
one line, rewritten in place with ``\\r``, on a terminal only; nothing on a pipe or a file,
so that a CI log or a redirected standard error stays clean."""

from __future__ import annotations

from typing import Callable, TextIO

from qemlflow_lint.measure.importtime import Progress


class TerminalProgress:
    """One ``\\r``-updated progress line on ``stream`` when it is a terminal; nothing at all
    on anything else. :meth:`clear` erases the line once something was shown."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    @property
    def enabled(self) -> bool:
        """True when the stream is a terminal."""
        isatty = getattr(self.stream, "isatty", None)
        try:
            return bool(isatty and isatty())
        except ValueError:  # a closed stream
            return False

    def show(self, message: str) -> None:
        """Replace the progress line with ``message``."""
        if self.enabled:
            self.stream.write(f"\r\x1b[K{message}")
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        """Erase the progress line, if one was shown."""
        if self.shown and self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
        self.shown = False

    def prefixed(self, prefix: str) -> Progress:
        """A progress callback that puts ``prefix`` before each message."""
        return lambda message: self.show(f"{prefix}{message}")

    def counted(self, what: str) -> Callable[[int, int], None]:
        """A progress callback given how many of how many are done: ``WHAT: DONE/TOTAL``."""
        return lambda done, total: self.show(f"{what}: {done}/{total}")


__all__ = ["TerminalProgress"]
