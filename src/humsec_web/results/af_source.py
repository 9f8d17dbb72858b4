"""An indicator value taken from a stored ``humsec af`` result table (the tidy CSV that
``humsec af ... --out results.csv`` and ``AFResult.to_csv`` write): one level row, chosen by
measure, poverty cutoff k, subgroup variable and group, and survey round, with its confidence
interval. Nothing is recomputed: the estimate and interval are the library's.

The interval's level is not in the CSV (``humsec af --level``, default 0.95); the person importing
states it and it is stored beside the interval.

>>> import io
>>> csv = (b"measure,k,indicator,over,group,time,change,estimate,se,ci_low,ci_high,n\\n"
...        b"H,33,,region,1,2,,0.2818,0.021,0.2424,0.3249,401\\n")
>>> pick = AFPick(measure="H", k=33, over="region", group="1", time="2")
>>> read_af_value(io.BytesIO(csv), "results.csv", pick)
AFValue(estimate=0.2818, ci_low=0.2424, ci_high=0.3249, se=0.021, n=401, detail='humsec af table results.csv: H, k=33, region=1, round 2')
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import IO

import pandas as pd

# the level rows of the tidy table humsec af writes (AFResult.to_frame("tidy") / to_csv)
AF_COLUMNS = ("measure", "k", "indicator", "over", "group", "time", "estimate", "se", "ci_low", "ci_high", "n")
# the area-level AF measures, each a ratio in [0, 1]: headcount H, adjusted headcount M0, intensity A
SHARE_MEASURES = ("H", "M0", "A")


class AFSourceError(ValueError):
    """The table is not a humsec af table, or does not hold exactly one row for the choice."""


@dataclass(frozen=True)
class AFPick:
    measure: str
    k: float
    over: str  # "national" for the whole sample
    group: str = ""
    time: str = ""  # the survey round; '' when the table has none


@dataclass(frozen=True)
class AFValue:
    estimate: float
    ci_low: float
    ci_high: float
    se: float
    n: int
    detail: str


def _text(series: pd.Series) -> pd.Series:
    """Cells as the CSV shows them: '1' for a group 1 read as 1.0, '' for empty."""
    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()
    return series.map(one)


def read_af_value(source: IO[bytes] | bytes, name: str, pick: AFPick) -> AFValue:
    """The one level row of ``pick`` in the humsec af table ``source`` (called ``name`` in messages)."""
    raw = source if isinstance(source, bytes) else source.read()
    if not raw.strip():
        msg = f"{name} is empty; expected the CSV that humsec af writes."
        raise AFSourceError(msg)
    try:
        frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        msg = f"{name} is not a readable UTF-8 CSV ({str(exc).splitlines()[0]})."
        raise AFSourceError(msg) from None
    missing = [c for c in AF_COLUMNS if c not in frame.columns]
    if missing:
        msg = (f"{name} is not a humsec af result table: no column {', '.join(missing)} "
               f"(found: {', '.join(map(str, frame.columns[:12]))}). Write it with `humsec af ... --out FILE.csv`.")
        raise AFSourceError(msg)
    if pick.measure not in SHARE_MEASURES:
        msg = f"The measure {pick.measure!r} is not one of the AF ratios an indicator can take; choose one of {', '.join(SHARE_MEASURES)}."
        raise AFSourceError(msg)
    levels = frame[frame.get("change", pd.Series("", index=frame.index)).astype(str).str.strip() == ""]
    k = pd.to_numeric(levels["k"], errors="coerce")
    chosen = levels[
        (levels["measure"].str.strip() == pick.measure) & (k.sub(float(pick.k)).abs() < 1e-9)
        & (levels["indicator"].str.strip() == "") & (levels["over"].str.strip() == pick.over)
        & (_text(levels["group"]) == pick.group.strip()) & (_text(levels["time"]) == pick.time.strip())
    ]  # fmt: skip
    if len(chosen) != 1:
        sub = levels[levels["over"].str.strip() == pick.over]
        groups = sorted(set(_text(sub["group"])))[:20]
        rounds = sorted(set(_text(levels["time"])))
        ks = sorted({v for v in levels["k"].str.strip() if v}, key=float)
        what = f"{pick.measure}, k={pick.k:g}, {pick.over}={pick.group or '(all)'}, round {pick.time or '(none)'}"
        if not len(chosen):
            msg = (f"{name} has no level row for {what}. It has over: {', '.join(sorted(set(levels['over'])))}; "
                   f"groups of {pick.over}: {', '.join(groups) or 'none'}; rounds: {', '.join(r or '(none)' for r in rounds)}; "
                   f"k: {', '.join(ks)}.")
        else:
            msg = f"{name} has {len(chosen)} rows for {what} (data rows {', '.join(str(i + 2) for i in chosen.index[:5])}); expected one."
        raise AFSourceError(msg)
    row = chosen.iloc[0]
    line = int(chosen.index[0]) + 2  # the header is line 1
    values = {}
    for column in ("estimate", "ci_low", "ci_high", "se"):
        try:
            values[column] = float(row[column])
        except ValueError:
            values[column] = math.nan
        if not math.isfinite(values[column]) or not 0 <= values[column] <= (1 if column != "se" else math.inf):
            msg = f"{name}, line {line}, column {column}: {row[column]!r} is not a ratio in [0, 1]."
            raise AFSourceError(msg)
    if not values["ci_low"] <= values["estimate"] <= values["ci_high"]:
        msg = f"{name}, line {line}: the interval [{row['ci_low']}, {row['ci_high']}] does not hold the estimate {row['estimate']}."
        raise AFSourceError(msg)
    try:
        n = int(float(row["n"]))
    except ValueError:
        n = 0
    where = "national" if pick.over == "national" else f"{pick.over}={pick.group}"
    detail = f"humsec af table {name}: {pick.measure}, k={pick.k:g}, {where}" + (f", round {pick.time}" if pick.time else "")
    return AFValue(values["estimate"], values["ci_low"], values["ci_high"], values["se"], n, detail)


def scaled(value: AFValue, unit: str) -> tuple[float, float, float]:
    """Estimate and interval in the indicator's unit: a proportion as is, a percent times 100."""
    if unit == "proportion":
        return value.estimate, value.ci_low, value.ci_high
    if unit == "percent":
        return value.estimate * 100, value.ci_low * 100, value.ci_high * 100
    msg = (f"An AF ratio ({value.detail}) is in [0, 1]; the indicator is measured in {unit!r}. "
           "Take it into an indicator measured in proportion or percent.")
    raise AFSourceError(msg)
