"""Names and scopes: one model of what a module binds and who reads it, shared by the rules
and the fixers, so that a fix never disagrees with the rule it fixes.

- :mod:`~qemlflow_lint.analysis.names.usage`: which names a module reads at run time and
  which its annotations mention (QF001's message, ``importtime``'s blame);
- :mod:`~qemlflow_lint.analysis.names.scopes`: how a module uses each of its module-level
  names, resolved by Python's scoping rules, and when each read runs (QF001's fix);
- :mod:`~qemlflow_lint.analysis.names.bindings`: what a module binds, where each def sits,
  and how an annotation can be written there (QF002's fix).

Nothing here imports or runs the analysed code.
"""
