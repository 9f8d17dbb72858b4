"""Direct estimates per area with design-based variances: the input table of an area-level model.

Two sources, one tidy table ``area, estimate, variance, n, variance_source``:

- :func:`direct_means`: the weighted mean (a proportion, for a 0/1 variable) of any survey
  variable per area, Taylor-linearised with strata and with-replacement PSUs, the area a domain of
  the whole design (as R ``survey::svyby(~y, ~area, design, svymean)``);
- :func:`direct_af`: an AF measure (H, M0, A ...) per area from a fitted
  ``humsec.AlkireFoster(...).fit(..., over=[area])`` result.

An area with one observation, or a variance of 0 (a proportion of 0 or 1 in the sample), has no
usable sampling variance; ``small`` says what to do, and every area treated is reported:

- ``"deff"``: the national variance scaled by sample size, v_d = v_nat · n_nat / n_d (the area is
  assumed to share the national design effect and element variance);
- ``"gvf"``: a generalised variance function log v = a + b·log n fitted by least squares over
  the areas with a usable variance, with Duan's smearing factor on the way back;
- ``"drop"``: the estimate is emptied, so the model treats the area as out of sample.

>>> import pandas as pd
>>> survey = pd.DataFrame({"area": ["a", "a", "a", "b", "b", "c"], "y": [1, 0, 1, 0, 0, 1],
...                        "w": [1.0, 2.0, 1.0, 1.0, 1.0, 3.0]})
>>> from humsec.core.design import SurveyDesign
>>> out = direct_means(survey, variable="y", area="area", design=SurveyDesign(weight="w"))
>>> out.table[["area", "estimate", "n", "variance_source"]].to_string(index=False)
'area  estimate  n variance_source\\n   a       0.5  3          design\\n   b       0.0  2            deff\\n   c       1.0  1            deff'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.af.result import AFResult
from humsec.core.design import SurveyDesign
from humsec.core.errors import ColumnNotFoundError, DataError, DesignError, HumsecError
from humsec.core.frames import to_narwhals
from humsec.core.inference import ratio_variance
from humsec.core.result import ResultBase

__all__ = ["SMALL_AREA_TREATMENTS", "DirectEstimates", "direct_af", "direct_means"]

#: What to do with an area whose direct variance is unusable (n <= 1 or variance 0); declared once
SMALL_AREA_TREATMENTS = {
    "deff": "national variance scaled by sample size, v_nat * n_nat / n_d",
    "gvf": "generalised variance function log v = a + b log n (least squares, smearing)",
    "drop": "estimate emptied: the area is modelled as out of sample",
}
COLUMNS = ["area", "estimate", "variance", "n", "variance_source"]


@dataclass(frozen=True)
class DirectEstimates(ResultBase):
    """Per-area direct estimates (``table``), the national row and what was done (``notes``)."""

    tables: ClassVar[tuple[str, ...]] = ("estimates",)

    table: pd.DataFrame
    national: dict[str, float]
    notes: list[str] = field(default_factory=list)

    def _frame(self, table: str) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        """Areas, the national estimate and the notes."""
        n_in = int((self.table["n"] > 0).sum()) if "n" in self.table else len(self.table)
        national = ", ".join(f"{k} {v:.6g}" for k, v in self.national.items())
        lines = [f"Direct estimates: {len(self.table)} areas ({n_in} sampled); national: {national}"]
        return "\n".join([*lines, *(f"note: {n}" for n in self.notes)])


def direct_means(
    data: Any,
    *,
    variable: str,
    area: str,
    design: SurveyDesign | None = None,
    small: str = "deff",
    areas: list[str] | None = None,
    source: str | None = None,
) -> DirectEstimates:
    """Weighted mean of ``variable`` per ``area`` with its linearised design variance.

    Rows where ``variable`` is empty are dropped (reported). ``areas`` lists every area of the
    country: those without a sampled row get an empty estimate (n = 0, out of sample).
    """
    _check_small(small)
    design = design or SurveyDesign()
    df = to_narwhals(data).to_pandas().reset_index(drop=True)
    where = f" of {source}" if source else ""
    cols = [variable, area, *(c for c in (design.weight, design.strata, design.psu) if c)]
    missing = [c for c in dict.fromkeys(cols) if c not in df.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in df.columns], source)
    notes: list[str] = []
    raw = df[variable]
    y = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    text = ~np.isfinite(y) & raw.notna().to_numpy()  # text, or inf/overflow: never a silent inf
    if text.any():
        first = np.flatnonzero(text)[:5] + 1
        msg = f"Column {variable!r}{where}: expected finite numbers; rows {', '.join(map(str, first))} have {', '.join(repr(v) for v in raw[text].head(5))}."
        raise DataError(msg)
    w = (
        np.ones(len(df))
        if design.weight is None
        else pd.to_numeric(df[design.weight], errors="coerce").to_numpy(dtype=float)
    )
    bad_w = ~(np.isfinite(w) & (w >= 0))
    if bad_w.any():
        first = np.flatnonzero(bad_w)[:5] + 1
        msg = f"Column {design.weight!r}{where}: weights must be finite numbers >= 0; rows {', '.join(map(str, first))} are not."
        raise DesignError(msg)
    with np.errstate(over="ignore"):
        overflow = not np.isfinite(np.sum(w * w))
    if overflow:  # the variance needs Σ w²: as in the AF engine, say so rather than print 0 or inf
        first = np.sort(np.argsort(w)[-3:]) + 1
        msg = (
            f"Column {design.weight!r}{where}: weights too large to compute with (largest at rows "
            f"{', '.join(map(str, first))}); rescale them: the estimates do not change when every "
            "weight is multiplied by the same number."
        )
        raise DesignError(msg)
    for col in (design.strata, design.psu):  # a respondent outside every stratum or PSU
        if col and df[col].isna().any():
            first = np.flatnonzero(df[col].isna().to_numpy())[:5] + 1
            msg = f"Column {col!r}{where} is empty in rows {', '.join(map(str, first))}: every respondent needs one."
            raise DesignError(msg)
    if df[area].isna().any():
        first = np.flatnonzero(df[area].isna().to_numpy())[:5] + 1
        msg = f"Column {area!r}{where} is empty in rows {', '.join(map(str, first))}: every respondent needs an area."
        raise DataError(msg)
    keep = ~np.isnan(y)
    if (~keep).any():
        notes.append(
            f"{int((~keep).sum())} row(s) with {variable!r} empty dropped (complete cases)."
        )
    psu_codes, psu_stratum = _design_codes(df, design, where)
    area_codes, area_labels = pd.factorize(df[area].astype(str), sort=True)
    y, w, psu_codes, area_codes = y[keep], w[keep], psu_codes[keep], area_codes[keep]
    n_areas = len(area_labels)
    # domains 0..A-1 are the areas, domain A the nation (pairs of (PSU, domain) summed once each)
    dom = np.concatenate([area_codes, np.full(len(y), n_areas)])
    psu = np.concatenate([psu_codes, psu_codes])
    pair_key = dom.astype(np.int64) * (psu_codes.max() + 1 if len(psu_codes) else 1) + psu
    keys, inverse = np.unique(pair_key, return_inverse=True)
    Y = np.bincount(inverse, weights=np.concatenate([w * y, w * y]), minlength=len(keys))
    X = np.bincount(inverse, weights=np.concatenate([w, w]), minlength=len(keys))
    n_psu_codes = psu_codes.max() + 1 if len(psu_codes) else 1
    est, var = ratio_variance(
        Y[:, None], X[:, None], (keys % n_psu_codes).astype(np.int64), (keys // n_psu_codes).astype(np.int64),
        n_areas + 1, psu_stratum, design.lonely_psu,
    )  # fmt: skip
    n = np.bincount(area_codes, minlength=n_areas)
    table = pd.DataFrame(
        {
            "area": list(area_labels),
            "estimate": est[:n_areas, 0],
            "variance": var[:n_areas, 0],
            "n": n,
        }
    )
    national = {
        "estimate": float(est[n_areas, 0]),
        "variance": float(var[n_areas, 0]),
        "n": float(len(y)),
    }
    table = _add_unsampled(table, areas, notes)
    return _treat_small(table, national, small, notes)


def direct_af(
    result: AFResult,
    *,
    area: str,
    measure: str = "H",
    k: float | None = None,
    time: Any = None,
    small: str = "deff",
    areas: list[str] | None = None,
) -> DirectEstimates:
    """One AF measure per area from ``humsec.AlkireFoster(...).fit(data, over=[area])``.

    ``k`` may be left out when the result has one cutoff; ``time`` when it has one round.
    The variance is the square of the result's design-based SE.
    """
    _check_small(small)
    lv = result.to_frame(backend="pandas")
    sel = lv[lv["measure"] == measure]
    if sel.empty:
        msg = f"The AF result has no measure {measure!r}; expected one of {sorted(lv['measure'].unique())}."
        raise HumsecError(msg)
    ks = sorted(sel["k"].dropna().unique())
    if k is None and len(ks) > 1:
        raise HumsecError(f"The AF result has several cutoffs k {ks}; choose one with k=.")
    if k is not None:
        sel = sel[sel["k"] == float(k)]
        if sel.empty:
            raise HumsecError(f"The AF result has no k={k}; it has {ks}.")
    times = sorted(t for t in sel["time"].astype(str).unique())
    if time is None and len(times) > 1:
        raise HumsecError(f"The AF result has several rounds {times}; choose one with time=.")
    if time is not None:
        sel = sel[sel["time"].astype(str) == str(time)]
    by_area = sel[sel["over"] == area]
    if by_area.empty:
        over = sorted(set(sel["over"]) - {"national"})
        msg = f"The AF result has no estimates over {area!r}; fit it with over=[{area!r}] (it has {over})."
        raise HumsecError(msg)
    nat = sel[sel["over"] == "national"].iloc[0]
    table = pd.DataFrame(
        {
            "area": by_area["group"].astype(str).to_numpy(),
            "estimate": by_area["estimate"].to_numpy(dtype=float),
            "variance": by_area["se"].to_numpy(dtype=float) ** 2,
            "n": by_area["n"].to_numpy(dtype=int),
        }
    )
    national = {
        "estimate": float(nat["estimate"]),
        "variance": float(nat["se"]) ** 2,
        "n": float(nat["n"]),
    }
    notes = [
        f"direct AF {measure} per {area!r}"
        + (f" at k = {ks[0] if k is None else k:g}%" if ks else "")
    ]
    table = _add_unsampled(table, areas, notes)
    return _treat_small(table, national, small, notes)


def _check_small(small: str) -> None:
    if small not in SMALL_AREA_TREATMENTS:
        msg = f"The 'small' option must be one of {list(SMALL_AREA_TREATMENTS)}. Got {small!r} instead."
        raise HumsecError(msg)


def _design_codes(
    df: pd.DataFrame, design: SurveyDesign, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """PSU code per row and stratum code per PSU (each row its own PSU without a PSU column)."""
    strata = (
        np.zeros(len(df), dtype=np.int64)
        if design.strata is None
        else pd.factorize(df[design.strata])[0]
    )
    if design.psu is None:
        psu = np.arange(len(df))
    else:
        key = df[design.psu].astype(str)
        if design.nest and design.strata is not None:
            key = df[design.strata].astype(str) + "\x1f" + key
        psu = pd.factorize(key)[0]
    psu_stratum = np.zeros(psu.max() + 1 if len(psu) else 0, dtype=np.int64)
    psu_stratum[psu] = strata
    if design.strata is not None and design.psu is not None:
        per_psu = pd.DataFrame({"psu": psu, "s": strata}).groupby("psu")["s"].nunique()
        if (per_psu > 1).any():
            msg = f"PSU ids in {design.psu!r}{where} appear in several strata; give nest=True if they are numbered within strata."
            raise DesignError(msg)
    counts = np.bincount(psu_stratum)
    if design.lonely_psu == "fail" and (counts == 1).any() and design.strata is not None:
        lonely = pd.factorize(df[design.strata])[1][counts == 1]
        msg = f"Strata with a single PSU in {design.strata!r}{where}: {', '.join(map(str, lonely[:10]))}; choose a lonely_psu rule."
        raise DesignError(msg)
    return psu.astype(np.int64), psu_stratum


def _add_unsampled(table: pd.DataFrame, areas: list[str] | None, notes: list[str]) -> pd.DataFrame:
    if areas is None:
        return table
    listed = [str(a) for a in areas]
    unknown = sorted(set(table["area"]) - set(listed))
    if unknown:
        msg = f"Areas in the survey but not in the list of areas: {', '.join(unknown[:10])}."
        raise DataError(msg)
    absent = [a for a in listed if a not in set(table["area"])]
    if absent:
        notes.append(
            f"{len(absent)} area(s) without sampled rows (n = 0), modelled as out of sample: {', '.join(absent[:10])}."
        )
        extra = pd.DataFrame({"area": absent, "estimate": np.nan, "variance": np.nan, "n": 0})
        table = pd.concat([table, extra], ignore_index=True)
    return table


def _treat_small(
    table: pd.DataFrame, national: dict[str, float], small: str, notes: list[str]
) -> DirectEstimates:
    table = table.copy()
    sampled = table["n"] > 0
    unusable = sampled & ((table["n"] <= 1) | ~(table["variance"] > 0))
    table["variance_source"] = np.where(sampled, "design", "none")
    if unusable.any():
        names = ", ".join(table.loc[unusable, "area"].head(10))
        if small == "drop":
            table.loc[unusable, ["estimate", "variance"]] = np.nan
            table.loc[unusable, "variance_source"] = "dropped"
        elif small == "deff":
            if not national["variance"] > 0:
                raise DataError(
                    "The national direct variance is 0: the design-effect fallback cannot be used; choose small='gvf' or 'drop'."
                )
            n_d = table.loc[unusable, "n"].to_numpy(dtype=float)
            table.loc[unusable, "variance"] = national["variance"] * national["n"] / n_d
            table.loc[unusable, "variance_source"] = "deff"
        else:
            good = sampled & ~unusable
            if good.sum() < 3:
                raise DataError(
                    f"The GVF needs at least 3 areas with a usable variance; {int(good.sum())} have one. Choose small='deff' or 'drop'."
                )
            logn = np.log(table.loc[good, "n"].to_numpy(dtype=float))
            logv = np.log(table.loc[good, "variance"].to_numpy(dtype=float))
            if np.ptp(logn) > 0:
                b, a = np.polyfit(logn, logv, 1)
            else:  # every usable area has the same n: the GVF is a constant (the mean log variance)
                b, a = 0.0, float(np.mean(logv))
            smear = float(np.mean(np.exp(logv - (a + b * logn))))
            n_d = table.loc[unusable, "n"].to_numpy(dtype=float)
            table.loc[unusable, "variance"] = smear * np.exp(a + b * np.log(n_d))
            table.loc[unusable, "variance_source"] = "gvf"
            notes.append(
                f"GVF fitted on {int(good.sum())} areas: log v = {a:.4g} + {b:.4g} log n (smearing {smear:.4g})."
            )
        notes.append(
            f"{int(unusable.sum())} area(s) with n <= 1 or a zero design variance ({names}): "
            f"{small} - {SMALL_AREA_TREATMENTS[small]}."
        )
    return DirectEstimates(table[COLUMNS], national, notes)
