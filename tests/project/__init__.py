"""Tests of `qemlflow_lint.project`."""
