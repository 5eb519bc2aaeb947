"""Measured import time: ``python -X importtime`` in child interpreters, the blame of
heavy modules on first-party import lines, and ``calibrate``."""
