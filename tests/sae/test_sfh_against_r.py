"""Spatial Fay-Herriot against R ``sae`` 1.3 (``eblupSFH`` + ``mseSFH``) on ``grapes``/``grapesprox``.

Numbers and data written by ``tests/golden/sae_grapes/make_grapes_reference.R``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import DataError, HumsecError
from humsec.sae import SpatialFayHerriot

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_grapes"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, skipinitialspace=True)


@pytest.fixture(scope="module")
def grapes() -> tuple[pd.DataFrame, np.ndarray]:
    data = _read("grapes.csv")
    trip = _read("grapesprox.csv")
    W = np.zeros((len(data), len(data)))
    W[trip["row"] - 1, trip["col"] - 1] = trip["w"]
    return data, W


def test_reference_files_are_complete(grapes: tuple[pd.DataFrame, np.ndarray]) -> None:
    data, W = grapes
    assert len(data) == 274 and W.shape == (274, 274)
    np.testing.assert_allclose(W.sum(axis=1), 1.0)  # row-standardised, as shipped
    assert len(_read("estimates.csv")) == 2 * 274
    assert len(_read("parameters.csv")) == 2 * 6


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_spatial_eblup_mse_match_r_sae(
    grapes: tuple[pd.DataFrame, np.ndarray], method: str
) -> None:
    data, W = grapes
    est = _read("estimates.csv").query("method == @method")
    par = _read("parameters.csv").query("method == @method").set_index("name")["value"]
    result = SpatialFayHerriot(
        formula="grapehect ~ area + workdays - 1",
        variance="var",
        proximity=W,
        area="id",
        method=method.lower(),
    ).fit(data)
    t = result.table()
    np.testing.assert_allclose(t["estimate"], est["eblup"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(t["mse"], est["mse"], rtol=1e-6, atol=0)
    np.testing.assert_allclose(
        result.coefficients["estimate"], par[["beta1", "beta2"]], rtol=0, atol=1e-6
    )
    assert result.sigma2_u == pytest.approx(par["sigma2_u"], rel=1e-6)
    assert result.rho == pytest.approx(par["rho"], abs=1e-6)
    assert result.iterations == int(par["iterations"])
    assert result.loglike == pytest.approx(par["loglike"], rel=1e-9)


def test_labelled_proximity_is_reordered(grapes: tuple[pd.DataFrame, np.ndarray]) -> None:
    data, W = grapes
    small = data.iloc[:40].copy()
    Ws = W[:40, :40]
    Ws = Ws / np.where(Ws.sum(1, keepdims=True) == 0, 1, Ws.sum(1, keepdims=True))
    labels = small["id"].astype(str).tolist()
    frame = pd.DataFrame(Ws, index=labels, columns=labels)
    kw = {"formula": "grapehect ~ area + workdays - 1", "variance": "var", "area": "id"}
    base = SpatialFayHerriot(proximity=Ws, **kw).fit(small).table()
    shuffled = frame.iloc[::-1, ::-1]
    again = SpatialFayHerriot(proximity=shuffled, **kw).fit(small).table()
    np.testing.assert_allclose(again["estimate"], base["estimate"])


def test_spatial_bad_input(grapes: tuple[pd.DataFrame, np.ndarray]) -> None:
    data, W = grapes
    kw = {"formula": "grapehect ~ area + workdays - 1", "variance": "var", "area": "id"}
    with pytest.raises(DataError, match="must be 274 x 274"):
        SpatialFayHerriot(proximity=W[:10, :10], **kw).fit(data)
    with pytest.raises(HumsecError, match="'method' parameter of SpatialFayHerriot must be one of"):
        SpatialFayHerriot(proximity=W, method="fh", **kw).fit(data)
    holed = data.copy()
    holed.loc[3, "var"] = np.nan  # an area with a direct estimate needs its variance
    with pytest.raises(DataError, match=r"var"):
        SpatialFayHerriot(proximity=W, **kw).fit(holed)
    negative = W.copy()
    negative[5, 6] = -1
    with pytest.raises(DataError, match="numbers >= 0; rows 6"):
        SpatialFayHerriot(proximity=negative, **kw).fit(data)


def test_rho_at_the_bound_is_an_error_not_a_singular_fit() -> None:
    m = 12
    rng = np.random.default_rng(0)
    W = np.zeros((m, m))
    for i in range(m):
        W[i, (i - 1) % m] = W[i, (i + 1) % m] = 0.5
    x = rng.normal(size=m)
    u = np.linalg.solve(np.eye(m) - 0.8 * W, rng.normal(size=m))
    data = pd.DataFrame({"y": 1 + x + u + rng.normal(scale=0.3, size=m), "x": x, "v": 0.1})
    with pytest.raises(DataError, match="rho reached the bound \\+1"):
        SpatialFayHerriot(formula="y ~ x", variance="v", proximity=W).fit(data)


def test_contiguity_from_the_shipped_kenya_boundaries() -> None:
    from humsec.datasets.places import load_boundaries
    from humsec.sae.spatial import proximity_from_geojson

    geo = load_boundaries("KEN-adm1")
    names = [f["properties"]["adm1_name"] for f in geo["features"]]
    W, notes = proximity_from_geojson(geo, names, name_property="adm1_name")
    assert sorted(W.columns[W.loc["Nairobi"] > 0]) == ["Kajiado", "Kiambu", "Machakos"]
    np.testing.assert_allclose(W.sum(axis=1), 1.0)  # every county has a neighbour
    np.testing.assert_array_equal(W.to_numpy() > 0, (W.to_numpy() > 0).T)  # symmetric contiguity
    assert "row-standardised" in notes[0]
    with pytest.raises(DataError, match="'Nairobii' \\(nearest: Nairobi"):
        proximity_from_geojson(geo, ["Nairobii", "Kiambu"], name_property="adm1_name")
