"""Text label columns (groups, rounds, strata, PSUs) as integer codes and their distinct labels.

A census file's region column holds tens of millions of cells but a few distinct texts. Read from
Parquet as an Arrow dictionary, it arrives as codes and a short dictionary; turning it into one
Python string per person (and hashing them again to factorise) was the largest cost in time and
memory of a ``humsec af`` run with text groups (docs/af.md, "Speed"). :class:`LabelCodes` carries
the codes through the checks instead, and :meth:`LabelCodes.factorize` numbers them exactly as
``pd.factorize`` numbers the decoded texts (first appearance, or sorted), so every downstream
number is the same.

>>> import numpy as np
>>> labels = LabelCodes(np.array([2, 0, -1, 2], dtype=np.int32), np.array(["a", "b", "c"], dtype=object))
>>> codes, uniques = labels.factorize()
>>> codes.tolist(), uniques.tolist()
([0, 1, -1, 0], ['c', 'a'])
>>> labels.factorize(sort=True)[0].tolist()
[1, 0, -1, 1]
>>> labels.decode().tolist()
['c', 'a', None, 'c']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humsec.af._kernels import first_seen_codes

__all__ = ["LabelCodes"]


@dataclass(frozen=True)
class LabelCodes:
    """Per-row codes into ``values`` (−1 = missing); ``values`` may hold unused or missing entries."""

    codes: np.ndarray  # (n,) int32
    values: np.ndarray  # (m,) object: the dictionary

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, rows: np.ndarray) -> LabelCodes:
        return LabelCodes(self.codes[rows], self.values)

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(object)  # what the decoded column would be

    def decode(self) -> np.ndarray:
        """One label per row (None where missing): the slow form, for the rare paths only."""
        values = np.empty(len(self.values) + 1, dtype=object)
        values[:-1] = self.values
        values[-1] = None  # code −1 -> None
        return values[self.codes]

    def factorize(self, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Codes (−1 = missing) and the labels present, numbered as ``pd.factorize`` numbers the
        decoded column: in order of first appearance, or in sorted order with ``sort``."""
        codes = self.codes
        missing = np.array([_is_missing(v) for v in self.values], dtype=bool)
        if missing.any():  # a missing entry in the dictionary is a missing label
            remap = np.where(missing, -1, np.arange(len(self.values))).astype(np.int32)
            codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1).astype(np.int32)
        new, order = first_seen_codes(np.asarray(codes, dtype=np.int32), len(self.values))
        uniques = self.values[order]
        if sort and len(uniques) > 1:
            ranked = np.argsort(uniques, kind="stable")
            if (ranked != np.arange(len(ranked))).any():
                position = np.empty(len(ranked), dtype=np.int32)
                position[ranked] = np.arange(len(ranked), dtype=np.int32)
                new = np.where(new >= 0, position[np.maximum(new, 0)], -1).astype(np.int32)
                uniques = uniques[ranked]
        return new, uniques


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)
