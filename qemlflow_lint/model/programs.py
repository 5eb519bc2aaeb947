"""Running another program (an interpreter to time, Graphviz's ``dot``): its output as
text, within a time limit, a failure to start or to finish as one exception."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence


class ProgramFailure(Exception):
    """A program that could not start (the message is the reason) or did not finish
    within its time limit (``timed_out``)."""

    def __init__(self, reason: str, *, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.timed_out = timed_out


def run_program(
    command: Sequence[str],
    *,
    timeout: float,
    input_text: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    encoding: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` and wait for it, its output captured as text (``encoding``, else the
    locale's; undecodable bytes replaced), ``input_text`` on its standard input (else
    nothing). Its exit status is the caller's to judge; a :class:`ProgramFailure` when it
    cannot start or takes longer than ``timeout`` seconds."""
    try:
        return subprocess.run(
            list(command),
            env=None if env is None else dict(env),
            cwd=cwd,
            input=input_text,
            stdin=subprocess.DEVNULL if input_text is None else None,
            capture_output=True,
            text=True,
            encoding=encoding,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ProgramFailure(f"timed out after {timeout:g} s", timed_out=True) from None
    except OSError as error:
        raise ProgramFailure(str(error.strerror or error)) from None
