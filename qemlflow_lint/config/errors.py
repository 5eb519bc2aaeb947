"""The one error of the configuration layer."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message says where and why."""
