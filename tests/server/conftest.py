"""The server's protocol tests need pytest-lsp (Python 3.10 and newer) and pygls."""

from __future__ import annotations

import importlib.util

#: Without pytest-lsp (Python 3.9) the protocol tests are not collected.
collect_ignore_glob = [] if importlib.util.find_spec("pytest_lsp") else ["test_*.py", "session.py"]
