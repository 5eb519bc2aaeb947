"""Analysis of one file: read and parse it once, walk it once, run every check in the walk.

Source reading, the file context, what runs at import time, the import records, names and
scopes (:mod:`~qemlflow_lint.analysis.names`: one model for the rules and the fixers),
``# noqa`` comments and the engine. Rules are passed in: this layer knows no rule.
"""
