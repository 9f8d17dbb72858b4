"""The fits inside the learned hazard models against a second implementation in base R.

``tests/golden/hazard_fits/make_reference.R`` writes out the penalised likelihoods the docs
describe (L2 logistic regression for ``onset_logit``; ridge for ``lagged_logit``'s share and L2
multinomial logistic regression for its phase; standardised features, unpenalised intercepts) and
minimises them with optim and Newton steps; humsec fits the same data with scikit-learn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from humsec.hazard import model as ipc_model
from humsec.hazard import onset_model

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "hazard_fits"


def test_onset_logit_matches_the_r_penalised_likelihood():
    data = pd.read_csv(GOLDEN / "onset_input.csv")
    ref = pd.read_csv(GOLDEN / "onset_reference.csv")
    data["area_id"] = [f"k::{i}" for i in range(len(data))]
    data["month"] = pd.Period("2018-01", "M")
    features = data.set_index(["area_id", "month"])[["x1", "x2", "x3", "x4", "x5"]]
    features.columns = list(onset_model.FEATURES)
    train = data[data["split"] == "train"].assign(onset=lambda d: d["onset"].astype(bool))
    test = data[data["split"] == "test"]
    got = onset_model._fit_predict(train, test, features)
    np.testing.assert_allclose(got, ref["p_onset"], rtol=0, atol=1e-9)


def test_lagged_logit_share_and_phase_match_the_r_fits():
    data = pd.read_csv(GOLDEN / "ipc_input.csv")
    ref = pd.read_csv(GOLDEN / "ipc_reference.csv")
    data["target_issued"] = data["target_issued"].map(lambda m: pd.Period(m, "M"))
    train = data[data["split"] == "train"].reset_index(drop=True)
    test = data[data["split"] == "test"].reset_index(drop=True)
    out, calibrated = ipc_model._fit_predict(
        train, test, ("f1", "f2", "f3", "f4"), calibration="platt", calibrate=False
    )
    assert calibrated is None
    np.testing.assert_allclose(out["forecast_share"], ref["forecast_share"], rtol=1e-9)
    for phase in (1, 2, 3, 4):
        col = f"prob_phase{phase}"
        np.testing.assert_allclose(out[col], ref[col], rtol=0, atol=1e-9)
    assert (out["prob_phase5"] == 0).all()  # no Phase 5 in the training data
    np.testing.assert_allclose(
        out["prob_crisis"], ref["prob_phase3"] + ref["prob_phase4"], rtol=0, atol=1e-9
    )
