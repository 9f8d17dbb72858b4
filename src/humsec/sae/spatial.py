"""Spatial Fay-Herriot EBLUP: area effects that follow a SAR process over neighbouring areas.

Numbers as R ``sae::eblupSFH`` + ``sae::mseSFH`` (see :mod:`humsec.sae._sfh_fit`). The proximity
matrix W is m × m in the row order of the data (or a labelled frame whose index names the areas),
usually row-standardised (each row sums to 1 over the neighbours).

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(2)
>>> m = 20
>>> W = np.zeros((m, m))
>>> for i in range(m):  # areas on a ring: two neighbours each, row-standardised
...     W[i, (i - 1) % m] = W[i, (i + 1) % m] = 0.5
>>> x = rng.normal(size=m)
>>> effect = np.linalg.solve(np.eye(m) - 0.8 * W, rng.normal(size=m))  # SAR area effects
>>> data = pd.DataFrame({"y": 1 + x + effect + rng.normal(scale=0.3, size=m), "x": x, "v": 0.1})
>>> result = SpatialFayHerriot(formula="y ~ x", variance="v", proximity=W).fit(data)
>>> round(result.rho, 3), round(result.sigma2_u, 3)
(0.783, 1.182)
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.errors import DataError
from humsec.core.params import Constraint, OneOf
from humsec.sae._sfh_fit import SPATIAL_METHODS, fit_spatial, sfh_numbers
from humsec.sae.fay_herriot import FayHerriot, _coefficient_table, prepare_areas
from humsec.sae.fit_measures import fh_r2
from humsec.sae.result import FHResult

__all__ = ["SPATIAL_METHODS", "SpatialFayHerriot", "proximity_from_geojson", "proximity_matrix"]

_PARAMS = ("formula", "variance", "proximity", "area", "method", "level", "max_iter", "tol")


class SpatialFayHerriot(FayHerriot):
    """Spatial Fay-Herriot (SAR area effects), numbers as R ``sae::eblupSFH`` + ``mseSFH``.

    Parameters as :class:`FayHerriot`, plus ``proximity`` (m × m array or frame, rows in the data's
    order or a frame indexed by area; out-of-sample areas included); ``method`` is ``"reml"`` or
    ``"ml"``. Areas with an empty direct estimate are out of sample: the SAR process over all areas
    links them to their sampled neighbours (R ``sae::eblupSFH`` has no out-of-sample areas; with
    every area sampled the numbers are R's). The ``gamma`` column holds diag(G V⁻¹), the weight of
    each area's own direct estimate (0 out of sample).
    """

    _param_names = _PARAMS

    def __init__(
        self,
        *,
        formula: str,
        variance: str,
        proximity: Any,
        area: str | None = None,
        method: str = "reml",
        level: float = 0.95,
        max_iter: int = 100,
        tol: float = 1e-4,
    ) -> None:
        super().__init__(
            formula=formula,
            variance=variance,
            area=area,
            method=method,
            level=level,
            max_iter=max_iter,
            tol=tol,
        )
        self.proximity = proximity

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.get_params().items() if k != "proximity"}
        inner = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        return f"SpatialFayHerriot({inner}, proximity=<{np.shape(self.proximity)} matrix>)"

    # the moment method has no spatial version: method narrowed to SPATIAL_METHODS
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        **FayHerriot._parameter_constraints,
        "method": OneOf(*SPATIAL_METHODS),
    }

    def fit(self, data: Any, *, source: str | None = None) -> FHResult:
        """Fit on ``data`` (one row per area; an empty direct estimate: out of sample)."""
        self._check_params()
        prep = prepare_areas(self, data, source)
        W, notes = proximity_matrix(self.proximity, prep.areas)
        sample = np.flatnonzero(prep.in_sample)
        y, X, psi = prep.y[sample], prep.X_all[sample], prep.psi[sample]
        fit = fit_spatial(y, X, psi, W, self.method, max_iter=self.max_iter, tol=self.tol, sample=sample)
        if not fit.converged:
            msg = (
                f"The spatial {self.method.upper()} fit of (sigma2_u, rho) did not converge in "
                f"{self.max_iter} iterations{prep.where}; raise max_iter or check the proximity matrix."
            )
            raise DataError(msg)
        if fit.sigma2_u == 0.0:
            notes.append(
                "sigma2_u estimated at the boundary 0: no area effect beyond sampling error; every "
                "estimate is the synthetic estimate x'beta."
            )
        if abs(fit.rho) == 1.0:
            msg = (
                f"The spatial autocorrelation rho reached the bound {fit.rho:+g}{prep.where} (R sae "
                "reports the same bound); the SAR covariance is then singular for a row-standardised "
                "matrix. The data show no usable spatial structure: use the non-spatial FayHerriot."
            )
            raise DataError(msg)
        out = np.flatnonzero(~prep.in_sample)
        n = sfh_numbers(y, X, psi, W, fit.sigma2_u, fit.rho, self.method, sample=sample, X_out=prep.X_all[out])
        table = pd.DataFrame(
            {
                "area": prep.areas,
                "direct": prep.y,
                "direct_se": np.where(prep.in_sample, np.sqrt(np.abs(prep.psi)), np.nan),
                "estimate": np.nan,
                "mse": np.nan,
                "synthetic": np.nan,
                "gamma": 0.0,
                "in_sample": prep.in_sample,
            }
        )
        table.loc[sample, ["estimate", "mse", "synthetic", "gamma"]] = np.column_stack(
            [n.eblup, n.mse, n.synthetic, n.weight]
        )
        if len(out):
            assert n.eblup_out is not None
            assert n.mse_out is not None
            assert n.synthetic_out is not None
            table.loc[out, ["estimate", "mse", "synthetic"]] = np.column_stack([n.eblup_out, n.mse_out, n.synthetic_out])
            notes.append(
                f"{len(out)} area(s) without a direct estimate predicted out of sample: x'beta plus the "
                "SAR-correlated share of their neighbours' residuals; MSE g1 + g2 + 2 g3 (no direct "
                f"estimate, so no g4{' and no ML bias term' if self.method == 'ml' else ''})."
            )
        if (table["mse"] <= 0).any():
            notes.append(
                f"{int((table['mse'] <= 0).sum())} area(s) have an MSE estimate <= 0: intervals not shown."
            )
        return FHResult(
            table,
            coefficients=_coefficient_table(prep.terms, n.beta, n.cov_beta),
            sigma2_u=fit.sigma2_u,
            iterations=fit.iterations,
            loglike=n.loglike,
            n_params=X.shape[1] + 2,
            params={k: v for k, v in self.get_params().items() if k != "proximity"},
            notes=notes,
            backend=prep.backend,
            level=float(self.level),
            rho=fit.rho,
            r2=fh_r2(y, X, psi),
        )


def proximity_matrix(proximity: Any, areas: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The m × m proximity matrix in the order of ``areas``, checked; notes on what was found."""
    m = len(areas)
    notes: list[str] = []
    if isinstance(proximity, pd.DataFrame) and not isinstance(proximity.index, pd.RangeIndex):
        labels = [str(i) for i in proximity.index]
        if sorted(labels) != sorted(areas) or len(set(labels)) != m:
            only_w = sorted(set(labels) - set(areas))[:10]
            only_data = sorted(set(areas) - set(labels))[:10]
            msg = (
                "The proximity matrix's area names do not match the data's areas (each once): "
                f"only in the matrix: {only_w or 'none'}; only in the data: {only_data or 'none'}."
            )
            raise DataError(msg)
        columns = [str(c) for c in proximity.columns]
        if sorted(columns) != sorted(labels):
            msg = "The proximity matrix's column names must be the same area names as its rows."
            raise DataError(msg)
        rows = {name: i for i, name in enumerate(labels)}
        cols = {name: i for i, name in enumerate(columns)}
        W = proximity.to_numpy(dtype=float)[
            np.ix_([rows[a] for a in areas], [cols[a] for a in areas])
        ]
    else:
        W = np.asarray(proximity, dtype=float)
    if W.ndim != 2 or W.shape != (m, m):
        msg = f"The proximity matrix must be {m} x {m} (one row and column per area). Got shape {W.shape}."
        raise DataError(msg)
    bad = ~np.isfinite(W) | (W < 0)
    if bad.any():
        bad_rows = sorted({int(r) + 1 for r in np.nonzero(bad)[0]})[:10]
        msg = f"The proximity matrix must hold numbers >= 0; rows {', '.join(map(str, bad_rows))} do not."
        raise DataError(msg)
    if np.any(np.diag(W) != 0):
        notes.append("the proximity matrix has a non-zero diagonal (an area its own neighbour).")
    sums = W.sum(axis=1)
    if np.any(sums == 0):
        notes.append(
            f"{int((sums == 0).sum())} area(s) without neighbours in the proximity matrix."
        )
    if not np.allclose(sums[sums > 0], 1.0):
        notes.append(
            "the proximity matrix is not row-standardised (rows do not sum to 1): rho is then not a correlation in [-1, 1]."
        )
    return W, notes


def proximity_from_geojson(
    geo: dict[str, Any], areas: Any, *, name_property: str, tolerance: float = 0.01
) -> tuple[pd.DataFrame, list[str]]:
    """Row-standardised contiguity matrix of ``areas`` from GeoJSON boundaries.

    Two areas are neighbours when their polygons come within ``tolerance`` degrees (shared borders,
    with slack for imprecise digitising). Areas of the data missing from the boundaries are an
    error naming the nearest names; boundary areas not in the data are left out (and noted).
    """
    import difflib

    import shapely

    from humsec.core.boundaries import Boundaries

    features = geo.get("features") or []
    names = [str((f.get("properties") or {}).get(name_property)) for f in features]
    wanted = [str(a) for a in areas]
    missing = [a for a in wanted if a not in set(names)]
    if missing:
        hints = [
            f"{a!r} (nearest: {', '.join(difflib.get_close_matches(a, names, n=2, cutoff=0.5)) or 'none'})"
            for a in missing[:10]
        ]
        msg = f"Areas not found in the boundaries' {name_property!r}: {'; '.join(hints)}."
        raise DataError(msg)
    keep = [i for i, n in enumerate(names) if n in set(wanted)]
    geoms = [shapely.make_valid(shapely.geometry.shape(features[i]["geometry"])) for i in keep]
    bounds = Boundaries([names[i] for i in keep], geoms, [features[i] for i in keep])
    neighbours = bounds.neighbours(tolerance)
    index = {a: i for i, a in enumerate(wanted)}
    W = np.zeros((len(wanted), len(wanted)))
    for area, near in neighbours.items():
        for other in near:
            W[index[area], index[other]] = 1.0
    sums = W.sum(axis=1, keepdims=True)
    W = np.divide(W, sums, out=np.zeros_like(W), where=sums > 0)
    notes = [
        f"proximity: contiguity of {len(wanted)} areas from the boundaries (within {tolerance} "
        f"degrees), row-standardised; median {int(np.median((W > 0).sum(axis=1)))} neighbours."
    ]
    if len(names) > len(keep):
        notes.append(
            f"{len(names) - len(keep)} boundary area(s) not in the data left out of the proximity matrix."
        )
    return pd.DataFrame(W, index=wanted, columns=wanted), notes
