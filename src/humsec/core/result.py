"""What every humsec result has in common: notes, named tables, a summary, and its printed forms.

A result is what an engine's ``fit`` returns (the statsmodels/linearmodels habit): the parameters
it was made with, the tables it computed (:meth:`ResultBase.to_frame`), the notes on what was
dropped, assumed or smoothed (:attr:`ResultBase.notes`), and a plain-text :meth:`summary` from
which ``str()`` and the notebook's HTML view are drawn, so the three never disagree.
``humsec.testing.check_result`` checks these conventions for every result class.

>>> import pandas as pd
>>> class Counts(ResultBase):
...     tables = ("counts",)
...     def __init__(self):
...         self.notes = ["2 rows without a region were dropped"]
...     def _frame(self, table):
...         return pd.DataFrame({"region": ["A", "B"], "n": [3, 4]})
...     def summary(self):
...         return "Counts by region\\n" + self.to_frame().to_string(index=False)
>>> print(Counts())
Counts by region
region  n
     A  3
     B  4
>>> Counts().to_frame("totals")
Traceback (most recent call last):
...
ValueError: Counts has no table 'totals'; its tables are: 'counts'.
"""

from __future__ import annotations

import html
from typing import Any, ClassVar

import pandas as pd

__all__ = ["ResultBase"]


class ResultBase:
    """Base of every result: ``notes``, ``to_frame(table)``, ``summary()``, ``str``/HTML from it.

    Subclasses declare :attr:`tables` (the first is the default), implement ``_frame(table)``
    returning a pandas frame and ``summary()``, and set ``self.notes`` (a list of sentences).
    """

    #: names :meth:`to_frame` accepts; the first is the default table
    tables: ClassVar[tuple[str, ...]] = ()
    notes: list[str]

    def to_frame(self, table: str | None = None, *, backend: str | None = None) -> Any:
        """One of the result's tables as a tidy frame, in the input's dataframe library (the
        ``backend`` attribute, pandas by default) or the one ``backend`` names."""
        name = self.tables[0] if table is None else table
        if name not in self.tables:
            listed = ", ".join(repr(t) for t in self.tables)
            msg = f"{type(self).__name__} has no table {name!r}; its tables are: {listed}."
            raise ValueError(msg)
        frame = self._frame(name)
        backend = str(backend or getattr(self, "backend", "pandas"))
        if backend == "pandas":
            return frame
        from humsec.core.frames import from_pandas

        return from_pandas(frame, backend)

    def _frame(self, table: str) -> pd.DataFrame:
        raise NotImplementedError

    def summary(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"
