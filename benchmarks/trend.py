"""How fast ``qemlflow-lint trend`` scores a history: cold (nothing stored, nothing cached)
and warm (every commit already stored).

The issue's target: 200 commits of a 130-file project in at most 20 s cold on 2 cores, and
a rerun with every commit stored in at most 1 s. This script builds such a repository with
``git fast-import`` (a synthetic package of 130 modules, each commit editing a few of them,
as everyday work does), then times the command line as a user runs it, in fresh processes.
Standard library only; it prints a Markdown table for ``benchmarks/README.md``.

``--repository PATH`` times a real history instead (a clone of it: the runs never write
to its working tree, and their caches go to a temporary folder): the same targets hold for
its last ``--commits`` commits. Each round's load average is printed with it, since a
shared machine's other work moves these figures more than anything in the tool.

    python benchmarks/trend.py                       # 200 commits, 130 files, 3 rounds
    python benchmarks/trend.py --commits 50 --rounds 1
    python benchmarks/trend.py --jobs 1              # one process, to see what the pool gives
    python benchmarks/trend.py --repository ../QeMLflow --rounds 5
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COLD_TARGET, WARM_TARGET = 20.0, 1.0


def module_text(package: int, number: int, revision: int, rng: random.Random) -> str:
    """A module of about 120 lines: typed and untyped defs, a class, an import of a sibling,
    sometimes a heavy import or a bare except, so that every rule has units to count."""
    lines = [f'"""Module {number} of package {package} (revision {revision})."""', ""]
    lines.append("from __future__ import annotations")
    lines.append("")
    if number:
        lines.append(f"from synth.p{package} import m{rng.randrange(number):02d}")
    if rng.random() < 0.15:
        lines.append("import pandas")
    lines.append("")
    for index in range(8):
        typed = rng.random() < 0.8
        documented = rng.random() < 0.85
        signature = f"def f{index}(x: int, y: int = 0) -> int:" if typed else f"def f{index}(x, y=0):"
        lines += ["", "", signature]
        if documented:
            lines.append(f'    """Function {index}, revision {revision}."""')
        lines += ["    total = x + y", f"    for step in range({index + 2}):", "        total += step"]
        if rng.random() < 0.1:
            lines += ["    try:", "        total //= y", "    except:", "        pass"]
        lines.append("    return total")
    lines += ["", "", f"class Model{number}:", '    """A model."""', ""]
    lines += [
        "    def predict(self, value: float) -> float:",
        '        """Predict."""',
        "        return value * 2",
    ]
    return "\n".join(lines) + "\n"


def _blob(path: str, text: str) -> bytes:
    data = text.encode("utf-8")
    return f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def build(root: Path, commits: int, files: int, seed: int = 7) -> None:
    """A repository at ``root`` with ``commits`` commits of a ``files``-module package."""
    rng = random.Random(seed)
    packages = 10
    paths = [(p, n) for p in range(packages) for n in range((files - packages - 1) // packages + 1)]
    paths = paths[: files - packages - 1]
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream = bytearray()
    for number in range(commits):
        stamp = 1_767_225_600 + number * 3600
        message = f"commit {number}".encode()
        stream += b"commit refs/heads/main\n"
        stream += f"committer Bench <bench@example.org> {stamp} +0000\n".encode()
        stream += f"data {len(message)}\n".encode() + message + b"\n"
        if number == 0:
            stream += _blob("pyproject.toml", '[project]\nname = "synth"\n\n[tool.qemlflow-lint]\n')
            stream += _blob("synth/__init__.py", '"""Synthetic."""\n')
            for package in range(packages):
                stream += _blob(f"synth/p{package}/__init__.py", f'"""Package {package}."""\n')
            for package, module in paths:
                stream += _blob(f"synth/p{package}/m{module:02d}.py", module_text(package, module, 0, rng))
        else:
            for package, module in rng.sample(paths, 3):
                stream += _blob(
                    f"synth/p{package}/m{module:02d}.py", module_text(package, module, number, rng)
                )
        stream += b"\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=str(root), input=bytes(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=str(root), check=True)


def compiled_copy(destination: Path) -> Path:
    """A copy of this checkout's package with its bytecode compiled, as pip installs it:
    with ``PYTHONDONTWRITEBYTECODE`` set, the checkout itself would be compiled again at
    every start, which no installed copy is."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "qemlflow_lint", destination / "qemlflow_lint", ignore=ignore)
    compileall.compile_dir(str(destination / "qemlflow_lint"), quiet=2)
    return destination


