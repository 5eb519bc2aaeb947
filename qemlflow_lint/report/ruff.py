"""The ruff rules closest to each QF rule, and the ruff configuration built from them.

ruff has no plugin interface, so teams that also run ruff can only approximate the QF rules
with ruff's own. :data:`EQUIVALENTS` says, for every QF rule, which ruff rules come closest,
whether ruff checks the same thing, part of it or nothing, and what differs;
:func:`ruff_toml` renders the ``[tool.ruff.lint]`` tables for a configuration (the rules it
enables, its heavy-module list and its per-file ignores) and :func:`ruff_table` the
comparison. ``tests/test_ruff_config.py`` runs ruff with that configuration on the fixtures
and holds the differences to exactly the ones described here.
"""

from __future__ import annotations

import json
from typing import Dict, List, NamedTuple, Sequence, Tuple

from qemlflow_lint.config.loading import Config

#: How much of a QF rule its ruff rules check (the ``coverage`` of an entry):
#: the same findings; all of them but the cases named; all of them and more (ruff is
#: stricter); part of them; nothing.
SAME, MOST, MORE, PART, NONE = "same", "most", "more", "part", "none"


class RuffEquivalent(NamedTuple):
    """The ruff rules that approximate one QF rule, and how well."""

    code: str
    ruff: Tuple[str, ...]
    coverage: str
    differences: str


EQUIVALENTS: Tuple[RuffEquivalent, ...] = (
    RuffEquivalent(
        "QF001", ("TID253",), PART,
        "TID253 reports the heavy modules in import statements at the top level of a module only. It "
        "misses imports in module-level if/elif/else, try/except/else/finally (`try: import torch / "
        "except ImportError:` included), with, for, while and match blocks and in class bodies - also "
        "where QF001 does not exempt them: the `else` of `if TYPE_CHECKING:`, `if not TYPE_CHECKING:`, "
        "the `else` of a main guard - and literal `importlib.import_module(...)`/`__import__(...)` "
        "calls. It reports what QF001 exempts: the heavy package's own modules, and PEP 810 `lazy` "
        "imports and modules listed in `__lazy_modules__` (Python 3.15).",
    ),
    RuffEquivalent(
        "QF002", ("ANN001", "ANN002", "ANN003", "ANN201", "ANN204", "ANN205", "ANN206"), MORE,
        "ANN reports each missing annotation at its parameter (QF002: one finding per def, at the def) "
        "and also checks what QF002 treats as private: underscore names, defs in private modules and "
        "packages, names left out of a literal `__all__`, defs nested in functions or in private "
        "classes. It checks `@no_type_check` functions and classes, and `__init__(self)` without "
        "`-> None` (mypy-init-return needs one typed parameter). Both check `@overload` stubs and skip "
        "the implementation.",
    ),
    RuffEquivalent(
        "QF003", ("D100", "D101", "D102", "D103", "D104", "D106", "D419"), MORE,
        "D102 also wants docstrings on `__call__` and `__new__` (QF003 exempts every dunder), and "
        "D100/D104 report empty and comment-only files, an empty `__init__.py` included (QF003 skips "
        "files with no statements). Both follow a literal `__all__`, exempt `@overload` stubs and "
        "report empty docstrings (D419).",
    ),
    RuffEquivalent(
        "QF004", ("E722",), MOST,
        "E722 does not report a bare `except:` whose body re-raises.",
    ),
    RuffEquivalent(
        "QF005", ("F403",), SAME,
        "None, with `__init__.py` exempt through the per-file ignore; both check test files.",
    ),
    RuffEquivalent(
        "QF006", (), NONE,
        "No ruff rule reports module-level side effects (print, warning filters, logging "
        "configuration, sys.path or os.environ changes); T201 reports every print, anywhere.",
    ),
    RuffEquivalent(
        "QF007", ("S110", "S112"), PART,
        "S110/S112 (with check-typed-exception) report a handler whose body is only `pass` or only "
        "`continue`; a body of `...` or string literals, or of several do-nothing statements "
        "(`pass` then `continue`), is not reported.",
    ),
    RuffEquivalent("QF008", (), NONE, "ruff has no rule on the length of a module."),
    RuffEquivalent("QF101", (), NONE, "ruff checks one file at a time: it has no first-party import graph."),
    RuffEquivalent("QF102", (), NONE, "ruff checks one file at a time: it reports no import cycles."),
)

#: ruff rules that the configuration adds with no QF counterpart: the QF rule they go with,
#: and why.
RUFF_ONLY: Dict[str, Tuple[str, str]] = {
    "PLC0415": (
        "QF001",
        "imports inside functions, except of the TID253-banned (heavy) modules: ruff's pairing with "
        "TID253, which keeps light imports at the top. Stricter than QF, which never reports a "
        "deferred import; leave it out if you defer light imports too.",
    ),
}
#: True of every rule: qemlflow-lint's ``# noqa: QF…`` comments do not silence ruff.
NOQA_NOTE = (
    "`# noqa: QF004` silences qemlflow-lint only: ruff needs its own code on the line "
    "(`# noqa: QF004, E722`) or a bare `# noqa`."
)

#: File patterns (ruff globs) of the test files that QF001, QF002 and QF003 skip.
TEST_FILE_PATTERNS = ("test_*.py", "*_test.py", "tests.py", "conftest.py", "**/tests/**", "**/test/**")
#: QF rules that skip test files, ``__main__.py`` and ``__init__.py`` respectively.
_SKIP_TESTS = ("QF001", "QF002", "QF003")
_SKIP_MAIN = ("QF001",)
_SKIP_INIT = ("QF005",)
#: Per-file ignores name these rule families by prefix, to stay short.
_IGNORE_PREFIXES = ("ANN", "D1")


