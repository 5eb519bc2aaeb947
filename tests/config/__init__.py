"""Tests of `qemlflow_lint.config`."""
