"""`qemlflow-lint server`: the language server, and what it computes for an editor without
speaking the protocol (the cost of heavy imports)."""