def equivalent(code: str) -> RuffEquivalent:
    """The entry of one QF rule."""
    return next(entry for entry in EQUIVALENTS if entry.code == code)


def ruff_codes(config: Config, codes: Sequence[str]) -> List[str]:
    """The ruff rules (ruff-only companions included) for the enabled ``codes``."""
    found: List[str] = []
    for entry in EQUIVALENTS:
        if entry.code in codes and config.is_enabled(entry.code):
            found.extend(entry.ruff)
            found.extend(extra for extra, (paired, _) in RUFF_ONLY.items() if paired == entry.code)
    return found


def _toml_list(items: Sequence[str], indent: str = "    ") -> str:
    if not items:
        return "[]"
    return "[\n" + "".join(f"{indent}{json.dumps(item)},\n" for item in items) + "]"


def _inline_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"


def _compact(codes: Sequence[str]) -> List[str]:
    """``codes`` with the annotation and docstring rules as their prefixes (``ANN``, ``D1``)."""
    compact: List[str] = []
    for code in codes:
        code = next((prefix for prefix in _IGNORE_PREFIXES if code.startswith(prefix)), code)
        if code not in compact:
            compact.append(code)
    return compact


def per_file_ignores(config: Config) -> Dict[str, List[str]]:
    """ruff's per-file ignores: the files the QF rules skip, then the configuration's own
    ``per-file-ignores`` translated to ruff codes."""
    every = [entry.code for entry in EQUIVALENTS]
    ignores: Dict[str, List[str]] = {}
    for pattern, skipped in (("__init__.py", _SKIP_INIT), ("__main__.py", _SKIP_MAIN)):
        if ruff_codes(config, skipped):
            ignores[pattern] = ruff_codes(config, skipped)
    for pattern in TEST_FILE_PATTERNS:
        if ruff_codes(config, _SKIP_TESTS):
            ignores[pattern] = _compact(ruff_codes(config, _SKIP_TESTS))
    for entry in config.per_file_ignores:
        codes = [code for code in every if any(code.startswith(prefix) for prefix in entry.codes)]
        translated = ruff_codes(config, codes)
        if translated:
            merged = ignores.setdefault(entry.pattern.pattern, [])
            merged.extend(code for code in translated if code not in merged)
    return ignores


def ruff_toml(config: Config) -> str:
    """The ``[tool.ruff.lint]`` tables closest to ``config``'s QF rules."""
    every = [entry.code for entry in EQUIVALENTS]
    missing = ", ".join(entry.code for entry in EQUIVALENTS if entry.coverage == NONE)
    lines = [
        "# The ruff rules closest to the QF rules (`qemlflow-lint ruff-config`). ruff has no plugin",
        f"# interface: {missing} have no ruff counterpart, and the others differ",
        "# in details (`qemlflow-lint ruff-config --format table`).",
        "[tool.ruff.lint]",
        "# `# noqa: QF001` comments are qemlflow-lint's: ruff leaves them alone.",
        'external = ["QF"]',
        "extend-select = [",
    ]
    for entry in EQUIVALENTS:
        if config.is_enabled(entry.code):
            lines.extend(f"    {json.dumps(code)},  # {entry.code}" for code in entry.ruff)
            lines.extend(f"    {json.dumps(extra)},  # ruff only, with {entry.code} (see the table)"
                         for extra, (paired, _) in RUFF_ONLY.items() if paired == entry.code)
    lines.append("]")
    codes = ruff_codes(config, every)
    if "TID253" in codes:
        lines += [
            "",
            "[tool.ruff.lint.flake8-tidy-imports]",
            "# The heavy modules of QF001. ruff's PLC0415 (imports outside the top level) allows",
            "# these very modules inside functions: TID253's list is PLC0415's allow-list.",
            f"banned-module-level-imports = {_toml_list(config.all_heavy_modules)}",
        ]
    if any(code.startswith("ANN") for code in codes):
        lines += [
            "",
            "[tool.ruff.lint.flake8-annotations]",
            "# QF002 needs no return annotation on __init__; ruff accepts that when a parameter is typed.",
            "mypy-init-return = true",
        ]
    if "S110" in codes:
        lines += [
            "",
            "[tool.ruff.lint.flake8-bandit]",
            "# QF007 reports swallowed exceptions of every type, not only Exception.",
            "check-typed-exception = true",
        ]
    ignores = per_file_ignores(config)
    if ignores:
        lines += ["", "[tool.ruff.lint.per-file-ignores]", "# The files the QF rules skip."]
        lines.extend(f"{json.dumps(pattern)} = {_inline_list(codes)}" for pattern, codes in ignores.items())
    return "\n".join(lines) + "\n"


def ruff_table(config: Config) -> str:
    """What ruff can and cannot check of each QF rule, as a Markdown table."""
    from qemlflow_lint.rules.registry import all_rules  # the registry imports the rules

    symbols = {rule.code: rule.symbol for rule in all_rules()}
    rows = ["| QF rule | ruff rules | ruff checks | what differs |", "|---|---|---|---|"]
    for entry in EQUIVALENTS:
        enabled = "" if config.is_enabled(entry.code) else " (not selected)"
        ruff = ", ".join(entry.ruff) or "—"
        rows.append(f"| {entry.code} `{symbols.get(entry.code, '')}`{enabled} | {ruff} | {entry.coverage} "
                    f"| {entry.differences} |")
    for extra, (paired, why) in RUFF_ONLY.items():
        rows.append(f"| — (with {paired}) | {extra} | ruff only | {why} |")
    legend = ("ruff checks: same = the same findings; most = all but the cases named; more = all of them "
              "and more (ruff is stricter); part = some of them; none = nothing like it.")
    return "\n".join(rows) + "\n\n" + legend + "\n" + NOQA_NOTE + "\n"
