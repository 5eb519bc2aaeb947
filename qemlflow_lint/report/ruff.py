"""The ruff rules closest to each QF rule, and the ruff configuration built from them.

ruff has no plugin interface, so teams that also run ruff can only approximate the QF rules
with ruff's own. Each rule declares its closest ruff rules (:attr:`Rule.ruff
<qemlflow_lint.rules.base.Rule.ruff>`): which ones, whether ruff checks the same thing, part
of it or nothing, and what differs. :data:`EQUIVALENTS` gathers them; :func:`ruff_toml`
renders the ``[tool.ruff.lint]`` tables for a configuration (the rules it enables, its
heavy-module list and its per-file ignores) and :func:`ruff_table` the comparison.
``tests/report/test_ruff.py`` runs ruff with that configuration on the fixtures and holds
the differences to exactly the ones declared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint.model.heavy import match_heavy
from qemlflow_lint.model.modules import TEST_DIRECTORY_NAMES, TEST_FILE_PATTERNS
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.base import MAIN_FILES, MORE, MOST, NONE, PACKAGE_INITS, PART, SAME, TEST_FILES
from qemlflow_lint.rules.registry import all_rules

__all__ = [
    "EQUIVALENTS",
    "MORE",
    "MOST",
    "NONE",
    "PART",
    "RUFF_ONLY",
    "SAME",
    "equivalent",
    "ruff_table",
    "ruff_toml",
]


class RuffRuleRow(NamedTuple):
    """The ruff rules that approximate one QF rule, and how well."""

    code: str
    ruff: tuple[str, ...]
    coverage: str
    differences: str


#: Every QF rule's closest ruff rules, in code order.
EQUIVALENTS: tuple[RuffRuleRow, ...] = tuple(
    RuffRuleRow(rule.code, rule.ruff.codes, rule.ruff.coverage, rule.ruff.differences) for rule in all_rules()
)

#: ruff rules that the configuration adds with no QF counterpart: the QF rule they go with,
#: and why.
RUFF_ONLY: dict[str, tuple[str, str]] = {
    companion: (rule.code, why) for rule in all_rules() for companion, why in rule.ruff.companions
}
#: True of every rule: qemlflow-lint's ``# noqa: QF…`` comments do not silence ruff.
NOQA_NOTE = (
    "`# noqa: E722` (ruff's code) silences both tools: qemlflow-lint honours the equivalent codes "
    "unless `noqa-equivalents` is off. `# noqa: QF004` silences qemlflow-lint only."
)

#: File patterns (ruff globs) of the test files that rules exempting test files skip.
RUFF_TEST_FILE_PATTERNS = (
    *TEST_FILE_PATTERNS,
    *(f"**/{name}/**" for name in sorted(TEST_DIRECTORY_NAMES, reverse=True)),
)
#: Per-file ignores name these rule families by prefix, to stay short.
_IGNORE_PREFIXES = ("ANN", "D1")


def _exempting(kind: str) -> list[str]:
    return [rule.code for rule in all_rules() if kind in rule.exempt_files]


def _banned(config: Settings) -> list[str]:
    """The heavy modules ruff should ban: the heavy list without the allowed ones."""
    allowed = frozenset(config.allowed_heavy_modules)
    return [name for name in config.all_heavy_modules if not match_heavy(name, allowed)]


def equivalent(code: str) -> RuffRuleRow:
    """The entry of one QF rule."""
    return next(entry for entry in EQUIVALENTS if entry.code == code)


def ruff_codes(config: Settings, codes: Sequence[str]) -> list[str]:
    """The ruff rules (ruff-only companions included) for the enabled ``codes``."""
    found: list[str] = []
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


def _compact(codes: Sequence[str]) -> list[str]:
    """``codes`` with the annotation and docstring rules as their prefixes (``ANN``, ``D1``)."""
    compact: list[str] = []
    for code in codes:
        code = next((prefix for prefix in _IGNORE_PREFIXES if code.startswith(prefix)), code)
        if code not in compact:
            compact.append(code)
    return compact


def per_file_ignores(config: Settings) -> dict[str, list[str]]:
    """ruff's per-file ignores: the files the QF rules skip, then the configuration's own
    ``per-file-ignores`` translated to ruff codes."""
    every = [entry.code for entry in EQUIVALENTS]
    ignores: dict[str, list[str]] = {}
    for pattern, kind in (("__init__.py", PACKAGE_INITS), ("__main__.py", MAIN_FILES)):
        if ruff_codes(config, _exempting(kind)):
            ignores[pattern] = ruff_codes(config, _exempting(kind))
    for pattern in RUFF_TEST_FILE_PATTERNS:
        if ruff_codes(config, _exempting(TEST_FILES)):
            ignores[pattern] = _compact(ruff_codes(config, _exempting(TEST_FILES)))
    for entry in config.per_file_ignores:
        codes = [code for code in every if any(code.startswith(prefix) for prefix in entry.codes)]
        translated = ruff_codes(config, codes)
        if translated:
            merged = ignores.setdefault(entry.pattern.pattern, [])
            merged.extend(code for code in translated if code not in merged)
    return ignores


def ruff_toml(config: Settings) -> str:
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
            lines.extend(
                f"    {json.dumps(extra)},  # ruff only, with {entry.code} (see the table)"
                for extra, (paired, _) in RUFF_ONLY.items()
                if paired == entry.code
            )
    lines.append("]")
    codes = ruff_codes(config, every)
    if "TID253" in codes:
        lines += [
            "",
            "[tool.ruff.lint.flake8-tidy-imports]",
            "# The heavy modules of QF001. ruff's PLC0415 (imports outside the top level) allows",
            "# these very modules inside functions: TID253's list is PLC0415's allow-list.",
            f"banned-module-level-imports = {_toml_list(_banned(config))}",
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


def ruff_table(config: Settings) -> str:
    """What ruff can and cannot check of each QF rule, as a Markdown table."""
    symbols = {rule.code: rule.symbol for rule in all_rules()}
    rows = ["| QF rule | ruff rules | ruff checks | what differs |", "|---|---|---|---|"]
    for entry in EQUIVALENTS:
        enabled = "" if config.is_enabled(entry.code) else " (not selected)"
        ruff = ", ".join(entry.ruff) or "—"
        rows.append(
            f"| {entry.code} `{symbols.get(entry.code, '')}`{enabled} | {ruff} | {entry.coverage} "
            f"| {entry.differences} |"
        )
    for extra, (paired, why) in RUFF_ONLY.items():
        rows.append(f"| — (with {paired}) | {extra} | ruff only | {why} |")
    legend = (
        "ruff checks: same = the same findings; most = all but the cases named; more = all of them "
        "and more (ruff is stricter); part = some of them; none = nothing like it."
    )
    return "\n".join(rows) + "\n\n" + legend + "\n" + NOQA_NOTE + "\n"
