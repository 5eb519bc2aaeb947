"""Regenerate the parts of the documentation that come from the code.

The rule table, the scoring profile's weights and the configuration keys are declared once,
on the rules and in the settings model; this script writes them into the marked blocks of
``README.md`` (``<!-- name: ... -->`` … ``<!-- end name -->``). Sample outputs are made by
running the commands: a ``<!-- command: FOLDER $ qemlflow-lint ARGS -->`` line before a
``console`` code block gets the command's real output, run in ``FOLDER`` (relative to the
repository). ``--check`` writes nothing and exits 1 when anything is stale; the test suite
runs the same comparison.

    python docs/generate.py          # rewrite the blocks
    python docs/generate.py --check  # exit 1 if anything is stale
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Callable

from qemlflow_lint.model.settings import Settings
from qemlflow_lint.report.ruff import ruff_table
from qemlflow_lint.report.rule_docs import options_table, rule_table, weights_table
from qemlflow_lint.rules.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: Each generated block of the README, by its marker name.
BLOCKS: dict[str, Callable[[], str]] = {
    "rule-table": lambda: rule_table(all_rules()),
    "weights-table": weights_table,
    "options-table": options_table,
    "ruff-table": lambda: ruff_table(Settings()),
}


def block_pattern(name: str) -> re.Pattern[str]:
    """The marked block ``name``: its opening comment, its text, its closing comment."""
    return re.compile(rf"(<!-- {re.escape(name)}:.*?-->\n)(.*?)(<!-- end {re.escape(name)} -->)", re.S)


#: A sample output: the command line, then its ``console`` block.
COMMAND_BLOCK = re.compile(
    r"(<!-- command: (?P<folder>[^$]*?) \$ (?P<command>qemlflow-lint [^>]*?) -->\n```console\n)(.*?)(```)",
    re.S,
)
#: Commands that would write a result cache into the sample project: run without it.
_CACHING = ("check", "score", "baseline")


def command_output(folder: str, command: str) -> str:
    """What ``command`` prints in ``folder``: the command line, standard output, then
    standard error, as a terminal shows them."""
    words = shlex.split(command)[1:]
    hidden: list[str] = ["--no-cache"] if words and words[0] in _CACHING else []
    done = subprocess.run(
        [sys.executable, "-m", "qemlflow_lint", *words[:1], *hidden, *words[1:]],
        cwd=str(ROOT / folder),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "Traceback" in done.stderr:
        raise SystemExit(f"{command} (in {folder}) crashed:\n{done.stderr}")
    return f"$ {command}\n{done.stdout}{done.stderr}"


def regenerated(text: str) -> str:
    """``text`` with every marked block replaced by what the code says now."""
    text = COMMAND_BLOCK.sub(
        lambda m: m.group(1) + command_output(m["folder"].strip(), m["command"].strip()) + m.group(5), text
    )
    for name, render in BLOCKS.items():
        pattern = block_pattern(name)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- {name}: ... --> block")
        text = pattern.sub(lambda match, render=render: match.group(1) + render() + match.group(3), text)
    return text


def main() -> int:
    """Rewrite the README's generated blocks, or with ``--check`` say whether they are stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a block is stale")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    fresh = regenerated(text)
    if args.check:
        if fresh != text:
            print("README.md is stale: run `python docs/generate.py`", file=sys.stderr)
            return 1
        return 0
    if fresh != text:
        README.write_text(fresh, encoding="utf-8")
        print("README.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
