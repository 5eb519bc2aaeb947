"""The benchmarks of qemlflow-lint: ``python benchmarks/run.py`` (or ``python -m benchmarks``)
times the linter against the parse floor, flake8, pylint and ruff and judges the speed
targets; ``--check`` exits 1 when one fails. ``README.md`` beside this file explains the
method and keeps the dated results.

``measurements/`` holds one module per group of rows, each with its targets; the other
modules are the machinery they share (corpora, tools, timing, the plan, the report).
``fix_outcome.py`` (its code in ``outcome/``) and ``trend.py`` are separate benchmarks, run
as scripts.
"""
