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
* the area phase: multinomial logistic regression (L2, C = 1, Newton-Cholesky solver; not tuned
  on the test years), whose probabilities of Phases 3-5 add up to the crisis probability;
* ``lagged_logit_cal``: the same, with the crisis probability recalibrated at each origin on the
  out-of-fold forecasts of the training targets (:mod:`humsec.hazard.calibration`);
* ``lagged_logit_signals``: ``lagged_logit_cal`` with signals (rainfall anomaly, conflict
  fatalities; :mod:`humsec.hazard.features`) as extra features where they cover the origin.

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
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from humsec.hazard.benchmarks import (
    BENCHMARKS,
    FORECAST_COLUMNS,
    PHASE_PROBS,
    benchmark_forecasts,
)
from humsec.hazard.calibration import fit_calibrator, rescale_phase_probs
from humsec.hazard.features import signal_features
from humsec.hazard.targets import CRISIS_PHASE

__all__ = [
    "FEATURES",
    "INTERVAL",
    "LEARNED",
    "MIN_ORIGINS",
    "MIN_SIGNAL_COVERAGE",
    "MIN_TRAIN",
    "MODEL",
    "MODEL_CALIBRATED",
    "MODEL_SIGNALS",
    "model_forecasts",
]

#: the learned model's name in the scores table
MODEL = "lagged_logit"
#: the same model with its crisis probability recalibrated on pre-origin out-of-fold forecasts
MODEL_CALIBRATED = "lagged_logit_cal"
#: the calibrated model with the signal features (rainfall, conflict) where they cover the origin
MODEL_SIGNALS = "lagged_logit_signals"
#: the learned models, declared once (the back-test and the CLI read it)
LEARNED = (MODEL, MODEL_CALIBRATED, MODEL_SIGNALS)
#: fewest earlier targets an origin needs to fit the model (else persistence is used)
MIN_TRAIN = 20
#: fewest earlier analysis months: fitted on one, the model applies that one season's movement
#: to every area (added after seeing Kenya 2021-07; Kenya's scores are therefore not untouched)
MIN_ORIGINS = 2
#: a signal is a feature at an origin only if it has a current value for this share of the
#: training targets and of the origin's targets (else it is left out there, and the notes say so)
MIN_SIGNAL_COVERAGE = 0.8
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
# Newton steps stop when the gradient is this small: scikit-learn's default (1e-4) leaves the
# probabilities up to 1e-5 off the optimum (tests/golden/hazard_fits), one more step reaches it
_FIT_TOL = 1e-8


