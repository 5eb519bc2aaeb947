"""Running a command, timing it and reading its output; round-robin over every command."""

from __future__ import annotations

import dataclasses
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from benchmarks.base import progress
from benchmarks.corpora import Corpus

#: A finding line as flake8, ruff (concise), pylint and qemlflow-lint print it.
FINDING_LINE = re.compile(r"^[^\s:][^:]*:\d+:\d+: ")


@dataclass(frozen=True)
class Sample:
    """One timed run of one command."""

    seconds: float
    peak_kib: int | None
    returncode: int
    findings: int
    stderr: str
    last_line: str = ""  # the last line of standard output
    modules: int | None = None  # import rows: the modules the timed import added


@dataclass(frozen=True)
class Command:
    """A command to time, on one corpus, with the exit codes that mean it worked."""

    key: str
    label: str
    corpus: Corpus
    argv: tuple[str, ...]
    accept: Callable[[int], bool]
    reference: str | None = None
    prepare: bool = False  # run once, untimed, before the first timed run (fills a cache)
    runs: int | None = None  # timed runs, instead of ``--repeat``
    #: "wall": the process's wall time; "import": the import time the process prints.
    kind: str = "wall"
    #: How the table compares it with its reference: "ratio" or "difference" (in ms).
    versus: str = "ratio"


@dataclass
class Outcome:
    """Every sample of a command, or why it could not be measured."""

    command: Command
    samples: list[Sample] = field(default_factory=list)
    failure: str | None = None

    @property
    def ok(self) -> bool:
        """Measured at least once and never failed."""
        return self.failure is None and bool(self.samples)

    @property
    def median(self) -> float:
        """The median wall time in seconds."""
        return statistics.median(sample.seconds for sample in self.samples)

    @property
    def peak_mib(self) -> float | None:
        """The largest single process's peak resident memory over all samples, in MiB."""
        peaks = [sample.peak_kib for sample in self.samples if sample.peak_kib is not None]
        return max(peaks) / 1024 if peaks else None


def accept_linter(code: int) -> bool:
    """flake8 and qemlflow-lint: 0 clean, 1 findings; anything else is a failure."""
    return code in (0, 1)


def accept_zero(code: int) -> bool:
    """Tools told to exit 0 whatever they find (ruff ``--exit-zero``, the parse floor)."""
    return code == 0


def accept_pylint(code: int) -> bool:
    """pylint's exit code is a bit mask; fatal (1) and usage error (32) are failures."""
    return 0 <= code < 64 and not code & (1 | 32)


def clean_environment() -> dict[str, str]:
    """The environment for every tool: this one without ``PYTHONPATH``/``PYTHONHOME``
    (each tool's own installation decides what it imports) and without colour."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    return env


def _peak_kib(usage: object) -> int | None:
    peak = getattr(usage, "ru_maxrss", None)
    if not isinstance(peak, int) or peak <= 0:
        return None
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes


def execute(argv: Sequence[str], cwd: Path, scratch: Path, env: Mapping[str, str]) -> Sample:
    """Run ``argv`` once; wall time, peak memory and finding lines of its output.

    ``os.wait4`` returns the child's resource usage including that of every descendant it
    waited for; ``ru_maxrss`` is then the peak of the largest single process (for a pool of
    workers: the largest worker or the parent), never a sum.
    """
    out_path, err_path = scratch / "stdout.txt", scratch / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv), cwd=str(cwd), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=dict(env)
        )
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            peak = _peak_kib(usage)
        else:  # no per-process resource usage on this platform
            process.wait()
            seconds = time.perf_counter() - start
            peak = None
    findings, last_line = 0, ""
    with open(out_path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            findings += bool(FINDING_LINE.match(line))
            last_line = line.strip() or last_line
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    return Sample(seconds, peak, process.returncode or 0, findings, stderr, last_line)


def _reported(sample: Sample) -> Sample | None:
    """An import row's sample with the time and module count that the process printed."""
    fields = sample.last_line.split()
    try:
        return dataclasses.replace(sample, seconds=float(fields[0]), modules=int(fields[1]))
    except (IndexError, ValueError):
        return None


def _failure_text(sample: Sample) -> str:
    lines = [line for line in sample.stderr.strip().splitlines() if line.strip()]
    tail = lines[-1][:200] if lines else "no message"
    return f"exit code {sample.returncode}: {tail}"


def measure(commands: Sequence[Command], repeat: int, scratch: Path, env: Mapping[str, str]) -> list[Outcome]:
    """Time every command ``repeat`` times (or its own ``runs``), round-robin (so slow drifts
    of the machine spread over all commands instead of favouring some). Rounds beyond
    ``repeat`` run only the commands that ask for more runs."""
    outcomes = [Outcome(command) for command in commands]

    def runs(outcome: Outcome) -> int:
        return outcome.command.runs or repeat

    total = sum(runs(outcome) for outcome in outcomes)
    done = 0
    for outcome in outcomes:
        if outcome.command.prepare:
            progress(f"preparing: {outcome.command.corpus.key}: {outcome.command.label}")
            sample = execute(outcome.command.argv, outcome.command.corpus.root, scratch, env)
            if not outcome.command.accept(sample.returncode):
                outcome.failure = _failure_text(sample)
    for round_number in range(max(map(runs, outcomes), default=0)):
        for outcome in outcomes:
            if round_number >= runs(outcome):
                continue
            done += 1
            if outcome.failure is not None:
                continue
            command = outcome.command
            sample = execute(command.argv, command.corpus.root, scratch, env)
            if not command.accept(sample.returncode):
                outcome.failure = _failure_text(sample)
                progress(
                    f"[{done}/{total}] {command.corpus.key}: {command.label}: FAILED ({outcome.failure})"
                )
                continue
            if command.kind == "import":
                reported = _reported(sample)
                if reported is None:
                    outcome.failure = f"unexpected output {sample.last_line[:100]!r}"
                    continue
                sample = reported
            outcome.samples.append(sample)
            shown = f"{sample.seconds * 1000:.1f} ms" if sample.seconds < 1 else f"{sample.seconds:.2f} s"
            progress(f"[{done}/{total}] {command.corpus.key}: {command.label}: {shown}")
    return outcomes
