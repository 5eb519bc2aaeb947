"""``qemlflow-lint server``: the language server over standard input and output (see
:mod:`qemlflow_lint.server`). Without pygls installed, it says what to install and exits 2."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import TextIO

from qemlflow_lint.cli.exits import EXIT_USAGE
from qemlflow_lint.server import INSTALL_HINT, REQUIREMENTS

#: The module that holds the server: it imports pygls, so it loads only when the command runs.
SERVER_MODULE = "qemlflow_lint.server.lsp"


def configure(server: argparse.ArgumentParser) -> None:
    """The arguments of the ``server`` command: none (it talks over standard input and
    output, and the editor sends the settings)."""
    server.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Serve until the editor ends the session."""
    try:
        lsp = importlib.import_module(SERVER_MODULE)
    except ImportError as error:
        missing = (error.name or "").partition(".")[0]
        if missing not in REQUIREMENTS:
            raise
        print(f"qemlflow-lint: error: the server needs {missing}: {INSTALL_HINT}", file=sys.stderr)
        return EXIT_USAGE
    code: int = lsp.serve_stdio()
    return code
