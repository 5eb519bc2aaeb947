"""Tests of `qemlflow_lint.setup`."""
