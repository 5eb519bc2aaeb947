"""The rules, one module per rule; :mod:`qemlflow_lint.rules.registry` collects them."""
