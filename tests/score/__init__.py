"""Tests of `qemlflow_lint.score`."""
