"""What a hover over a finding shows: the rule's *What it does*, *Why is this bad?* and
*Use instead* sections, as ``explain`` prints them, in Markdown."""

from __future__ import annotations

from qemlflow_lint.report.rule_docs import RuleDoc, docs_by_code

#: The documentation sections a hover shows, in order.
HOVER_SECTIONS = ("What it does", "Why is this bad?", "Use instead")


def sections(documentation: str, headings: tuple[str, ...] = HOVER_SECTIONS) -> list[tuple[str, str]]:
    """The ``## heading`` sections of ``documentation`` named in ``headings``, in order,
    each with its text as written (code blocks kept)."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in documentation.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            current = found.setdefault(heading, []) if heading in headings else None
        elif current is not None:
            current.append(line)
    return [(heading, "\n".join(found[heading]).strip()) for heading in headings if heading in found]


def hover_markdown(doc: RuleDoc) -> str:
    """The hover text of one rule: its code, symbol and summary, then its sections."""
    parts = [f"**{doc.code}** `{doc.symbol}`: {doc.summary}"]
    parts.extend(f"### {heading}\n{text}" for heading, text in sections(doc.documentation))
    return "\n\n".join(parts)


def rule_hovers(codes: list[str]) -> dict[str, str]:
    """The hover text of each code in ``codes``."""
    return {code: hover_markdown(doc) for code, doc in docs_by_code(codes).items() if code in codes}
