"""Tests of `qemlflow_lint.run`."""
