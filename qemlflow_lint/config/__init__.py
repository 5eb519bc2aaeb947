"""Configuration: finding, reading and validating ``[tool.qemlflow-lint]``, and editing it.

Loading turns the TOML table and each front end's options into a frozen
:class:`~qemlflow_lint.model.settings.Settings`; nothing below this layer reads a file.
"""
