"""What users and CI read: output formats, rule documentation, baselines and the ruff
configuration. Every renderer is a pure function of results."""
