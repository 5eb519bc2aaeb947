"""Analysis of one file: read and parse it once, walk it once, run every check in the walk.

Source reading, the file context, what runs at import time, the import records, name usage,
``# noqa`` comments and the engine. Rules are passed in: this layer knows no rule.
"""
