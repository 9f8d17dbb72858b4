"""Design weights from a sampling frame: the frame's population per stratum (or cluster) joined to the
interviews, each interview weighted ``population / interviews`` of its frame unit (expansion weights,
the inverse of the probability of selection under simple random sampling within the unit).

Data rows whose key is not in the frame are an error naming the column, the values and the rows; frame
units without interviews are reported (their population is not represented).

>>> import pandas as pd
>>> frame = pd.DataFrame({"stratum": ["A", "B"], "pop": [1000, 500]})
>>> data = pd.DataFrame({"stratum": ["A", "A", "B", "A"]})
>>> w, notes = frame_weights(data, frame, keys=["stratum"], population="pop")
>>> w.round(2).tolist()
[333.33, 333.33, 500.0, 333.33]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DesignError, HumsecError, describe_rows
from humsec.voice.export import Export

__all__ = ["FRAME_WEIGHT", "frame_weights", "read_frame", "with_frame_weights"]

#: the column the frame's weights are written to in the export's main table
FRAME_WEIGHT = "_frame_weight"


def read_frame(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """A sampling frame from CSV or Excel (``sheet``: the Excel sheet, default the first), as text."""
    path = Path(path)
    if not path.exists():
        raise HumsecError(f"Sampling frame {str(path)!r} does not exist.")
    if path.suffix.lower() in (".xlsx", ".xls"):
        sheets = pd.ExcelFile(path).sheet_names
        if sheet is not None and sheet not in sheets:
            raise HumsecError(
                f"Sampling frame {path.name}: no sheet {sheet!r} (sheets: {', '.join(map(str, sheets))})."
            )
        frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False)
    elif path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        raise HumsecError(f"Sampling frame {path.name}: expected .csv, .xlsx or .xls.")
    frame.attrs["source"] = path.name + (f", sheet {sheet!r}" if sheet else "")
    return frame


def frame_weights(
    data: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    keys: Sequence[str],
    population: str,
    source: str = "data.csv",
) -> tuple[pd.Series, list[str]]:
    """Expansion weights ``population / interviews`` per frame unit, and notes."""
    where = frame.attrs.get("source", "the sampling frame")
    keys = list(keys)
    if not keys:
        raise HumsecError("The sampling frame needs at least one key column (e.g. the stratum).")
    missing = [c for c in [*keys, population] if c not in frame.columns]
    if missing:
        raise ColumnNotFoundError(missing, list(frame.columns), where)
    missing = [c for c in keys if c not in data.columns]
    if missing:
        raise ColumnNotFoundError(missing, list(data.columns), source)
    frame_key = frame[keys].astype(str).agg("\x1f".join, axis=1)
    dup = frame_key.duplicated(keep=False).to_numpy()
    if dup.any():
        raise DesignError(
            f"{where}, column(s) {', '.join(keys)}: the same unit appears more than once at "
            f"{describe_rows(np.flatnonzero(dup))}."
        )
    pop = pd.to_numeric(frame[population].astype(str).str.replace(",", ""), errors="coerce")
    bad = ~(pop > 0).to_numpy()
    if bad.any():
        raise DesignError(
            f"{where}, column {population!r}: expected a positive population, found "
            f"{frame[population].iloc[np.flatnonzero(bad)[0]]!r} at {describe_rows(np.flatnonzero(bad))}."
        )
    data_key = data[keys].astype(str).agg("\x1f".join, axis=1)
    unmatched = ~data_key.isin(set(frame_key)).to_numpy()
    if unmatched.any():
        values = sorted(set(data_key[unmatched].str.replace("\x1f", " / ")))
        raise DesignError(
            f"{source}, column(s) {', '.join(keys)}: {len(values)} value(s) not in the sampling frame "
            f"{where}: {', '.join(values[:10])} (at {describe_rows(np.flatnonzero(unmatched))})."
        )
    notes = []
    empty = ~frame_key.isin(set(data_key)).to_numpy()
    if empty.any():
        notes.append(
            f"{where}: {int(empty.sum())} frame unit(s) without interviews, their population "
            f"({pop[empty].sum():g}) not represented: "
            + ", ".join(frame_key[empty].str.replace("\x1f", " / ").head(10))
        )
    interviews = data_key.map(data_key.value_counts())
    weights = data_key.map(dict(zip(frame_key, pop, strict=True))) / interviews
    notes.append(
        f"weights from the sampling frame {where}: {population} / interviews per "
        f"{' × '.join(keys)} ({int((~empty).sum())} unit(s))"
    )
    return weights.astype(np.float64), notes


def with_frame_weights(
    export: Export, frame: pd.DataFrame, *, keys: Sequence[str], population: str
) -> Export:
    """The export with the frame's weights in column ``_frame_weight`` of its main table."""
    weights, notes = frame_weights(
        export.main, frame, keys=keys, population=population, source=export.source
    )
    main = export.main.assign(**{FRAME_WEIGHT: weights.map(repr)})
    return replace(export, main=main, notes=(*export.notes, *notes))
