"""Tests of `qemlflow_lint.fix.import_deferral`: QF001's planners and editors."""
