"""Back-test the IPC benchmarks on rolling origins: ``IPCBacktest(test_from=...).fit(table)``.

>>> IPCBacktest(test_from="2022-13").fit(None)  # doctest: +ELLIPSIS
Traceback (most recent call last):
humsec.core.errors.SpecError: 1 problem(s) in the specification:
  - test_from: The 'test_from' parameter of IPCBacktest must be a month YYYY-MM. Got '2022-13' instead.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from humsec.core.errors import DataError, SpecError
from humsec.hazard.benchmarks import BENCHMARKS, benchmark_forecasts
from humsec.hazard.ipc import IPCTable
from humsec.hazard.model import MODEL, model_forecasts
from humsec.hazard.result import IPCScores
from humsec.hazard.scores import reliability, score_forecasts

__all__ = ["MODELS", "IPCBacktest"]

#: every forecaster the back-test knows: the benchmarks, then the learned model (declared once)
MODELS = (*BENCHMARKS, MODEL)


class IPCBacktest:
    """Score the benchmark forecasts of every current IPC analysis published from ``test_from`` on.

    Parameters
    ----------
    test_from : str
        First month (YYYY-MM) whose current analyses are targets.
    models : tuple of str, default all of :data:`MODELS` (the benchmarks and ``lagged_logit``)
    common : bool, default True
        Score every model on the targets that all of them forecast (a fair comparison); False scores
        each on all its own forecasts.
    """

    def __init__(
        self, *, test_from: str, models: tuple[str, ...] = MODELS, common: bool = True
    ) -> None:
        self.test_from = test_from
        self.models = models
        self.common = common

    def __repr__(self) -> str:
        return f"IPCBacktest(test_from={self.test_from!r}, models={self.models!r}, common={self.common!r})"

    def _validate(self) -> pd.Period:
        problems = []
        name = type(self).__name__
        try:
            origin = pd.Period(str(self.test_from), "M")
            if not str(self.test_from)[:7] == str(origin):
                raise ValueError
        except (ValueError, TypeError):
            problems.append(
                (
                    "test_from",
                    f"The 'test_from' parameter of {name} must be a month "
                    f"YYYY-MM. Got {self.test_from!r} instead.",
                )
            )
            origin = pd.Period("1900-01", "M")
        unknown = [m for m in self.models if m not in MODELS]
        if unknown or not self.models:
            problems.append(
                (
                    "models",
                    f"The 'models' parameter of {name} must name one or more of "
                    f"{list(MODELS)}. Got {list(self.models)!r} instead.",
                )
            )
        if problems:
            raise SpecError(problems)
        return origin

    def fit(self, table: IPCTable | pd.DataFrame) -> IPCScores:
        """Forecast, pair and score; the result keeps the parameters and the reading notes."""
        origin = self._validate()
        frame = table.frame if isinstance(table, IPCTable) else table
        notes = list(table.notes) if isinstance(table, IPCTable) else []
        benchmarks = tuple(m for m in self.models if m in BENCHMARKS)
        forecasts = benchmark_forecasts(frame, test_from=origin, models=benchmarks)
        if MODEL in self.models:
            learned, model_notes = model_forecasts(frame, test_from=origin)
            notes += model_notes
            forecasts = pd.concat([forecasts, learned], ignore_index=True)
            order = {m: i for i, m in enumerate(self.models)}
            forecasts = forecasts.sort_values(
                ["target_issued", "area_id", "model"],
                key=lambda s: s.map(order) if s.name == "model" else s,
                kind="stable",
            ).reset_index(drop=True)
        if forecasts.empty:
            msg = (
                f"No current analysis published in or after {origin} has an earlier analysis of "
                "the same area to forecast it from; choose an earlier --test-from."
            )
            raise DataError(msg)
        key = ["area_id", "target_issued", "target_start"]
        per_target = forecasts.groupby(key)["model"].transform("nunique")
        if self.common:
            dropped = forecasts.loc[per_target < len(self.models)].drop_duplicates(key)
            if len(dropped):
                notes.append(
                    f"{len(dropped):,} targets lack a forecast from some model and are left "
                    "out of the common scores"
                )
            forecasts = forecasts[per_target == len(self.models)].reset_index(drop=True)
        scores = score_forecasts(forecasts)
        by_origin = pd.concat(
            [
                score_forecasts(group).assign(target_issued=str(month))
                for month, group in forecasts.groupby("target_issued", sort=True)
            ],
            ignore_index=True,
        )
        by_origin["target_issued"] = by_origin["target_issued"].astype(str)
        params: dict[str, Any] = {
            "test_from": str(origin),
            "models": list(self.models),
            "common": self.common,
        }
        return IPCScores(scores, by_origin, forecasts, params, notes, reliability(forecasts))
