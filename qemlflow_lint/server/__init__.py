"""``qemlflow-lint server``: a language server (stdio) on pygls and lsprotocol.

The layer sits above ``fix``, ``report`` and ``run``, and below ``cli``, whose ``server``
command starts it. Only :mod:`~qemlflow_lint.server.lsp` imports pygls and lsprotocol; the
other modules are plain functions and values that the tests call directly:

- :mod:`~qemlflow_lint.server.lsp`: the server (:func:`~qemlflow_lint.server.lsp.create_server`,
  :func:`~qemlflow_lint.server.lsp.serve_stdio`), its handlers, debounce and push or pull
  diagnostics;
- :mod:`~qemlflow_lint.server.linting`: a buffer's findings with its project's settings,
  QF101/QF102 from the project's import graph, configuration errors, ``fix``'s options;
- :mod:`~qemlflow_lint.server.actions`: the quick fixes, ``# noqa`` and fix-all, from
  ``fix``'s planners and proof;
- :mod:`~qemlflow_lint.server.hover`: a rule's documentation as a hover;
- :mod:`~qemlflow_lint.server.import_cost`: what each heavy import costs, from the last
  ``importtime`` measurement, for inlay hints and code lenses;
- :mod:`~qemlflow_lint.server.options`: the editor's settings (``unsafeFixes``,
  ``importCost``, ``docsUrl``);
- :mod:`~qemlflow_lint.server.text`: protocol positions (lines, UTF-16 columns) and the
  smallest edit between two texts.

pygls is an optional dependency (``pip install 'qemlflow-lint[server]'``): nothing outside
this package imports it, so ``check`` and the editor plugins never pay for it.
"""

#: The distributions the server needs beyond the package's own dependencies.
from __future__ import annotations

REQUIREMENTS = ("pygls", "lsprotocol")
#: What to install to get them.
INSTALL_HINT = "pip install 'qemlflow-lint[server]'"
