"""Tests of `qemlflow_lint.history`."""
