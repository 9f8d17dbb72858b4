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

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from humsec.core.errors import ColumnNotFoundError, DataError
from humsec.core.result import ResultBase

__all__ = [
    "FLAGS",
    "INDEX_COLUMNS",
    "ComparisonResult",
    "compare_perceived_measured",
    "index_rows",
    "measured_from_af",
    "measured_from_index",
    "measured_rows",
    "perceived_rows",
]

#: the columns of an area-index score table, as ``humsec index --out`` writes it (``score_low`` and
#: ``score_high`` only with ``--uncertainty``)
INDEX_COLUMNS = ("unit", "node", "score")

#: the area flags (declared once)
FLAGS = ("feel worse than measured", "measured worse than felt", "agree", "unclear")
_NEEDED = ("group", "estimate", "ci_low", "ci_high")


class ComparisonResult(ResultBase):
    """The area table (``to_frame()``), ``correlation`` (r, ci_low, ci_high, areas) and ``notes``."""

    tables: ClassVar[tuple[str, ...]] = ("areas",)

    def __init__(
        self, table: pd.DataFrame, correlation: dict[str, float], notes: list[str], level: float
    ) -> None:
        self._table = table.reset_index(drop=True)
        self.correlation = correlation
        self.notes = list(notes)
        self.level = level

    def _frame(self, table: str) -> pd.DataFrame:
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
    notes = list(measured.attrs.get("notes", []))
    # areas are matched whatever their case and spacing ('Turkana' = 'turkana '); the perceived
    # table's spelling is shown
    p["key"], m["key"] = _area_key(p["group"]), _area_key(m["group"])
    for side, frame in (("perceived", p), ("measured", m)):
        dup = frame["key"].duplicated()
        if dup.any():
            raise DataError(
                f"The {side} table has areas that differ only by case or spacing: "
                f"{', '.join(frame['group'][dup].unique()[:10])}."
            )
    m = m.rename(columns={"group": "measured_area"})
    only_p = sorted(p["group"][~p["key"].isin(set(m["key"]))])
    only_m = sorted(m["measured_area"][~m["key"].isin(set(p["key"]))])
    if only_p:
        notes.append(
            f"area(s) with a perception but no measure, left out: {', '.join(only_p[:20])}"
        )
    if only_m:
        notes.append(
            f"area(s) with a measure but no perception, left out: {', '.join(only_m[:20])}"
        )
    t = p.merge(m, on="key", suffixes=("_p", "_m"))
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


def _area_key(groups: pd.Series) -> pd.Series:
    return groups.astype(str).str.strip().str.casefold()


def measured_from_index(
    result: Any, *, node: str | None = None, higher_is_better: bool = False
) -> pd.DataFrame:
    """The scores of one node of a ``humsec index`` result (its public ``to_frame()``; the model's root
    when ``node`` is None) by area, as ``group, estimate, ci_low, ci_high``; see :func:`index_rows`."""
    if node is None:
        node = result.model.root
    return index_rows(result.to_frame(), node=node, higher_is_better=higher_is_better)


def index_rows(
    scores: pd.DataFrame, *, node: str | None = None, higher_is_better: bool = False
) -> pd.DataFrame:
    """One node of an area-index score table (``unit, node, score[, score_low, score_high]``, as
    ``humsec index --out`` writes it) as the measured side: ``group`` is the unit. ``node`` may be
    left out when the table has one node. Intervals are ``score_low``/``score_high`` (the index's
    uncertainty analysis, ``--uncertainty``) when present; otherwise there are none and each area is
    placed by its score alone (said in the notes, ``attrs["notes"]``). ``higher_is_better`` (e.g. a
    resilience or coping-capacity index) mirrors the scores within their observed range,
    ``(lowest + highest) − score``, so that higher reads as worse like the perceived side."""
    missing = [c for c in INDEX_COLUMNS if c not in scores.columns]
    if missing:
        raise ColumnNotFoundError(missing, list(scores.columns), "the area-index score table")
    for col in ("unit", "node"):  # pandas 3 keeps an empty text cell missing through astype(str)
        empty = scores[col].isna() | (scores[col].astype("string").str.strip() == "").fillna(False)
        if empty.any():
            raise DataError(
                f"The index table, column {col!r}: every row needs one; {int(empty.sum())} row(s) "
                "have none."
            )
    if scores.empty:
        raise DataError("The index table has a header and no rows: no area scores to compare with.")
    nodes = list(dict.fromkeys(scores["node"].astype(str)))
    if node is None:
        if len(nodes) != 1:
            raise DataError(
                f"The index table has {len(nodes)} nodes; choose one (node=...): {', '.join(nodes[:20])}."
            )
        node = nodes[0]
    rows = scores[scores["node"].astype(str) == node]
    if rows.empty:
        raise DataError(
            f"The index table has no node {node!r}; its nodes: {', '.join(nodes[:20])}."
        )
    score = pd.to_numeric(rows["score"], errors="coerce")
    bad = score.isna() & rows["score"].notna() & (rows["score"].astype(str).str.strip() != "")
    if bad.any():
        raise DataError(
            f"The index table, column 'score' of node {node!r}: expected numbers, found "
            f"{rows['score'][bad].iloc[0]!r} for unit(s) {', '.join(rows['unit'][bad].astype(str)[:10])}."
        )
    notes = []
    if {"score_low", "score_high"} <= set(rows.columns):
        low = pd.to_numeric(rows["score_low"], errors="coerce")
        high = pd.to_numeric(rows["score_high"], errors="coerce")
        notes.append(
            f"index {node!r}: intervals are the index's uncertainty intervals (score_low, score_high), "
            "not sampling CIs"
        )
    else:
        low, high = score, score
        notes.append(
            f"index {node!r} has no intervals (an uncertainty analysis of the index gives them): each area is "
            "high or low by its score alone"
        )
    out = pd.DataFrame(
        {"group": rows["unit"].astype(str).to_numpy(), "estimate": score.to_numpy(),
         "ci_low": low.to_numpy(), "ci_high": high.to_numpy()}
    )  # fmt: skip
    if higher_is_better:
        mirror = float(out["estimate"].min() + out["estimate"].max())
        out["estimate"] = mirror - out["estimate"]
        out["ci_low"], out["ci_high"] = mirror - out["ci_high"], mirror - out["ci_low"]
        notes.append(
            f"index {node!r} is higher-is-better: mirrored as {mirror:g} - score (lowest + highest) "
            "so that higher reads as worse"
        )
    out.attrs["notes"] = notes
    out.attrs["node"] = node
    return out


