"""Signals as model features: the latest value published before each target's origin.

A signal (the long table of :mod:`humsec.hazard.signals`) is taken as published the month after
its period ends, as in the triggers, and, like an IPC row, it is used only when published strictly
before the origin. For each target the feature is the signal's latest such value, published at
most :data:`MAX_AGE` months before it (a 2022 rainfall anomaly says nothing about 2024). A signal row matches an area by its P-code or
area id, or, when its ``area_id`` is a country code (ISO3), every area of that country: this is
how the UCDP country-month fatalities reach admin-1 and admin-2 areas.

:func:`conflict_signal` turns a fatality panel (the warn panels' :class:`MonthlyPanel`, e.g. from
``humsec.warn.data.load_panel``) into the signal ``conflict_fatalities_6m``: log(1 + the
country's fatalities in the six months ending that month).

>>> import pandas as pd
>>> m = lambda s: pd.Period(s, "M")
>>> targets = pd.DataFrame({"area_id": ["a", "b"], "pcode": ["KE01", "ET01"],
...     "country": ["KEN", "ETH"], "target_issued": [m("2022-03"), m("2022-03")]})
>>> sig = pd.DataFrame({"area_id": ["KE01", "KE01", "ETH"], "signal": ["rain"] * 3,
...     "end": pd.to_datetime(["2022-01-31", "2022-02-28", "2022-01-31"]), "value": [-20.0, -40, 5]})
>>> signal_features(targets, sig)["rain"].tolist()   # February's is published in March: too late
[-20.0, 5.0]
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CONFLICT_SIGNAL", "MAX_AGE", "conflict_signal", "signal_features", "to_iso3"]

#: months after its period ends that a signal value still counts as current
MAX_AGE = 12
#: the conflict feature's name: log1p of the country's fatalities in the last 6 months
CONFLICT_SIGNAL = "conflict_fatalities_6m"
_WINDOW = 6


def signal_features(targets: pd.DataFrame, signals: pd.DataFrame) -> pd.DataFrame:
    """One column per signal, aligned with ``targets`` (NaN where no value is current).

    ``targets``: ``area_id``, ``pcode``, ``country``, ``target_issued`` (monthly period);
    ``signals``: ``area_id``, ``signal``, ``end`` (date), ``value``.
    """
    out = pd.DataFrame(index=targets.index)
    if signals is None or signals.empty:
        return out
    origin = targets["target_issued"].map(lambda p: p.ordinal).astype(np.int64)
    # one key dtype on both sides (merge_asof insists): plain Python strings, "" for none
    keys = {
        "area_id": _text(targets["area_id"]),
        "pcode": _text(targets["pcode"]),
        "country": _text(targets["country"].astype(str).map(to_iso3)),
    }
    sig = signals.dropna(subset=["value"]).copy()
    sig["usable"] = sig["end"].dt.to_period("M").map(lambda p: p.ordinal + 1).astype(np.int64)
    sig["key"] = _text(sig["area_id"])
    for name, part in sig.groupby("signal", sort=True):
        part = part.sort_values("usable")
        value = pd.Series(np.nan, index=targets.index)
        for key in keys.values():  # P-code or area id first, then the country
            left = pd.DataFrame({"key": key, "t": origin, "row": targets.index})
            left = left[value.isna().to_numpy()].sort_values("t")
            if left.empty:
                break
            got = pd.merge_asof(
                left,
                part[["key", "usable", "value"]].rename(columns={"usable": "t_sig"}),
                left_on="t",
                right_on="t_sig",
                by="key",
                direction="backward",
                allow_exact_matches=False,  # published strictly before the origin
            )
            fresh = got["value"].notna() & (got["t"] - got["t_sig"] < MAX_AGE)
            value.loc[got.loc[fresh, "row"].to_numpy()] = got.loc[fresh, "value"].to_numpy()
        out[str(name)] = value
    return out


def _text(values: pd.Series) -> pd.Series:
    return pd.Series(
        [str(v) if pd.notna(v) else "" for v in values], index=values.index, dtype=object
    )


def conflict_signal(panel: Any) -> pd.DataFrame:
    """The signal table ``area_id`` (ISO3), ``signal``, ``start``, ``end``, ``value`` of a panel.

    Units are country names or codes (UCDP's ``DR Congo (Zaire)`` too); units without an ISO3
    code are left out.

    >>> from humsec.warn.monthly_panel import MonthlyPanel
    >>> p = MonthlyPanel.from_long(pd.DataFrame({"unit": ["Kenya"] * 2,
    ...     "month": ["2022-01", "2022-02"], "fatalities": [3.0, 4.0]}))
    >>> conflict_signal(p)["value"].round(3).tolist()    # log1p(3), log1p(3 + 4)
    [1.386, 2.079]
    """
    months = panel.months
    values = np.asarray(panel.values, float)
    csum = np.cumsum(values, axis=1)
    shifted = np.concatenate([np.zeros((len(values), _WINDOW)), csum], axis=1)[:, : csum.shape[1]]
    window = np.log1p(csum - shifted)
    rows = []
    for unit, series in zip(panel.units, window, strict=True):
        iso = to_iso3(str(unit))
        if iso is None:
            continue
        rows.append(
            pd.DataFrame(
                {
                    "area_id": iso,
                    "signal": CONFLICT_SIGNAL,
                    "start": months.start_time,
                    "end": months.end_time.normalize(),
                    "value": series,
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=["area_id", "signal", "start", "end", "value"])
    return pd.concat(rows, ignore_index=True)


@lru_cache(maxsize=512)
def to_iso3(code: str) -> str | None:
    """ISO3 of a country name, ISO2 or ISO3 code (None when unknown).

    >>> to_iso3("KE"), to_iso3("ETH"), to_iso3("DR Congo (Zaire)")
    ('KEN', 'ETH', 'COD')
    """
    import pycountry

    text = str(code).strip()
    if len(text) in (2, 3) and text.isalpha():
        # keyword spelled out: the stubs type **kwargs as str and `default` as Country
        if len(text) == 2:
            found = pycountry.countries.get(alpha_2=text.upper())
        else:
            found = pycountry.countries.get(alpha_3=text.upper())
        if found is not None:
            return str(found.alpha_3)
    from humsec.datasets.places import country_iso3

    return country_iso3(text)
