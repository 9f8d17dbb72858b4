"""Check the P-codes of a hazard table against a COD gazetteer: unknown codes listed, nearest names.

The gazetteer is OCHA's global P-code list (columns ``P-Code`` and ``Name``; ``Location`` and
``Admin Level`` used where present), as a frame or a CSV path.

>>> import pandas as pd
>>> gaz = pd.DataFrame({"P-Code": ["KE023", "KE008"], "Name": ["Turkana", "Wajir"]})
>>> t = pd.DataFrame({"pcode": ["KE023", "KE099"], "area": ["Turkana", "Wajr"]})
>>> unknown_pcodes(t, gaz)
["'KE099' (Wajr; nearest names: Wajir = KE008)"]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from humsec.core.areas import nearest_names
from humsec.core.errors import DataError
from humsec.hazard._files import read_text_table, require_columns, source_name

__all__ = ["check_pcodes", "unknown_pcodes"]


def unknown_pcodes(frame: pd.DataFrame, gazetteer: Any) -> list[str]:
    """One line per P-code of ``frame`` that the gazetteer lacks, with the nearest gazetteer names."""
    source = source_name(gazetteer)
    gaz = read_text_table(gazetteer, source=source)
    require_columns(gaz, ["P-Code", "Name"], source)
    codes = set(gaz["P-Code"].dropna())
    used = frame.dropna(subset=["pcode"]).drop_duplicates("pcode")
    lines = []
    for code, area in zip(used["pcode"], used["area"], strict=True):
        if code in codes:
            continue
        pool = gaz
        if len(str(code)) >= 2:  # the same country's names: P-codes start with its ISO2 code
            pool = gaz[gaz["P-Code"].str[:2] == str(code)[:2]]
        by_name = dict(zip(pool["Name"], pool["P-Code"], strict=True))
        near = nearest_names(str(area), list(by_name))
        hint = f"; nearest names: {', '.join(f'{n} = {by_name[n]}' for n in near)}" if near else ""
        lines.append(f"{code!r} ({area}{hint})")
    return lines


def check_pcodes(frame: pd.DataFrame, gazetteer: Any, *, strict: bool = False) -> list[str]:
    """Notes on unknown P-codes (or a :class:`DataError` listing them when ``strict``)."""
    lines = unknown_pcodes(frame, gazetteer)
    if not lines:
        return []
    text = f"{len(lines)} P-codes not in {source_name(gazetteer)}: " + "; ".join(lines[:10])
    if strict:
        raise DataError(text + ("" if len(lines) <= 10 else f" and {len(lines) - 10} more") + ".")
    return [text + (" ..." if len(lines) > 10 else "") + " (kept)"]
