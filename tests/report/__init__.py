"""Tests of `qemlflow_lint.report`."""
