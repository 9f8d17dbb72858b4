"""Score forecasts against what happened, and rolling-origin backtests on the same split.

For a test year Y the origin is December of Y − 1: every model is fitted on the panel cut there
(:meth:`MonthlyPanel.up_to`, so nothing from Y can leak) and forecasts January..December of Y
(horizons 1..12). The metrics, each a mean over all units × 12 months, follow the published
ViEWS-style benchmark tables:

- ``MAE``: |y − median|, with numpy's median of the members;
- ``RMSE_log1p``: √mean (log1p y − log1p median)²;
- ``CRPS`` and ``CRPS_log1p``: ensemble CRPS (``properscoring.crps_ensemble``) on counts and on
  log1p counts (members transformed member by member);
- ``Brier_any`` / ``AUC_any``: P(≥ 1 fatality) = share of members ≥ 1 (above ½);
- ``Brier_ge{T}`` / ``AUC_ge{T}``: fatalities ≥ T (escalation thresholds, default 25 and 100);
- ``Brier_rise`` / ``AUC_rise``: the month exceeds the unit's highest month of the 12 before the
  origin (a sudden rise against its own recent history);
- the PIT histogram (randomised PIT for counts) is returned separately: 10 bins, shares.

AUC is left empty when the test year has only one class.

By hand: members {0, 2}, median 1; CRPS = E|X − y| − ½ E|X − X'| = 1 − ½ = 0.5 at y = 0 and
2 − ½ = 1.5 at y = 3:

>>> y = np.array([[0.0, 3.0]]); members = np.array([[[0.0, 2.0], [0.0, 2.0]]])
>>> s = point_scores(y, members)
>>> float(s["MAE"]), float(s["CRPS"])
(1.5, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from humsec.core.errors import DataError
from humsec.core.progress import Task, current
from humsec.core.result import ResultBase
from humsec.warn.models import MODELS, Forecast, Forecaster, make_forecaster
from humsec.warn.monthly_panel import MonthlyPanel

__all__ = ["Backtest", "backtest", "pit_values", "point_scores", "rolling_backtest"]

MAIN_METRICS = ("MAE", "RMSE_log1p", "CRPS", "CRPS_log1p")
DEFAULT_MODELS = MODELS  # every registered forecaster


def _crps(y: np.ndarray, members: np.ndarray) -> np.ndarray:
    import properscoring as ps

    return np.asarray(ps.crps_ensemble(y, members))


def point_scores(y: np.ndarray, members: np.ndarray) -> dict[str, float]:
    """MAE, RMSE_log1p, CRPS, CRPS_log1p of members (units × H × m) against y (units × H)."""
    med = np.median(members, axis=2)
    return {
        "MAE": float(np.abs(y - med).mean()),
        "RMSE_log1p": float(np.sqrt(((np.log1p(y) - np.log1p(med)) ** 2).mean())),
        "CRPS": float(_crps(y, members).mean()),
        "CRPS_log1p": float(_crps(np.log1p(y), np.log1p(members)).mean()),
    }


def _brier_auc(p: np.ndarray, event: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import roc_auc_score

    brier = float(((p - event) ** 2).mean())
    auc = float(roc_auc_score(event.ravel(), p.ravel())) if 0 < event.mean() < 1 else float("nan")
    return brier, auc


def pit_values(y: np.ndarray, members: np.ndarray, seed: int = 0) -> np.ndarray:
    """Randomised PIT of counts: F(y − 1) + u (F(y) − F(y − 1)), F the members' empirical CDF."""
    rng = np.random.default_rng(seed)
    f_hi = (members <= y[..., None]).mean(axis=2)
    f_lo = (members <= (y - 1)[..., None]).mean(axis=2)
    return f_lo + rng.uniform(size=y.shape) * (f_hi - f_lo)


