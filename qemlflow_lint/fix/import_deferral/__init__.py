"""QF001's planners and editors: deferring a heavy import.

- what each heavy import statement can become:
  :mod:`~qemlflow_lint.fix.import_deferral.import_plans`, with the optional-dependency
  blocks of :mod:`~qemlflow_lint.fix.import_deferral.optional_imports` and the callers of
  :mod:`~qemlflow_lint.fix.import_deferral.callers`;
- which of those deferrals take a heavy module out of an entry point's import:
  :mod:`~qemlflow_lint.fix.import_deferral.closure`,
  :mod:`~qemlflow_lint.fix.import_deferral.project_plan`;
- how they are written: :mod:`~qemlflow_lint.fix.import_deferral.import_edits`,
  :mod:`~qemlflow_lint.fix.import_deferral.import_section`,
  :mod:`~qemlflow_lint.fix.import_deferral.lazy_exports`.

The fixer itself is :mod:`~qemlflow_lint.fix.rules.heavy_top_level_import`.
"""
