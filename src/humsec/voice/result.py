"""The result of a :class:`~humsec.voice.VoiceTabulator` fit: one row per question × option × group.

Columns (declared once in ``TabulationResult.COLUMNS``): ``question, type, option, over, group,
estimate, se, ci_low, ci_high, n, n_selected, base, question_label, option_label, df``; shares are 0-1,
``over = national`` with an empty ``group`` is the whole sample, ``n`` is the unweighted base (asked
and answered) and ``n_selected`` the unweighted count choosing the option; ``df`` is the design degrees of freedom
of the row's table (a repeat's differ from the main table's). Numeric questions have two rows, ``option``
``mean`` and ``median`` (``type`` integer or decimal).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special

from humsec.core.inference import logit_ci
from humsec.core.result import ResultBase
from humsec.core.write import write_atomic

__all__ = ["NUMERIC_TYPES", "TabulationResult"]

#: XLSForm question types summarised as a mean and a median (declared once)
NUMERIC_TYPES = ("integer", "decimal")


class TabulationResult(ResultBase):
    """Weighted shares with SEs and CIs; ``notes`` say what was left out, assumed or repaired."""

    tables: ClassVar[tuple[str, ...]] = ("shares",)

    COLUMNS = (
        "question",
        "type",
        "option",
        "over",
        "group",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "n_selected",
        "base",
        "question_label",
        "option_label",
        "df",
    )

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        params: dict[str, Any],
        notes: list[str],
        level: float,
        source: str,
        median_ci: Mapping[int, Callable[[float], tuple[float, float]]] | None = None,
    ) -> None:
        self._table = table.reset_index(drop=True)
        self.params = dict(params)
        self.notes = list(notes)
        self.level = level
        self.source = source
        # Woodruff intervals of medians need the data: one function of the level per median row
        self._median_ci = dict(median_ci or {})

    def _frame(self, table: str) -> pd.DataFrame:
        """The tidy table (a copy)."""
        return self._table.copy()

    def conf_int(self, level: float) -> pd.DataFrame:
        """The table with intervals at another level, each row at its own table's design df: logit for
        shares, ``estimate ± t·se`` for means, Woodruff for medians (as the fit)."""
        out = self.to_frame()
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1). Got {level!r} instead.")
        est, se, df = (out[c].to_numpy(float) for c in ("estimate", "se", "df"))
        with np.errstate(divide="ignore", invalid="ignore"):
            lo, hi = logit_ci(est, se, df, level)
        mean = (out["option"] == "mean").to_numpy() & out["type"].isin(NUMERIC_TYPES).to_numpy()
        t = special.stdtrit(df, 0.5 + level / 2)
        lo = np.where(mean, est - t * se, lo)
        hi = np.where(mean, est + t * se, hi)
        for row, interval in self._median_ci.items():
            lo[row], hi[row] = interval(level)
        out["ci_low"], out["ci_high"] = lo, hi
        return out

    def summary(self) -> str:
        """Questions, options, groups and notes in a few lines."""
        t = self._table
        lines = [
            f"Voice tabulation of {self.source}: {t['question'].nunique()} question(s), {len(t)} rows, "
            f"CIs at {self.level:.0%}",
            "design: "
            + ", ".join(f"{k}={self.params.get(k)!r}" for k in ("weight", "strata", "psu", "over")),
        ]
        national = t[t["over"] == "national"].head(10)
        for r in national.itertuples():
            lines.append(f"  {r.question} = {r.option}: {r.estimate:.3f} (se {r.se:.3f}, n {r.n})")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_csv(self, path: str | Path) -> None:
        """Write the table as CSV (atomically)."""
        write_atomic(Path(path), lambda p: self._table.to_csv(p, index=False))

    def to_excel(self, path: str | Path) -> None:
        """Write the table and the notes as two sheets of one workbook (atomically)."""

        def write(p: Path) -> None:
            with pd.ExcelWriter(p, engine="xlsxwriter") as xl:
                self._table.to_excel(xl, sheet_name="shares", index=False)
                pd.DataFrame({"note": list(self.notes)}).to_excel(
                    xl, sheet_name="notes", index=False
                )

        write_atomic(Path(path), write)
