"""Survey units of a unit-level model: outcome, model matrix and area, checked (BHF and EBP share it).

Rows with an empty outcome are left out with a note (as R's ``na.omit``); every other problem is
one :class:`~humsec.core.errors.DataError` naming the file, the column and the 1-based data rows.

>>> import pandas as pd
>>> units = survey_units("y ~ x", "area", pd.DataFrame({"area": list("aabb"), "y": [1.0, None, 3.0, 2.0],
...                                                     "x": [0.0, 1.0, 2.0, 5.0]}), None)
>>> units.terms, units.y.tolist(), units.area.tolist()
(['Intercept', 'x'], [1.0, 3.0, 2.0], ['a', 'b', 'b'])
>>> units.notes
["1 survey row(s) with an empty 'y' left out of the fit (row 2)."]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError
from humsec.sae.fay_herriot import _check_rank, _rows, _values

__all__ = ["SurveyUnits", "area_labels", "census_matrix", "survey_units"]


def area_labels(
    values: pd.Series, column: str, source: str | None, notes: list[str]
) -> np.ndarray:
    """Area labels as text, comparable across files: whole numbers read as floats (``5.0``, from a
    column with empty cells) become ``5``; surrounding spaces are removed with a note and labels
    differing only by case are refused (:func:`humsec.core.checks.clean_labels`, run on the distinct
    labels so that millions of census units cost little; rows named are 1-based data rows)."""
    from humsec.core.checks import clean_labels

    if pd.api.types.is_float_dtype(values) and bool((values.dropna() % 1 == 0).all()):
        values = values.astype("Int64")
    text = values.astype(str)
    codes, uniques = pd.factorize(text)
    first = pd.Series(np.arange(len(codes))).groupby(codes).min().to_numpy()
    cleaned, more = clean_labels(
        pd.Series(uniques), column=column, source=source, rows=[int(i) + 1 for i in first]
    )
    notes += more
    return cleaned.to_numpy(dtype=object)[codes].astype(str)


@dataclass(frozen=True)
class SurveyUnits:
    """The kept survey units: outcome ``y``, model matrix ``X`` (columns ``terms``), area labels."""

    y: np.ndarray
    X: np.ndarray
    terms: list[str]
    area: np.ndarray
    outcome: str
    spec: Any  # formulaic ModelSpec of the right side: the census is coded with the same columns
    notes: list[str]
    rows: np.ndarray  # 0-based rows of the input that were kept (to name rows in later errors)


def survey_units(
    formula_text: str, area: str, survey: pd.DataFrame, source: str | None
) -> SurveyUnits:
    """Read outcome, covariates and area from one row per survey unit (see the module docstring)."""
    import formulaic

    units = survey.reset_index(drop=True)
    where = f" of {source}" if source else ""
    formula = formulaic.Formula(formula_text)
    lhs = sorted(formula.lhs.required_variables)
    rhs = sorted(formula.rhs.required_variables)
    missing = [c for c in dict.fromkeys([*lhs, *rhs, area]) if c not in units.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in units.columns], source)
    if len(lhs) != 1:
        raise HumsecError(
            f"The formula {formula_text!r} must have one outcome column on its left side."
        )
    notes: list[str] = []
    y = pd.to_numeric(units[lhs[0]], errors="coerce").to_numpy(dtype=float)
    text = ~np.isfinite(y) & units[lhs[0]].notna().to_numpy()
    if text.any():
        raise DataError(
            f"Column {lhs[0]!r}{where}: expected numbers; {_rows(text, None)} have {_values(units[lhs[0]], text)}."
        )
    keep = np.isfinite(y)
    if (~keep).any():
        notes.append(
            f"{int((~keep).sum())} survey row(s) with an empty {lhs[0]!r} left out of the fit ({_rows(~keep, None)})."
        )
    for name in [*rhs, area]:
        gap = units[name].isna().to_numpy() & keep
        if gap.any():
            raise DataError(
                f"Column {name!r}{where} is empty in {_rows(gap, None)}: every survey unit needs it."
            )
    units = units[keep].reset_index(drop=True)
    try:
        X_frame = formulaic.model_matrix(formula.rhs, units)
    except Exception as exc:  # formulaic names the term; we add the file
        raise DataError(
            f"The formula {formula_text!r} cannot be evaluated on the columns{where}: {exc}"
        ) from exc
    terms = [str(c) for c in X_frame.columns]
    X = np.asarray(X_frame, dtype=float)
    bad = ~np.isfinite(X).all(axis=1)
    if bad.any():
        raise DataError(
            f"The covariates{where} are not finite numbers (inf, or text) in {_rows(bad, None)} of the kept survey rows."
        )
    _check_rank(X, terms, f" in the survey{where}", len(X))
    return SurveyUnits(
        y=y[keep],
        X=X,
        terms=terms,
        area=area_labels(units[area], area, source, notes),
        outcome=lhs[0],
        spec=X_frame.model_spec,
        notes=notes,
        rows=np.flatnonzero(keep),
    )


def census_matrix(
    units: SurveyUnits, census: pd.DataFrame, area: str, source: str | None, notes: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The census units' area labels and model matrix, coded exactly as the survey's (same columns).

    An area or covariate that is empty, text or infinite is an error naming the rows; a factor level
    that the survey does not have is an error from the formula library, with the file added.
    """
    where = f" of {source}" if source else ""
    census = census.reset_index(drop=True)
    needed = [area, *sorted(units.spec.required_variables)]
    missing = [c for c in dict.fromkeys(needed) if c not in census.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in census.columns], source)
    for name in needed:
        gap = census[name].isna().to_numpy()
        if gap.any():
            raise DataError(
                f"Column {name!r}{where} is empty in {_rows(gap, None)}: every census unit needs it."
            )
    try:
        X = np.asarray(units.spec.get_model_matrix(census), dtype=float)
    except Exception as exc:
        raise DataError(
            f"The model's covariates cannot be computed on the census{where}: {exc}"
        ) from exc
    bad = ~np.isfinite(X).all(axis=1)
    if bad.any():
        raise DataError(
            f"The covariates{where} are not finite numbers (inf, or text) in {_rows(bad, None)}."
        )
    return area_labels(census[area], area, source, notes), X
