"""``fix``: rewrite the code so that findings go away, and prove nothing broke.

Each fixable rule has a fixer in :mod:`~qemlflow_lint.fix.rules`, named after the rule's
module (:mod:`~qemlflow_lint.fix.rules.heavy_top_level_import` for QF001,
:mod:`~qemlflow_lint.fix.rules.untyped_public_def` for QF002,
:mod:`~qemlflow_lint.fix.rules.bare_except` for QF004); a fixer's larger helpers have a
package of their own (:mod:`~qemlflow_lint.fix.import_deferral` for QF001,
:mod:`~qemlflow_lint.fix.annotation_types` for QF002). A fixer reads the file's ``ast`` and
findings to decide what is safe, and edits its libcst tree, so everything outside the
edited statements keeps its bytes. The engine is this folder's own modules:
:mod:`~qemlflow_lint.fix.apply` runs the fixers on a file, :mod:`~qemlflow_lint.fix.verify`
proves the result before anything is written, and :mod:`~qemlflow_lint.fix.on_disk` fixes
the files under some paths and writes them.
This package is the only one that imports libcst: ``check`` and the editor plugins never
pay for it.
"""
