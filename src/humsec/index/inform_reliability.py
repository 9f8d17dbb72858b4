"""INFORM Risk 2025's *Lack of Reliability* (LoR) index, reproduced cell for cell.

INFORM publishes next to every country's risk score a 0–10 "Lack of Reliability (*)" that grows with
missing indicators, old data and conflict. The JRC workbook ``inform_risk_2025_v070.xlsx`` computes it
on its sheet *Lack of Reliability Index* (one row per country, rows 2–192), with these formulas
(row 2 shown; read with ``openpyxl.load_workbook(path, data_only=False)``)::

    B2  ='Imputed and missing data hidden'!BU2                          number of missing indicators
    C2  =IF(VLOOKUP(A2,'Hazard & Exposure'!$B$6:$CZ$196,103,FALSE)>7,1,0)   HVC: INFORM Human hazard > 7
    D2  ='Indicator Date hidden2'!BV3                                   mean data age (years)
    E2  =IF(B2>B$197,10,10-(B$197-B2)/(B$197-B$196)*10)                 missing score M
    F2  =IF(C2=1,$B$199,1)                                              conflict factor F
    G2  =IF(D2>D$197,10,10-(D$197-D2)/(D$197-D$196)*10)                 recentness score R
    H2  =10-(12.5-AVERAGE(E2,G2)*F2)/12.5*10                            Lack of Reliability

with fixed goalposts ``B196 = 0, B197 = 15`` (missing indicators), ``D196 = 0, D197 = 0.75``
(years) and the factor ``B199 = 1.25``. (Rows 194–195 hold the observed MIN/MAX — 0/29 and
0.127/0.792 — but no formula uses them.) The sheet *INFORM Risk 2025 (a-z)* copies H into
``Lack of Reliability (*)`` (``F2 =VLOOKUP($B2,'Lack of Reliability Index'!$A$2:$H$192,8,FALSE)``)
and publishes the inputs as ``% of Missing Indicators`` (``AN2 =AM2/51``, a fraction of the 51
indicators), ``Recentness data (average years)`` and ``Countries in HVC``.

Beware: the a-z sheet's ``Countries in HVC`` (``AO2 =IF(R2>=7,"YES","")``, Current Conflict
Intensity ≥ 7, 23 countries) is **not** the flag the LoR uses (INFORM Human hazard > 7, 35 countries);
derive the LoR's flag with :func:`inform_hvc_flag` from the a-z sheet's ``Human`` column.

Since ``12.5 = 10 × 1.25``, ``H = 10·F·mean(M, R) / 12.5``: a country in conflict keeps
``mean(M, R)``, the others get 0.8 of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import DataError

__all__ = [
    "INFORM_2025_LOR_REFERENCE",
    "LoRReference",
    "capped_goalpost_score",
    "inform_hvc_flag",
    "inform_lack_of_reliability",
    "inform_reliability_components",
]


@dataclass(frozen=True)
class LoRReference:
    """Goalposts of the LoR sheet of INFORM Risk 2025 (cells in brackets).

    ``missing_min``/``missing_max`` are in *numbers of missing indicators* (B196/B197), as the
    workbook has them; the function takes the missing *share* and multiplies it by
    ``n_indicators`` (the a-z sheet's ``AN2 =AM2/51``). ``recentness_*`` are in years (D196/D197).
    ``hvc_factor`` (B199) multiplies the mean score of countries in highly violent conflict, and
    the result is divided by ``10 × hvc_factor`` (the workbook's literal 12.5) so that it stays on 0–10.
    ``hvc_human_threshold`` is the Human-hazard level above which a country counts as in HVC (C2).
    """

    n_indicators: int = 51
    missing_min: float = 0.0
    missing_max: float = 15.0
    recentness_min: float = 0.0
    recentness_max: float = 0.75
    hvc_factor: float = 1.25
    hvc_human_threshold: float = 7.0

    def __post_init__(self) -> None:
        problems = []
        if not self.n_indicators >= 1:
            problems.append(f"n_indicators must be ≥ 1, got {self.n_indicators}")
        if not self.missing_max > self.missing_min:
            problems.append(
                f"missing_max ({self.missing_max}) must exceed missing_min ({self.missing_min}) "
                "(numbers of missing indicators)"
            )
        if not self.recentness_max > self.recentness_min:
            problems.append(
                f"recentness_max ({self.recentness_max}) must exceed recentness_min "
                f"({self.recentness_min}) (years)"
            )
        if not self.hvc_factor > 0:
            problems.append(f"hvc_factor must be > 0, got {self.hvc_factor}")
        if problems:
            raise DataError("invalid LoR reference: " + "; ".join(problems))


INFORM_2025_LOR_REFERENCE = LoRReference()
"""The goalposts of ``inform_risk_2025_v070.xlsx`` (sheet *Lack of Reliability Index*)."""


def _reference(reference: LoRReference | Mapping[str, Any] | None) -> LoRReference:
    if reference is None:
        return INFORM_2025_LOR_REFERENCE
    if isinstance(reference, LoRReference):
        return reference
    known = {f.name for f in fields(LoRReference)}
    unknown = sorted(set(reference) - known)
    if unknown:
        raise DataError(f"unknown LoR reference field(s) {unknown}; known: {sorted(known)}")
    return replace(INFORM_2025_LOR_REFERENCE, **dict(reference))


def _as_float(x: Any, name: str, units: str) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must be numeric ({units}); could not convert: {exc}") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        where = np.argwhere(np.atleast_1d(bad)).ravel()[:5].tolist()
        raise DataError(
            f"{name} has {int(bad.sum())} missing or non-finite value(s) (NaN/inf) at position(s) "
            f"{where}; expected {units}"
        )
    return arr


def _check_range(arr: np.ndarray, name: str, lo: float, hi: float, units: str) -> None:
    bad = (arr < lo) | (arr > hi)
    if bad.any():
        flat = np.atleast_1d(arr)
        where = np.argwhere(np.atleast_1d(bad)).ravel()[:5]
        shown = ", ".join(f"{flat[i]:g} at {int(i)}" for i in where)
        raise DataError(f"{name} must be {units}; got {int(bad.sum())} value(s) outside: {shown}")


def capped_goalpost_score(x: Any, lo: float, hi: float) -> np.ndarray:
    """``IF(x > hi, 10, 10 − (hi − x)/(hi − lo)·10)``: min-max on fixed goalposts, capped at 10 above.

    The LoR sheet's columns E and G; values below ``lo`` are not floored (the workbook does not
    floor them either — its inputs cannot fall below 0).

    >>> capped_goalpost_score([0.0, 4.0, 15.0, 29.0], 0.0, 15.0).round(4).tolist()
    [0.0, 2.6667, 10.0, 10.0]
    """
    x = np.asarray(x, dtype=float)
    return np.where(x > hi, 10.0, 10.0 - (hi - x) / (hi - lo) * 10.0)


def inform_hvc_flag(
    human_hazard: Any, *, reference: LoRReference | Mapping[str, Any] | None = None
) -> np.ndarray | pd.Series:
    """The LoR's *Countries in HVC* flag: 1 where INFORM's Human hazard (0–10) exceeds 7, else 0.

    The LoR sheet's column C, ``IF(VLOOKUP(ISO,'Hazard & Exposure'!$B$6:$CZ$196,103,FALSE)>7,1,0)``
    (column CZ = *INFORM Human Hazard*, published as ``Human`` on the a-z sheet). A Series keeps
    its index.

    >>> inform_hvc_flag([6.9, 7.0, 7.4]).tolist()
    [0, 0, 1]
    """
    ref = _reference(reference)
    h = _as_float(human_hazard, "human_hazard", "INFORM Human hazard scores on 0–10")
    _check_range(h, "human_hazard", 0.0, 10.0, "an INFORM Human hazard score on 0–10")
    flag = (h > ref.hvc_human_threshold).astype(int)
    if isinstance(human_hazard, pd.Series):
        return pd.Series(flag, index=human_hazard.index, name="Countries in HVC")
    return flag


def _series_index(*args: Any) -> pd.Index | None:
    index = None
    for a in args:
        if isinstance(a, pd.Series):
            if index is None:
                index = a.index
            elif not a.index.equals(index):
                raise DataError(
                    "missing_share, hvc and recentness are Series with different indexes; "
                    "align them first (e.g. on ISO3) — they are not aligned silently"
                )
    return index


def _lor_arrays(
    missing_share: Any, hvc: Any, recentness: Any, ref: LoRReference
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate the inputs and return (M, F, R, LoR), broadcast to one shape."""
    units_m = f"a fraction in [0, 1] of the {ref.n_indicators} INFORM indicators (not a percentage or a count)"
    share = _as_float(missing_share, "missing_share", units_m)
    _check_range(share, "missing_share", 0.0, 1.0, units_m)

    units_h = (
        "0/1 (or False/True): 1 = country in highly violent conflict (INFORM Human hazard > 7)"
    )
    if np.asarray(hvc).dtype.kind in "OUS":
        raise DataError(
            f"hvc must be {units_h}, got text values; note that the a-z sheet's 'Countries in HVC' "
            "YES/blank column is Current Conflict Intensity ≥ 7, not the LoR's flag — use "
            "inform_hvc_flag(a_z['Human'])"
        )
    flag = _as_float(hvc, "hvc", units_h)
    bad = ~np.isin(flag, (0.0, 1.0))
    if bad.any():
        shown = ", ".join(f"{v:g}" for v in np.atleast_1d(flag)[np.atleast_1d(bad)][:5])
        raise DataError(f"hvc must be {units_h}; got {int(bad.sum())} other value(s): {shown}")

    units_r = "the mean age of the indicators' data in years, ≥ 0"
    years = _as_float(recentness, "recentness", units_r)
    _check_range(years, "recentness", 0.0, np.inf, units_r)

    try:
        share, flag, years = np.broadcast_arrays(share, flag, years)
    except ValueError as exc:
        raise DataError(
            f"missing_share, hvc and recentness do not broadcast together: shapes "
            f"{share.shape}, {flag.shape}, {years.shape}"
        ) from exc
    m = capped_goalpost_score(share * ref.n_indicators, ref.missing_min, ref.missing_max)  # E
    f = np.where(flag == 1.0, ref.hvc_factor, 1.0)  # F
    r = capped_goalpost_score(years, ref.recentness_min, ref.recentness_max)  # G
    top = 10.0 * ref.hvc_factor  # the workbook's literal 12.5
    lor = 10.0 - (top - (m + r) / 2.0 * f) / top * 10.0  # H
    return m, f, r, lor


def inform_reliability_components(
    missing_share: Any,
    hvc: Any,
    recentness: Any,
    *,
    reference: LoRReference | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The LoR sheet's transformed columns E, F, G and H as a DataFrame (one row per value).

    Columns ``missing_score`` (M, E), ``hvc_factor`` (F), ``recentness_score`` (R, G) and
    ``lack_of_reliability`` (H); arguments as :func:`inform_lack_of_reliability`; the index is that
    of the Series given, if any.

    >>> inform_reliability_components([4 / 51], [1], [0.375]).round(4).to_dict("records")
    [{'missing_score': 2.6667, 'hvc_factor': 1.25, 'recentness_score': 5.0, 'lack_of_reliability': 3.8333}]
    """
    index = _series_index(missing_share, hvc, recentness)
    m, f, r, lor = _lor_arrays(missing_share, hvc, recentness, _reference(reference))
    cols = ("missing_score", "hvc_factor", "recentness_score", "lack_of_reliability")
    return pd.DataFrame(
        {c: np.ravel(v) for c, v in zip(cols, (m, f, r, lor), strict=True)}, index=index
    )


def inform_lack_of_reliability(
    missing_share: Any,
    hvc: Any,
    recentness: Any,
    *,
    reference: LoRReference | Mapping[str, Any] | None = None,
) -> np.ndarray | pd.Series:
    """INFORM Risk 2025's Lack of Reliability (0–10, 10 = least reliable), vectorised.

    Parameters (the workbook's columns; anything numpy broadcasts):

    - ``missing_share`` — ``% of Missing Indicators``: missing indicators as a fraction in [0, 1]
      of the 51 INFORM indicators (``= Number of Missing Indicators / 51``).
    - ``hvc`` — ``Countries in HVC`` as the LoR sheet has it: 0/1, 1 where INFORM's Human hazard
      > 7 (:func:`inform_hvc_flag`; *not* the a-z sheet's YES column, see the module docstring).
    - ``recentness`` — ``Recentness data (average years)``: mean age of the data, in years, ≥ 0.
    - ``reference`` — goalposts, :class:`LoRReference` or a mapping of its fields to override;
      ``None`` uses INFORM 2025's (``n = 51``, missing 0–15, recentness 0–0.75 years, factor 1.25).

    The formula (sheet *Lack of Reliability Index*, cells E2, F2, G2, H2)::

        M   = 10                           if n·share > 15      else 10 − (15 − n·share)/(15 − 0)·10
        R   = 10                           if recentness > 0.75 else 10 − (0.75 − recentness)/(0.75 − 0)·10
        F   = 1.25 if hvc = 1 else 1
        LoR = 10 − (12.5 − F·(M + R)/2)/12.5·10          (= F·(M + R)/2 / 1.25)

    Returns a Series (index of the Series given, name ``Lack of Reliability (*)``) when any input
    is a Series, else a numpy array of the broadcast shape (at least 1-d). NaN, non-0/1 ``hvc``,
    shares outside [0, 1] and negative ages raise :class:`~humsec.core.errors.DataError`.

    Afghanistan 2025 (4 of 51 missing, in HVC, 0.403 years) and two made-up countries:

    >>> inform_lack_of_reliability([4 / 51, 15 / 51, 30 / 51], [1, 1, 0], [0.40298507462686567, 0.375, 1.0]).round(4).tolist()
    [4.0199, 7.5, 8.0]
    """
    index = _series_index(missing_share, hvc, recentness)
    lor = _lor_arrays(missing_share, hvc, recentness, _reference(reference))[3]
    if index is not None:
        return pd.Series(np.ravel(lor), index=index, name="Lack of Reliability (*)")
    return np.atleast_1d(lor)
