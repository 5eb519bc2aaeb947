"""A real headless browser for the tests: the system's Chromium (Debian's ``chromium``
package), driven by Playwright. No browser is ever downloaded: Playwright is handed the
system browser's executable.

Without Playwright or Chromium the tests that need them are skipped, and fail in CI
(``CI=true``; see :mod:`tests.tools`). :func:`open_page` records what a test checks on every
page: console messages, uncaught errors, dialogs (an ``alert`` that fired) and every
request other than the ``file://`` document itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.tools import missing, needs_module, program

#: The names Debian and other distributions give the Chromium executable.
CHROMIUM_NAMES = ("chromium", "chromium-browser")
#: Where screenshots go when the environment names no folder (see :func:`artifacts_folder`).
ARTIFACTS_VARIABLE = "QEMLFLOW_LINT_ARTIFACTS"


def chromium_executable() -> str:
    """The system Chromium's path; skips the test (fails it in CI) when there is none."""
    for name in CHROMIUM_NAMES:
        found = program(name)
        if found is not None:
            return found
    missing("no `chromium` program: the HTML report is tested in a real browser (apt-get install chromium)")


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """A headless Chromium, launched through Playwright from the system's executable."""
    sync_api = needs_module("playwright.sync_api", "the HTML report is tested in a real browser")
    executable = chromium_executable()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageLog:
    """What happened while a page was open."""

    document: str
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught errors and dialogs."""
        return self.console + self.errors + self.dialogs

    def request(self, request: Any) -> None:
        """Playwright's ``request`` event: every request but the document's own."""
        if request.url != self.document:
            self.requests.append(request.url)

    def message(self, message: Any) -> None:
        """Playwright's ``console`` event: errors and warnings."""
        if message.type in {"error", "warning"}:
            self.console.append(f"{message.type}: {message.text}")

    def error(self, error: Any) -> None:
        """Playwright's ``pageerror`` event: an uncaught exception in the page."""
        self.errors.append(str(error))

    def dialog(self, dialog: Any) -> None:
        """Playwright's ``dialog`` event: an ``alert`` (or confirm, prompt) that fired."""
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@contextmanager
def open_page(
    browser: Any, path: Path, width: int = 1280, height: int = 900, *, javascript: bool = True
) -> Iterator[tuple[Any, PageLog]]:
    """``path`` opened in a fresh context at ``width`` × ``height``, with its log. Any
    request other than the document is recorded and then aborted, so that a page which
    tries to reach the network fails its test instead of reaching it."""
    document = path.resolve().as_uri()
    log = PageLog(document)
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
    try:

        def route(request_route: Any) -> None:
            if request_route.request.url == document:
                request_route.continue_()
            else:
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", log.request)
        page.on("console", log.message)
        page.on("pageerror", log.error)
        page.on("dialog", log.dialog)
        page.goto(document, wait_until="load")
        yield page, log
    finally:
        context.close()


def artifacts_folder(fallback: Path) -> Path:
    """The folder for screenshots: ``$QEMLFLOW_LINT_ARTIFACTS`` when set (CI keeps it),
    else ``fallback`` (pytest's temporary folder)."""
    named = os.environ.get(ARTIFACTS_VARIABLE, "").strip()
    folder = Path(named) if named else fallback
    folder.mkdir(parents=True, exist_ok=True)
    return folder
