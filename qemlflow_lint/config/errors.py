"""The one error of the configuration layer."""


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message says where and why."""
