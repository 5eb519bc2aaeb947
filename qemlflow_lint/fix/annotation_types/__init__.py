"""QF002's evidence: the types a def's body makes certain
(:mod:`~qemlflow_lint.fix.annotation_types.return_types`) or its docstring states
(:mod:`~qemlflow_lint.fix.annotation_types.docstring_types`), whether the body uses a
parameter as that type allows (:mod:`~qemlflow_lint.fix.annotation_types.type_uses`,
:mod:`~qemlflow_lint.fix.annotation_types.none_checks`), and how the module names the type
(:mod:`~qemlflow_lint.fix.annotation_types.type_imports`).

The fixer itself is :mod:`~qemlflow_lint.fix.rules.untyped_public_def`.
"""
