"""Judge ``qemlflow-lint fix`` by its outcome on real libraries, as their users would.

For each library below (a source distribution from the package index, with its own test
suite), and for each mode — the untouched source, ``fix``, ``fix --unsafe-fixes`` — on a
fresh copy of the source, this script:

- runs ``qemlflow-lint fix`` on the library's package (not in the untouched mode);
- measures ``import PKG`` with ``python -X importtime`` in fresh interpreters, the modes taking
  turns (the median of the package's cumulative time, and of the processes' CPU time; the
  modules it loads, the heavy modules among them);
- imports every module of the package and reads every public name, to see that nothing a
  caller reads is gone;
- runs the library's own tests with a JUnit XML report, and compares each test's outcome
  with the untouched run, test id by test id;
- counts QF001, QF002 and QF101 with ``qemlflow-lint check``;

and prints a Markdown table. The targets: ``fix --unsafe-fixes`` makes ``import PKG`` at
least 3 × faster, and in every mode each test has the outcome it had before, every module
still imports and every public name the library defines is still there.

The qemlflow-lint under test is installed from a checkout (this script's repository unless
``--repo`` names another) into one virtual environment per library, next to the library's
dependencies and test requirements. ``--workdir DIR`` keeps the downloads and environments
there for the next run. It needs the package index (pip) on the first run of a library, and
the standard library only.

    python benchmarks/fix_outcome.py                          # every library, every mode
    python benchmarks/fix_outcome.py --library chempy --workdir ../fix-outcome
    python benchmarks/fix_outcome.py --repo ../other-checkout --workdir ../fix-outcome
    python benchmarks/fix_outcome.py --fix-arg=--target-version=py311

Exit status: 0 when every mode kept the library whole; 1 when a test's outcome changed, a
module stopped importing or a public name was lost (and, with ``--check-targets``, when the
import is not 3 × faster); 2 when the benchmark itself could not run.

The modules: ``libraries`` (what is judged, in which modes), ``environment`` (downloads,
virtual environments, subprocesses), ``probes`` (the measurements of one copy),
``library`` (one library in every mode), ``results`` and ``verdict`` (what was measured
and what it means), ``render`` (the Markdown report) and ``cli``.
"""
