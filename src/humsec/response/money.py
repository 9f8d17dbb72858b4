"""The money behind the response: flows from donors through organisations to sectors (OCHA FTS).

:func:`read_flows` takes an FTS flow export (``srcOrganization``, ``destOrganization``,
``destGlobalClusters``, ``amountUSD``, ``originalAmount``, ``originalCurrency``, ``exchangeRate``) or
any table mapped with ``columns``. A flow tagged with several sectors is split equally between them
(FTS does not say how it divides; the split is reported). Amounts in another currency need a rate:
a flow with neither a USD amount nor an exchange rate is an error, never a silent guess.

>>> import pandas as pd
>>> flows = pd.DataFrame({"srcOrganization": ["D1", "D1"], "destOrganization": ["A", "B"],
...                       "destGlobalClusters": ["Health,WASH", "Health"], "amountUSD": [100.0, 50.0]})
>>> f, report = read_flows(flows)
>>> f.groupby("sector")["amount_usd"].sum().to_dict()
{'Health': 100.0, 'WASH': 50.0}
>>> report
['1 flow(s) tagged with several sectors split equally between them']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError, describe_rows
from humsec.core.tagged import read_numbers, read_tagged

__all__ = [
    "TREND_PANELS",
    "funding_per_person_in_need",
    "funding_trends",
    "read_flows",
    "sankey_html",
    "trend_chart",
    "trend_sectors_drawn",
]

FTS = {
    "source": "srcOrganization",
    "destination": "destOrganization",
    "sector": "destGlobalClusters",
    "amount_usd": "amountUSD",
    "amount": "originalAmount",
    "currency": "originalCurrency",
    "rate": "exchangeRate",
    "year": "budgetYear",
    "date": "date",
}


def read_flows(
    data: Any, columns: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Flows as (source, destination, sector, amount_usd), one row per sector share."""
    table = read_tagged(data)
    frame = table.frame
    cols = {**FTS, **(columns or {})}
    required = ("source", "destination", "sector")
    missing = [cols[k] for k in required if cols[k] not in frame.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in frame.columns], table.source)
    report: list[str] = []
    if table.duplicates_dropped:
        report.append(f"{table.duplicates_dropped} exact duplicate flow row(s) dropped")

    def num(key: str) -> pd.Series:
        name = cols[key]
        if name not in frame.columns:
            return pd.Series(np.nan, index=frame.index)
        # FTS publishes negative amounts for adjustments: real, kept
        return read_numbers(frame[name], name, table.source, low=None)

    usd = num("amount_usd")
    original, rate = num("amount"), num("rate")
    currency = (
        frame[cols["currency"]].astype("string")
        if cols["currency"] in frame.columns
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    converted = np.where(currency.fillna("USD").str.upper() == "USD", original, original / rate)
    amount = usd.fillna(pd.Series(converted, index=frame.index))
    no_rate = amount.isna()
    if no_rate.any():
        rows = no_rate.index[no_rate.to_numpy()]
        found = sorted({str(c) for c in currency[no_rate].dropna().head(5)})
        msg = (
            f"Flows with no USD amount and no exchange rate{'' if table.source is None else ' in ' + table.source} "
            f"at {describe_rows(rows)} (currencies {found}): give amountUSD or an exchangeRate; amounts in "
            "different currencies are never added up unconverted."
        )
        raise HumsecError(msg)
    if "destLocations" in frame.columns:
        multi = frame["destLocations"].astype("string").str.contains(",", na=False)
        if multi.any():
            report.append(
                f"{int(multi.sum())} flow(s) go to several countries: counted whole (FTS does not say how they divide)"
            )
    sectors = frame[cols["sector"]].astype("string").fillna("Unspecified").str.split(",")
    n_sectors = sectors.map(len)
    if (n_sectors > 1).any():
        report.append(
            f"{int((n_sectors > 1).sum())} flow(s) tagged with several sectors split equally between them"
        )
    out = pd.DataFrame(
        {
            "year": _flow_years(frame, cols, table.source),
            "source": frame[cols["source"]].astype("string").str.strip(),
            "destination": frame[cols["destination"]].astype("string").str.strip(),
            "sector": sectors,
            "amount_usd": amount / n_sectors,
        }
    ).explode("sector")
    out["sector"] = out["sector"].str.strip()
    out, merged = _one_name_per_sector(out)
    return out.reset_index(drop=True), report + merged


def _flow_years(frame: pd.DataFrame, cols: Mapping[str, str], source: str | None) -> pd.Series:
    """The flow's budget year, else the year of its date (FTS exports write dates M/D/YYYY)."""
    if cols["year"] in frame.columns:
        years = read_numbers(frame[cols["year"]], cols["year"], source)
    else:
        years = pd.Series(np.nan, index=frame.index)
    if cols["date"] in frame.columns and years.isna().any():
        dates = pd.to_datetime(frame[cols["date"]], errors="coerce", format="mixed")
        years = years.fillna(dates.dt.year)
    return years.astype("Int64")


def funding_trends(data: Any, *, by_sector: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Funding (and requirements) by year, optionally by sector, with the change from the previous
    year. ``data`` is an FTS requirements-and-funding table (``year``, ``requirements``,
    ``funding``, optionally ``cluster``; or their HXL tags ``#date+year``,
    ``#value+funding+required+usd``, ``#value+funding+total+usd``, ``#sector+cluster+name``) or an FTS
    flow table (see :func:`read_flows`). ``pct_funded`` is funding inside appeals over their
    requirements; funding outside any appeal ("Not specified") is its own column, never a share.

    >>> t = pd.DataFrame({"year": [2022, 2022, 2023], "name": ["P1", "Not specified", "P2"],
    ...                   "requirements": [100.0, None, 200.0], "funding": [50.0, 10.0, 150.0]})
    >>> funding_trends(t)[0][["year", "requirements_usd", "funding_usd", "pct_funded", "change_usd"]].to_dict("records")[1]
    {'year': 2023, 'requirements_usd': 200.0, 'funding_usd': 150.0, 'pct_funded': 75.0, 'change_usd': 90.0}
    """
    from humsec.core.tagged import find_column

    table = read_tagged(data)
    frame = table.frame
    lower = {str(c).strip().lower(): c for c in frame.columns}

    def column(tag: str, name: str) -> Any:
        if table.tagged and (found := find_column(table, tag)) is not None:
            return found
        return lower.get(name)

    year_col = column("#date+year", "year")
    req_col = column("#value+funding+required", "requirements")
    fund_col = column("#value+funding+total", "funding")
    report: list[str] = []
    is_flows = year_col is None or fund_col is None
    if table.duplicates_dropped and not is_flows:
        report.append(f"{table.duplicates_dropped} exact duplicate row(s) dropped")
    if not is_flows:
        years = read_numbers(frame[year_col], year_col, table.source)
        d = pd.DataFrame(
            {
                "year": years.astype("Int64"),
                "requirements_usd": (
                    read_numbers(frame[req_col], req_col, table.source)
                    if req_col is not None
                    else np.nan
                ),
                "funding": read_numbers(frame[fund_col], fund_col, table.source, low=None),
            }
        )
        if by_sector:
            sector_col = column("#sector+cluster+name", "cluster")
            if sector_col is None:
                raise HumsecError(
                    f"The table {table.source or ''} has no cluster column (#sector+cluster+name) to trend by sector."
                )
            d["sector"] = frame[sector_col].astype("string").str.strip()
            d, merged = _one_name_per_sector(d)
            report += merged
        outside = d["requirements_usd"].isna()
        d["funding_usd"] = d["funding"].where(~outside, 0.0)
        d["funding_outside_appeals_usd"] = d["funding"].where(outside, 0.0)
        if outside.any():
            report.append(
                f"{int(outside.sum())} row(s) with funding but no requirement (outside any appeal) kept apart"
            )
    else:
        try:
            flows, report = read_flows(data)
        except ColumnNotFoundError as exc:
            raise DataError(
                f"{table.source or 'The table'} is neither an FTS requirements table (columns year, "
                "requirements, funding, or the HXL tags #date+year, #value+funding+required, "
                f"#value+funding+total) nor an FTS flow export: {exc}"
            ) from exc
        d = flows.rename(columns={"amount_usd": "funding_usd"})
        d["requirements_usd"] = np.nan
        d["funding_outside_appeals_usd"] = 0.0
    if d["year"].isna().any():
        report.append(f"{int(d['year'].isna().sum())} row(s) without a year left out")
        d = d.dropna(subset=["year"])
    keys = ["sector", "year"] if by_sector else ["year"]
    out = d.groupby(keys, as_index=False).agg(
        requirements_usd=("requirements_usd", lambda s: s.sum(min_count=1)),
        funding_usd=("funding_usd", "sum"),
        funding_outside_appeals_usd=("funding_outside_appeals_usd", "sum"),
    )
    if not is_flows:  # a year without any appeal has no appeal funding (not zero)
        no_appeal = out["requirements_usd"].isna()
        out["funding_usd"] = out["funding_usd"].astype(float).where(~no_appeal)
    out["pct_funded"] = 100 * out["funding_usd"] / out["requirements_usd"]
    total = out["funding_usd"].fillna(0.0) + out["funding_outside_appeals_usd"]
    out["year"] = out["year"].astype(int)

    def before(values: pd.Series) -> pd.Series:
        return values.groupby(out["sector"]).shift() if by_sector else values.shift()

    previous = before(total)
    # the previous year *in the table*: FTS has no row for a year without an appeal, so the change
    # may span several years; it is labelled, and also given as a compound rate per year
    out["previous_year"] = before(out["year"]).astype("Int64")
    years = (out["year"] - out["previous_year"]).astype(float)
    out["change_usd"] = total - previous
    out["change_pct"] = 100 * out["change_usd"] / previous.where(previous != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (total / previous.where(previous > 0)).where(total >= 0)
        out["change_pct_per_year"] = 100 * (ratio ** (1 / years) - 1)
    gaps = out[years > 1]
    if len(gaps):
        shown = ", ".join(
            f"{p}-{y}"
            for p, y in dict.fromkeys(zip(gaps["previous_year"], gaps["year"], strict=True))
        )
        report.append(
            f"{len(gaps)} change(s) span years missing from the table ({shown}): change_pct is over "
            "the whole span (previous_year says from when), change_pct_per_year the compound rate"
        )
    return out.reset_index(drop=True), report


def _one_name_per_sector(d: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One sector per key of the IASC global cluster list (``humsec.core.codelists``): 'WASH',
    'WATER & SANITATION' and 'Water Sanitation and Hygiene (WASH)' are shown as 'WASH'; names the
    alias table does not know are kept (with their latest spelling) and reported; overlapping
    categories (multi-sector, shared, intersectoral) stay their own sector."""
    from humsec.core.codelists import SECTORS, harmonise_sectors

    names = d["sector"].fillna("Unspecified").astype(str)
    mapping, report = harmonise_sectors(names)
    key = names.map(mapping)
    order = d["year"].fillna(0) if "year" in d.columns else pd.Series(0, index=d.index)
    latest = (
        pd.DataFrame({"key": key, "name": names, "order": order})
        .sort_values("order", kind="stable")
        .groupby("key")["name"]
        .last()
    )
    shown = {k: SECTORS[k][0] if k in SECTORS else latest[k] for k in latest.index}
    return d.assign(sector=key.map(shown), sector_key=key), report


# Panels in a by-sector trend chart: more than 12 small multiples are unreadable in one picture.
TREND_PANELS = 12


def trend_sectors_drawn(trends: pd.DataFrame, top: int = TREND_PANELS) -> tuple[list[str], str]:
    """The sectors a by-sector trend chart draws (the ``top`` with most funding over all years) and,
    when that leaves some out, the sentence that says so (chart subtitle, command note; else "").

    >>> t = pd.DataFrame({"year": [2020] * 3, "sector": ["A", "B", "C"],
    ...                   "funding_usd": [5.0, 9.0, 1.0]})
    >>> trend_sectors_drawn(t, top=2)
    (['B', 'A'], '2 of 3 sectors drawn, the largest by funding (appeals) over all years')
    >>> trend_sectors_drawn(t)[1]
    ''
    """
    if top < 1:
        raise HumsecError(f"The number of sectors to draw must be 1 or more. Got {top} instead.")
    funding = trends.groupby("sector")["funding_usd"].sum(min_count=1).fillna(0.0)
    drawn = funding.sort_values(ascending=False, kind="stable").index[:top]
    if len(drawn) == len(funding):
        return [str(x) for x in drawn], ""
    said = f"{len(drawn)} of {len(funding)} sectors drawn, the largest by funding (appeals) over all years"
    return [str(x) for x in drawn], said


def trend_chart(
    trends: pd.DataFrame,
    title: str = "Funding and requirements by year",
    top: int = TREND_PANELS,
    labels: dict[str, str] | None = None,
) -> Any:
    """Lines of funding and requirements (USD) by year; one panel per sector (the ``top`` with most
    funding, said in the subtitle when others are left out) when present. Years are on a numeric
    axis and a line breaks where years are missing. ``labels`` puts the series' and axis' words in
    a report's language (keys ``requirements``, ``funding``, ``outside``, ``usd``)."""
    import altair as alt

    subtitle = ""
    if "sector" in trends.columns:  # the sectors with most money, so the picture stays readable
        drawn, subtitle = trend_sectors_drawn(trends, top)
        trends = trends[trends["sector"].isin(drawn)]
    heading = alt.TitleParams(title, subtitle=subtitle) if subtitle else title
    value_vars = ["requirements_usd", "funding_usd", "funding_outside_appeals_usd"]
    ids = ["year"] + (["sector"] if "sector" in trends.columns else [])
    long = trends.melt(id_vars=ids, value_vars=value_vars, var_name="series", value_name="usd")
    long = long.dropna(subset=["usd"])
    # a line never runs across years missing from the table: each run of consecutive years of a
    # series is its own path (``detail``), so 2013 → 2017 shows as a break, not a trend
    series = ["series"] + (["sector"] if "sector" in ids else [])
    long = long.sort_values([*series, "year"])
    step = long.groupby(series)["year"].diff().fillna(1)
    long["run"] = (step > 1).groupby([long[c] for c in series]).cumsum().astype(int)
    words = {"requirements": "requirements", "funding": "funding (appeals)",
             "outside": "funding outside appeals", "usd": "USD", **(labels or {})}  # fmt: skip
    long["series"] = long["series"].map(
        {
            "requirements_usd": words["requirements"],
            "funding_usd": words["funding"],
            "funding_outside_appeals_usd": words["outside"],
        }
    )
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1)),
            detail="run:N",
            y=alt.Y("usd:Q", title=words["usd"], axis=alt.Axis(format="~s")),
            color=alt.Color("series:N", title=None),
            tooltip=[*ids, "series", alt.Tooltip("usd:Q", format=",.0f")],
        )
        .properties(width=520 if "sector" not in ids else 220, height=220)
    )
    if "sector" in ids:
        return chart.facet(facet="sector:N", columns=3, title=heading).resolve_scale(
            y="independent"
        )
    return chart.properties(title=heading)


