"""Spreadsheet-safe exports: a cell of user text that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is read as a formula by Excel, LibreOffice and Google Sheets (CSV injection;
``=HYPERLINK(...)`` became a live formula in the XLSX). Every CSV and Excel file the platform
serves goes through :func:`neutralise`, which prefixes such text with an apostrophe (OWASP's
advice: the cell shows the text as typed); numbers are left alone.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# xlsxwriter would otherwise turn '=...' strings into formulas and 'http...' into links itself
XLSX_OPTIONS = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}


def safe_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run.

    >>> safe_cell('=HYPERLINK("http://x","y")'), safe_cell("-1 km"), safe_cell(-1.5), safe_cell("water")
    ('\\'=HYPERLINK("http://x","y")', "'-1 km", -1.5, 'water')
    """
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell made safe (:func:`safe_cell`); headers too.

    Every column that is not numeric is checked: pandas 3 stores text as its own ``str`` dtype,
    not ``object``, and a check on ``object`` alone let formulas through.

    >>> neutralise(pd.DataFrame({"a": ["=1+1", "ok"], "n": [-1, 2]})).to_dict("list")
    {'a': ["'=1+1", 'ok'], 'n': [-1, 2]}
    """
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_datetime64_any_dtype(out[column])):
            out[column] = out[column].astype(object).map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out
