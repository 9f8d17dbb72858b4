"""Back-test the IPC benchmarks on rolling origins: ``IPCBacktest(test_from=...).fit(table)``.

>>> IPCBacktest(test_from="2022-13").fit(None)
Traceback (most recent call last):
humsec.core.errors.ParameterError: The 'test_from' parameter of IPCBacktest must be a month YYYY-MM. Got '2022-13' instead.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd

from humsec.core.errors import DataError
from humsec.core.params import Constraint, OneOf, Optional, validate_params
from humsec.hazard._params import Month, Names
from humsec.hazard.benchmarks import BENCHMARKS, benchmark_forecasts
from humsec.hazard.calibration import CALIBRATIONS
from humsec.hazard.ipc import IPCTable
from humsec.hazard.model import LEARNED, MODEL, MODEL_CALIBRATED, MODEL_SIGNALS, model_forecasts
from humsec.hazard.result import IPCScores
from humsec.hazard.scores import reliability, score_forecasts

__all__ = ["DEFAULT_MODELS", "MODELS", "IPCBacktest"]

#: every forecaster the back-test knows: the benchmarks, then the learned models (declared once)
MODELS = (*BENCHMARKS, *LEARNED)
#: scored when ``models`` is not given (``lagged_logit_signals`` is added when signals are given)
DEFAULT_MODELS = (*BENCHMARKS, MODEL, MODEL_CALIBRATED)


class IPCBacktest:
    """Score the benchmark forecasts of every current IPC analysis published from ``test_from`` on.

    Parameters
    ----------
    test_from : str
        First month (YYYY-MM) whose current analyses are targets.
    models : tuple of str, optional
        Any of :data:`MODELS`. Default :data:`DEFAULT_MODELS` (the benchmarks, ``lagged_logit`` and
        ``lagged_logit_cal``), plus ``lagged_logit_signals`` when ``fit`` is given signals.
    common : bool, default True
        Score every model on the targets that all of them forecast (a fair comparison); False scores
        each on all its own forecasts.
    calibration : {"platt", "isotonic"}, default "platt"
        How ``lagged_logit_cal`` and ``lagged_logit_signals`` recalibrate the crisis probability
        (fitted on out-of-fold forecasts of the targets published before each origin).
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "test_from": Month(),
        "models": Optional(Names(MODELS)),
        "common": OneOf(True, False),
        "calibration": OneOf(*CALIBRATIONS),
    }

    def __init__(
        self,
        *,
        test_from: str,
        models: tuple[str, ...] | None = None,
        common: bool = True,
        calibration: str = "platt",
    ) -> None:
        self.test_from = test_from
        self.models = models
        self.common = common
        self.calibration = calibration

    def __repr__(self) -> str:
        return (
            f"IPCBacktest(test_from={self.test_from!r}, models={self.models!r}, "
            f"common={self.common!r}, calibration={self.calibration!r})"
        )

    def _validate(self) -> pd.Period:
        """The first test month, after every parameter is checked (one sentence for a bad one)."""
        validate_params(self)
        return pd.Period(self.test_from, "M")

    def fit(self, table: IPCTable | pd.DataFrame, signals: pd.DataFrame | None = None) -> IPCScores:
        """Forecast, pair and score; the result keeps the parameters and the reading notes.

        ``signals``: a long signal table (``area_id, signal, end, value``; rainfall from
        :func:`~humsec.hazard.read_rainfall`, conflict from
        :func:`~humsec.hazard.features.conflict_signal`), the features of ``lagged_logit_signals``.
        """
        origin = self._validate()
        models = DEFAULT_MODELS if self.models is None else tuple(self.models)
        if self.models is None and signals is not None:
            models = (*models, MODEL_SIGNALS)
        frame = table.frame if isinstance(table, IPCTable) else table
        notes = list(table.notes) if isinstance(table, IPCTable) else []
        benchmarks = tuple(m for m in models if m in BENCHMARKS)
        forecasts = benchmark_forecasts(frame, test_from=origin, models=benchmarks)
        learned_models = tuple(m for m in models if m in LEARNED)
        if learned_models:
            learned, model_notes = model_forecasts(
                frame,
                test_from=origin,
                models=learned_models,
                calibration=self.calibration,
                signals=signals,
            )
            notes += model_notes
            forecasts = pd.concat([forecasts, learned], ignore_index=True)
            order = {m: i for i, m in enumerate(models)}
            forecasts = forecasts.sort_values(
                ["target_issued", "area_id", "model"],
                key=lambda s: s.map(order) if s.name == "model" else s,
                kind="stable",
            ).reset_index(drop=True)
        if forecasts.empty:
            msg = (
                f"No current analysis published in or after {origin} has an earlier analysis of "
                "the same area to forecast it from; choose an earlier test_from."
            )
            raise DataError(msg)
        key = ["area_id", "target_issued", "target_start"]
        per_target = forecasts.groupby(key)["model"].transform("nunique")
        if self.common:
            dropped = forecasts.loc[per_target < len(models)].drop_duplicates(key)
            if len(dropped):
                notes.append(
                    f"{len(dropped):,} targets lack a forecast from some model and are left "
                    "out of the common scores"
                )
            forecasts = forecasts[per_target == len(models)].reset_index(drop=True)
            if forecasts.empty:
                msg = (
                    f"No target from {origin} on has a forecast from every model ({', '.join(models)}); "
                    "score them on their own targets (common=False) or with fewer models."
                )
                raise DataError(msg)
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
            "models": list(models),
            "common": self.common,
            "calibration": self.calibration,
        }
        return IPCScores(scores, by_origin, forecasts, params, notes, reliability(forecasts))
