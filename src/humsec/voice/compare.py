"""Perceived vs measured: a perception indicator (what people say) beside a measured deprivation (an AF
measure or an area index) by area, their correlation across areas, and the areas where the two disagree.

Both sides are oriented so that higher is worse (e.g. the share feeling unsafe, the AF M0). Each side's
cut-off is the median of its area estimates; an area is ``high`` on a side when its whole CI lies above
the cut-off, ``low`` when it lies below, ``unclear`` otherwise. The flags that matter:
``feel worse than measured`` (perceived high, measured low) and ``measured worse than felt`` (the
reverse). The correlation is Pearson's r across areas with the Fisher-z interval
``tanh(atanh r ± z/√(m−3))`` for m areas; it treats the area estimates as exact (their sampling error
widens the truth of it, which the CIs of the table show).

>>> p = pd.DataFrame({"group": list("abcde"), "estimate": [.1, .2, .3, .4, .9],
...                   "ci_low": [.05, .15, .25, .35, .85], "ci_high": [.15, .25, .35, .45, .95]})
>>> m = p.assign(estimate=[.9, .2, .3, .4, .1], ci_low=[.85, .15, .25, .35, .05],
...              ci_high=[.95, .25, .35, .45, .15])
>>> result = compare_perceived_measured(p, m)
>>> result.to_frame().set_index("group").loc[["a", "e"], "flag"].tolist()
['measured worse than felt', 'feel worse than measured']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from humsec.exceptions import ColumnNotFoundError, DataError

__all__ = ["FLAGS", "ComparisonResult", "compare_perceived_measured", "measured_from_af"]

#: the area flags (declared once)
FLAGS = ("feel worse than measured", "measured worse than felt", "agree", "unclear")
_NEEDED = ("group", "estimate", "ci_low", "ci_high")


class ComparisonResult:
    """The area table (``to_frame()``), ``correlation`` (r, ci_low, ci_high, areas) and ``notes``."""

    def __init__(
        self, table: pd.DataFrame, correlation: dict[str, float], notes: list[str], level: float
    ) -> None:
        self._table = table.reset_index(drop=True)
        self.correlation = correlation
        self.notes = tuple(notes)
        self.level = level

    def to_frame(self) -> pd.DataFrame:
        return self._table.copy()

    def summary(self) -> str:
        c = self.correlation
        lines = [
            f"Perceived vs measured across {int(c['areas'])} areas: r = {c['r']:.3f} "
            f"({self.level:.0%} CI {c['ci_low']:.3f} to {c['ci_high']:.3f})"
        ]
        for r in self._table.itertuples():
            lines.append(
                f"  {r.group}: perceived {r.perceived:.3f}, measured {r.measured:.3f} - {r.flag}"
            )
        return "\n".join([*lines, *(f"note: {n}" for n in self.notes)])

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(self.summary()) + "</pre>"

    def chart(self, perceived: str = "perceived", measured: str = "measured") -> Any:
        """Quadrant chart (Altair): areas as points with both CIs, the median cut-offs as rules,
        coloured by flag; render offline with :func:`humsec.core.charts.to_svg`."""
        import altair as alt

        d = self._table
        base = alt.Chart(d)
        x = alt.X("measured:Q", title=measured)
        y = alt.Y("perceived:Q", title=perceived)
        points = base.mark_point(filled=True, size=60).encode(
            x=x,
            y=y,
            color=alt.Color("flag:N", scale=alt.Scale(domain=list(FLAGS))),
            tooltip=["group"],
        )
        xbar = base.mark_rule().encode(x="measured_ci_low:Q", x2="measured_ci_high:Q", y=y)
        ybar = base.mark_rule().encode(y="perceived_ci_low:Q", y2="perceived_ci_high:Q", x=x)
        labels = base.mark_text(dx=6, align="left").encode(x=x, y=y, text="group:N")
        cut = pd.DataFrame(
            {
                "measured": [d["measured_cutoff"].iloc[0]],
                "perceived": [d["perceived_cutoff"].iloc[0]],
            }
        )
        vrule = alt.Chart(cut).mark_rule(strokeDash=[4, 4]).encode(x="measured:Q")
        hrule = alt.Chart(cut).mark_rule(strokeDash=[4, 4]).encode(y="perceived:Q")
        return (xbar + ybar + points + labels + vrule + hrule).properties(
            title="What people say vs what is measured (higher = worse)"
        )


def _side(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise ColumnNotFoundError(missing, list(frame.columns), f"the {name} table")
    out = frame[list(_NEEDED)].copy()
    out["group"] = out["group"].astype(str)
    dup = out["group"].duplicated()
    if dup.any():
        raise DataError(
            f"The {name} table has area(s) more than once: {', '.join(out['group'][dup].unique()[:10])} "
            "(filter it to one indicator and one grouping first)."
        )
    return out


def compare_perceived_measured(
    perceived: pd.DataFrame, measured: pd.DataFrame, *, level: float = 0.95
) -> ComparisonResult:
    """Join perceived and measured estimates by area (column ``group``), flag and correlate them."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1). Got {level!r} instead.")
    p, m = _side(perceived, "perceived"), _side(measured, "measured")
    notes = []
    only_p = sorted(set(p["group"]) - set(m["group"]))
    only_m = sorted(set(m["group"]) - set(p["group"]))
    if only_p:
        notes.append(
            f"area(s) with a perception but no measure, left out: {', '.join(only_p[:20])}"
        )
    if only_m:
        notes.append(
            f"area(s) with a measure but no perception, left out: {', '.join(only_m[:20])}"
        )
    t = p.merge(m, on="group", suffixes=("_p", "_m"))
    t = t.dropna(subset=["estimate_p", "estimate_m"])
    if len(t) < 4:
        raise DataError(
            f"Perceived vs measured needs at least 4 areas with both estimates; found {len(t)}."
        )
    table = pd.DataFrame(
        {
            "group": t["group"],
            "perceived": t["estimate_p"],
            "perceived_ci_low": t["ci_low_p"],
            "perceived_ci_high": t["ci_high_p"],
            "measured": t["estimate_m"],
            "measured_ci_low": t["ci_low_m"],
            "measured_ci_high": t["ci_high_m"],
        }
    )
    for side in ("perceived", "measured"):
        cutoff = float(table[side].median())
        table[f"{side}_cutoff"] = cutoff
        table[f"{side}_level"] = np.select(
            [table[f"{side}_ci_low"] > cutoff, table[f"{side}_ci_high"] < cutoff],
            ["high", "low"],
            "unclear",
        )
    pl, ml = table["perceived_level"], table["measured_level"]
    table["flag"] = np.select(
        [
            (pl == "high") & (ml == "low"),
            (pl == "low") & (ml == "high"),
            (pl == ml) & (pl != "unclear"),
        ],
        list(FLAGS[:3]),
        FLAGS[3],
    )
    r = float(np.corrcoef(table["perceived"], table["measured"])[0, 1])
    z = stats.norm.ppf(0.5 + level / 2)
    half = z / np.sqrt(len(table) - 3)
    lo, hi = np.tanh(np.arctanh(r) - half), np.tanh(np.arctanh(r) + half)
    correlation = {"r": r, "ci_low": float(lo), "ci_high": float(hi), "areas": float(len(table))}
    return ComparisonResult(table, correlation, notes, level)


def measured_from_af(
    result: Any, *, measure: str, over: str, k: float | None = None
) -> pd.DataFrame:
    """The rows of an :class:`~humsec.AlkireFoster` result's ``tidy()`` table for one measure (e.g.
    ``M0``, ``H``) and grouping column, as ``group, estimate, ci_low, ci_high``."""
    tidy = result.tidy()
    rows = tidy[(tidy["measure"] == measure) & (tidy["over"] == over)]
    if k is not None:
        rows = rows[rows["k"] == k]
    if rows.empty:
        raise DataError(
            f"The AF result has no {measure!r} rows over {over!r}"
            + (f" at k={k}" if k is not None else "")
            + f"; measures: {', '.join(map(str, tidy['measure'].unique()))}, "
            f"groupings: {', '.join(map(str, tidy['over'].unique()))}."
        )
    return rows[list(_NEEDED)].reset_index(drop=True)
