"""The result of an EBP fit: one row per area and indicator, with bootstrap MSE and intervals.

Immutable record in the pattern of :class:`humsec.af.result.AFResult`: ``to_frame()`` in the
caller's dataframe library, ``conf_int(level)``, ``summary()`` (also ``str`` and the notebook view),
CSV and Excel writers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.result import ResultBase
from humsec.core.write import write_atomic
from humsec.sae._intervals import mse_interval, with_intervals
from humsec.sae._report import coefficient_lines, write_model_workbook

__all__ = ["EBP_COLUMNS", "EBPResult"]

#: The columns of the estimates table, in the order ``humsec sae ebp --out`` writes them
EBP_COLUMNS = [
    "area", "indicator", "n", "N", "direct", "estimate", "mse", "ci_low", "ci_high", "cv", "mc_se",
    "mse_se", "gamma", "in_sample",
]  # fmt: skip


class EBPResult(ResultBase):
    """Estimates of an :class:`~humsec.sae.EmpiricalBestPredictor` fit.

    ``sigma2_u``, ``sigma2_e`` and ``coefficients`` of the model on the transformed scale, ``loglike``,
    ``params`` (as given), ``notes``. In the table ``direct`` is the indicator of the area's survey
    units (unweighted), ``mc_se`` the Monte Carlo SE of the estimate (SD of the L draws / √L) and
    ``mse_se`` the Monte Carlo SE of the bootstrap MSE (SD of the B squared errors / √B).
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
        bounded: list[str],
        level: float = 0.95,
        backend: str = "pandas",
    ) -> None:
        self._table = table.reset_index(drop=True)
        self._coefficients = coefficients.reset_index(drop=True)
        self.sigma2_u = sigma2_u
        self.sigma2_e = sigma2_e
        self.loglike = loglike
        self.n_units = n_units
        self.params = dict(params)
        self.notes = list(notes)
        self.bounded = list(bounded)  # indicators whose values lie in [0, 1]: intervals clipped
        self.level = level
        self.backend = backend

    @property
    def coefficients(self) -> pd.DataFrame:
        return self._coefficients.copy()

    def conf_int(self, level: float | None = None) -> pd.DataFrame:
        """Intervals estimate ± z·√MSE per area and indicator (clipped to [0, 1] for shares)."""
        t = self._table
        low, high = mse_interval(t["estimate"], t["mse"], self.level if level is None else level)
        share = t["indicator"].isin(self.bounded).to_numpy()
        low[share], high[share] = np.clip(low[share], 0, 1), np.clip(high[share], 0, 1)
        return pd.DataFrame(
            {"area": t["area"], "indicator": t["indicator"], "ci_low": low, "ci_high": high}
        )

    def table(self) -> pd.DataFrame:
        """The estimates table as pandas, columns :data:`EBP_COLUMNS`."""
        return with_intervals(self._table, self.conf_int(), EBP_COLUMNS)

    def _frame(self, table: str) -> pd.DataFrame:
        """``estimates`` (one row per area and indicator) or ``coefficients``."""
        return self.table() if table == "estimates" else self.coefficients

    def summary(self) -> str:
        t = self.table()
        areas = t.drop_duplicates("area")
        p = self.params
        lines = [
            f"Empirical best predictor ({str(p['method']).upper()}, transform {p['transform']}): "
            f"{self.n_units} survey units in {int(areas['in_sample'].sum())} areas, "
            f"{int((~areas['in_sample']).sum())} census area(s) without units; L = {p['draws']} draws, "
            f"B = {p['bootstrap']} bootstrap replicates",
            f"  sigma2_u {self.sigma2_u:.6g}  sigma2_e {self.sigma2_e:.6g}  loglike {self.loglike:.4f}"
            + (f"  threshold {p['threshold']:g}" if p.get("threshold") is not None else ""),
            "",
            *coefficient_lines(self._coefficients),
            "",
        ]
        for name, part in t.groupby("indicator", sort=False):
            line = f"  {name}: estimate median {part['estimate'].median():.4g} (range {part['estimate'].min():.4g} to {part['estimate'].max():.4g})"
            if part["mse"].notna().any():
                line += f", median CV {part['cv'].median():.3f}"
            lines.append(line)
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<EBPResult: {self._table['area'].nunique()} areas, indicators {list(self._table['indicator'].unique())}>"

    def to_csv(self, path: str | Path) -> Path:
        """Write the estimates table as CSV."""
        return write_atomic(Path(path), lambda tmp: self.table().to_csv(tmp, index=False))

    def to_excel(self, path: str | Path) -> Path:
        """Write estimates, coefficients and model/notes, one sheet each (text never read as a formula)."""
        model = [
            ("sigma2_u", self.sigma2_u),
            ("sigma2_e", self.sigma2_e),
            ("loglike", self.loglike),
        ]
        params = {k: (v if not isinstance(v, dict) else list(v)) for k, v in self.params.items()}
        return write_model_workbook(
            path, estimates=self.table(), coefficients=self._coefficients, model=model,
            params=params, notes=self.notes,
        )  # fmt: skip
