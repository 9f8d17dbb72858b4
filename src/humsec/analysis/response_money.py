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

from humsec.exceptions import HumsecError, describe_rows
from humsec.io.tagged import read_numbers, read_tagged

__all__ = ["funding_per_person_in_need", "read_flows", "sankey_html"]

FTS = {
    "source": "srcOrganization",
    "destination": "destOrganization",
    "sector": "destGlobalClusters",
    "amount_usd": "amountUSD",
    "amount": "originalAmount",
    "currency": "originalCurrency",
    "rate": "exchangeRate",
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
        from humsec.exceptions import ColumnNotFoundError

        raise ColumnNotFoundError(missing, [str(c) for c in frame.columns], table.source)
    report: list[str] = []
    if table.duplicates_dropped:
        report.append(f"{table.duplicates_dropped} exact duplicate flow row(s) dropped")

    def num(key: str) -> pd.Series:
        name = cols[key]
        if name not in frame.columns:
            return pd.Series(np.nan, index=frame.index)
        return read_numbers(frame[name], name, table.source)

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
        rows = np.flatnonzero(no_rate.to_numpy())
        found = sorted({str(c) for c in currency[no_rate].dropna().head(5)})
        msg = (
            f"Flows with no USD amount and no exchange rate{'' if table.source is None else ' in ' + table.source} "
            f"at {describe_rows(rows)} (currencies {found}): give amountUSD or an exchangeRate; amounts in "
            "different currencies are never added up unconverted."
        )
        raise HumsecError(msg)
    sectors = frame[cols["sector"]].astype("string").fillna("Unspecified").str.split(",")
    n_sectors = sectors.map(len)
    if (n_sectors > 1).any():
        report.append(
            f"{int((n_sectors > 1).sum())} flow(s) tagged with several sectors split equally between them"
        )
    out = pd.DataFrame(
        {
            "source": frame[cols["source"]].astype("string").str.strip(),
            "destination": frame[cols["destination"]].astype("string").str.strip(),
            "sector": sectors,
            "amount_usd": amount / n_sectors,
        }
    ).explode("sector")
    out["sector"] = out["sector"].str.strip()
    return out.reset_index(drop=True), report


def funding_per_person_in_need(flows: pd.DataFrame, needs: pd.DataFrame) -> pd.DataFrame:
    """Funding by sector against people in need by sector (sectors matched by canonical key)."""
    from humsec.analysis.response_gaps import canonical_sector

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
