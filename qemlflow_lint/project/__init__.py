"""The first-party import graph of a project, built from every file's import records.

The project rules (QF101, QF102) read it; ``importtime`` uses it to blame import lines.
"""
