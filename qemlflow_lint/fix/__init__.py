"""``fix``: rewrite the code so that findings go away, and prove nothing broke.

Each fixable rule has a fixer module here (:mod:`~qemlflow_lint.fix.heavy_imports` for
QF001, :mod:`~qemlflow_lint.fix.annotations` for QF002,
:mod:`~qemlflow_lint.fix.bare_except` for QF004). A fixer reads the file's ``ast`` and
findings to decide what is safe, and edits its libcst tree, so everything outside the
edited statements keeps its bytes. :mod:`~qemlflow_lint.fix.apply` runs the fixers on a
file and :mod:`~qemlflow_lint.fix.verify` proves the result before anything is written.
This package is the only one that imports libcst: ``check`` and the editor plugins never
pay for it.
"""
