"""``python -m qemlflow_lint``: the same as the ``qemlflow-lint`` command."""

from __future__ import annotations

from qemlflow_lint.cli import entry_point

if __name__ == "__main__":
    entry_point()
