"""flake8 alone, with the equivalent plugins and with ours (each in its own virtual
environment), on the full standard library and the small corpus; the two flake8 targets."""

from __future__ import annotations

from benchmarks.plan import Setup, row
from benchmarks.results import Judges, Results, Target, judged
from benchmarks.timing import Command, accept_linter
from benchmarks.tools import Tool

#: flake8's equivalents (ANN from flake8-annotations, I25 from flake8-tidy-imports).
FLAKE8_EQUIVALENT_SELECT = "ANN,I25,E722,F403"
#: The corpora that flake8 runs on. Not stdlib-lib: the comparisons with flake8 are made on
#: the full standard library, as before.
FLAKE8_CORPORA = frozenset({"stdlib", "small"})
FASTER_THAN_FLAKE8 = 10  # the CLI on all cores against flake8 with the equivalent plugins


def rows(setup: Setup, notes: list[str]) -> list[Command]:
    """The flake8 rows whose environment could be made."""
    flake8, configs = setup.flake8, setup.configs
    ours = "qf-cold-n" if isinstance(setup.qf, Tool) else None
    plain = "flake8" if "flake8" in flake8 else None
    jobs = ("--jobs", str(setup.cores))
    found: list[Command] = []
    for corpus in setup.corpora:
        if corpus.key not in FLAKE8_CORPORA:
            continue
        if "flake8" in flake8:
            found.append(
                row(
                    corpus,
                    "flake8",
                    f"flake8 (pycodestyle, pyflakes, mccabe), `--jobs {setup.cores}`",
                    (*flake8["flake8"].argv, "--config", str(configs["flake8"]), *jobs, "."),
                    accept_linter,
                    ours,
                )
            )
        if "flake8-ann" in flake8:
            found.append(
                row(
                    corpus,
                    "flake8-ann",
                    "flake8 + flake8-annotations",
                    (*flake8["flake8-ann"].argv, "--config", str(configs["flake8"]), *jobs, "."),
                    accept_linter,
                    plain,
                )
            )
        if "flake8-ann-tidy" in flake8:
            tidy = (*flake8["flake8-ann-tidy"].argv, "--config", str(configs["flake8-tidy"]), *jobs)
            found.append(
                row(
                    corpus,
                    "flake8-ann-tidy",
                    "flake8 + flake8-annotations + flake8-tidy-imports (heavy list banned)",
                    (*tidy, "."),
                    accept_linter,
                    plain,
                )
            )
            found.append(
                row(
                    corpus,
                    "flake8-equivalent",
                    f"flake8 + flake8-annotations + flake8-tidy-imports, "
                    f"`--select {FLAKE8_EQUIVALENT_SELECT}` (the equivalent rules)",
                    (*tidy, "--select", FLAKE8_EQUIVALENT_SELECT, "."),
                    accept_linter,
                    ours,
                )
            )
        if "flake8-qf" in flake8:
            found.append(
                row(
                    corpus,
                    "flake8-qf",
                    "flake8 + qemlflow-lint plugin",
                    (*flake8["flake8-qf"].argv, "--config", str(configs["flake8"]), *jobs, "."),
                    accept_linter,
                    plain,
                )
            )
    return found


def faster_than_flake8(results: Results) -> list[Target]:
    """The CLI on all cores against flake8 with the equivalent plugins, same cores."""
    return [
        judged(
            f"≥ {FASTER_THAN_FLAKE8} × faster than flake8 with the equivalent plugins (same cores)",
            [results.on("flake8-equivalent"), results.on("qf-cold-n"), results.on("flake8-ann-tidy")],
            lambda f, c, t: f / c >= FASTER_THAN_FLAKE8,
            lambda f, c, t: (
                f"flake8 {f:.1f} s / qemlflow-lint {c:.2f} s = {f / c:.1f} × "
                f"({t / c:.1f} × with all flake8 output)"
            ),
        )
    ]


def plugin_cost(results: Results) -> list[Target]:
    """What our flake8 plugin adds to plain flake8, against what flake8-annotations adds."""
    on, per_round = results.on, results.per_round
    return [
        judged(
            "the flake8 plugin adds less time than flake8-annotations",
            [on("flake8"), on("flake8-ann"), on("flake8-ann-tidy"), on("flake8-qf")],
            lambda p, a, t, o: o - p < a - p,
            lambda p, a, t, o: (
                f"ours {o - p:+.2f} s ({(o - p) / p:+.1%}{per_round('flake8-qf', 'flake8')}), "
                f"annotations {a - p:+.2f} s "
                f"({(a - p) / p:+.1%}{per_round('flake8-ann', 'flake8')}), "
                f"annotations + tidy-imports {t - p:+.2f} s ({(t - p) / p:+.1%})"
            ),
        )
    ]


TARGETS: Judges = (faster_than_flake8, plugin_cost)
