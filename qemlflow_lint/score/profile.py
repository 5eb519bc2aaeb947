"""The scoring profile: the named, versioned default weights, read from the rules.

Each rule declares its weight and why it weighs that much (see
:class:`~qemlflow_lint.rules.base.Rule`). The profile's name and version are written into
every JSON result; a change of any existing weight is a new version (a test pins the
weights of each version).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import NamedTuple

from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.registry import all_rules

#: The default profile's name and version. Weights follow the team's philosophy: import
#: time first (the package must import in under a second), then correctness of error
#: handling and a typed public API, then documentation and tidiness.
PROFILE_NAME = "qemlflow-philosophy"
PROFILE_VERSION = 2


class ScoreProfile(NamedTuple):
    """A named, versioned set of default weights. A change of any weight is a new version."""

    name: str
    version: int
    weights: tuple[tuple[str, float], ...]
    #: Why each rule weighs what it does.
    reasons: tuple[tuple[str, str], ...]

    def weight(self, code: str) -> float:
        """The profile's weight of a rule (1 for a rule the profile predates)."""
        return dict(self.weights).get(code, 1.0)


@functools.cache
def default_profile() -> ScoreProfile:
    """The default profile, from the weights the rules declare."""
    rules = all_rules()
    return ScoreProfile(
        name=PROFILE_NAME,
        version=PROFILE_VERSION,
        weights=tuple((rule.code, rule.weight) for rule in rules),
        reasons=tuple((rule.code, rule.weight_reason) for rule in rules),
    )


def effective_weights(profile: ScoreProfile, overrides: Mapping[str, float]) -> dict[str, float]:
    """The profile's weights with the configured ones replacing them."""
    weights = {rule.code: profile.weight(rule.code) for rule in all_rules()}
    weights.update(overrides)
    return weights


def configured_weights(config: Settings) -> dict[str, float]:
    """The default profile's weights with those of ``[tool.qemlflow-lint.score]``."""
    return effective_weights(default_profile(), dict(config.score_weights))
