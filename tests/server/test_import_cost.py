"""The import-cost labels of a buffer: measured figures from the store ``importtime`` keeps,
"heavy (not measured)" without them, and nothing on imports that do not run at import time."""

from __future__ import annotations

import textwrap
from pathlib import Path

from qemlflow_lint.measure.figures import Blamed, ImportFigures, figures_dict, figures_from
from qemlflow_lint.measure.importtime import Spread
from qemlflow_lint.measure.last_measured import LastMeasured
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.server.import_cost import (
    NOT_MEASURED,
    KeptCosts,
    import_costs,
    kept_version,
    read_kept_costs,
)

SOURCE = textwrap.dedent(
    """\
    import os
    import pandas as pd
    from sklearn.linear_model import LinearRegression
    import torch.nn


    def later():
        import matplotlib
    """
)
NOW = 1_000_000.0


def _keep(store: Path, figures: ImportFigures) -> None:
    kept = LastMeasured(str(store))
    try:
        kept.keep(figures)
    finally:
        kept.close()


def _figures(module: str, savings: dict[str, float], blamed: tuple[Blamed, ...]) -> ImportFigures:
    return ImportFigures(
        module,
        900_000.0,
        Spread(1, 2, 3, 4),
        3,
        700,
        ("pandas", "sklearn"),
        saving_us=tuple(savings.items()),
        blamed=blamed,
    )


def test_without_a_measurement_each_heavy_import_reads_not_measured(tmp_path: Path) -> None:
    costs = import_costs("pkg/mod.py", SOURCE, Settings(), read_kept_costs(str(tmp_path)), now=NOW)
    assert [(c.line, c.label) for c in costs] == [
        (1, f"pandas: {NOT_MEASURED}"),
        (2, f"sklearn.linear_model: {NOT_MEASURED}"),
        (3, f"torch.nn: {NOT_MEASURED}"),
    ]
    assert all(c.ms is None for c in costs)
    assert costs[0].character == len("import pandas as pd")


def test_the_kept_measurement_shows_milliseconds_and_the_modules_loaded(tmp_path: Path) -> None:
    blamed = (
        Blamed("pandas", 412, ("numpy", "pytz"), "pkg.mod"),
        Blamed("sklearn", 950, ("scipy",), "pkg.mod"),
    )
    _keep(tmp_path, _figures("pkg", {"pandas": 312_400.0, "sklearn": 501_000.0}, blamed))
    costs = import_costs("pkg/mod.py", SOURCE, Settings(), read_kept_costs(str(tmp_path)), now=NOW)
    labels = {c.module: c.label for c in costs}
    assert labels["pandas"] == "pandas: 312 ms · 412 modules (numpy, pytz)"
    # `from sklearn.linear_model import …` costs what the `sklearn` line that importtime blamed costs
    assert labels["sklearn.linear_model"] == "sklearn.linear_model: 501 ms · 950 modules (scipy)"
    assert labels["torch.nn"] == f"torch.nn: {NOT_MEASURED}"
    pandas = next(c for c in costs if c.module == "pandas")
    assert pandas.ms == 312.4
    assert "qemlflow-lint importtime pkg" in pandas.tooltip


def test_a_measurement_kept_without_blame_details_still_shows_the_milliseconds(tmp_path: Path) -> None:
    _keep(tmp_path, _figures("pkg", {"pandas": 2_500.0}, ()))
    (cost,) = [c for c in import_costs("m.py", "import pandas\n", Settings(), read_kept_costs(str(tmp_path)))]
    assert cost.label == "pandas: 2 ms"


def test_the_most_recent_measurement_of_a_module_wins(tmp_path: Path) -> None:
    _keep(tmp_path, _figures("old", {"pandas": 100_000.0}, ()))
    _keep(tmp_path, _figures("new", {"pandas": 200_000.0}, ()))
    measured = read_kept_costs(str(tmp_path))
    cost = measured.cost_of("pandas")
    assert cost is not None and (cost.ms, cost.measured_import) == (200.0, "new")


def test_several_heavy_modules_on_one_line_share_one_label() -> None:
    measured = KeptCosts()
    (cost,) = import_costs("m.py", "import scipy, pandas\n", Settings(), measured)
    assert cost.label == f"scipy: {NOT_MEASURED} | pandas: {NOT_MEASURED}"


def test_a_buffer_that_does_not_parse_has_no_labels() -> None:
    assert import_costs("m.py", "import pandas\ndef (:\n", Settings(), KeptCosts()) == []


def test_the_configured_heavy_list_decides(tmp_path: Path) -> None:
    settings = Settings(heavy_modules=("slowlib",))
    costs = import_costs("m.py", "import pandas\nimport slowlib.core\n", settings, KeptCosts())
    assert [c.module for c in costs] == ["slowlib.core"]


def test_the_store_keeps_what_each_blamed_line_loads() -> None:
    figures = _figures("pkg", {"pandas": 1.0}, (Blamed("pandas", 3, ("numpy",), "pkg.a"),))
    assert figures_from(figures_dict(figures)) == figures
    older = figures_dict(figures)
    del older["blamed"]
    assert figures_from(older).blamed == ()


def test_the_store_version_changes_with_each_measurement_kept(tmp_path: Path) -> None:
    assert kept_version(str(tmp_path)) == ()
    _keep(tmp_path, _figures("pkg", {"pandas": 1.0}, ()))
    first = kept_version(str(tmp_path))
    _keep(tmp_path, _figures("pkg", {"pandas": 2.0}, ()))
    assert kept_version(str(tmp_path)) not in ((), first)


def test_the_hint_goes_at_the_end_of_the_imports_own_line_whatever_separators_come_before() -> None:
    text = '"""A form feed \x0c and a line separator \u2028 inside a string."""\r\nimport pandas  # é\r\n'
    (cost,) = import_costs("m.py", text, Settings(), KeptCosts())
    assert (cost.line, cost.character) == (1, len("import pandas  # é"))
