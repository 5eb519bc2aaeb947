"""The fixture every test module of ``init`` imports: init as a released qemlflow-lint runs it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def released(monkeypatch: pytest.MonkeyPatch) -> None:
    """init as it runs from a release installed from the package index (this checkout runs
    as an editable install, which init would name as the source of the hooks)."""
    monkeypatch.setenv("QEMLFLOW_LINT_INSTALL_FROM", "index")
