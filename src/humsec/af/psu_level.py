"""Columns that are constant within PSUs (strata, areas, regions), taken once per PSU.

A census or survey file repeats its area columns on every person: the stratum, the region and the
district are those of the person's enumeration area (PSU). Numbering them person by person made
an int32 code array per column, tens of millions long, only to find one value per PSU (and, on a
virtual machine, the freshly touched memory of those arrays cost more than the work: docs/af.md,
"Speed"). :func:`per_psu` reads such a column once and returns one value per PSU, so the
strata, the groups and the cells are numbered over PSUs; a column that varies within a PSU
(sex, age group) returns None and is numbered person by person as before. Either way every
label, code and estimate is the same.

>>> import numpy as np
>>> psu = np.array([0, 1, 0, 1], dtype=np.int32)
>>> per_psu(np.array([7, 9, 7, 9]), psu, 2).tolist()
[7, 9]
>>> per_psu(np.array([7, 9, 8, 9]), psu, 2) is None
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from humsec.af._kernels import value_per_psu
from humsec.af.label_codes import LabelCodes

__all__ = ["per_psu"]


def per_psu(raw: Any, psu: np.ndarray, n_psu: int) -> Any:
    """Each PSU's value of a column whose persons share it within every PSU, as the same kind of
    column (numbers, or :class:`LabelCodes`) of ``n_psu`` rows; None when a PSU holds two values
    (NaN is never equal to itself, so a column with missing numbers goes the person way) or the
    column is of another kind (Python objects)."""
    if isinstance(raw, LabelCodes):
        values, ok = value_per_psu(psu, n_psu, raw.codes)
        return LabelCodes(values, raw.values) if ok else None
    if not isinstance(raw, np.ndarray) or raw.dtype.kind not in "biuf":
        return None
    values, ok = value_per_psu(psu, n_psu, raw)
    return values if ok else None
