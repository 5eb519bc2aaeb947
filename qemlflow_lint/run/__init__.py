"""Running the analysis: one file, or every file under some paths, with cache and cores.

:func:`qemlflow_lint.run.api.analyse_paths` is the library entry point the command line,
the tests and later commands call; :mod:`qemlflow_lint.run.file` is what the flake8 and
pylint adapters call for one file. This package's ``__init__`` imports nothing: the
adapters must stay cheap to import.
"""
