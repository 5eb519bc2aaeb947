"""Tests of `qemlflow_lint.analysis`."""
