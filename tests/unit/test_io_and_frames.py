"""Inputs: every file format and dataframe library gives the same numbers; labels are kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import humsec
from humsec.core.survey import read_survey


@pytest.fixture(scope="module")
def reference(syn_cdta, syn_spec):
    return humsec.AlkireFoster(syn_spec).fit(syn_cdta, over=["region"]).to_frame("levels")


def _same(result, reference):
    got = result.to_frame("levels", backend="pandas")
    np.testing.assert_allclose(got["estimate"], reference["estimate"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got["se"], reference["se"], rtol=1e-10)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx", ".dta", ".sav"])
def test_every_file_format(tmp_path, syn_cdta, syn_spec, reference, suffix):
    path = tmp_path / f"survey{suffix}"
    df = syn_cdta
    if suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix == ".parquet":
        df.to_parquet(path)
    elif suffix == ".xlsx":
        df.to_excel(path, index=False)
    else:
        import pyreadstat

        writer = pyreadstat.write_dta if suffix == ".dta" else pyreadstat.write_sav
        writer(df, str(path))
    result = humsec.AlkireFoster(syn_spec).fit(path, over=["region"])
    _same(result, reference)
    assert result.provenance.data_source == str(path)
    assert len(result.provenance.data_hash) == 64


def test_polars_and_pyarrow_inputs_return_their_own_type(syn_cdta, syn_spec, reference):
    pl = pytest.importorskip("polars")
    res_pl = humsec.AlkireFoster(syn_spec).fit(pl.from_pandas(syn_cdta), over=["region"])
    assert isinstance(res_pl.to_frame("levels"), pl.DataFrame)
    _same(res_pl, reference)
    res_pa = humsec.AlkireFoster(syn_spec).fit(pa.Table.from_pandas(syn_cdta), over=["region"])
    assert isinstance(res_pa.to_frame("levels"), pa.Table)
    _same(res_pa, reference)


def test_spss_value_labels_label_groups_and_cutoffs(tmp_path):
    import pyreadstat

    rng = np.random.default_rng(3)
    n = 400
    df = pd.DataFrame(
        {
            "water": rng.integers(1, 4, n).astype(float),  # 1 piped, 2 well, 3 river
            "school": rng.integers(0, 12, n).astype(float),
            "sex": rng.integers(1, 3, n).astype(float),
        }
    )
    df.loc[5, "school"] = np.nan
    path = tmp_path / "hh.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        variable_value_labels={
            "water": {1: "Piped", 2: "Protected well", 3: "River"},
            "sex": {1: "Male", 2: "Female"},
        },
    )
    table = read_survey(path)
    assert table.value_labels["sex"] == {1.0: "Male", 2.0: "Female"}
    spec = humsec.AFSpec.from_dict(
        {
            "dimensions": {
                "water": [
                    {"name": "unsafe_water", "column": "water", "deprived_if": {"in": ["River"]}}
                ],
                "education": [{"name": "low_school", "column": "school", "deprived_if": {"lt": 6}}],
            },
            "k": [50],
        }
    )
    result = humsec.AlkireFoster(spec).fit(path, over=["sex"])
    lv = result.to_frame("levels")
    assert set(lv.loc[lv["over"] == "sex", "group"]) == {"Male", "Female"}
    kept = df.dropna()
    hd_water = lv.query("measure == 'hd' and indicator == 'unsafe_water' and over == 'national'")[
        "estimate"
    ].iloc[0]
    assert hd_water == pytest.approx((kept["water"] == 3).mean())
    h = lv.query("measure == 'H' and over == 'national'")["estimate"].iloc[0]
    assert h == pytest.approx(((kept["water"] == 3) | (kept["school"] < 6)).mean())
    assert result.provenance.dropped[0][1] == 1


def test_csv_with_other_encoding_and_separator(tmp_path):
    text = "région;d1;d2\nÎle;1;0\nCôte;0;NA\nÎle;1;1\n"
    path = tmp_path / "latin.csv"
    path.write_bytes(text.encode("cp1252"))
    spec = humsec.AFSpec.from_dict({"dimensions": {"a": ["d1"], "b": ["d2"]}, "k": [50]})
    result = humsec.AlkireFoster(spec).fit(path, over=["région"])
    groups = set(result.to_frame("levels").query("over == 'région'")["group"])
    assert groups == {"Île"}  # Côte's only person has a missing indicator and is dropped (reported)
    assert result.provenance.dropped[0][1] == 1
