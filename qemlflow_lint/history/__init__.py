"""The score's history: every commit of a git repository scored without touching the
working tree (``trend``), each result stored once, and the drops explained from the ledger."""
