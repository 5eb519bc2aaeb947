"""The server's own settings, sent by the editor in ``initializationOptions`` and
``workspace/didChangeConfiguration`` (either as they are, or under a ``qemlflow-lint``
key, as editors that group settings by server send them).

- ``unsafeFixes`` (bool, default false): offer the unsafe quick fixes too, marked "(unsafe)";
- ``importCost`` (bool, default true): show what each heavy import costs;
- ``docsUrl`` (string): where the rule pages live; a finding links to
  ``<docsUrl>/<symbol>/`` (a build of the documentation site's page of its rule). Without
  it, a finding links to its rule's page written into the user's cache folder (see
  :mod:`qemlflow_lint.server.rule_pages`).

A key the server does not know is ignored, and a value of the wrong type keeps the
current one: an editor's settings never stop the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

#: The key some editors nest the settings under.
SECTION = "qemlflow-lint"


class ServerOptions(NamedTuple):
    """The settings the editor controls."""

    unsafe_fixes: bool = False
    import_cost: bool = True
    #: The documentation site's address; empty: the rule pages in the user's cache folder.
    docs_url: str = ""

    def rule_url(self, symbol: str) -> str | None:
        """The documentation site's page of the rule named ``symbol``; None without
        ``docsUrl`` (the server then links to the page it writes itself)."""
        return f"{self.docs_url.rstrip('/')}/{symbol}/" if self.docs_url else None

    def updated(self, sent: object) -> ServerOptions:
        """These settings with the ones the editor ``sent`` (a JSON object) applied."""
        if not isinstance(sent, Mapping):
            return self
        values: Mapping[str, Any] = (
            sent.get(SECTION, sent) if isinstance(sent.get(SECTION), Mapping) else sent
        )
        options = self
        if isinstance(values.get("unsafeFixes"), bool):
            options = options._replace(unsafe_fixes=values["unsafeFixes"])
        if isinstance(values.get("importCost"), bool):
            options = options._replace(import_cost=values["importCost"])
        if isinstance(values.get("docsUrl"), str) and values["docsUrl"]:
            options = options._replace(docs_url=values["docsUrl"])
        return options
