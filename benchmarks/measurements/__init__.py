"""The measurement modules: each plans its rows (``rows(setup, notes)``) and holds its
targets (``TARGETS``, each one function of the results).

Adding a measurement is a module here and one line in ``MEASUREMENTS``; the table shows its
rows corpus by corpus in this order, and its targets follow in this order too.
"""

from __future__ import annotations

from benchmarks.measurements import adapters, check, flake8, floor, one_file, pylint, ruff
from benchmarks.plan import Measurement

MEASUREMENTS: tuple[Measurement, ...] = (
    floor,
    check,
    ruff,
    flake8,
    pylint,
    one_file,
    adapters,
)
