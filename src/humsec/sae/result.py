"""The result of a Fay-Herriot fit: area estimates with MSE and intervals, coefficients, σ²ᵤ, notes.

Immutable record, in the pattern of :class:`humsec.af.result.AFResult`: ``to_frame()`` in
the caller's dataframe library, ``conf_int(level)``, ``summary()`` (also ``str`` and the notebook
view), CSV and Excel writers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.result import ResultBase
from humsec.core.write import write_atomic
from humsec.sae._intervals import mse_interval
from humsec.sae._report import coefficient_lines, gamma_line, write_model_workbook

__all__ = ["OUTPUT_COLUMNS", "FHResult"]

#: The columns of the estimates table, in the order ``humsec sae fh --out`` writes them
OUTPUT_COLUMNS = [
    "area", "direct", "direct_se", "estimate", "mse", "ci_low", "ci_high", "gamma", "in_sample",
    "synthetic", "cv",
]  # fmt: skip


class FHResult(ResultBase):
    """Estimates of a :class:`~humsec.sae.FayHerriot` fit.

    ``sigma2_u`` (area-effect variance), ``coefficients`` (term, estimate, se, z, p_value),
    ``params`` (the engine's parameters as given), ``notes`` (what was assumed or reported),
    ``loglike``/``aic``/``bic`` as R ``sae::eblupFH``.
    """

    tables = ("estimates", "coefficients")

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        coefficients: pd.DataFrame,
        sigma2_u: float,
        iterations: int,
        loglike: float,
        n_params: int,
        params: dict[str, Any],
        notes: list[str],
        backend: str = "pandas",
        level: float = 0.95,
        rho: float | None = None,
        r2: tuple[float, float] | None = None,
        bounds: tuple[float, float] | None = None,
    ) -> None:
        self._table = table.reset_index(drop=True)
        self._coefficients = coefficients.reset_index(drop=True)
        self.sigma2_u = sigma2_u
        self.iterations = iterations
        self.loglike = loglike
        self.n_params = n_params
        self.params = dict(params)
        self.notes = list(notes)
        self.backend = backend
        self.level = level
        self.bounds = bounds  # range of the estimates (transformed models): intervals clipped to it
        self.rho = rho  # spatial autocorrelation of the area effects (spatial model only)
        # (OLS adjusted R², Lahiri-Suntornchost adjusted R²) as emdi: humsec.sae.fit_measures
        self.r2, self.adj_r2 = r2 if r2 is not None else (float("nan"), float("nan"))

    @property
    def method(self) -> str:
        return str(self.params["method"])

    @property
    def n_in_sample(self) -> int:
        return int(self._table["in_sample"].sum())

    @property
    def aic(self) -> float:
        return -2.0 * self.loglike + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        return -2.0 * self.loglike + self.n_params * float(np.log(self.n_in_sample))

    @property
    def coefficients(self) -> pd.DataFrame:
        return self._coefficients.copy()

    def conf_int(self, level: float | None = None) -> pd.DataFrame:
        """Intervals estimate ± z·√MSE per area (empty where the MSE estimate is ≤ 0)."""
        t = self._table
        low, high = mse_interval(t["estimate"], t["mse"], self.level if level is None else level)
        if self.bounds is not None:
            low, high = np.clip(low, *self.bounds), np.clip(high, *self.bounds)
        return pd.DataFrame(
            {"ci_low": low, "ci_high": high},
            index=pd.Index(t["area"], name="area"),
        )

    def table(self) -> pd.DataFrame:
        """The estimates table as pandas, columns :data:`OUTPUT_COLUMNS` (plus any benchmark columns)."""
        t = self._table.copy()
        ci = self.conf_int()
        t["ci_low"], t["ci_high"] = ci["ci_low"].to_numpy(), ci["ci_high"].to_numpy()
        t["cv"] = np.sqrt(t["mse"].where(t["mse"] > 0)) / t["estimate"].abs()
        extra = [c for c in t.columns if c not in OUTPUT_COLUMNS]
        return t[OUTPUT_COLUMNS + extra]

    def _frame(self, table: str) -> pd.DataFrame:
        """``estimates`` (one row per area) or ``coefficients``."""
        return self.table() if table == "estimates" else self.coefficients_frame()

    def coefficients_frame(self) -> pd.DataFrame:
        return self._coefficients.copy()

    def with_table(self, table: pd.DataFrame, note: str) -> FHResult:
        """A copy with a new estimates table and one more note (used by benchmarking)."""
        return FHResult(
            table,
            coefficients=self._coefficients,
            sigma2_u=self.sigma2_u,
            iterations=self.iterations,
            loglike=self.loglike,
            n_params=self.n_params,
            params=self.params,
            notes=[*self.notes, note],
            backend=self.backend,
            level=self.level,
            rho=self.rho,
            r2=(self.r2, self.adj_r2),
            bounds=self.bounds,
        )

    def benchmark(self, total: float, weights: Any, *, how: str = "ratio") -> FHResult:
        """Benchmark the estimates to a national direct value (see :func:`humsec.sae.benchmark`)."""
        from humsec.sae.benchmark import benchmark

        return benchmark(self, total, weights, how=how)

    # ------------------------------------------------------------------ display
    def summary(self) -> str:
        t = self.table()
        ins = t[t["in_sample"]]
        lines = [
            f"{'Spatial ' if self.rho is not None else ''}Fay-Herriot EBLUP ({self.method.upper()}): "
            f"{self.n_in_sample} areas with a direct "
            f"estimate, {len(t) - self.n_in_sample} without",
            f"  sigma2_u {self.sigma2_u:.6g}"
            + (f"  rho {self.rho:.6g}" if self.rho is not None else "")
            + f"  iterations {self.iterations}  loglike {self.loglike:.4f}"
            f"  AIC {self.aic:.4f}  BIC {self.bic:.4f}",
            f"  R2 {self.r2:.4f}  adjusted R2 (Lahiri-Suntornchost) {self.adj_r2:.4f}",
            "",
            *coefficient_lines(self._coefficients),
        ]
        if len(ins):
            lines += [
                "",
                gamma_line(ins),
                f"  median CV: direct {(ins['direct_se'] / ins['direct'].abs()).median():.3f}, "
                f"model {ins['cv'].median():.3f}",
            ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        rho = f", rho={self.rho:.6g}" if self.rho is not None else ""
        return (
            f"<FHResult {self.method}: {len(self._table)} areas, sigma2_u={self.sigma2_u:.6g}{rho}>"
        )

    def to_csv(self, path: str | Path) -> Path:
        """Write the estimates table as CSV."""
        return write_atomic(Path(path), lambda tmp: self.table().to_csv(tmp, index=False))

    def to_html(self, path: str | Path) -> Path:
        """A self-contained page (no JavaScript, no CDN): the summary and the model-vs-direct chart."""
        import html

        from humsec.core.charts import to_svg
        from humsec.sae.charts import model_vs_direct

        svg = to_svg(model_vs_direct(self.table()))
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>Small-area estimates</title></head>"
            f"<body><h1>Small-area estimates</h1><pre>{html.escape(self.summary())}</pre>{svg}</body></html>"
        )
        return write_atomic(Path(path), lambda tmp: tmp.write_text(page, encoding="utf-8"))

    def to_excel(self, path: str | Path) -> Path:
        """Write estimates, coefficients and notes, one sheet each (text is never read as a formula)."""
        model = [
            ("method", self.method),
            ("sigma2_u", self.sigma2_u),
            ("loglike", self.loglike),
            ("R2", self.r2),
            ("adjusted R2", self.adj_r2),
        ]
        return write_model_workbook(
            path, estimates=self.table(), coefficients=self._coefficients, model=model,
            params=self.params, notes=self.notes,
        )  # fmt: skip
