"""Feedback and complaints: a log coded with a coding framework (the Red Cross's Type > Category > Code,
JSON as in rodekruis/qualitative-feedback-analysis), summarised by theme, area, group and period:
counts, shares, loops closed and days to close.

Sensitive codes (the framework's ``sensitive: true``, e.g. sexual exploitation and abuse, threats) are
counted under one theme, ``sensitive (not listed)``, never by code, and no comment text is ever output;
cells with fewer than ``min_n`` items are suppressed (count blanked, ``sdc_status = suppressed``).

Log columns (declared once in ``LOG_COLUMNS``): ``date`` and ``code`` (the framework's code_id or code
name) required; ``status`` (open/closed), ``date_closed``, ``area``, ``group``, ``channel`` optional.

>>> fw = pd.DataFrame({"code_id": ["a", "b"], "type": ["Question"] * 2, "category": ["Aid", "Abuse"],
...                    "code": ["aid", "abuse"], "sensitive": [False, True]})
>>> log = pd.DataFrame({"date": ["2024-01-02"] * 3, "code": ["a", "a", "b"], "status": ["closed"] * 3,
...                     "date_closed": ["2024-01-04", "2024-01-06", "2024-01-03"]})
>>> t = summarise_feedback(log, fw, min_n=1)
>>> t[["theme", "n", "median_days_to_close"]].to_dict("list")
{'theme': ['Aid', 'sensitive (not listed)'], 'n': [2, 1], 'median_days_to_close': [3.0, 1.0]}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError, describe_rows

__all__ = [
    "LOG_COLUMNS",
    "SENSITIVE_THEME",
    "STATUSES",
    "read_coding_framework",
    "read_feedback_log",
    "summarise_feedback",
]

LOG_COLUMNS = ("date", "code", "status", "date_closed", "area", "group", "channel")
STATUSES = ("open", "closed")
SENSITIVE_THEME = "sensitive (not listed)"


def read_coding_framework(path: str | Path) -> pd.DataFrame:
    """The framework's codes: code_id, type, category, code, sensitive (JSON Type > Category > Code)."""
    path = Path(path)
    if not path.exists():
        raise HumsecError(f"Coding framework {str(path)!r} does not exist.")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        rows = [
            {
                "code_id": str(c["code_id"]),
                "type": t["name"],
                "category": cat["name"],
                "code": c["name"],
                "sensitive": bool(c.get("sensitive", False)),
            }
            for t in raw["types"]
            for cat in t["categories"]
            for c in cat["codes"]
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise HumsecError(
            f"Coding framework {path.name}: expected JSON {{types: [{{name, categories: [{{name, codes: "
            f"[{{code_id, name, sensitive}}]}}]}}]}}; {type(exc).__name__}: {exc}."
        ) from exc
    return pd.DataFrame(rows)


def read_feedback_log(path: str | Path) -> pd.DataFrame:
    """A feedback log from CSV or Excel (first sheet), as text."""
    path = Path(path)
    if not path.exists():
        raise HumsecError(f"Feedback log {str(path)!r} does not exist.")
    if path.suffix.lower() in (".xlsx", ".xls"):
        log = pd.read_excel(path, dtype=str, keep_default_na=False)
    else:
        from humsec.voice.export import read_text_csv

        log = read_text_csv(path)  # empty files, other encodings and ragged lines: one clear error
    log.attrs["source"] = path.name
    return log


def _dates(log: pd.DataFrame, col: str, where: str, required: bool) -> pd.Series:
    text = log[col].astype(str).str.strip()
    dates = pd.to_datetime(text, errors="coerce", format="mixed")
    bad = dates.isna() & ((text != "") | required)
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        raise DataError(
            f"{where}, column {col!r}: expected a date (YYYY-MM-DD), found {text.iloc[rows[0]]!r} at "
            f"{describe_rows(rows)}."
        )
    return dates


def summarise_feedback(
    log: pd.DataFrame,
    framework: pd.DataFrame,
    *,
    over: Sequence[str] = (),
    period: str | None = None,
    min_n: int = 5,
) -> pd.DataFrame:
    """Counts and shares by theme (the framework's category), overall and by each ``over`` column and
    period (``M`` month, ``Q`` quarter, ``Y`` year), with loops closed and days to close."""
    where = log.attrs.get("source", "the feedback log")
    for col in ("date", "code"):
        if col not in log.columns:
            raise ColumnNotFoundError([col], list(log.columns), where)
    missing = [c for c in over if c not in log.columns]
    if missing:
        raise ColumnNotFoundError(missing, list(log.columns), where)
    if period not in (None, "M", "Q", "Y"):
        raise HumsecError(
            f"period must be M, Q or Y (month, quarter, year). Got {period!r} instead."
        )
    if log.empty:
        raise DataError(f"{where}: no feedback items (a header and no rows); nothing to summarise.")
    codes = log["code"].astype(str).str.strip()
    by_id = framework.set_index("code_id")
    by_name = framework.drop_duplicates("code").set_index("code")
    known = codes.isin(by_id.index) | codes.isin(by_name.index)
    if not known.all():
        rows = np.flatnonzero(~known.to_numpy())
        raise DataError(
            f"{where}, column 'code': {len(set(codes[~known]))} code(s) not in the coding framework, e.g. "
            f"{codes.iloc[rows[0]]!r} at {describe_rows(rows)}."
        )
    meta = pd.DataFrame(
        [by_id.loc[c] if c in by_id.index else by_name.loc[c] for c in codes]
    ).reset_index(drop=True)
    sensitive = meta["sensitive"].astype(bool).to_numpy()
    theme = np.where(sensitive, SENSITIVE_THEME, meta["category"].to_numpy())
    date = _dates(log, "date", where, required=True).reset_index(drop=True)
    status = (
        log["status"].astype(str).str.strip().str.lower().reset_index(drop=True)
        if "status" in log.columns
        else pd.Series([""] * len(log))
    )
    bad = ~status.isin([*STATUSES, ""])
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        raise DataError(
            f"{where}, column 'status': expected one of {', '.join(STATUSES)}, found "
            f"{status.iloc[rows[0]]!r} at {describe_rows(rows)}."
        )
    days = pd.Series(np.nan, index=date.index)
    if "date_closed" in log.columns:
        closed_on = _dates(log, "date_closed", where, required=False).reset_index(drop=True)
        days = (closed_on - date).dt.days.astype(float)
        early = (days < 0).to_numpy()
        if early.any():
            raise DataError(
                f"{where}, column 'date_closed': before the date received at "
                f"{describe_rows(np.flatnonzero(early))}."
            )
        # no status: closed when a closing date is given
        inferred = np.where(closed_on.notna().to_numpy(), "closed", "open")
        status = pd.Series(np.where(status == "", inferred, status), index=status.index, dtype=str)
    items = pd.DataFrame(
        {
            "theme": theme,
            "type": np.where(sensitive, "", meta["type"]),
            "closed": status == "closed",
        }
    )
    items["days"] = days
    groupings: list[tuple[str, pd.Series]] = [("national", pd.Series([""] * len(log)))]
    groupings += [(c, log[c].astype(str).reset_index(drop=True)) for c in over]
    if period is not None:
        groupings.append(("period", date.dt.to_period(period).astype(str)))
    out = []
    for name, values in groupings:
        for group in sorted(values.unique()):
            member = (values == group).to_numpy()
            sub = items[member]
            total = len(sub)
            for (th, ty), cell in sub.groupby(["theme", "type"], sort=True):
                out.append(
                    {
                        "over": name,
                        "group": group,
                        "theme": th,
                        "type": ty,
                        "n": len(cell),
                        "share": len(cell) / total,
                        "n_total": total,
                        "share_closed": cell["closed"].mean(),
                        "median_days_to_close": cell["days"].median(),
                    }
                )
    table = pd.DataFrame(out)
    small, total_hidden = _suppression(table, min_n)
    primary = (table["n"] < min_n).to_numpy()
    # the vocabulary of humsec.core.disclosure (whose minimum rule this strengthens, see _suppression)
    table["sdc_status"] = np.select([primary, small], ["suppressed", "secondary"], "ok")
    table["sdc_reason"] = np.select(
        [primary, small],
        [f"n < {min_n}", "complement of a suppressed cell (over, group)"],
        "",
    )
    # n, share and the closing figures of a small cell could identify the people who wrote in
    table["n"] = table["n"].astype("Int64").mask(small)
    table["n_total"] = table["n_total"].astype("Int64").mask(total_hidden)
    for col in ("share", "share_closed", "median_days_to_close"):
        table[col] = table[col].mask(small)
    table.attrs["notes"] = [
        f"{int(sensitive.sum())} sensitive item(s) counted under {SENSITIVE_THEME!r}, never listed",
        f"{int(small.sum())} cell(s) suppressed: fewer than {min_n} items, or hiding such a cell "
        "from subtraction (the group's total less the cells shown)",
        f"{int((status == 'open').sum())} of {len(log)} item(s) open",
    ]
    return table


def _suppression(table: pd.DataFrame, min_n: int) -> tuple[np.ndarray, np.ndarray]:
    """Which cells to blank and which groups' totals to blank.

    A cell under ``min_n`` is blanked (primary suppression). Counts add up two ways: within a group
    (one ``over`` value: its themes sum to the group's total) and across the groups of one grouping
    (a theme's groups sum to its national count). In either set a blanked cell would come back by
    subtraction, so the smallest cells shown are blanked too until every set with a blanked cell has
    at least two, adding up to ``min_n`` or more, or is blanked whole (secondary suppression); a group
    whose cells all together stay under ``min_n`` has its total blanked as well. This is stronger
    than the minimum rule of :func:`humsec.core.disclosure.apply_disclosure_control` (no set with
    exactly one blanked cell), under which two blanked cells of 1 item each would come back as
    "2 together, so 1 each". Like it, it protects set by set: it does not solve the whole linked
    cell-suppression problem.

    >>> t = pd.DataFrame({"over": ["national"] * 3, "group": [""] * 3, "theme": list("xyz"),
    ...                   "n": [7, 5, 2], "n_total": [14] * 3})
    >>> cells, totals = _suppression(t, 5)
    >>> cells.tolist(), totals.tolist()
    ([False, True, True], [False, False, False])
    """
    n = table["n"].to_numpy()
    small = n < min_n
    within = [
        np.asarray(cells, dtype=np.int64)
        for cells in table.groupby(["over", "group"], sort=False).indices.values()
    ]
    sets = list(within)
    overs, themes = table["over"].to_numpy(), table["theme"].to_numpy()
    national = np.flatnonzero(overs == "national")
    national_of = dict(zip(themes[national], national, strict=True))
    cross: dict[tuple[str, str], list[int]] = {}
    for i, (over, theme) in enumerate(zip(overs, themes, strict=True)):
        if over != "national":
            cross.setdefault((over, theme), []).append(i)
    sets += [np.array([*cells, national_of[theme]]) for (_, theme), cells in cross.items()]
    # the groups' totals add up to the national total in each grouping: (group cells, their total)
    totals = table["n_total"].to_numpy()
    groupings = [
        [(cells, int(totals[cells[0]])) for cells in within if overs[cells[0]] == over]
        for over in dict.fromkeys(overs)
        if over != "national"
    ]
    total_hidden = np.zeros(len(table), dtype=bool)

    def too_few(hidden_sizes: list[int], everything: bool) -> bool:
        return (
            bool(hidden_sizes)
            and not everything
            and (len(hidden_sizes) < 2 or sum(hidden_sizes) < min_n)
        )

    changed = True
    while changed:
        changed = False
        for cells in sets:
            hidden = small[cells]
            if too_few(list(n[cells][hidden]), bool(hidden.all())):
                shown = cells[~hidden]
                small[shown[np.argmin(n[shown])]] = True  # the smallest cell shown
                changed = True
        for cells in within:
            # a group whose cells together stay under min_n: its total would give them back
            if small[cells].all() and n[cells].sum() < min_n and not total_hidden[cells].all():
                total_hidden[cells] = True
                changed = True
        for groups in groupings:
            hidden_totals = [total for cells, total in groups if total_hidden[cells[0]]]
            if too_few(hidden_totals, len(hidden_totals) == len(groups)):
                # the national total less the others' totals would give it back: the smallest
                # group shown loses its total, and its cells (which would add up to it)
                cells = min((g for g in groups if not total_hidden[g[0][0]]), key=lambda g: g[1])[0]
                total_hidden[cells] = True
                small[cells] = True
                changed = True
    return small, total_hidden
