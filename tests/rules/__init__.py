"""Tests of `qemlflow_lint.rules`."""
