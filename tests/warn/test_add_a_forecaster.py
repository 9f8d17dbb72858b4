"""Adding a forecaster is one module in ``humsec/warn/models/`` that calls ``register_forecaster``
(docs/architecture.md, "Adding things"): the CLI's list, ``--model`` check, backtest and scores read
the registry, so nothing else changes. Run in a subprocess so the registry of this session stays as
shipped."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import simulated_panel

MODULE = textwrap.dedent(
    """
    # what src/humsec/warn/models/hist_6.py would hold
    from dataclasses import dataclass, field

    import numpy as np

    from humsec.warn.models.base import Forecast, register_forecaster
    from humsec.warn.models.benchmarks import fitted


    @dataclass
    class Hist6:
        name: str = "hist_6"
        _panel: object = field(default=None, init=False, repr=False)

        def fit(self, panel):
            self._panel = panel
            return self

        def predict(self, horizon):
            p = fitted(self._panel, self.name)
            members = np.repeat(p.values[:, None, -6:], horizon, axis=1).astype(float)
            return Forecast(p.units, p.months[-1], members, self.name)


    register_forecaster("hist_6", Hist6, help="each unit's last 6 months, equally weighted")
    """
)


def test_a_registered_forecaster_reaches_the_cli_and_the_backtest(tmp_path: Path) -> None:
    data = tmp_path / "panel.csv"
    simulated_panel().to_long().to_csv(data, index=False)
    scores = tmp_path / "scores.csv"
    script = MODULE + textwrap.dedent(
        f"""
        import sys
        from humsec.cli.main import app
        sys.argv = ["humsec", "warn", "models"]
        try:
            app()
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
        sys.argv = ["humsec", "warn", "backtest", {str(data)!r}, "--test-year", "2020",
                    "--model", "hist_6", "--model", "hist_12", "--out", {str(scores)!r}, "-q"]
        app()
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "hist_6\tany horizon\toptions: -\teach unit's last 6 months" in run.stdout
    import pandas as pd

    table = pd.read_csv(scores)
    assert set(table["model"]) == {"hist_6", "hist_12"}
    mae = table[table["metric"] == "MAE"].set_index("model")["value"]
    assert mae["hist_6"] != mae["hist_12"]  # its own forecasts, not a copy of another model's
