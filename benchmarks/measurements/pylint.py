"""pylint alone, with our plugin and with our checker only, on the small corpus; the plugin's
share of pylint's time."""

from __future__ import annotations

from benchmarks.plan import Setup, row
from benchmarks.results import Judges, Results, Target, judged
from benchmarks.timing import Command, accept_pylint
from benchmarks.tools import Tool

PYLINT_CHECKER = "qemlflow-lint"
PYLINT_PLUGIN = "qemlflow_lint.pylint_plugin"
PLUGIN_SHARE = 0.10  # the most the plugin may add to pylint's time


def rows(setup: Setup, notes: list[str]) -> list[Command]:
    """The three pylint rows on the small corpus (pylint would take far too long on more)."""
    if not isinstance(setup.pylint, Tool):
        return []
    base = (
        *setup.pylint.argv,
        f"--rcfile={setup.configs['pylintrc']}",
        "--persistent=n",
        "--jobs=1",
        "--recursive=y",
    )
    only = ("--disable=all", f"--enable={PYLINT_CHECKER}")
    found = []
    for corpus in setup.corpora:
        if corpus.key != "small":
            continue
        found += [
            row(
                corpus,
                "pylint",
                "pylint, default checkers, `--jobs 1`",
                (*base, "."),
                accept_pylint,
                "qf-cold-1" if isinstance(setup.qf, Tool) else None,
            ),
            row(
                corpus,
                "pylint-qf",
                "pylint + qemlflow-lint plugin, `--jobs 1`",
                (*base, f"--load-plugins={PYLINT_PLUGIN}", "."),
                accept_pylint,
                "pylint",
            ),
            row(
                corpus,
                "pylint-qf-only",
                f"pylint, qemlflow-lint checker only (`{' '.join(only)}`)",
                (*base, f"--load-plugins={PYLINT_PLUGIN}", *only, "."),
                accept_pylint,
                "pylint",
            ),
        ]
    return found


def plugin_share(results: Results) -> list[Target]:
    """What the plugin adds to pylint's time on the small corpus."""
    return [
        judged(
            f"the pylint plugin adds ≤ {PLUGIN_SHARE * 100:.0f} % to pylint's time (small corpus)",
            [results.on("pylint", "small"), results.on("pylint-qf", "small")],
            lambda p, q: (q - p) / p <= PLUGIN_SHARE,
            lambda p, q: (
                f"{p:.2f} s → {q:.2f} s: {(q - p) / p:+.1%}{results.per_round('pylint-qf', 'pylint', 'small')}"
            ),
        )
    ]


TARGETS: Judges = (plugin_share,)
