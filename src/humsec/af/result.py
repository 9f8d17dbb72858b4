"""The result of an Alkire-Foster fit: labelled estimates, SEs, CIs, changes, provenance.

Results are immutable records of a measurement: they print a summary, convert to tidy tables in the
caller's dataframe library, recompute intervals at any level, and write CSV, Excel and HTML.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.af.measures import headline, measure_names
from humsec.core.inference import logit_ci, normal_ci
from humsec.core.result import ResultBase
from humsec.core.write import write_atomic

__all__ = ["AFResult", "Provenance"]

KEY = ["measure", "k", "indicator", "over", "group", "time"]
CHANGE_KEY = ["measure", "k", "indicator", "over", "group", "change"]
#: unweighted counts of a change row: the first and the last round's ``n`` of the same estimate
CHANGE_COUNTS = ["n_t0", "n_t1"]
MEASURE_ORDER = {m: i for i, m in enumerate(measure_names())}
#: the columns of an empty table (a fit without rounds has no changes, without ``over`` no shares)
EMPTY_COLUMNS = {
    "changes": [*CHANGE_KEY, "from_time", "to_time", "estimate", "se", "ci_low", "ci_high",
                *CHANGE_COUNTS],
    "shares": ["measure", "k", "over", "group", "time", "estimate", "se", "ci_low", "ci_high", "n"],
}  # fmt: skip


@dataclass(frozen=True)
class Provenance:
    """Where a result comes from: specification, estimator settings, data hash, rows used, version."""

    spec: dict[str, Any]
    estimator: dict[str, Any]
    data_source: str | None
    data_hash: str
    n_input: int
    n_used: int
    dropped: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    design: dict[str, Any] = field(default_factory=dict)
    version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))


class AFResult(ResultBase):
    """Estimates of an :class:`~humsec.AlkireFoster` fit.

    ``levels``: one row per measure × k × indicator × subgroup × round; ``changes``: changes between
    the first and last rounds (abs, rel in percent, annualised), with the unweighted counts of both
    rounds (``n_t0``, ``n_t1``); ``shares``: population shares of
    subgroups and their contributions to national M0.
    """

    tables = ("levels", "changes", "shares", "tidy")

    def __init__(
        self,
        levels: pd.DataFrame,
        changes: pd.DataFrame,
        shares: pd.DataFrame,
        provenance: Provenance,
        *,
        level: float = 0.95,
        backend: str = "pandas",
        indicator_weights: dict[str, float] | None = None,
        dimensions: dict[str, str] | None = None,
    ) -> None:
        self._levels = levels.reset_index(drop=True)
        self._changes = changes.reset_index(drop=True)
        self._shares = shares.reset_index(drop=True)
        self.provenance = provenance
        self.level = level
        self.backend = backend
        self.indicator_weights = indicator_weights or {}
        self.dimensions = dimensions or {}
        #: what the data preparation merged, assumed or left out (also in the provenance)
        self.notes = list(provenance.notes)

    @property
    def has_time(self) -> bool:
        return bool((self._levels["time"] != "").any())

    # ------------------------------------------------------------------ tables
    def to_frame(self, table: str | None = "levels", *, backend: str | None = None) -> Any:
        """A table as a dataframe of the input's library (or ``backend``: pandas, polars, pyarrow).

        ``table`` is ``levels``, ``changes``, ``shares`` or ``tidy`` (levels and changes in the CLI's
        CSV layout).
        """
        return super().to_frame(table, backend=backend)

    def _frame(self, table: str) -> pd.DataFrame:
        tables = {"levels": self._levels, "changes": self._changes, "shares": self._shares}
        if table == "tidy":
            return self.tidy()
        df = tables[table].copy()
        if df.columns.empty:
            return pd.DataFrame(columns=EMPTY_COLUMNS[table])
        if "time" in df.columns:
            df["time"] = _as_time(df["time"])
        return df

    def tidy(self) -> pd.DataFrame:
        """Levels and changes in one table: measure, k, indicator, over, group, [time, change,]
        estimate, se, ci_low, ci_high, n[, from_time, to_time, n_t0, n_t1] (the layout of
        ``humsec af --out``; change rows carry both rounds' counts in ``n_t0``, ``n_t1``, not ``n``)."""
        cols = ["measure", "k", "indicator", "over", "group"]
        stats = ["estimate", "se", "ci_low", "ci_high", "n"]
        levels = self._levels.copy()
        if not self.has_time:
            return levels[cols + stats]
        levels["change"] = ""
        out = levels[[*cols, "time", "change", *stats]]
        if not self._changes.empty:
            ch = self._changes.copy()
            ch["time"] = ""
            ch["n"] = pd.NA  # a change has two samples: n_t0 and n_t1 carry their sizes
            out = pd.concat(
                [
                    out,
                    ch[[*cols, "time", "change", *stats, "from_time", "to_time", *CHANGE_COUNTS]],
                ],
                ignore_index=True,
            )
            out[["n", *CHANGE_COUNTS]] = out[["n", *CHANGE_COUNTS]].astype("Int64")
        return out

    def se(self) -> pd.Series:
        """Standard errors of the level estimates, indexed by measure, k, indicator, over, group, time."""
        return self._levels.set_index(KEY)["se"]

    def conf_int(self, level: float | None = None, table: str = "levels") -> pd.DataFrame:
        """Confidence intervals at ``level`` (levels: logit-t; changes: normal)."""
        level = self.level if level is None else level
        if table == "changes":
            lo, hi = normal_ci(
                self._changes["estimate"].to_numpy(), self._changes["se"].to_numpy(), level
            )
            return pd.DataFrame(
                {"ci_low": lo, "ci_high": hi},
                index=pd.MultiIndex.from_frame(self._changes[CHANGE_KEY]),
            )
        d = self._levels
        lo, hi = logit_ci(d["estimate"].to_numpy(), d["se"].to_numpy(), d["df"].to_numpy(), level)
        return pd.DataFrame({"ci_low": lo, "ci_high": hi}, index=pd.MultiIndex.from_frame(d[KEY]))

    def estimate(
        self,
        measure: str,
        k: float | None = None,
        *,
        indicator: str = "",
        over: str = "national",
        group: str = "",
        time: Any = None,
    ) -> float:
        """One estimate, e.g. ``result.estimate("M0", 33, time=1)``."""
        d = self._levels
        sel = (
            (d["measure"] == measure)
            & (d["indicator"] == indicator)
            & (d["over"] == over)
            & (d["group"] == str(group))
        )
        sel &= d["k"].isna() if k is None else d["k"] == float(k)
        if time is not None:
            sel &= d["time"] == _time_label(time)
        rows = d[sel]
        if len(rows) != 1:
            msg = f"{len(rows)} rows match measure={measure!r}, k={k}, indicator={indicator!r}, over={over!r}, group={group!r}, time={time!r}; expected one."
            raise KeyError(msg)
        return float(rows["estimate"].iloc[0])

    # ------------------------------------------------------------------ display
    def summary(self) -> str:
        """National H, A and M0 per k (and round) with SEs and CIs, plus what was dropped."""
        d = self._levels
        nat = d[(d["over"] == "national") & d["measure"].isin(headline())]
        lines = [f"Alkire-Foster estimates (humsec {self.provenance.version})"]
        lines.append(f"  persons used: {self.provenance.n_used:,} of {self.provenance.n_input:,}")
        for reason, count in self.provenance.dropped:
            lines.append(f"  dropped {count:,}: {reason}")
        design = self.provenance.design
        lines.append(
            f"  design: {design.get('n_psu')} PSUs, {design.get('n_strata')} strata, df {design.get('df')}, "
            f"variance: {design.get('variance')}, lonely PSU: {design.get('lonely_psu')}"
        )
        pct = round(self.level * 100)
        header = (
            f"  {'k':>5} {'time':>6} {'measure':>7} {'estimate':>10} {'se':>10} {f'{pct}% CI':>23}"
        )
        lines += ["", "  national estimates", header]
        for _, r in nat.sort_values(["k", "time", "measure"], key=_sort_key).iterrows():
            lines.append(
                f"  {r['k']:>5g} {r['time']!s:>6} {r['measure']:>7} {r['estimate']:>10.6f} {r['se']:>10.6f} "
                f"[{r['ci_low']:.6f}, {r['ci_high']:.6f}]"
            )
        if self.notes:
            lines += ["", *(f"  note: {note}" for note in self.notes)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<AFResult: {len(self._levels)} level rows, {len(self._changes)} change rows>"

    # ------------------------------------------------------------------ writing
    def to_csv(self, path: str | Path) -> Path:
        """Write the tidy table (levels and changes) as CSV."""
        path = Path(path)
        write_atomic(path, lambda tmp: format_table(self.tidy()).to_csv(tmp, index=False))
        return path

    def to_excel(self, path: str | Path) -> Path:
        """Write an Excel workbook, one sheet per table (levels, changes, shares, provenance)."""
        path = Path(path)

        def write(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="xlsxwriter") as xl:
                format_table(self._levels.drop(columns="df")).to_excel(
                    xl, sheet_name="levels", index=False
                )
                if not self._changes.empty:
                    format_table(self._changes).to_excel(xl, sheet_name="changes", index=False)
                if not self._shares.empty:
                    format_table(self._shares).to_excel(xl, sheet_name="shares", index=False)
                prov = pd.DataFrame(
                    [(k, json.dumps(v, default=str)) for k, v in self.provenance.to_dict().items()],
                    columns=["field", "value"],
                )
                prov.to_excel(xl, sheet_name="provenance", index=False)

        write_atomic(path, write)
        return path

    def to_html(
        self, path: str | Path, title: str = "Multidimensional insecurity (Alkire-Foster)"
    ) -> Path:
        """Write a short self-contained HTML summary with charts (see :mod:`humsec.af.html`)."""
        from humsec.af.html import render_af_html

        path = Path(path)
        html = render_af_html(self, title)
        write_atomic(path, lambda tmp: tmp.write_text(html, encoding="utf-8"))
        return path


def format_table(df: pd.DataFrame) -> pd.DataFrame:
    """Human/CSV-friendly values: k as 20 not 20.0, empty cells for not-applicable values."""
    out = df.copy()
    if "k" in out.columns:
        out["k"] = [
            ("" if pd.isna(k) else (str(int(k)) if float(k).is_integer() else repr(float(k))))
            for k in out["k"]
        ]
    return out


def _time_label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_time(col: pd.Series) -> pd.Series:
    """Round labels back to numbers where they all are numbers."""
    if (col == "").all():
        return col
    converted = pd.to_numeric(col, errors="coerce")
    if converted.notna().all():
        if (converted == converted.round()).all():
            return converted.astype(np.int64)
        return converted
    return col


def _sort_key(col: pd.Series) -> pd.Series:
    if col.name == "measure":
        return col.map(MEASURE_ORDER)
    return col
