"""What users read about a rule: ``rules``, ``explain``, the README's rule table, and what
every CI format says about it (its names, its level and its documentation).

Everything comes from the rules' own declarations (:func:`qemlflow_lint.rules.registry.all_rules`);
QF000, which has no rule class, is described here once. A rule's level follows its pylint
message id: ``W`` (warning) rules are warnings, ``C`` (convention) and ``R`` (refactor)
rules are notes, and QF000, a file that could not be analysed at all, is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

from qemlflow_lint.config.loading import all_options, host_options
from qemlflow_lint.model.findings import UNREADABLE_CODE
from qemlflow_lint.model.fixes import SAFE, UNSAFE
from qemlflow_lint.rules.base import Rule
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.score.profile import default_profile

#: How serious a finding is, in SARIF's words; each format maps it to its own scale.
Level = Literal["error", "warning", "note"]

_UNREADABLE_DOCUMENTATION = """\
A file that could not be read or parsed.

## What it does
Reports a file that could not be analysed: it does not exist or cannot be read, its bytes
do not decode in its declared encoding, or it is not valid Python. The message gives the
reason and the position.

## Why is this bad?
No rule can check a file that cannot be parsed, so its findings are unknown; an
unreadable file fails ``check`` and the score's gate.

## Use instead
Fix the syntax or encoding error that the message names, or exclude the file."""


class RuleDoc(NamedTuple):
    """One rule as reports describe it."""

    code: str
    symbol: str
    category: str
    summary: str
    level: Level
    #: The rule's documentation, dedented, in its Markdown sections.
    documentation: str

    @property
    def title(self) -> str:
        """``QF001 heavy-top-level-import``."""
        return f"{self.code} {self.symbol}"

    @property
    def what_it_does(self) -> str:
        """The documentation's *What it does* section as one paragraph (else the summary)."""
        return section(self.documentation, "What it does") or self.summary


#: QF000: a file that could not be read or parsed.
UNREADABLE = RuleDoc(
    code=UNREADABLE_CODE,
    symbol="unreadable-file",
    category="input",
    summary="a file that could not be read or parsed",
    level="error",
    documentation=_UNREADABLE_DOCUMENTATION,
)


def level_of(pylint_id: str) -> Level:
    """The level of a rule with this pylint message id."""
    letter = pylint_id[:1].upper()
    if letter in ("E", "F"):
        return "error"
    if letter in ("C", "R"):
        return "note"
    return "warning"


def section(documentation: str, heading: str) -> str:
    """The text under ``## heading`` in ``documentation``, joined into one paragraph."""
    collected: list[str] = []
    inside = False
    for line in documentation.splitlines():
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == heading
        elif inside:
            collected.append(line)
    return " ".join(" ".join(collected).split())


def docstring_text(docstring: str) -> str:
    """A docstring as written, without the indentation of its body: the same text whether
    the compiler kept that indentation (Python before 3.13) or removed it (3.13 and later)."""
    import textwrap  # here, not at the top: a one-file check loads this module and needs no docs

    first, _, body = docstring.strip().partition("\n")
    return f"{first.strip()}\n{textwrap.dedent(body)}".strip() if body else first.strip()


def rule_doc(rule: type[Rule]) -> RuleDoc:
    """The description of a rule class."""
    return RuleDoc(
        code=rule.code,
        symbol=rule.symbol,
        category=rule.category,
        summary=rule.summary,
        level=level_of(rule.pylint_id),
        documentation=docstring_text(rule.__doc__ or rule.summary),
    )


def rule_docs() -> tuple[RuleDoc, ...]:
    """QF000 and every registered rule, ordered by code."""
    return (UNREADABLE, *(rule_doc(rule) for rule in all_rules()))


def rule_docs_for(codes: Iterable[str]) -> tuple[RuleDoc, ...]:
    """Every rule of :func:`rule_docs` plus any other code in ``codes``, ordered by code.

    A code with no rule (a report read back from a newer version) still gets a
    description, so every finding of a report can point at one.
    """
    known = {doc.code: doc for doc in rule_docs()}
    for code in codes:
        if code not in known:
            known[code] = RuleDoc(code, code.lower(), "unknown", f"rule {code}", "warning", "")
    return tuple(known[code] for code in sorted(known))


