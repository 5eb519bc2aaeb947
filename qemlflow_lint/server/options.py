"""The server's own settings, sent by the editor in ``initializationOptions`` and
``workspace/didChangeConfiguration`` (either as they are, or under a ``qemlflow-lint``
key, as editors that group settings by server send them).

- ``unsafeFixes`` (bool, default false): offer the unsafe quick fixes too, marked "(unsafe)";
- ``importCost`` (bool, default true): show what each heavy import costs;
- ``docsUrl`` (string): where the rule pages live; a finding links to
  ``<docsUrl>/<symbol>/`` (the documentation site's page of its rule).

A key the server does not know is ignored, and a value of the wrong type keeps the
current one: an editor's settings never stop the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

#: The key some editors nest the settings under.
SECTION = "qemlflow-lint"
#: The rule pages of the documentation site (``docs/rules/`` in the repository).
DEFAULT_DOCS_URL = "https://github.com/ORG/qemlflow-lint/blob/main/docs/rules"


class ServerOptions(NamedTuple):
    """The settings the editor controls."""

    unsafe_fixes: bool = False
    import_cost: bool = True
    docs_url: str = DEFAULT_DOCS_URL

    def rule_url(self, symbol: str) -> str:
        """The documentation page of the rule named ``symbol``."""
        base = self.docs_url.rstrip("/")
        return f"{base}/{symbol}.md" if base == DEFAULT_DOCS_URL else f"{base}/{symbol}/"

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
