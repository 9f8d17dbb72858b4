"""Text and workbook pieces that the Fay-Herriot and BHF results share.

Both results print the same coefficient table and shrinkage line and write the same three-sheet
workbook; one copy here keeps the two outputs in step.

>>> import pandas as pd
>>> coefs = pd.DataFrame({"term": ["x"], "estimate": [1.0], "se": [0.5], "z": [2.0], "p_value": [0.0455]})
>>> print("\\n".join(coefficient_lines(coefs)))  # doctest: +NORMALIZE_WHITESPACE
  term                         estimate           se        z        p
  x                                   1          0.5    2.000   0.0455
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.write import write_atomic

__all__ = ["coefficient_lines", "gamma_line", "html_pre", "write_model_workbook"]


def coefficient_lines(coefficients: pd.DataFrame) -> list[str]:
    """The header and one line a term: estimate, se, z and p."""
    width = max([24, *(len(str(term)) for term in coefficients["term"])])
    lines = [f"  {'term':<{width}} {'estimate':>12} {'se':>12} {'z':>8} {'p':>8}"]
    for _, r in coefficients.iterrows():
        lines.append(
            f"  {r['term']:<{width}} {r['estimate']:>12.6g} {r['se']:>12.6g} {r['z']:>8.3f} {r['p_value']:>8.4f}"
        )
    return lines


def gamma_line(in_sample: pd.DataFrame) -> str:
    """Median and range of the shrinkage factor over the areas with a direct estimate."""
    g = in_sample["gamma"]
    return f"  shrinkage gamma: median {g.median():.3f} (range {g.min():.3f}-{g.max():.3f})"


def html_pre(text: str) -> str:
    """``text`` as an escaped ``<pre>`` block (the notebook view)."""
    return "<pre>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</pre>"


def write_model_workbook(
    path: str | Path,
    *,
    estimates: pd.DataFrame,
    coefficients: pd.DataFrame,
    model: Iterable[tuple[str, Any]],
    params: Mapping[str, Any],
    notes: Iterable[str],
) -> Path:
    """Sheets estimates, coefficients and model (fields, parameters, notes); text never read as a formula."""

    def write(tmp: Path) -> None:
        options = {"options": {"strings_to_formulas": False}}
        with pd.ExcelWriter(tmp, engine="xlsxwriter", engine_kwargs=options) as xl:
            estimates.to_excel(xl, sheet_name="estimates", index=False)
            coefficients.to_excel(xl, sheet_name="coefficients", index=False)
            rows = list(model)
            rows += [(k, str(v)) for k, v in params.items()]
            rows += [("note", n) for n in notes]
            pd.DataFrame(rows, columns=["field", "value"]).to_excel(
                xl, sheet_name="model", index=False
            )

    return write_atomic(Path(path), write)
