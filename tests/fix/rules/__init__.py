"""Tests of `qemlflow_lint.fix.rules`: each fixer, named after its rule."""
