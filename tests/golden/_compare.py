"""Helpers to compare humsec tables with golden reference CSVs."""

from __future__ import annotations

import numpy as np
import pandas as pd


def read_reference(path) -> pd.DataFrame:
    ref = pd.read_csv(
        path,
        dtype={"group": str, "indicator": str, "time": str},
        keep_default_na=False,
        na_values=[""],
    )
    for col in ("indicator", "group", "time"):
        if col in ref.columns:
            ref[col] = ref[col].fillna("")
    ref["kk"] = ref["k"].fillna(-1.0)
    return ref


def merge(ref: pd.DataFrame, ours: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    ours = ours.copy()
    ours["kk"] = ours["k"].fillna(-1.0)
    if "time" in ours.columns:
        ours["time"] = ours["time"].astype(str)
    m = ref.merge(ours, on=["kk", *keys], suffixes=("_ref", ""), how="left", validate="one_to_one")
    assert m["estimate"].notna().all(), m[m["estimate"].isna()].head()
    return m


def assert_close(m: pd.DataFrame, est_atol: float, se_rtol: float) -> None:
    np.testing.assert_allclose(m["estimate"], m["estimate_ref"], rtol=0, atol=est_atol)
    for col in ("se", "ci_low", "ci_high"):
        has = m[f"{col}_ref"].notna()
        np.testing.assert_allclose(
            m.loc[has, col], m.loc[has, f"{col}_ref"], rtol=se_rtol, atol=1e-15
        )
