"""``calibrate``: which installed packages to time, and which of them are new heavy modules."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from qemlflow_lint.config.loading import CONFIG_FILENAME
from qemlflow_lint.measure.importtime import Interpreter
from qemlflow_lint.model.heavy import match_heavy
from qemlflow_lint.model.settings import Settings

#: Distributions ``calibrate`` never times: the installers, and this project itself.
TOOLING_DISTRIBUTIONS: frozenset[str] = frozenset({"pip", "setuptools", "wheel", "qemlflow-lint"})


def _normalised(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def calibration_modules(interpreter: Interpreter) -> list[str]:
    """The installed top-level packages worth timing: not the standard library, not
    private (``_name``), not only installed by pip, setuptools, wheel or this project."""
    chosen = []
    for name, distributions in sorted(interpreter.packages.items()):
        tooling = {_normalised(d) for d in distributions} <= TOOLING_DISTRIBUTIONS
        if name.startswith("_") or not name.isidentifier() or name in interpreter.stdlib:
            continue
        if tooling or name == "qemlflow_lint":
            continue
        chosen.append(name)
    return chosen


def new_heavy_modules(
    times_us: Mapping[str, float], threshold_us: float, heavy_modules: Sequence[str]
) -> list[str]:
    """The modules at or above the threshold that the heavy list does not cover yet,
    slowest first."""
    slow = sorted(
        (name for name, us in times_us.items() if us >= threshold_us), key=lambda n: (-times_us[n], n)
    )
    return [name for name in slow if match_heavy(name, frozenset(heavy_modules)) is None]


def heavy_list_file(config: Settings, directory: str) -> str:
    """The file ``calibrate --write`` adds the new heavy modules to, for a run in
    ``directory`` whose configuration is ``config``: the file that configures it, else the
    nearest ``pyproject.toml`` at or above it, else a new one in it.

    Writing a new table into a nearer file without one would shadow the configuration
    that applies today, so the configuring file comes first.
    """
    if config.file is not None:
        return config.file
    folder = directory
    while True:
        candidate = os.path.join(folder, CONFIG_FILENAME)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(directory, CONFIG_FILENAME)
        folder = parent