@dataclass
class Backtest(ResultBase):
    """Scores (``test_year, model, metric, value``), PIT histograms and the forecasts.

    Tables (``to_frame``): ``"scores"`` (the default, long), ``"pit"`` and ``"table"`` (models ×
    test year and main metric, as :meth:`table`); ``summary()`` is that table as text.
    """

    tables: ClassVar[tuple[str, ...]] = ("scores", "pit", "table")

    scores: pd.DataFrame
    pit: pd.DataFrame
    forecasts: dict[tuple[int, str], Forecast]
    notes: list[str] = field(default_factory=list)

    def _frame(self, table: str) -> pd.DataFrame:
        if table == "table":
            wide = self.table()
            wide.columns = ["_".join(map(str, column)) for column in wide.columns]
            return wide.reset_index()
        return self.scores if table == "scores" else self.pit

    def summary(self) -> str:
        years = ", ".join(str(y) for y in dict.fromkeys(self.scores["test_year"]))
        head = f"Backtest, test year(s) {years}: mean scores over units × months"
        return f"{head}\n{self.table().round(4).to_string()}"

    def table(self, metrics: Sequence[str] = MAIN_METRICS) -> pd.DataFrame:
        """Models × (test year, metric), one table for all models on the same split."""
        s = self.scores[self.scores["metric"].isin(metrics)]
        return s.pivot_table(
            index="model", columns=["test_year", "metric"], values="value", sort=False
        )


def year_split(
    panel: MonthlyPanel, year: int, horizon: int = 12, what: str = "Test year"
) -> tuple[MonthlyPanel, np.ndarray]:
    """The panel up to December of ``year − 1`` (all a model may see) and the ``horizon`` months
    after it (units × horizon), with a clear error when the panel does not hold them."""
    origin = pd.Period(f"{year - 1}-12", "M")
    o = panel.month_position(origin)
    if o < 0 or o + horizon >= panel.n_months:
        raise DataError(
            f"{what} {year} needs months {origin + 1}..{origin + horizon} and the history before them; "
            f"the panel covers {panel.months[0]}..{panel.months[-1]}"
        )
    return panel.up_to(origin), panel.values[:, o + 1 : o + 1 + horizon]


def backtest(
    panel: MonthlyPanel,
    test_year: int,
    models: Sequence[str | Forecaster] = DEFAULT_MODELS,
    *,
    thresholds: Sequence[float] = (25, 100),
    horizon: int = 12,
    step: Task | None = None,
) -> Backtest:
    """Fit every model on months ≤ December of ``test_year − 1`` and score the test year
    (``step``, when given, advances after each model)."""
    train, y = year_split(panel, test_year, horizon)
    rise_level = train.values[:, -12:].max(axis=1)
    rows: list[dict[str, object]] = []
    pit_rows: list[pd.DataFrame] = []
    forecasts: dict[tuple[int, str], Forecast] = {}
    for spec in models:
        model = make_forecaster(spec) if isinstance(spec, str) else spec
        fc = model.fit(train).predict(horizon)
        if step is not None:
            step.advance(f"{test_year} {model.name}")
        forecasts[(test_year, model.name)] = fc
        scores = point_scores(y, fc.members)
        events = [("any", 0.5, y >= 1)]
        events += [(f"ge{t:g}", t - 0.5, y >= t) for t in thresholds]
        for label, cut, happened in events:
            brier, auc = _brier_auc(fc.prob_above(cut), happened.astype(float))
            scores[f"Brier_{label}"], scores[f"AUC_{label}"] = brier, auc
        brier, auc = _brier_auc(fc.prob_above(rise_level), (y > rise_level[:, None]).astype(float))
        scores["Brier_rise"], scores["AUC_rise"] = brier, auc
        rows += [
            {"test_year": test_year, "model": model.name, "metric": k, "value": v}
            for k, v in scores.items()
        ]
        hist, edges = np.histogram(pit_values(y, fc.members), bins=10, range=(0, 1))
        pit_rows.append(
            pd.DataFrame(
                {
                    "test_year": test_year,
                    "model": model.name,
                    "bin_low": edges[:-1],
                    "bin_high": edges[1:],
                    "share": hist / hist.sum(),
                }
            )
        )
    return Backtest(pd.DataFrame(rows), pd.concat(pit_rows, ignore_index=True), forecasts)


def rolling_backtest(
    panel: MonthlyPanel,
    test_years: Sequence[int],
    models: Sequence[str | Forecaster] = DEFAULT_MODELS,
    **options: object,
) -> Backtest:
    """:func:`backtest` for each test year (a new origin each year: rolling origin); its progress
    (one part per year and model) goes to :func:`humsec.core.progress.current`."""
    label = f"backtest: {len(models)} model(s) × {len(test_years)} test year(s)"
    with current().task(label, total=len(models) * len(test_years)) as step:
        parts = [backtest(panel, y, models, step=step, **options) for y in test_years]  # type: ignore[arg-type]
    return Backtest(
        pd.concat([p.scores for p in parts], ignore_index=True),
        pd.concat([p.pit for p in parts], ignore_index=True),
        {k: v for p in parts for k, v in p.forecasts.items()},
    )
