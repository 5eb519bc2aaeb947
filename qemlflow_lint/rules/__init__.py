"""The rules, one module per rule; :mod:`qemlflow_lint.registry` collects them."""
