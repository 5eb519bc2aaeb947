"""Tests of `qemlflow_lint.measure`."""
