"""A minimal Language Server Protocol client: what an editor does, over stdio.

It starts the server as a subprocess and speaks JSON-RPC 2.0 with ``Content-Length`` framing,
standard library only. A reader thread collects every message the server sends, so each wait
has a deadline: a server that hangs fails the test instead of blocking the run.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Callable

Message = dict[str, Any]

#: Seconds to wait for any one answer or notification before the test fails.
TIMEOUT = 20.0


class ServerError(AssertionError):
    """The server answered with an error, sent nothing in time or did not exit."""


class LanguageServer:
    """One language server subprocess and the messages it has sent."""

    def __init__(self, command: Sequence[str], cwd: Path, stderr_path: Path) -> None:
        self._stderr = stderr_path.open("wb")
        self.process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=str(cwd),
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
        )
        self.stderr_path = stderr_path
        self._next_id = 0
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        self._pending: list[Message] = []  # notifications read while waiting for something else
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- framing ---------------------------------------------------------------------------

    def _read(self) -> None:
        """Read framed messages until the server closes its standard output."""
        stream: IO[bytes] = self.process.stdout  # type: ignore[assignment]
        try:
            while True:
                headers: dict[str, str] = {}
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = stream.read(int(headers["content-length"]))
                self._inbox.put(json.loads(body.decode("utf-8")))
        finally:
            self._inbox.put(None)  # end of stream

    def _send(self, message: Message) -> None:
        body = json.dumps(dict(message, jsonrpc="2.0")).encode("utf-8")
        stdin: IO[bytes] = self.process.stdin  # type: ignore[assignment]
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def _receive(self, timeout: float) -> Message:
        try:
            message = self._inbox.get(timeout=timeout)
        except queue.Empty:
            raise ServerError(f"nothing from the server in {timeout:.0f} s\n{self.stderr()}") from None
        if message is None:
            self._inbox.put(None)  # keep reporting the end to later waits
            raise ServerError(f"the server closed its output\n{self.stderr()}")
        if "method" in message and "id" in message:
            # A request from the server (configuration, progress tokens, ...): a null answer
            # is what a client without that capability gives.
            self._send({"id": message["id"], "result": None})
        return message

    # --- JSON-RPC --------------------------------------------------------------------------

    def request(self, method: str, params: Message | None = None, timeout: float = TIMEOUT) -> Any:
        """Send a request and return its result, keeping notifications that arrive meanwhile."""
        self._next_id += 1
        request_id = self._next_id
        self._send({"id": request_id, "method": method, "params": params})
        while True:
            message = self._receive(timeout)
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise ServerError(f"{method}: {message['error']}")
                return message.get("result")
            if "method" in message and "id" not in message:
                self._pending.append(message)

    def notify(self, method: str, params: Message | None = None) -> None:
        """Send a notification (no answer expected)."""
        self._send({"method": method, "params": params})

    def wait_for(self, method: str, matches: Callable[[Message], bool], timeout: float = TIMEOUT) -> Message:
        """The params of the first ``method`` notification for which ``matches(params)``."""
        while True:
            for message in self._pending:
                if message["method"] == method and matches(message.get("params") or {}):
                    self._pending.remove(message)
                    return message.get("params") or {}
            self._pending.append(self._receive(timeout))

    def diagnostics(self, uri: str, version: int, timeout: float = TIMEOUT) -> list[Message]:
        """The diagnostics the server publishes for ``uri`` at document ``version``."""
        params = self.wait_for(
            "textDocument/publishDiagnostics",
            lambda p: p.get("uri") == uri and p.get("version") == version,
            timeout,
        )
        diagnostics: list[Message] = params["diagnostics"]
        return diagnostics

    # --- life cycle ------------------------------------------------------------------------

    def shutdown(self, timeout: float = TIMEOUT) -> int:
        """``shutdown`` then ``exit``, as an editor closes; the server's exit status."""
        self.request("shutdown", timeout=timeout)
        self.notify("exit")
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ServerError(f"the server did not exit within {timeout:.0f} s\n{self.stderr()}") from None

    def stderr(self) -> str:
        """What the server logged so far (for failure messages)."""
        self._stderr.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def close(self) -> None:
        """Make sure the subprocess is gone, whatever happened."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=TIMEOUT)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self._stderr.close()

    def __enter__(self) -> LanguageServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
