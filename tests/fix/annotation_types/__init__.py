"""Tests of `qemlflow_lint.fix.annotation_types`: the evidence QF002's fixer reads."""