def measured_from_af(
    result: Any, *, measure: str, over: str, k: float | None = None, time: Any = None
) -> pd.DataFrame:
    """The level rows of an :class:`~humsec.AlkireFoster` result's public ``tidy()`` table for one
    measure (e.g. ``M0``, ``H``), grouping column and k (None: the only k), at ``time`` (None: the
    latest round), as ``group, estimate, ci_low, ci_high``."""
    return measured_rows(result.tidy(), measure=measure, over=over, k=k, time=time)


def measured_rows(
    tidy: pd.DataFrame, *, measure: str, over: str, k: float | None = None, time: Any = None
) -> pd.DataFrame:
    """As :func:`measured_from_af`, from the tidy table itself (e.g. ``humsec af --out`` read back)."""
    for col in ("measure", "over", "group", "k", "indicator", "estimate", "ci_low", "ci_high"):
        if col not in tidy.columns:
            raise ColumnNotFoundError([col], list(tidy.columns), "the measured (AF) table")
    rows = tidy[(tidy["measure"] == measure) & (tidy["over"] == over)]
    if "change" in rows.columns:
        rows = rows[rows["change"].fillna("").astype(str) == ""]
    rows = rows[rows["indicator"].fillna("").astype(str) == ""]
    if rows.empty:
        raise DataError(
            f"The AF result has no {measure!r} rows over {over!r}; measures: "
            f"{', '.join(map(str, tidy['measure'].unique()))}, groupings: "
            f"{', '.join(map(str, tidy['over'].unique()))}."
        )
    ks = sorted(rows["k"].dropna().unique())
    if k is None and len(ks) > 1:
        raise DataError(
            f"The AF result has several k ({', '.join(f'{x:g}' for x in ks)}): choose one."
        )
    if k is not None:
        if k not in ks:
            raise DataError(
                f"The AF result has no k={k:g}; it has {', '.join(f'{x:g}' for x in ks)}."
            )
        rows = rows[rows["k"] == k]
    if "time" in rows.columns and rows["time"].nunique() > 1:
        when = rows["time"].max() if time is None else time
        rows = rows[rows["time"] == when]
    out = rows[list(_NEEDED)].reset_index(drop=True)
    out["group"] = out["group"].astype(str)
    return out


def perceived_rows(
    table: pd.DataFrame, *, name: str, over: str, higher_is_worse: bool = True
) -> pd.DataFrame:
    """One indicator or index of a :class:`~humsec.voice.PerceptionResult` table by ``over``, as
    ``group, estimate, ci_low, ci_high``; ``higher_is_worse=False`` turns a 0-1 value x into 1 − x (so
    that "feels safe" becomes "feels unsafe")."""
    for col in ("name", "over", "group", "estimate", "ci_low", "ci_high"):
        if col not in table.columns:
            raise ColumnNotFoundError([col], list(table.columns), "the perceived table")
    rows = table[(table["name"] == name) & (table["over"] == over)]
    if rows.empty:
        raise DataError(
            f"The perceived table has no {name!r} rows over {over!r}; names: "
            f"{', '.join(map(str, table['name'].unique()))}."
        )
    out = rows[list(_NEEDED)].reset_index(drop=True)
    out["group"] = out["group"].astype(str)
    if not higher_is_worse:
        values = out[["estimate", "ci_low", "ci_high"]].astype(float)
        if ((values < 0) | (values > 1)).any(axis=None):
            raise DataError(
                f"{name!r} has values outside 0-1, so it cannot be turned round as 1 - x; give a share or "
                "an index, or an indicator whose higher values are worse."
            )
        out["estimate"] = 1 - values["estimate"]
        out["ci_low"], out["ci_high"] = 1 - values["ci_high"], 1 - values["ci_low"]
    return out
