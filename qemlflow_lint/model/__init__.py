"""The data model: what an analysis produces and the settings it runs with.

Findings, file results and raw imports; the frozen settings the rules read; the heavy-module
list; the one glob dialect; module names and test files; how paths and counts are written.
Nothing here imports another part of the package: every layer above may use it.
"""