def model_forecasts(
    table: pd.DataFrame,
    *,
    test_from: pd.Period,
    min_train: int = MIN_TRAIN,
    models: tuple[str, ...] = (MODEL,),
    calibration: str = "platt",
    signals: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Forecasts (the benchmarks' columns, one block per model in ``models``) and the notes.

    ``models``: any of :data:`LEARNED`; ``calibration``: a method of
    :data:`~humsec.hazard.calibration.CALIBRATIONS`; ``signals``: a long signal table
    (``area_id, signal, end, value``) for ``lagged_logit_signals``.
    """
    designs = _designs(table)
    signal_names: list[str] = []
    if MODEL_SIGNALS in models and signals is not None and not signals.empty:
        extra = signal_features(designs, signals)
        signal_names = list(extra.columns)
        designs = pd.concat([designs, extra], axis=1)
    targets = designs[designs["target_issued"] >= test_from]
    out, fallback, uncalibrated = [], [], []
    used: dict[str, list[str]] = {name: [] for name in signal_names}
    for origin, test in targets.groupby("target_issued", sort=True):
        train = designs[designs["target_issued"] < origin]
        enough = len(train) >= min_train and train["target_issued"].nunique() >= MIN_ORIGINS
        if not enough or train["observed_phase"].nunique() < 2:
            fallback.append(str(origin))
            out += [_persistence(test, model) for model in models]
            continue
        if MODEL in models or MODEL_CALIBRATED in models:
            raw, cal = _fit_predict(train, test, FEATURES, calibration, MODEL_CALIBRATED in models)
            if MODEL in models:
                out.append(raw)
            if MODEL_CALIBRATED in models:
                if cal is None:
                    uncalibrated.append(str(origin))
                out.append((raw if cal is None else cal).assign(model=MODEL_CALIBRATED))
        if MODEL_SIGNALS in models:
            covered = [n for n in signal_names if _covers(train[n]) and _covers(test[n])]
            for name in covered:
                used[name].append(str(origin))
            train_s, test_s = _impute(train, test, covered)
            raw, cal = _fit_predict(train_s, test_s, (*FEATURES, *covered), calibration, True)
            out.append((raw if cal is None else cal).assign(model=MODEL_SIGNALS))
    notes = []
    if fallback:
        notes.append(
            f"{', '.join(models)}: {len(fallback)} origin(s) with fewer than {min_train} earlier "
            f"targets from {MIN_ORIGINS} analysis months fall back to persistence: "
            f"{', '.join(fallback)}"
        )
    if uncalibrated:
        notes.append(
            f"{MODEL_CALIBRATED}: {len(uncalibrated)} origin(s) whose out-of-fold forecasts hold "
            f"one outcome only keep the raw probability: {', '.join(uncalibrated)}"
        )
    if MODEL_SIGNALS in models:
        n_origins = targets["target_issued"].nunique() - len(fallback)
        if not signal_names:
            notes.append(f"{MODEL_SIGNALS}: no signals given: it is {MODEL_CALIBRATED}")
        for name, months in used.items():
            notes.append(
                f"{MODEL_SIGNALS}: signal {name!r} covers {len(months)} of {n_origins} fitted "
                f"origin(s) (a current value for {MIN_SIGNAL_COVERAGE:.0%} of their training and "
                f"test targets){': ' + ', '.join(months) if months else ''}"
            )
    if not out:
        return pd.DataFrame(columns=FORECAST_COLUMNS), notes
    return pd.concat(out, ignore_index=True)[FORECAST_COLUMNS], notes


def _covers(values: pd.Series) -> bool:
    return len(values) > 0 and float(values.notna().mean()) >= MIN_SIGNAL_COVERAGE


def _impute(
    train: pd.DataFrame, test: pd.DataFrame, names: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Missing signal values take the training median (covered signals miss at most 20 %)."""
    if not names:
        return train, test
    fill = train[names].median()
    return train.fillna(fill), test.fillna(fill)


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


def _fit_predict(
    train: pd.DataFrame,
    test: pd.DataFrame,
    features: tuple[str, ...],
    calibration: str,
    calibrate: bool,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Raw forecasts of ``test`` and, if ``calibrate``, the recalibrated ones (None if impossible)."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import GroupKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_train = train[list(features)].to_numpy(float)
    x_test = test[list(features)].to_numpy(float)
    share = make_pipeline(StandardScaler(), Ridge(alpha=1.0))
    change = (_logit(train["observed_share"]) - train["persistence_logit"]).to_numpy(float)
    share.fit(x_train, change)
    groups = train["target_issued"].map(lambda p: p.ordinal).to_numpy()
    folds = GroupKFold(n_splits=min(5, len(set(groups))))
    held_out = cross_val_predict(share, x_train, change, groups=groups, cv=folds)
    tail = (1 - INTERVAL) / 2
    low, high = np.quantile(change - held_out, [tail, 1 - tail])
    phase = make_pipeline(
        StandardScaler(), LogisticRegression(solver="newton-cholesky", max_iter=200, tol=_FIT_TOL)
    )
    y_phase = train["observed_phase"].astype(int).to_numpy()
    with warnings.catch_warnings():
        # a constant feature (one season in the history) is harmless after scaling
        warnings.simplefilter("ignore", RuntimeWarning)
        phase.fit(x_train, y_phase)
    probs = np.zeros((len(test), len(PHASE_PROBS)))
    classes = phase.classes_.astype(int)
    probs[:, classes - 1] = phase.predict_proba(x_test)
    out = test.copy()
    out["model"] = MODEL
    logit = test["persistence_logit"].to_numpy(float) + share.predict(x_test)
    out["forecast_share"] = expit(logit)
    out["share_low"] = expit(logit + low)
    out["share_high"] = expit(logit + high)
    _set_phase_probs(out, probs)
    if not calibrate:
        return out, None
    calibrator = _calibrator(phase, x_train, y_phase, groups, folds, classes, calibration)
    if calibrator is None:
        return out, None
    crisis = calibrator(probs[:, CRISIS_PHASE - 1 :].sum(axis=1))
    cal = out.copy()
    _set_phase_probs(cal, rescale_phase_probs(probs, crisis, CRISIS_PHASE))
    return out, cal


def _calibrator(
    phase: Any,
    x_train: np.ndarray,
    y_phase: np.ndarray,
    groups: np.ndarray,
    folds: Any,
    classes: np.ndarray,
    method: str,
) -> Any:
    """Fit the recalibration on out-of-fold crisis probabilities of the training targets."""
    from sklearn.model_selection import cross_val_predict

    try:
        with warnings.catch_warnings():
            # a fold may lack a phase (its column is then 0): expected with few rounds
            warnings.simplefilter("ignore")
            oof = cross_val_predict(
                phase, x_train, y_phase, groups=groups, cv=folds, method="predict_proba"
            )
    except ValueError:  # a fold's training part holds one phase only
        return None
    crisis = oof[:, classes >= CRISIS_PHASE].sum(axis=1)
    return fit_calibrator(crisis, (y_phase >= CRISIS_PHASE).astype(int), method=method)


def _set_phase_probs(out: pd.DataFrame, probs: np.ndarray) -> None:
    out["forecast_phase"] = probs.argmax(axis=1) + 1
    out["prob_crisis"] = probs[:, CRISIS_PHASE - 1 :].sum(axis=1)
    out[PHASE_PROBS] = probs


def _persistence(test: pd.DataFrame, model: str) -> pd.DataFrame:
    return test.assign(model=model)


def _logit(share: pd.Series) -> pd.Series:
    p = share.astype(float).clip(_EPS, 1 - _EPS)
    return pd.Series(np.log(p / (1 - p)), index=share.index)
