"""The result of a Battese-Harter-Fuller fit: area means, coefficients, variance components, notes.

Immutable record in the pattern of :class:`humsec.af.result.AFResult`: ``to_frame()`` in
the caller's dataframe library, ``summary()`` (also ``str`` and the notebook view), CSV and Excel
writers, ``conf_int(level)`` from the parametric-bootstrap MSE (``sae::pbmseBHF``) when the fit had
bootstrap replicates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.result import ResultBase
from humsec.core.write import write_atomic
from humsec.sae._intervals import mse_interval, with_intervals
from humsec.sae._report import coefficient_lines, gamma_line, write_model_workbook

__all__ = ["BHF_COLUMNS", "BHFResult"]

#: The columns of the estimates table, in the order ``humsec sae bhf --out`` writes them
BHF_COLUMNS = [
    "area", "n", "N", "direct", "estimate", "mse", "ci_low", "ci_high", "cv", "mse_se", "synthetic",
    "gamma", "in_sample",
]  # fmt: skip


class BHFResult(ResultBase):
    """Estimates of a :class:`~humsec.sae.BatteseHarterFuller` fit.

    ``sigma2_u`` (area-effect variance), ``sigma2_e`` (unit error variance), ``coefficients``
    (term, estimate, se, z, p_value), ``loglike`` (as lme4), ``params`` (as given), ``notes``.
    """

    tables = ("estimates", "coefficients")

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        coefficients: pd.DataFrame,
        sigma2_u: float,
        sigma2_e: float,
        loglike: float,
        n_units: int,
        params: dict[str, Any],
        notes: list[str],
        backend: str = "pandas",
        level: float = 0.95,
    ) -> None:
        self._table = table.reset_index(drop=True)
        self._coefficients = coefficients.reset_index(drop=True)
        self.sigma2_u = sigma2_u
        self.sigma2_e = sigma2_e
        self.loglike = loglike
        self.n_units = n_units
        self.params = dict(params)
        self.notes = list(notes)
        self.backend = backend
        self.level = level

    @property
    def method(self) -> str:
        return str(self.params["method"])

    @property
    def coefficients(self) -> pd.DataFrame:
        return self._coefficients.copy()

    def conf_int(self, level: float | None = None) -> pd.DataFrame:
        """Intervals estimate ± z·√MSE per area (empty without a bootstrap MSE)."""
        t = self._table
        low, high = mse_interval(t["estimate"], t["mse"], self.level if level is None else level)
        return pd.DataFrame({"ci_low": low, "ci_high": high}, index=pd.Index(t["area"], name="area"))

    def table(self) -> pd.DataFrame:
        """The estimates table as pandas, columns :data:`BHF_COLUMNS`."""
        return with_intervals(self._table, self.conf_int(), BHF_COLUMNS)

    def _frame(self, table: str) -> pd.DataFrame:
        """``estimates`` (one row per area) or ``coefficients``."""
        return self.table() if table == "estimates" else self.coefficients

    def summary(self) -> str:
        t = self.table()
        ins = t[t["in_sample"]]
        lines = [
            f"Battese-Harter-Fuller EBLUP ({self.method.upper()}): {self.n_units} survey units in "
            f"{len(ins)} areas, {len(t) - len(ins)} area(s) without units",
            f"  sigma2_u {self.sigma2_u:.6g}  sigma2_e {self.sigma2_e:.6g}  loglike {self.loglike:.4f}",
            "",
            *coefficient_lines(self._coefficients),
        ]
        if len(ins):
            lines += ["", gamma_line(ins)]
        if t["cv"].notna().any():
            lines.append(f"  median CV (bootstrap MSE): {t['cv'].median():.3f}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<BHFResult {self.method}: {len(self._table)} areas, sigma2_u={self.sigma2_u:.6g}, sigma2_e={self.sigma2_e:.6g}>"

    def to_csv(self, path: str | Path) -> Path:
        """Write the estimates table as CSV."""
        return write_atomic(Path(path), lambda tmp: self.table().to_csv(tmp, index=False))

    def to_excel(self, path: str | Path) -> Path:
        """Write estimates, coefficients and model/notes, one sheet each (text never read as a formula)."""
        model = [("method", self.method), ("sigma2_u", self.sigma2_u), ("sigma2_e", self.sigma2_e),
                 ("loglike", self.loglike)]  # fmt: skip
        return write_model_workbook(
            path, estimates=self.table(), coefficients=self._coefficients, model=model,
            params=self.params, notes=self.notes,
        )  # fmt: skip