def funding_per_person_in_need(flows: pd.DataFrame, needs: pd.DataFrame) -> pd.DataFrame:
    """Funding by sector against people in need by sector (sectors matched by canonical key)."""
    from humsec.response.gaps import canonical_sector

    f = flows.assign(key=[canonical_sector(s) for s in flows["sector"]])
    n = needs.assign(key=[canonical_sector(s) for s in needs["sector"]])
    funding = f.groupby("key", as_index=False).agg(
        sector=("sector", "first"), funding_usd=("amount_usd", "sum")
    )
    pin = n.groupby("key", as_index=False)["people_in_need"].sum()
    out = funding.merge(pin, on="key", how="outer")
    out["sector"] = out["sector"].fillna(out["key"])
    out["funding_usd"] = out["funding_usd"].fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["usd_per_person_in_need"] = out["funding_usd"] / out["people_in_need"]
    return out.sort_values("usd_per_person_in_need", na_position="last").reset_index(drop=True)


def sankey_html(
    flows: pd.DataFrame, title: str = "Funding flows: donors → organisations → sectors"
) -> str:
    """A self-contained Sankey diagram (Plotly, its JavaScript embedded: works offline)."""
    import plotly.graph_objects as go

    stage1 = flows.groupby(["source", "destination"], as_index=False)["amount_usd"].sum()
    stage2 = flows.groupby(["destination", "sector"], as_index=False)["amount_usd"].sum()
    # nodes are (column, name): a donor that also receives money appears in both columns
    keys = list(
        dict.fromkeys(
            [("donor", s) for s in stage1["source"]]
            + [("org", d) for d in stage1["destination"]]
            + [("sector", s) for s in stage2["sector"]]
        )
    )
    nodes = [name for _, name in keys]
    index = {k: i for i, k in enumerate(keys)}
    src = [index[("donor", s)] for s in stage1["source"]] + [
        index[("org", d)] for d in stage2["destination"]
    ]
    dst = [index[("org", d)] for d in stage1["destination"]] + [
        index[("sector", s)] for s in stage2["sector"]
    ]
    val = [*stage1["amount_usd"], *stage2["amount_usd"]]
    fig = go.Figure(
        go.Sankey(
            node={"label": nodes, "pad": 12}, link={"source": src, "target": dst, "value": val}
        )
    )
    fig.update_layout(title_text=title, font_size=11, height=max(500, 18 * len(keys)))
    return str(fig.to_html(include_plotlyjs=True, full_html=True))
