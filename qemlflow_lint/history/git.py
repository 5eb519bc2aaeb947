"""Reading a git repository without changing it: no checkout, no index, no lock.

Every call is a plumbing command that only reads objects and refs (``rev-parse``, ``log``,
``diff-tree``, ``cat-file``), with ``GIT_OPTIONAL_LOCKS=0`` so that not even an index
refresh is attempted. Objects are read through one long-running ``git cat-file --batch``
process (:class:`ObjectReader`). What goes wrong is a :class:`HistoryError` with one line
that says what to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from typing import IO, NamedTuple

#: The fields ``git log`` prints for each commit, NUL-separated (see :func:`Repository.commits`).
_LOG_FORMAT = "%H%x00%T%x00%cI%x00%an%x00%s"
_LOG_FIELDS = 5
#: Object requests written at once: 65 bytes each at most, well within a 64 KiB pipe.
_GROUP = 512
#: The bytes of an object over the size limit are read past in pieces of this size.
_SKIP_PIECE = 1 << 20


class HistoryError(Exception):
    """The history cannot be read as asked (no git, not a repository, a bad revision …)."""


class Oversized(NamedTuple):
    """An object over the size limit, read past without being kept: only its size."""

    size: int


class Commit(NamedTuple):
    """One commit as ``git log`` describes it."""

    id: str
    tree: str
    date: str
    author: str
    subject: str


def _environment() -> dict[str, str]:
    # No optional locks (no index refresh), messages in English, never a prompt.
    return dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0")


def git_program() -> str:
    """The ``git`` executable on ``PATH``."""
    found = shutil.which("git")
    if found is None:
        raise HistoryError("git is not installed or not on PATH (trend reads the history with git)")
    return found


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    message = lines[0] if lines else "no message"
    return message[len("fatal: ") :] if message.startswith("fatal: ") else message


class Repository:
    """A git repository, read through plumbing commands run in its top-level folder."""

    def __init__(self, top: str, git: str) -> None:
        self.top = top
        self.git = git

    @classmethod
    def containing(cls, directory: str) -> Repository:
        """The repository whose working tree holds ``directory``."""
        git = git_program()
        done = subprocess.run(
            [git, "rev-parse", "--show-toplevel"],
            cwd=directory,
            capture_output=True,
            env=_environment(),
            check=False,
        )
        if done.returncode != 0:
            raise HistoryError(f"{directory} is not inside a git repository (trend scores a git history)")
        top = done.stdout.decode("utf-8", "surrogateescape").strip()
        if not top:
            raise HistoryError(f"{directory} is not inside a git working tree (trend scores its history)")
        return cls(os.path.realpath(top), git)

    def run(self, arguments: Sequence[str], *, error: str = "") -> bytes:
        """The standard output of ``git ARGUMENTS``; a failure is a :class:`HistoryError`
        (``error`` prefixes git's own message)."""
        done = subprocess.run(
            [self.git, *arguments], cwd=self.top, capture_output=True, env=_environment(), check=False
        )
        if done.returncode != 0:
            reason = _first_line(done.stderr.decode("utf-8", "replace"))
            raise HistoryError(f"{error}: {reason}" if error else f"git {arguments[0]} failed: {reason}")
        return done.stdout

    def check_complete(self) -> None:
        """Refuse an empty repository and a shallow clone (its oldest commits would score
        as if the project began there)."""
        if self._rev_parse("HEAD") is None:
            raise HistoryError("the repository has no commits yet: there is no history to score")
        shallow = self.run(["rev-parse", "--is-shallow-repository"]).strip()
        if shallow == b"true":
            count = self.run(["rev-list", "--count", "HEAD"]).decode().strip()
            raise HistoryError(
                f"this is a shallow clone: only {count} commit(s) of the history are here; "
                "run `git fetch --unshallow` first, so that trend scores the real history"
            )

    def _rev_parse(self, revision: str) -> str | None:
        done = subprocess.run(
            [self.git, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
            cwd=self.top,
            capture_output=True,
            env=_environment(),
            check=False,
        )
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def resolve(self, revision: str) -> str:
        """The commit id ``revision`` names."""
        commit = None if revision.startswith("-") or not revision else self._rev_parse(revision)
        if commit is None:
            raise HistoryError(f"bad revision {revision!r}: no such commit in this repository")
        return commit

    def commits(self, revisions: Sequence[str], limit: int | None, first_parent: bool) -> list[Commit]:
        """The commits ``git log REVISIONS`` lists (newest first), at most ``limit``."""
        arguments = ["-c", "log.showSignature=false", "log", "-z", f"--format={_LOG_FORMAT}", "--no-color"]
        if first_parent:
            arguments.append("--first-parent")
        if limit is not None:
            arguments.append(f"--max-count={limit}")
        output = self.run([*arguments, *revisions, "--"], error="cannot list the commits")
        fields = output.decode("utf-8", "replace").split("\0")
        if len(fields) % _LOG_FIELDS == 1 and not fields[-1].strip():
            fields.pop()
        return [
            Commit(*(field.strip("\n") for field in fields[start : start + _LOG_FIELDS]))
            for start in range(0, len(fields) - _LOG_FIELDS + 1, _LOG_FIELDS)
        ]

    def renames(self, before: str, after: str) -> dict[str, str]:
        """The files renamed from ``before`` to ``after`` (with git's similarity
        detection): new path → old path."""
        output = self.run(["diff-tree", "-r", "-M", "-z", "--name-status", before, after])
        fields = output.decode("utf-8", "surrogateescape").split("\0")
        found: dict[str, str] = {}
        index = 0
        while index < len(fields):
            status = fields[index]
            if status.startswith(("R", "C")) and index + 2 < len(fields):
                if status.startswith("R"):
                    found[fields[index + 2]] = fields[index + 1]
                index += 3
            else:
                index += 2
        return found

    def objects(self) -> ObjectReader:
        """A reader of this repository's objects (close it, or use it in a ``with``)."""
        return ObjectReader(self)


def _skip(stream: IO[bytes], count: int, oid: str) -> None:
    """Read ``count`` bytes of ``stream`` and drop them, one piece at a time."""
    while count > 0:
        piece = stream.read(min(count, _SKIP_PIECE))
        if not piece:
            raise HistoryError(f"git cat-file stopped while reading {oid}")
        count -= len(piece)


class ObjectReader:
    """One ``git cat-file --batch`` process: each object read by a request and an answer,
    never a process per object."""

    def __init__(self, repository: Repository) -> None:
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [repository.git, "cat-file", "--batch"],
            cwd=repository.top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_environment(),
        )

    def __enter__(self) -> ObjectReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _streams(self) -> tuple[IO[bytes], IO[bytes]]:
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise HistoryError("the object reader is closed")
        return process.stdin, process.stdout

    def _header(self, oid: str, stdout: IO[bytes]) -> tuple[str, int]:
        """The type and the size of the next answer."""
        header = stdout.readline().split()
        if len(header) != 3:
            raise HistoryError(f"git cannot read the object {oid} ({b' '.join(header).decode()})")
        return header[1].decode("ascii"), int(header[2])

    def _body(self, oid: str, stdout: IO[bytes], size: int) -> bytes:
        content = stdout.read(size)
        stdout.read(1)  # the newline after each object
        if len(content) != size:
            raise HistoryError(f"git cat-file stopped while reading {oid}")
        return content

    def _content(self, oid: str, stdout: IO[bytes], limit: int | None) -> bytes | Oversized:
        _, size = self._header(oid, stdout)
        if limit is not None and size > limit:
            _skip(stdout, size + 1, oid)  # the object and the newline after it, a piece at a time
            return Oversized(size)
        return self._body(oid, stdout, size)

    def read(self, oid: str) -> tuple[str, bytes]:
        """The type (``blob``, ``tree`` …) and the content of the object ``oid``."""
        stdin, stdout = self._streams()
        try:
            stdin.write(oid.encode("ascii") + b"\n")
            stdin.flush()
            kind, size = self._header(oid, stdout)
            return kind, self._body(oid, stdout, size)
        except (OSError, ValueError) as error:
            raise HistoryError(f"git cat-file stopped while reading {oid}: {error}") from None

    def contents(self, oids: Sequence[str], limit: int | None = None) -> list[bytes | Oversized]:
        """The contents of the objects ``oids``, asked for in groups (one write and one
        wait per group, not per object). A group's requests fit in the pipe while git
        blocks on its answers, so asking never waits on reading. An object of more than
        ``limit`` bytes is read past, a piece at a time, and given as its size: it is never
        whole in memory."""
        stdin, stdout = self._streams()
        found: list[bytes | Oversized] = []
        try:
            for start in range(0, len(oids), _GROUP):
                group = oids[start : start + _GROUP]
                stdin.write(b"".join(oid.encode("ascii") + b"\n" for oid in group))
                stdin.flush()
                found.extend(self._content(oid, stdout, limit) for oid in group)
        except (OSError, ValueError) as error:
            raise HistoryError(f"git cat-file stopped while reading objects: {error}") from None
        return found

    def close(self) -> None:
        """Stop the process (idempotent)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
