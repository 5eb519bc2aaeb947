"""The page a diagnostic links to: the rule's documentation, written once per version of
the package into the user's cache folder and linked as a ``file:`` URI, so the link opens
offline and always describes the installed rules. A ``docsUrl`` setting links to a team's
own build of the documentation site instead."""

from __future__ import annotations

import os
from pathlib import Path

from qemlflow_lint import __version__
from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.report.rule_docs import explain_text
from qemlflow_lint.rules.registry import find_rule


def pages_folder() -> str:
    """Where the rule pages of this version are written: ``qemlflow-lint/rules/<version>``
    under ``$XDG_CACHE_HOME`` (``~/.cache`` when it is not set)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "qemlflow-lint", "rules", __version__)


def local_page_uri(code: str, symbol: str, folder: str | None = None) -> str | None:
    """The ``file:`` URI of the page of the rule ``code`` (named ``symbol``), written into
    ``folder`` (see :func:`pages_folder`) when it is not there yet; None when the rule is
    unknown or the page cannot be written (a diagnostic then has no link)."""
    rule = find_rule(code)
    if rule is None:
        return None
    path = os.path.join(pages_folder() if folder is None else folder, f"{symbol}.md")
    if not os.path.isfile(path):
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_text_atomic(path, explain_text(rule))
        except OSError:
            return None
    return Path(os.path.abspath(path)).as_uri()
