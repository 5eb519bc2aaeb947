"""The language server itself: pygls's server, the protocol's messages, and the glue to
:mod:`~qemlflow_lint.server.linting`, :mod:`~qemlflow_lint.server.actions` and
:mod:`~qemlflow_lint.server.hover`.

Diagnostics: a document is analysed when it opens, when it changes (the first change after
a quiet spell at once, the ones that follow it within :data:`DEBOUNCE_SECONDS` once they
stop) and when it is saved. A client that pulls diagnostics (``textDocument/diagnostic``)
gets them when it asks, computed from the text it has; any other client gets them pushed.
A request that fails answers with an error and the server goes on; a notification that
fails is logged to the client.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import sys
import time
import traceback
from collections.abc import Iterable, Sequence
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from qemlflow_lint import __version__
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.report.rule_docs import docs_by_code
from qemlflow_lint.run.runner import paused_gc
from qemlflow_lint.server import actions, hover, import_cost
from qemlflow_lint.server.linting import CONFIG_FILES, ConfigProblem, Linted, ProjectState
from qemlflow_lint.server.options import ServerOptions
from qemlflow_lint.server.rule_pages import local_page_uri
from qemlflow_lint.server.text import TextRange, changed_region, finding_span, protocol_lines

#: The ``source`` of every diagnostic.
SOURCE = "qemlflow-lint"
#: How long a burst of changes must pause before the document is analysed again.
DEBOUNCE_SECONDS = 0.2
#: The files the server analyses.
PYTHON_SUFFIXES = (".py", ".pyi")
#: The configuration files the server asks the editor to watch.
WATCHED = tuple(f"**/{name}" for name in CONFIG_FILES)

_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "note": lsp.DiagnosticSeverity.Information,
}


def _range(span: TextRange) -> lsp.Range:
    return lsp.Range(lsp.Position(*span.start), lsp.Position(*span.end))


def _contains(span: TextRange, position: lsp.Position) -> bool:
    return span.start <= (position.line, position.character) <= span.end


def _on_lines_of(span: TextRange, window: lsp.Range) -> bool:
    """True when ``span`` is on a line of ``window`` (an editor asks for the actions of the
    cursor's position, which may stand before the finding's column)."""
    return span.start[0] <= window.end.line and window.start.line <= span.end[0]


def _forget(pending: dict[Any, Any], key: Any, _done: object) -> None:
    pending.pop(key, None)


class ServerProtocol(LanguageServerProtocol):
    """pygls's protocol, which forgets each notification once it is handled.

    pygls 2.1 files the future of a notification whose built-in handler is a generator
    (``didOpen``, ``didChange``, ``didSave`` …) among the pending requests and never takes
    it out again: about a kilobyte for every keystroke, for as long as the editor runs.
    """

    def _handle_notification(self, method_name: str, params: Any) -> None:
        pending = self._request_futures
        before = len(pending)
        super()._handle_notification(method_name, params)
        added = list(itertools.islice(reversed(pending), max(0, len(pending) - before)))
        for key in added:
            pending[key].add_done_callback(functools.partial(_forget, pending, key))


class QemlflowLanguageServer(LanguageServer):
    """The server's state: its settings, the projects it has met, the last analysis of
    each open document, and the debounce timers."""

    def __init__(self) -> None:
        super().__init__(
            "qemlflow-lint",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=ServerProtocol,
        )
        self.options = ServerOptions()
        self.projects = ProjectState()
        #: The last analysis of each open document, by URI.
        self.linted: dict[str, Linted] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._last_run: dict[str, float] = {}
        #: Configuration files that have a diagnostic now.
        self._config_problems: set[str] = set()
        self._rules: dict[str, tuple[str, str]] = {}
        #: Each rule's page in the user's cache folder (see ``rule_pages``), once written.
        self._pages: dict[str, str | None] = {}
        #: The code actions computed for each document's text and settings, by URI.
        self._proposals: dict[
            str, tuple[object, dict[tuple[str, Finding | None], actions.ProposedAction | None]]
        ] = {}
        #: The kept import-time measurements of each project's cache folder, and when the
        #: store had changed when they were read.
        self._measured: dict[str, tuple[tuple[int, ...], import_cost.KeptCosts]] = {}

    # -- what the client can do ------------------------------------------------------------

    @property
    def pulls_diagnostics(self) -> bool:
        """True when the client asks for diagnostics (``textDocument/diagnostic``)."""
        document = self.client_capabilities.text_document
        return document is not None and document.diagnostic is not None

    @property
    def versioned_edits(self) -> bool:
        """True when the client takes edits tied to a document's version."""
        workspace = self.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace is not None else None
        return bool(edit and edit.document_changes)

    # -- analysis --------------------------------------------------------------------------

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        """Write ``message`` to the client's log."""
        self.window_log_message(lsp.LogMessageParams(type=kind, message=message))

    def lint(self, uri: str) -> Linted | None:
        """The analysis of the open document ``uri``'s current text (from the last one when
        the text has not changed); ``None`` for a document the server does not analyse."""
        path = to_fs_path(uri)
        if path is None or not path.endswith(PYTHON_SUFFIXES):
            return None
        text = self.workspace.get_text_document(uri).source
        cached = self.linted.get(uri)
        if cached is not None and cached.text == text:
            return cached
        try:
            with paused_gc():
                linted = self.projects.lint(os.path.abspath(path), text)
        except Exception:  # the next edit gets another chance; the server goes on
            self.log(
                f"qemlflow-lint: analysing {path} failed:\n{traceback.format_exc()}", lsp.MessageType.Error
            )
            linted = Linted(path, text)
        self.linted[uri] = linted
        if linted.problem is not None:
            self.show_config_problems([linted.problem])
        return linted

    def rule(self, code: str) -> tuple[str, str]:
        """The symbol and level of the rule with ``code``."""
        if code not in self._rules:
            doc = docs_by_code([code])[code]
            self._rules[code] = (doc.symbol, doc.level)
        return self._rules[code]

    def diagnostic(self, lines: list[str], finding: Finding) -> lsp.Diagnostic:
        """One finding as the protocol shows it."""
        symbol, level = self.rule(finding.code)
        href = self.options.rule_url(symbol)
        if href is None:
            if finding.code not in self._pages:
                self._pages[finding.code] = local_page_uri(finding.code, symbol)
            href = self._pages[finding.code]
        return lsp.Diagnostic(
            range=_range(finding_span(lines, finding.line, finding.col)),
            message=finding.message,
            severity=_SEVERITY[level],
            code=finding.code,
            code_description=None if href is None else lsp.CodeDescription(href=href),
            source=SOURCE,
        )

    def diagnostics(self, linted: Linted | None) -> list[lsp.Diagnostic]:
        """The diagnostics of one analysis."""
        if linted is None or not linted.findings:
            return []
        lines = protocol_lines(linted.text)
        return [self.diagnostic(lines, finding) for finding in linted.findings]

    def publish(self, uri: str) -> None:
        """Push the diagnostics of ``uri`` (a client that pulls them asks instead)."""
        self._last_run[uri] = time.monotonic()
        if self.pulls_diagnostics:
            return
        document = self.workspace.get_text_document(uri)
        items = self.diagnostics(self.lint(uri))
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=document.version)
        )

    def changed(self, uri: str) -> None:
        """A document changed: analyse it now after a quiet spell, else once the burst of
        changes stops."""
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        quiet = time.monotonic() - self._last_run.get(uri, 0.0) > DEBOUNCE_SECONDS
        if quiet:
            self.publish(uri)
            return
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(DEBOUNCE_SECONDS, self._settled, uri)

    def _settled(self, uri: str) -> None:
        self._timers.pop(uri, None)
        if uri in self.workspace.text_documents:
            try:
                self.publish(uri)
            except Exception:
                self.log(
                    f"qemlflow-lint: publishing {uri} failed:\n{traceback.format_exc()}",
                    lsp.MessageType.Error,
                )

    def refresh(self, uris: Iterable[str]) -> None:
        """Analyse ``uris`` again and show their diagnostics: pushed, or the client asked
        to pull them."""
        uris = list(uris)
        for uri in uris:
            self.linted.pop(uri, None)
            self._proposals.pop(uri, None)
        if self.pulls_diagnostics:
            workspace = self.client_capabilities.workspace
            diagnostics = workspace.diagnostics if workspace is not None else None
            if diagnostics is not None and diagnostics.refresh_support:
                self.workspace_diagnostic_refresh(None)
            return
        for uri in uris:
            if uri in self.workspace.text_documents:
                self.publish(uri)

    def show_config_problems(self, problems: Sequence[ConfigProblem]) -> None:
        """Push one diagnostic on each configuration file with a problem."""
        for problem in problems:
            uri = from_fs_path(problem.path) or problem.path
            self._config_problems.add(uri)
            position = lsp.Position(problem.line, problem.col)
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(
                    uri=uri,
                    diagnostics=[
                        lsp.Diagnostic(
                            range=lsp.Range(position, lsp.Position(problem.line + 1, 0)),
                            message=problem.message,
                            severity=lsp.DiagnosticSeverity.Error,
                            source=SOURCE,
                        )
                    ],
                )
            )

    def reload(self) -> None:
        """The configuration changed: read it again, clear the old configuration
        diagnostics, and analyse every open document with the new settings."""
        self.projects.reload()
        self.linted.clear()
        self._proposals.clear()
        for uri in sorted(self._config_problems):
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        self._config_problems.clear()
        open_documents = [uri for uri in self.workspace.text_documents if self.is_python(uri)]
        for uri in open_documents:
            self.update_project(uri, saved=False)
        self.refresh(open_documents)

    def is_python(self, uri: str) -> bool:
        """True for a Python document (the ones the server analyses)."""
        path = to_fs_path(uri)
        return path is not None and path.endswith(PYTHON_SUFFIXES)

    def update_project(self, uri: str, *, saved: bool) -> list[str]:
        """Rebuild the import graph of ``uri``'s project (with its text when ``saved``);
        returns the open documents whose project findings changed."""
        path = to_fs_path(uri)
        if path is None:
            return []
        text = self.workspace.get_text_document(uri).source if saved else None
        try:
            changed = self.projects.refresh_project(os.path.abspath(path), text)
        except Exception:
            self.log(
                f"qemlflow-lint: the project graph failed:\n{traceback.format_exc()}", lsp.MessageType.Error
            )
            return []
        paths = set(changed)
        return [uri for uri in self.workspace.text_documents if (to_fs_path(uri) or "") in paths]

    # -- code actions and hover ------------------------------------------------------------

    def edit(self, uri: str, old: str, new: str) -> lsp.WorkspaceEdit:
        """The edit that turns the document's text ``old`` into ``new``."""
        change = changed_region(old, new)
        edits = [] if change is None else [lsp.TextEdit(_range(change.span), change.new_text)]
        if self.versioned_edits:
            version = self.workspace.get_text_document(uri).version
            return lsp.WorkspaceEdit(
                document_changes=[
                    lsp.TextDocumentEdit(
                        text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                        edits=list(edits),
                    )
                ]
            )
        return lsp.WorkspaceEdit(changes={uri: list(edits)})

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        """The code actions for the findings in the requested range, and the file's fix-all."""
        uri = params.text_document.uri
        linted = self.lint(uri)
        if linted is None or linted.settings is None:
            return []
        only = params.context.only
        wants_quick = only is None or any(actions.QUICK_FIX.startswith(str(kind)) for kind in only)
        wants_all = only is None or any(actions.FIX_ALL.startswith(str(kind)) for kind in only)
        lines = protocol_lines(linted.text)
        found = [f for f in linted.findings if _on_lines_of(finding_span(lines, f.line, f.col), params.range)]
        proposed: list[actions.ProposedAction | None] = []
        if wants_quick:
            proposed += [self.proposal(uri, linted, ("fix", finding)) for finding in found]
            proposed += [self.proposal(uri, linted, ("noqa", finding)) for finding in found]
        if wants_all:
            proposed.append(self.proposal(uri, linted, ("all", None)))
        return [
            lsp.CodeAction(
                title=action.title,
                kind=action.kind,
                diagnostics=[self.diagnostic(lines, f) for f in action.findings] or None,
                edit=self.edit(uri, linted.text, action.new_text),
                is_preferred=action.preferred or None,
            )
            for action in proposed
            if action is not None
        ]

    def proposal(
        self, uri: str, linted: Linted, which: tuple[str, Finding | None]
    ) -> actions.ProposedAction | None:
        """One code action for the document's text (``("fix", finding)``, ``("noqa",
        finding)`` or ``("all", None)``), kept until the text or the settings change: an
        editor asks again each time the cursor moves."""
        key = (linted.text, self.options.unsafe_fixes)
        known, proposals = self._proposals.get(uri, (None, {}))
        if known != key:
            proposals = {}
            self._proposals[uri] = (key, proposals)
        if which not in proposals:
            with paused_gc():  # a fix makes many objects that live until it is proven
                proposals[which] = self._propose(linted, which)
        return proposals[which]

    def _propose(self, linted: Linted, which: tuple[str, Finding | None]) -> actions.ProposedAction | None:
        kind, finding = which
        if kind == "noqa":
            assert finding is not None
            return actions.noqa_action(linted.text, finding)
        assert linted.settings is not None
        options = self.projects.fix_options(
            linted.path, linted.text, linted.settings, unsafe=self.options.unsafe_fixes
        )
        if finding is None:
            return actions.fix_all_action(linted.text, linted.path, linted.settings, options, linted.result)
        return actions.finding_fix(linted.text, linted.path, linted.settings, options, finding, linted.result)

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        """The documentation of the rules whose findings cover the position."""
        linted = self.lint(params.text_document.uri)
        if linted is None:
            return None
        lines = protocol_lines(linted.text)
        spans = {
            finding.code: finding_span(lines, finding.line, finding.col)
            for finding in linted.findings
            if _contains(finding_span(lines, finding.line, finding.col), params.position)
        }
        if not spans:
            return None
        texts = hover.rule_hovers(sorted(spans))
        value = "\n\n---\n\n".join(texts[code] for code in sorted(spans) if code in texts)
        first = spans[min(spans)]
        return lsp.Hover(contents=lsp.MarkupContent(lsp.MarkupKind.Markdown, value), range=_range(first))

    # -- import cost ---------------------------------------------------------------------------

    def measured(self, cache_dir: str) -> import_cost.KeptCosts:
        """The kept measurements in ``cache_dir``, read again whenever the store changed."""
        version = import_cost.kept_version(cache_dir)
        cached = self._measured.get(cache_dir)
        if cached is None or cached[0] != version:
            cached = (version, import_cost.read_kept_costs(cache_dir))
            self._measured[cache_dir] = cached
        return cached[1]

    def import_costs(self, uri: str, window: lsp.Range | None = None) -> list[import_cost.ImportCost]:
        """The import-cost labels of the document ``uri`` (on the lines of ``window``), or
        none when the ``importCost`` setting is off."""
        if not self.options.import_cost:
            return []
        linted = self.lint(uri)
        if linted is None or linted.settings is None:
            return []
        settings = linted.settings
        costs = import_cost.import_costs(
            linted.path, linted.text, settings, self.measured(import_cost.cache_dir_of(settings))
        )
        if window is None:
            return costs
        return [cost for cost in costs if window.start.line <= cost.line <= window.end.line]

    async def measure_import_time(self, uri: str | None) -> dict[str, object]:
        """Measure the import of the project's top-level packages (the project of ``uri``,
        else the workspace's), each in a child process, then refresh the hints and lenses."""
        linted = self.lint(uri) if uri else None
        settings = linted.settings if linted is not None else None
        root = settings.project_root if settings is not None else (self.workspace.root_path or os.getcwd())
        measured: list[str] = []
        failed: dict[str, str] = {}
        for command in import_cost.measure_commands(sys.executable, root):
            package = command[-1]
            self.log(f"qemlflow-lint: measuring import {package} in {root}", lsp.MessageType.Info)
            child = await asyncio.create_subprocess_exec(
                *command,
                cwd=root,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            _, errors = await child.communicate()
            if child.returncode in (0, 1):  # 1: over a configured budget, still measured
                measured.append(package)
            else:
                lines = errors.decode("utf-8", "replace").strip().splitlines()
                failed[package] = lines[-1] if lines else f"exit status {child.returncode}"
        self._measured.clear()
        self.refresh_import_costs()
        return {"measured": measured, "failed": failed}

    def refresh_import_costs(self) -> None:
        """Ask the client to ask again for the hints and lenses, where it can be asked."""
        workspace = self.client_capabilities.workspace
        if (
            workspace is not None
            and workspace.inlay_hint is not None
            and workspace.inlay_hint.refresh_support
        ):
            self.workspace_inlay_hint_refresh(None)
        if workspace is not None and workspace.code_lens is not None and workspace.code_lens.refresh_support:
            self.workspace_code_lens_refresh(None)


def create_server() -> QemlflowLanguageServer:
    """A server with every feature registered (not started)."""
    server = QemlflowLanguageServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: QemlflowLanguageServer, params: lsp.InitializeParams) -> None:
        ls.options = ls.options.updated(params.initialization_options)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: QemlflowLanguageServer, params: lsp.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace is not None else None
        if watched is None or not watched.dynamic_registration:
            return
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[lsp.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
        )
        registration = lsp.Registration(
            id="qemlflow-lint-config", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
        )
        try:
            await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[registration]))
        except Exception:  # a client that refuses still sends saves
            ls.log("qemlflow-lint: the client did not register the configuration file watchers")

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: QemlflowLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        if not ls.is_python(uri):
            return
        ls.linted.pop(uri, None)
        changed = ls.update_project(uri, saved=False)
        ls.refresh([uri, *(u for u in changed if u != uri)])

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: QemlflowLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        if ls.is_python(params.text_document.uri):
            ls.changed(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: QemlflowLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = to_fs_path(uri) or ""
        if os.path.basename(path) in CONFIG_FILES:
            ls.reload()
            return
        if not ls.is_python(uri):
            return
        changed = ls.update_project(uri, saved=True)
        ls.refresh([uri, *(u for u in changed if u != uri)])

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: QemlflowLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.linted.pop(uri, None)
        ls._proposals.pop(uri, None)
        timer = ls._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if ls.is_python(uri) and not ls.pulls_diagnostics:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        lsp.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=False),
    )
    def pull(
        ls: QemlflowLanguageServer, params: lsp.DocumentDiagnosticParams
    ) -> lsp.DocumentDiagnosticReport:
        items = ls.diagnostics(ls.lint(params.text_document.uri))
        return lsp.RelatedFullDocumentDiagnosticReport(items=items)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, actions.FIX_ALL]),
    )
    def code_action(ls: QemlflowLanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return ls.code_actions(params)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover_(ls: QemlflowLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return ls.hover(params)

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    def inlay_hint(ls: QemlflowLanguageServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        return [
            lsp.InlayHint(
                position=lsp.Position(cost.line, cost.character),
                label=cost.label,
                tooltip=cost.tooltip,
                padding_left=True,
            )
            for cost in ls.import_costs(params.text_document.uri, params.range)
        ]

    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    def code_lens(ls: QemlflowLanguageServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens]:
        uri = params.text_document.uri
        return [
            lsp.CodeLens(
                range=lsp.Range(lsp.Position(cost.line, 0), lsp.Position(cost.line, cost.character)),
                command=lsp.Command(title=cost.label, command=import_cost.MEASURE_COMMAND, arguments=[uri]),
            )
            for cost in ls.import_costs(uri)
        ]

    @server.command(import_cost.MEASURE_COMMAND)
    async def measure(ls: QemlflowLanguageServer, *arguments: object) -> dict[str, object]:
        uri = next((argument for argument in arguments if isinstance(argument, str)), None)
        return await ls.measure_import_time(uri)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: QemlflowLanguageServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(os.path.basename(to_fs_path(change.uri) or "") in CONFIG_FILES for change in params.changes):
            ls.reload()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: QemlflowLanguageServer, params: lsp.DidChangeConfigurationParams) -> None:
        showing = ls.options.import_cost
        ls.options = ls.options.updated(params.settings)
        if ls.options.import_cost != showing:
            ls.refresh_import_costs()

    return server


def serve_stdio() -> int:
    """Run the server over standard input and output until the client exits it.

    The protocol gets its own copies of the two streams, and file descriptor 1 becomes
    standard error for the rest of the process: a stray ``print``, or a child process
    that inherits standard output, can never corrupt the messages."""
    sys.stdout.flush()
    with (
        os.fdopen(os.dup(sys.stdin.fileno()), "rb") as stdin,
        os.fdopen(os.dup(sys.stdout.fileno()), "wb") as stdout,
    ):
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        create_server().start_io(stdin, stdout)
    return 0
