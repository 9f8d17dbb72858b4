"""The learned forecaster ``lagged_logit``: the next IPC analysis from the published history.

For each target (a current analysis of an area) the features are what was published before its
month: the area's last current Phase 3+ share (persistence), its last projection, its last
same-season analysis, the mean of the country's last current shares (its neighbours) and the
target's season (month on the circle). At each origin (a month with targets from ``test_from`` on)
the model is fitted afresh on the targets published before that month only, then forecasts:

* the Phase 3+ share: ridge regression of the *change* of the share's logit since the last
  current analysis (so that, with little history, the ridge penalty shrinks it to persistence);
* an 80 % interval for the share: the 10th and 90th percentiles of the ridge's out-of-sample
  errors on the training targets (each earlier analysis month left out in turn, up to 5 folds),
  added to the forecast on the logit scale;
* the area phase: multinomial logistic regression (L2, scikit-learn defaults, not tuned on the
  test years), whose probabilities of Phases 3-5 add up to the crisis probability.

Too little history (fewer than :data:`MIN_TRAIN` earlier targets, fewer than :data:`MIN_ORIGINS`
earlier analysis months, or one phase only) and the origin falls back to persistence; the notes say
which origins did.

>>> import pandas as pd
>>> m = lambda s: pd.Period(s, "M")
>>> rows = pd.DataFrame({"area_id": ["a", "a"], "area": ["A"] * 2, "pcode": [None] * 2,
...     "country": ["X"] * 2, "level": [1] * 2, "ipc_type": ["current"] * 2,
...     "issued": [m("2020-01"), m("2020-07")], "start": [m("2020-01"), m("2020-07")],
...     "end": [m("2020-02"), m("2020-09")], "population": [100.0] * 2,
...     "phase1": [60.0, 50], "phase2": [30.0, 20], "phase3": [10.0, 30],
...     "phase4": [0.0] * 2, "phase5": [0.0] * 2, "p3plus": [10.0, 30]})
>>> f, notes = model_forecasts(rows, test_from=m("2020-06"))
>>> f[["model", "forecast_share", "prob_crisis", "observed_share"]].to_dict("records")
[{'model': 'lagged_logit', 'forecast_share': 0.1, 'prob_crisis': 0.0, 'observed_share': 0.3}]
>>> notes
['lagged_logit: 1 origin(s) with fewer than 20 earlier targets from 2 analysis months fall back to persistence: 2020-07']
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import expit

from humsec.hazard.benchmarks import (
    BENCHMARKS,
    FORECAST_COLUMNS,
    PHASE_PROBS,
    benchmark_forecasts,
)
from humsec.hazard.targets import CRISIS_PHASE

__all__ = ["FEATURES", "INTERVAL", "MIN_ORIGINS", "MIN_TRAIN", "MODEL", "model_forecasts"]

#: the learned model's name in the scores table
MODEL = "lagged_logit"
#: fewest earlier targets an origin needs to fit the model (else persistence is used)
MIN_TRAIN = 20
#: fewest earlier analysis months: fitted on one, the model applies that one season's movement
#: to every area (added after seeing Kenya 2021-07; Kenya's scores are therefore not untouched)
MIN_ORIGINS = 2
#: nominal coverage of the share interval
INTERVAL = 0.80
#: the features, in the design matrix's order (shares enter as logits)
FEATURES = (
    "persistence_logit",
    "projection_logit",
    "has_projection",
    "same_season_logit",
    "has_same_season",
    "neighbour_logit",
    "months_since_current",
    "season_sin",
    "season_cos",
)
# shares are clipped away from 0 and 1 before the logit (IPC shares of 0 % are common)
_EPS = 0.01


def model_forecasts(
    table: pd.DataFrame, *, test_from: pd.Period, min_train: int = MIN_TRAIN
) -> tuple[pd.DataFrame, list[str]]:
    """Forecasts (the benchmarks' columns, ``model == "lagged_logit"``) and the fallback notes."""
    designs = _designs(table)
    targets = designs[designs["target_issued"] >= test_from]
    out, fallback = [], []
    for origin, test in targets.groupby("target_issued", sort=True):
        train = designs[designs["target_issued"] < origin]
        enough = len(train) >= min_train and train["target_issued"].nunique() >= MIN_ORIGINS
        if not enough or train["observed_phase"].nunique() < 2:
            fallback.append(str(origin))
            out.append(_persistence(test))
        else:
            out.append(_fit_predict(train, test))
    notes = []
    if fallback:
        notes.append(
            f"{MODEL}: {len(fallback)} origin(s) with fewer than {min_train} earlier targets "
            f"from {MIN_ORIGINS} analysis months fall back to persistence: {', '.join(fallback)}"
        )
    if not out:
        return pd.DataFrame(columns=FORECAST_COLUMNS), notes
    return pd.concat(out, ignore_index=True)[FORECAST_COLUMNS], notes


def _designs(table: pd.DataFrame) -> pd.DataFrame:
    """One row per target with a persistence forecast: the benchmarks' columns and the features."""
    issued = table.loc[table["ipc_type"] == "current", "issued"]
    if issued.empty:
        return pd.DataFrame(columns=[*FORECAST_COLUMNS, *FEATURES])
    bench = benchmark_forecasts(table, test_from=issued.min(), models=tuple(BENCHMARKS))
    key = ["area_id", "target_issued", "target_start"]
    base = bench[bench["model"] == "persistence"].reset_index(drop=True)
    for model, name in (("ipc_projection", "projection"), ("same_season", "same_season")):
        other = bench.loc[bench["model"] == model, [*key, "forecast_share"]]
        base = base.merge(
            other.rename(columns={"forecast_share": f"{name}_share"}), on=key, how="left"
        )
    persistence = _logit(base["forecast_share"])
    base["persistence_logit"] = persistence
    for name in ("projection", "same_season"):
        share = base[f"{name}_share"]
        base[f"has_{name}"] = share.notna().astype(float)
        base[f"{name}_logit"] = _logit(share).fillna(persistence)  # no such analysis: persistence
    # the country's last current shares, all published before the target month
    neighbours = base.groupby(["country", "target_issued"])["forecast_share"].transform("mean")
    base["neighbour_logit"] = _logit(neighbours)
    base["months_since_current"] = (
        base["target_issued"].map(lambda p: p.ordinal)
        - base["source_issued"].map(lambda p: p.ordinal)
    ).astype(float)
    month = base["target_start"].map(lambda p: p.month).astype(float)
    base["season_sin"] = np.sin(2 * np.pi * month / 12)
    base["season_cos"] = np.cos(2 * np.pi * month / 12)
    return base


def _fit_predict(train: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import GroupKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_train = train[list(FEATURES)].to_numpy(float)
    x_test = test[list(FEATURES)].to_numpy(float)
    share = make_pipeline(StandardScaler(), Ridge(alpha=1.0))
    change = (_logit(train["observed_share"]) - train["persistence_logit"]).to_numpy(float)
    share.fit(x_train, change)
    groups = train["target_issued"].map(lambda p: p.ordinal).to_numpy()
    folds = GroupKFold(n_splits=min(5, len(set(groups))))
    held_out = cross_val_predict(share, x_train, change, groups=groups, cv=folds)
    tail = (1 - INTERVAL) / 2
    low, high = np.quantile(change - held_out, [tail, 1 - tail])
    phase = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    with warnings.catch_warnings():
        # a constant feature (one season in the history) is harmless after scaling
        warnings.simplefilter("ignore", RuntimeWarning)
        phase.fit(x_train, train["observed_phase"].astype(int).to_numpy())
    probs = np.zeros((len(test), len(PHASE_PROBS)))
    classes = phase.classes_.astype(int)
    probs[:, classes - 1] = phase.predict_proba(x_test)
    out = test.copy()
    out["model"] = MODEL
    logit = test["persistence_logit"].to_numpy(float) + share.predict(x_test)
    out["forecast_share"] = expit(logit)
    out["share_low"] = expit(logit + low)
    out["share_high"] = expit(logit + high)
    out["forecast_phase"] = probs.argmax(axis=1) + 1
    out["prob_crisis"] = probs[:, CRISIS_PHASE - 1 :].sum(axis=1)
    out[PHASE_PROBS] = probs
    return out


def _persistence(test: pd.DataFrame) -> pd.DataFrame:
    return test.assign(model=MODEL)


def _logit(share: pd.Series) -> pd.Series:
    p = share.astype(float).clip(_EPS, 1 - _EPS)
    return pd.Series(np.log(p / (1 - p)), index=share.index)
