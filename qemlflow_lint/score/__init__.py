"""The compliance score: its profile, its exact computation, its gates and its renderings."""
