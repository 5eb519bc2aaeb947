"""Real git repositories for the history tests, built commit by commit in a test's folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

#: Fixed identities and dates, so that commit ids and the order of equal dates are stable.
_ENVIRONMENT = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    # `git status` here never rewrites the index: the tests compare its bytes and mtime.
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_AUTHOR_EMAIL": "dev@example.org",
    "GIT_COMMITTER_EMAIL": "dev@example.org",
}


class GitRepo:
    """A repository in ``root``: write files, commit them, read its state."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.day = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def copy(self, root: Path) -> GitRepo:
        """A copy of the repository (history, index and working tree) at ``root``: a history
        built once for a module serves each test its own repository without a git command.
        Commits made in the copy get the same ids as the same commits made here."""
        shutil.copytree(self.root, root, symlinks=True)
        copied = GitRepo.__new__(GitRepo)
        copied.root, copied.day = root, self.day
        return copied

    def git(self, *arguments: str, author: str = "Ada Lovelace") -> str:
        """Run git in the repository; its standard output."""
        date = f"2026-01-{1 + self.day % 28:02d}T12:{self.day // 28 % 60:02d}:00+00:00"
        env = dict(
            os.environ,
            **_ENVIRONMENT,
            GIT_AUTHOR_NAME=author,
            GIT_COMMITTER_NAME=author,
            GIT_AUTHOR_DATE=date,
            GIT_COMMITTER_DATE=date,
        )
        done = subprocess.run(
            ["git", "-c", f"user.name={author}", "-c", "user.email=dev@example.org", *arguments],
            cwd=str(self.root),
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write (or, for None, delete) files below the root."""
        for name, content in files.items():
            path = self.root / name
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    def commit(
        self,
        message: str,
        files: Mapping[str, str | bytes | None] | None = None,
        author: str = "Ada Lovelace",
    ) -> str:
        """Write ``files``, commit everything, and return the new commit's id."""
        self.write(files or {})
        self.git("add", "-A")
        self.day += 1
        self.git("commit", "-q", "--allow-empty", "-m", message, author=author)
        return self.head()

    def head(self) -> str:
        """The id of HEAD."""
        return self.git("rev-parse", "HEAD").strip()
