"""The trigger report: one self-contained HTML page per back-tested trigger file.

Per rule: what it says, its back-test counts (hits, misses, false alarms, hit rate, false-alarm
ratio, lead time), the current status of every area (fired / not fired / no data, with the
indicator values), a map of that status when boundaries are given (``humsec.core.maps``) and the
per-area timeline of outcomes. Charts are inline SVG (no CDN, no JavaScript: it opens in the field).

>>> import pandas as pd
>>> b = pd.DataFrame({"rule": ["r"] * 2, "country": ["X"] * 2, "area_id": ["A"] * 2,
...     "area": ["Alpha"] * 2, "origin": [pd.Period("2021-07", "M"), pd.Period("2021-08", "M")],
...     "fired": [True, True], "outcome": ["hit", "pending"], "lead_months": [1.0, None],
...     "target_start": [pd.Period("2021-07", "M"), None], "crisis": [True, None]})
>>> page = trigger_report_html(b, rules={"r": "r: projected_p3plus_share >= 0.25"})
>>> "<h2>r</h2>" in page and "hit rate" in page and "<svg" in page
True
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from humsec.hazard.triggers import OUTCOMES, trigger_summary

__all__ = ["STATUS", "current_status", "trigger_report_html"]

#: what a rule says for an area now (the pending origin), declared once
STATUS = {True: "fired", False: "not fired"}
#: outcome colours of the timelines (colour-blind safe; grey for what cannot be judged)
_COLOURS = {
    "hit": "#d95f02",
    "miss": "#7570b3",
    "false_alarm": "#e7298a",
    "correct_negative": "#1b9e77",
    "no_data": "#cccccc",
    "pending": "#666666",
}
_COUNT_COLUMNS = {
    "hit": "hits",
    "miss": "misses",
    "false_alarm": "false alarms",
    "correct_negative": "correct negatives",
    "no_data": "no data",
    "pending": "pending",
    "hit_rate": "hit rate",
    "false_alarm_ratio": "false-alarm ratio",
    "lead_time_months": "lead time (months)",
}


def current_status(backtest: pd.DataFrame) -> pd.DataFrame:
    """Per rule and area, the pending evaluation: ``status`` (fired / not fired / no data)."""
    # the pending origin has no analysis yet (an area without indicator values reads "no_data")
    pending = backtest[backtest["target_start"].isna()]
    out = pending.drop(columns=["target_start", "crisis", "lead_months"], errors="ignore").copy()
    out["status"] = [
        "no data" if pd.isna(f) else STATUS[bool(f)] for f in out["fired"]
    ]  # fmt: skip
    return out.reset_index(drop=True)


def trigger_report_html(
    backtest: pd.DataFrame,
    *,
    rules: dict[str, str],
    title: str = "Trigger report",
    boundaries: dict[str, Any] | None = None,
    key: str = "adm1_pcode",
    notes: list[str] | None = None,
) -> str:
    """The HTML page. ``rules``: rule name -> its description (``TriggerRules.describe()``);
    ``boundaries``: a GeoJSON FeatureCollection whose ``key`` property holds the areas' IDs."""
    from humsec.core.charts import to_svg

    summary = trigger_summary(backtest).rename(columns=_COUNT_COLUMNS)
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}</style>",
        f"</head><body><h1>{_e(title)}</h1>",
        "<p>Each rule is evaluated, for every area, on what was published before each IPC "
        "analysis; the outcome is that analysis' crisis (area phase 3 or worse by the IPC 20 % "
        "rule). Hit rate = hits / (hits + misses); false-alarm ratio = false alarms / (hits + "
        "false alarms); lead time: months from the latest publication the rule needed to the "
        "start of the analysis it hit.</p>",
        summary.to_html(index=False, float_format=lambda v: f"{v:.3g}", na_rep="-"),
    ]
    status = current_status(backtest)
    for rule, part in backtest.groupby("rule", sort=False):
        parts.append(f"<h2>{_e(str(rule))}</h2><p><code>{_e(rules.get(str(rule), ''))}</code></p>")
        now = status[status["rule"] == rule]
        if len(now):
            month = str(now["origin"].iloc[0])
            fired = int((now["status"] == "fired").sum())
            parts.append(
                f"<h3>Current status ({_e(month)}): fired in {fired} of {len(now)} areas</h3>"
            )
            if boundaries is not None:
                parts.append(_status_map(boundaries, now, key=key, title=f"{rule}, {month}"))
            shown = [c for c in ["area_id", "area", *_indicators(part), "status"] if c in now]
            parts.append(
                now[shown].to_html(index=False, float_format=lambda v: f"{v:.3g}", na_rep="-")
            )
        parts.append("<h3>Timeline by area</h3>")
        parts.append(to_svg(_timeline(part, str(rule))))
    if notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _indicators(part: pd.DataFrame) -> list[str]:
    fixed = {"country", "area_id", "area", "origin", "target_start", "crisis", "fired",
             "lead_months", "outcome", "rule", "status"}  # fmt: skip
    return [c for c in part.columns if c not in fixed and part[c].notna().any()]


def _status_map(geo: dict[str, Any], now: pd.DataFrame, *, key: str, title: str) -> str:
    from humsec.core.charts import to_svg
    from humsec.core.maps import choropleth

    values = pd.DataFrame(
        {
            "area": now["area_id"].astype(str),
            "value": now["fired"].map(lambda f: None if pd.isna(f) else float(bool(f))),
        }
    )
    codes = {str((f.get("properties") or {}).get(key)) for f in geo.get("features", [])}
    missing = sorted(set(values["area"]) - codes)
    chart = choropleth(
        geo, values, key=key, title=title, legend="fired (1) or not (0)", domain=(0.0, 1.0),
        value_format=".0f", legend_format=".1~f",
    )  # fmt: skip
    text = to_svg(chart)
    if missing:
        text += f"<p>Not on the map (no boundary with this {_e(key)}): {_e(', '.join(missing))}</p>"
    return text + "<p>Grey: no boundary value (not analysed, or no data).</p>"


def _timeline(part: pd.DataFrame, rule: str) -> Any:
    import altair as alt

    data = pd.DataFrame(
        {
            "area": part["area"].fillna(part["area_id"]).astype(str),
            "origin": part["origin"].astype(str),
            "outcome": part["outcome"].astype(str),
        }
    )
    scale = alt.Scale(domain=list(OUTCOMES), range=[_COLOURS[o] for o in OUTCOMES])
    return (
        alt.Chart(data, title=f"{rule}: outcome by area and origin")
        .mark_rect()
        .encode(
            x=alt.X("origin:O", title="origin (month of the IPC analysis)"),
            y=alt.Y("area:N", title=None),
            color=alt.Color("outcome:N", scale=scale),
            tooltip=["area", "origin", "outcome"],
        )
    )


def _e(text: str) -> str:
    return html.escape(text, quote=True)
