"""The plan of a run: the tools found on this machine, then every row each measurement module
asks for, in table order (corpus by corpus)."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from benchmarks.base import REPO, progress
from benchmarks.corpora import Corpus
from benchmarks.flake8_venvs import prepare_flake8
from benchmarks.results import Judges
from benchmarks.timing import Command, clean_environment
from benchmarks.tools import Tool, compiled_copy, find_pylint, find_qemlflow_lint, find_ruff, heavy_modules


@dataclass
class Plan:
    """The commands to time and what was left out, with the tool versions found."""

    commands: list[Command] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Setup:
    """What a measurement module plans its rows from: the corpora, the tools found (or why
    not), their settings files, and the run's options."""

    corpora: tuple[Corpus, ...]
    args: argparse.Namespace
    work: Path
    cores: int
    env: dict[str, str]
    #: The compiled copy of this checkout that the CLI rows run.
    code: Path
    qf: Tool | str
    ruff: Tool | str
    pylint: Tool | str
    flake8: dict[str, Tool]
    #: flake8's and pylint's settings files (no user or project configuration is read).
    configs: dict[str, Path]
    #: ruff's ``--config`` value that bans the default heavy modules at module level.
    ruff_config: str


def write_configs(work: Path, heavy: Sequence[str]) -> dict[str, Path]:
    """flake8 and pylint settings files (so no user or project configuration is read)."""
    banned = "\n".join(f"    {module}.* = heavy module, import it where it is used" for module in heavy)
    files = {
        "flake8": ("flake8.cfg", "[flake8]\n"),
        "flake8-tidy": ("flake8-tidy.cfg", f"[flake8]\nbanned-modules =\n{banned}\n"),
        "pylintrc": ("pylintrc", "[MAIN]\n"),
    }
    paths = {}
    for key, (name, text) in files.items():
        paths[key] = work / name
        paths[key].write_text(text, encoding="utf-8")
    return paths


def find_tools(
    corpora: Sequence[Corpus], args: argparse.Namespace, work: Path, cores: int, result: Plan
) -> Setup:
    """Find every tool (noting in ``result`` those missing and the versions of those found)."""
    env = clean_environment()
    heavy = heavy_modules()
    progress("copying this checkout's package and compiling its bytecode")
    code = compiled_copy(REPO, work / "checkout")
    qf = find_qemlflow_lint(env, code)
    ruff = find_ruff(env)
    pylint: Tool | str = "skipped (--no-venvs)" if args.no_venvs else find_pylint(env, code)
    flake8: dict[str, Tool] = {}
    if args.no_venvs:
        result.notes.append("flake8 and pylint: skipped (--no-venvs)")
    else:
        flake8, flake8_notes = prepare_flake8(Path(args.venv_dir), work)
        result.notes.extend(flake8_notes)
    for name, tool in (("qemlflow-lint", qf), ("ruff", ruff), ("pylint", pylint)):
        if isinstance(tool, Tool):
            result.versions.append(tool.version)
        elif not tool.startswith("skipped"):
            result.notes.append(f"{name}: rows skipped, {tool}")
    if "flake8" in flake8:
        # ``7.1.0 (mccabe: 0.7.0, …) CPython 3.12.1 on Linux``: keep the versions only.
        result.versions.append("flake8 " + flake8["flake8"].version.split(" CPython")[0])
    if "flake8-ann-tidy" in flake8:
        plugins = re.findall(
            r"(flake8-annotations|flake8-tidy-imports): ([\w.]+)", flake8["flake8-ann-tidy"].version
        )
        result.versions.extend(f"{n} {v}" for n, v in plugins)
    return Setup(
        corpora=tuple(corpora),
        args=args,
        work=work,
        cores=cores,
        env=env,
        code=code,
        qf=qf,
        ruff=ruff,
        pylint=pylint,
        flake8=flake8,
        configs=write_configs(work, heavy),
        ruff_config="lint.flake8-tidy-imports.banned-module-level-imports = " + json.dumps(list(heavy)),
    )


def row(
    corpus: Corpus,
    key: str,
    label: str,
    argv: Sequence[str],
    accept: Callable[[int], bool],
    reference: str | None = None,
    **options: Any,
) -> Command:
    """A row on ``corpus``: its key and its reference's key are prefixed with the corpus's."""
    return Command(
        f"{corpus.key}:{key}",
        label,
        corpus,
        tuple(argv),
        accept,
        f"{corpus.key}:{reference}" if reference else None,
        **options,
    )


class Measurement(Protocol):
    """A measurement module (``benchmarks/measurements/*.py``): its rows and its targets."""

    #: Each target one function of the measured results.
    TARGETS: Judges

    def rows(self, setup: Setup, notes: list[str]) -> list[Command]:
        """The commands to time (none when its tool is missing; ``notes`` says why)."""


def plan(
    corpora: Sequence[Corpus],
    args: argparse.Namespace,
    work: Path,
    cores: int,
    measurements: Sequence[Measurement],
) -> Plan:
    """Find the tools and list every command to time, in table order: corpus by corpus, each
    corpus's rows in the order of ``measurements``; rows of no corpus of the run last."""
    result = Plan()
    setup = find_tools(corpora, args, work, cores, result)
    commands: list[Command] = []
    for measurement in measurements:
        commands.extend(measurement.rows(setup, result.notes))
    order = {corpus.key: number for number, corpus in enumerate(corpora)}
    result.commands = sorted(commands, key=lambda command: order.get(command.corpus.key, len(order)))
    return result