def docs_by_code(codes: Iterable[str]) -> dict[str, RuleDoc]:
    """:func:`rule_docs_for` as a mapping from code to description."""
    return {doc.code: doc for doc in rule_docs_for(codes)}


def rule_table(rules: Sequence[type[Rule]]) -> str:
    """The Markdown rule table of ``rules --format markdown`` and the README."""
    rows = ["| code | symbol | pylint | unit | fix | what it reports |", "|---|---|---|---|---|---|"]
    for r in rules:
        pylint = r.pylint_id if r.pylint_symbol == r.symbol else f"{r.pylint_id} `{r.pylint_symbol}`"
        if r.project:
            pylint = "CLI only"
        rows.append(
            f"| {r.code} | `{r.symbol}` | {pylint} | {r.unit} | {fix_availability(r)} | {r.summary} |"
        )
    return "\n".join(rows) + "\n"


def fix_availability(rule: type[Rule]) -> str:
    """How ``fix`` handles the rule, in one word: ``safe``, ``unsafe``, ``safe, unsafe`` or ``—``."""
    kinds = [kind for kind in (SAFE, UNSAFE) if any(fix.applicability == kind for fix in rule.fixes)]
    return ", ".join(kinds) or "—"


def fix_lines(rule: type[Rule]) -> list[str]:
    """What ``fix`` does about the rule: one line per fix with its applicability, or why
    there is none."""
    if not rule.fixes:
        return [f"No automatic fix: {rule.no_fix}"]
    return [f"- {fix.applicability}: {fix.description}" for fix in rule.fixes]


def explain_text(rule: type[Rule]) -> str:
    """The full documentation of one rule, as ``explain`` prints it."""

    doc = docstring_text(rule.__doc__ or "")
    # A project rule needs the whole project: pylint and flake8, which see one file at a
    # time, have no message for it.
    pylint = (
        "none (a project rule: the command line reports it)"
        if rule.project
        else (f"{rule.pylint_id} ({rule.pylint_symbol})")
    )
    header = [
        f"{rule.code} {rule.symbol}",
        f"category: {rule.category} · counts: {rule.unit} · pylint: {pylint} · since {rule.version_added}",
        "",
    ]
    options = [f"  {o.key} ({o.kind_text}, default {o.default_text}): {o.help}" for o in rule.options]
    tail = ["", "Configuration keys:", *options] if options else []
    if rule.fixes:
        heading = "Automatic fix (qemlflow-lint fix; the unsafe ones with --unsafe-fixes):"
        fixes = ["", heading, *(f"  {line}" for line in fix_lines(rule))]
    else:
        fixes = ["", *fix_lines(rule)]
    return "\n".join([*header, doc, *tail, *fixes]) + "\n"


def weights_table() -> str:
    """The Markdown table of the default scoring profile: each rule's weight and why."""
    profile = default_profile()
    reasons = dict(profile.reasons)
    rows = ["| rule | weight | why |", "|---|--:|---|"]
    rows += [f"| {code} | {weight:g} | {reasons[code]} |" for code, weight in profile.weights]
    return "\n".join(rows) + "\n"


def options_table() -> str:
    """The Markdown table of every configuration key: its default, what it does, and the
    option that sets it in the command line, flake8 and pylint."""
    hosted = host_options()
    rows = [
        "| key | default | what it does | CLI | flake8 | pylint |",
        "|---|---|---|---|---|---|",
    ]
    for option in all_options():
        flake8 = f"`--qf-{option.key}`" if option.key in hosted else "—"
        pylint = f"`qf-{option.key}`" if option.key in hosted else "—"
        rows.append(
            f"| `{option.key}` | {option.default_text} | {option.help} | `--{option.key}` | {flake8} | {pylint} |"
        )
    return "\n".join(rows) + "\n"
