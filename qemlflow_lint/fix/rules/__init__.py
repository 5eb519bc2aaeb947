"""The fixers, one module per fixable rule, named after the rule's module in
:mod:`qemlflow_lint.rules`: :mod:`~qemlflow_lint.fix.rules.heavy_top_level_import` (QF001),
:mod:`~qemlflow_lint.fix.rules.untyped_public_def` (QF002) and
:mod:`~qemlflow_lint.fix.rules.bare_except` (QF004).

Each has ``CODE`` and ``plan(source, unsafe) -> Plan``, and is listed in
:data:`~qemlflow_lint.fix.apply.FIX_ORDER`. What a fixer needs beyond a few helpers lives in
a package of its own: :mod:`~qemlflow_lint.fix.import_deferral` for QF001,
:mod:`~qemlflow_lint.fix.annotation_types` for QF002.
"""
