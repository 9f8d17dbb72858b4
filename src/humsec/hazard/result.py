"""The result of an IPC back-test: forecasts, scores (overall and per origin), notes, parameters.

>>> import pandas as pd
>>> r = IPCScores(pd.DataFrame({"model": ["persistence"], "metric": ["mae_p3plus_share"],
...     "value": [0.05], "n": [23]}), pd.DataFrame(), pd.DataFrame(), {"test_from": "2022-01"}, [])
>>> print(r.summary().splitlines()[0])
IPC back-test (test from 2022-01): 0 targets
"""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd

from humsec.core.result import ResultBase

__all__ = ["IPCScores"]

# the reliability table's columns when no model gave a crisis probability
_NO_BINS = pd.DataFrame(columns=["model", "bin", "n", "mean_forecast", "observed_rate"])


class IPCScores(ResultBase):
    """Scores of the benchmark forecasts of IPC current analyses.

    ``scores``: ``model, metric, value, n`` on the targets every model forecast (one table);
    ``by_origin``: the same per target analysis month; ``forecasts``: one row per target × model;
    ``params``: the back-test's parameters as given; ``notes``: what reading and pairing dropped;
    ``reliability``: per model and crisis-probability bin, the mean forecast and observed rate.
    """

    tables: ClassVar[tuple[str, ...]] = ("scores", "by_origin", "forecasts", "reliability")

    def __init__(
        self,
        scores: pd.DataFrame,
        by_origin: pd.DataFrame,
        forecasts: pd.DataFrame,
        params: dict[str, Any],
        notes: list[str],
        reliability: pd.DataFrame | None = None,
    ) -> None:
        self._tables = {
            "scores": scores,
            "by_origin": by_origin,
            "forecasts": forecasts,
            "reliability": _NO_BINS.copy() if reliability is None else reliability,
        }
        self.params = dict(params)
        self.notes = list(notes)

    def _frame(self, table: str) -> pd.DataFrame:
        return self._tables[table].copy()

    def value(self, model: str, metric: str) -> float:
        """One score, e.g. ``result.value("ipc_projection", "phase_accuracy")``."""
        s = self._tables["scores"]
        rows = s[(s["model"] == model) & (s["metric"] == metric)]
        if len(rows) != 1:
            msg = f"{len(rows)} scores for model={model!r}, metric={metric!r}; expected one."
            raise KeyError(msg)
        return float(rows["value"].iloc[0])

    def summary(self) -> str:
        """Scores by model (columns) and metric (rows), then the notes."""
        f = self._tables["forecasts"]
        n_targets = len(f.drop_duplicates(["area_id", "target_issued"])) if len(f) else 0
        lines = [f"IPC back-test (test from {self.params.get('test_from')}): {n_targets} targets"]
        s = self._tables["scores"]
        if not s.empty:
            wide = s.pivot_table(index="metric", columns="model", values="value", sort=False)
            lines += ["", wide.to_string(float_format=lambda v: f"{v:.3f}")]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<IPCScores: {len(self._tables['scores'])} scores, {len(self._tables['forecasts'])} forecasts>"
