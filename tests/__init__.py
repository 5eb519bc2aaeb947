"""Tests of `qemlflow_lint`."""
