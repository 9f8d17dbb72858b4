"""Recalibrate crisis probabilities on out-of-fold forecasts made before the origin.

A classifier fitted on a few analysis rounds is often overconfident (Kenya 2022: every crisis
probability under 10 % while a third of the counties were in crisis). The fix is the usual one:
make out-of-fold forecasts of the *training* targets (each earlier analysis month left out in turn,
so a forecast never saw its own round), then learn the map from those raw probabilities to what
happened, and apply it to the origin's forecasts. Everything is fitted on targets published before
the origin, so the calibrated forecast uses nothing the raw one could not.

Methods (:data:`CALIBRATIONS`): ``platt`` (logistic regression of the outcome on the logit of the
raw probability, unpenalised, Platt 1999; its slope is kept non-negative, so a raw probability
that ranks inversely becomes the constant training rate rather than being flipped) and
``isotonic`` (pool adjacent violators, Zadrozny & Elkan 2002; linear between the fitted points).
Isotonic needs more data; Platt is the default.

>>> import numpy as np
>>> raw = np.array([0.05, 0.1, 0.2, 0.3, 0.6, 0.9])
>>> hit = np.array([0, 1, 0, 1, 1, 1])
>>> cal = fit_calibrator(raw, hit, method="isotonic")
>>> cal(np.array([0.05, 0.15, 0.95])).round(3).tolist()   # 0.1 and 0.2 pooled: 1 hit in 2
[0.0, 0.5, 1.0]
>>> platt = fit_calibrator(raw, hit, method="platt")
>>> bool(np.all(np.diff(platt(np.linspace(0.01, 0.99, 5))) > 0))   # monotone in the raw probability
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["CALIBRATIONS", "fit_calibrator", "rescale_phase_probs"]

#: recalibration methods, declared once (CLI choices and validation read it)
CALIBRATIONS = ("platt", "isotonic")
# probabilities are kept away from 0 and 1 before the logit (raw classifiers reach both)
_EPS = 1e-4


def fit_calibrator(
    raw: np.ndarray, outcome: np.ndarray, *, method: str = "platt"
) -> Callable[[np.ndarray], np.ndarray] | None:
    """The map raw probability -> calibrated probability, or None when both outcomes are not seen.

    ``raw``: out-of-fold crisis probabilities of the training targets; ``outcome``: 0/1 crisis.
    """
    raw = np.asarray(raw, float)
    y = np.asarray(outcome, float)
    if method not in CALIBRATIONS:
        msg = (
            f"The 'calibration' method must be one of {list(CALIBRATIONS)}. Got {method!r} instead."
        )
        raise ValueError(msg)
    if len(y) == 0 or y.min() == y.max():
        return None  # one outcome only: nothing to learn the map from
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, y)
        return lambda p: np.asarray(iso.predict(np.asarray(p, float)), float)
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=np.inf, solver="newton-cg", tol=1e-10, max_iter=1000)
    platt.fit(_logit(raw)[:, None], y.astype(int))
    if platt.coef_[0, 0] <= 0:
        # a raw probability that ranks no better than chance (or inversely) must not be flipped:
        # under the constraint slope >= 0 the fit is the constant training rate
        rate = float(y.mean())
        return lambda p: np.full(np.shape(p), rate)
    return lambda p: platt.predict_proba(_logit(np.asarray(p, float))[:, None])[:, 1]


def rescale_phase_probs(probs: np.ndarray, calibrated: np.ndarray, crisis_phase: int) -> np.ndarray:
    """Phase probabilities whose Phase ``crisis_phase``+ sum is ``calibrated``, shapes kept.

    Phases at or above the crisis phase are scaled by calibrated / raw, the others by
    (1 - calibrated) / (1 - raw); where the raw side is all zero the mass goes to the phase next
    to the threshold (Phase 3, or Phase 2).

    >>> p = np.array([[0.5, 0.3, 0.2, 0.0, 0.0]])
    >>> rescale_phase_probs(p, np.array([0.6]), 3).round(3).tolist()
    [[0.25, 0.15, 0.6, 0.0, 0.0]]
    """
    probs = np.asarray(probs, float)
    k = crisis_phase - 1
    top, bottom = probs[:, k:].sum(axis=1), probs[:, :k].sum(axis=1)
    out = probs.copy()
    c = np.asarray(calibrated, float)
    # shares within each side first (each <= 1), then scaled: no overflow for tiny sides
    safe_top = np.where(top > 0, top, 1.0)[:, None]
    safe_bottom = np.where(bottom > 0, bottom, 1.0)[:, None]
    out[:, k:] = probs[:, k:] / safe_top * c[:, None]
    out[:, :k] = probs[:, :k] / safe_bottom * (1 - c)[:, None]
    out[top <= 0, k] = c[top <= 0]
    out[bottom <= 0, k - 1] = 1 - c[bottom <= 0]
    return out


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, _EPS, 1 - _EPS)
    return np.log(q / (1 - q))
