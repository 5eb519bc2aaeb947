"""The library API: its signature snapshot and the tools that write it."""
