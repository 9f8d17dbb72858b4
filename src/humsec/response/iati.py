"""IATI activity XML (standard 2.0x) to a 3W activity table and a transaction table.

One row per activity × location (or recipient country when no location) × sector, with the
implementing organisations (participating-org role 4), the funding ones (role 1), the dates (actual
start/end, else planned), and the activity's budget in each currency. Transactions are kept with
their type (commitment, disbursement, expenditure, incoming funds), currency and value: values in
different currencies are never added up without a rate. The 3W table carries HXL tags so that
``humsec response gaps`` and ``overlap`` read it directly.

>>> import io
>>> xml = b'''<iati-activities version="2.03"><iati-activity default-currency="USD">
... <iati-identifier>XM-1</iati-identifier><title><narrative>Wells</narrative></title>
... <participating-org role="1"><narrative>Donor D</narrative></participating-org>
... <participating-org role="4"><narrative>NGO N</narrative></participating-org>
... <recipient-country code="SO"/><sector vocabulary="10" code="WASH"/>
... <activity-date type="2" iso-date="2024-01-01"/></iati-activity></iati-activities>'''
>>> acts, tx, report = read_iati_xml(io.BytesIO(xml))
>>> acts[["activity", "org", "donor", "sector", "area", "start"]].iloc[0].tolist()
['XM-1', 'NGO N', 'Donor D', 'WASH', 'SO', '2024-01-01']
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pandas as pd

from humsec.core.errors import DataError

__all__ = ["TRANSACTION_TYPES", "read_iati_xml"]

TRANSACTION_TYPES = {
    "1": "incoming funds",
    "2": "commitment",
    "3": "disbursement",
    "4": "expenditure",
}
ROLES = {"1": "funding", "2": "accountable", "3": "extending", "4": "implementing"}


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    narrative = el.find("narrative")
    value = (narrative.text if narrative is not None else el.text) or el.get("ref")
    return value.strip() if value else None


def read_iati_xml(source: Any) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Parse an IATI activities file; returns (activities, transactions, report)."""
    try:
        root = ET.parse(source).getroot()
    except ET.ParseError as exc:
        raise DataError(f"Not readable as IATI XML ({source}): {exc}") from None
    if root.tag != "iati-activities":
        raise DataError(f"Expected an <iati-activities> document, found <{root.tag}> in {source}.")
    rows, tx_rows = [], []
    report: list[str] = []
    no_sector = 0
    for act in root.iter("iati-activity"):
        ident = (act.findtext("iati-identifier") or "").strip()
        currency = act.get("default-currency", "")
        orgs: dict[str, list[str]] = {}
        for p in act.findall("participating-org"):
            name = _text(p)
            if name:
                orgs.setdefault(ROLES.get(p.get("role", ""), "other"), []).append(name)
        dates = {d.get("type"): d.get("iso-date") for d in act.findall("activity-date")}
        start = dates.get("2") or dates.get("1")
        end = dates.get("4") or dates.get("3")
        sectors = [
            s.get("code") or "" for s in act.findall("sector") if s.get("vocabulary", "1") == "10"
        ]
        sectors = sectors or [s.get("code") or "" for s in act.findall("sector")]
        if not sectors:
            no_sector += 1
            sectors = [""]
        areas = []
        for loc in act.findall("location"):
            admin = loc.find("administrative")
            areas.append(
                (admin.get("code") if admin is not None else None) or _text(loc.find("name"))
            )
        areas = (
            [a for a in areas if a]
            or [c.get("code") or "" for c in act.findall("recipient-country")]
            or [""]
        )
        budgets: dict[str, float] = {}
        for b in act.findall("budget"):
            v = b.find("value")
            if v is not None and v.text:
                cur = v.get("currency", currency) or "?"
                budgets[cur] = budgets.get(cur, 0.0) + float(v.text)
        for area in areas:
            for sector in sectors:
                rows.append(
                    {
                        "activity": ident,
                        "title": _text(act.find("title")),
                        "org": "; ".join(orgs.get("implementing", [])) or None,
                        "donor": "; ".join(orgs.get("funding", [])) or None,
                        "sector": sector or None,
                        "area": area or None,
                        "start": start,
                        "end": end,
                        "budget": "; ".join(f"{c} {v:,.0f}" for c, v in budgets.items()) or None,
                        "value_usd": budgets.get("USD") if set(budgets) <= {"USD"} else None,
                    }
                )
        for t in act.findall("transaction"):
            v = t.find("value")
            ttype = t.find("transaction-type")
            date = t.find("transaction-date")
            if v is None or not v.text:
                continue
            tx_rows.append(
                {
                    "activity": ident,
                    "type": TRANSACTION_TYPES.get(
                        ttype.get("code", "") if ttype is not None else "", "other"
                    ),
                    "date": date.get("iso-date") if date is not None else None,
                    "currency": v.get("currency", currency) or None,
                    "value": float(v.text),
                    "provider": _text(t.find("provider-org")),
                    "receiver": _text(t.find("receiver-org")),
                }
            )
    if no_sector:
        report.append(f"{no_sector} activity(ies) without a sector")
    activities = pd.DataFrame(
        rows,
        columns=[
            "activity",
            "title",
            "org",
            "donor",
            "sector",
            "area",
            "start",
            "end",
            "budget",
            "value_usd",
        ],
    )
    mixed = activities["budget"].str.contains(";", na=False) & activities["value_usd"].isna()
    if mixed.any():
        report.append(
            f"{int(mixed.sum())} row(s) with budgets in several currencies: value_usd left empty (no rates given)"
        )
    transactions = pd.DataFrame(
        tx_rows, columns=["activity", "type", "date", "currency", "value", "provider", "receiver"]
    )
    return activities, transactions, report
