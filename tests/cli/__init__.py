"""Tests of `qemlflow_lint.cli`."""
