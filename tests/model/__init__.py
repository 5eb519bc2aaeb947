"""Tests of `qemlflow_lint.model`."""