def timed(root: Path, cache: Path, commits: int, package: Path, jobs: int | None) -> float:
    """Seconds for one ``trend`` run in a fresh process (the output is checked, not kept)."""
    command = [sys.executable, "-m", "qemlflow_lint", "trend", "--max-commits", str(commits)]
    command += ["--cache-dir", str(cache), "--format", "json"]
    command += ["--jobs", str(jobs)] if jobs else []
    env = dict(os.environ, PYTHONPATH=str(package))
    start = time.perf_counter()
    done = subprocess.run(command, cwd=str(root), env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or '"commit": ' not in done.stdout:
        raise SystemExit(f"trend failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def count_commits(root: Path, limit: int) -> int:
    """How many commits ``trend --max-commits LIMIT`` scores in the repository at ``root``."""
    done = subprocess.run(
        ["git", "rev-list", "--count", f"--max-count={limit}", "HEAD"],
        cwd=str(root),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def load_average() -> float:
    """The one-minute load average (0 where the system has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def main() -> int:
    """Build the repository, time the runs, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--files", type=int, default=130)
    parser.add_argument("--rounds", type=int, default=3, help="cold and warm runs to take the median of")
    parser.add_argument("--jobs", type=int, help="trend's --jobs (default: every core)")
    parser.add_argument(
        "--repository", type=Path, help="time this repository's history (its --commits last commits)"
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="trend-bench-"))
    try:
        root = scratch / "repo"
        started = time.perf_counter()
        if args.repository is None:
            build(root, args.commits, args.files)
            what = f"{args.commits} commits, {args.files} files"
        else:
            subprocess.run(["git", "clone", "-q", str(args.repository), str(root)], check=True)
            head = subprocess.run(
                ["git", "log", "-1", "--format=%h"], cwd=str(root), capture_output=True, text=True, check=True
            ).stdout.strip()
            what = f"{args.repository.resolve().name} at {head}, {count_commits(root, args.commits)} commits"
        built = time.perf_counter() - started
        package = compiled_copy(scratch / "package")
        cold, warm, loads = [], [], []
        for round_number in range(args.rounds):
            cache = scratch / f"cache{round_number}"
            loads.append(load_average())
            cold.append(timed(root, cache, args.commits, package, args.jobs))
            warm.append(timed(root, cache, args.commits, package, args.jobs))
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        cold_median, warm_median = statistics.median(cold), statistics.median(warm)
        load = (
            f", load average {statistics.median(loads):.2f} (median of the rounds' starts)" if loads else ""
        )
        jobs = f", --jobs {args.jobs}" if args.jobs else ""
        print(f"{what}, {cores} cores{jobs}{load}, ready in {built:.1f} s")
        if args.rounds > 1:
            rounds = "; ".join(
                f"load {load:.2f}: cold {c:.2f} s, warm {w:.2f} s" for load, c, w in zip(loads, cold, warm)
            )
            print(f"rounds: {rounds}")
        print()
        print("| run | median s | min–max s | runs | target | result |")
        print("|---|--:|--:|--:|---|---|")
        # What the targets are set for: 200 commits of 130 files, or a real history.
        issue = args.repository is not None or (args.commits, args.files) == (200, 130)
        for name, values, target in (("cold", cold, COLD_TARGET), ("warm", warm, WARM_TARGET)):
            verdict = "**PASS**" if statistics.median(values) <= target else "**FAIL**"
            verdict = verdict if issue else "— (the target is for 200 commits of 130 files)"
            print(
                f"| {name} | {statistics.median(values):.2f} | {min(values):.2f}–{max(values):.2f} | "
                f"{len(values)} | ≤ {target:g} s | {verdict} |"
            )
        return 0 if not issue or (cold_median <= COLD_TARGET and warm_median <= WARM_TARGET) else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
