"""The result of a :class:`~humsec.voice.VoiceTabulator` fit: one row per question × option × group.

Columns (declared once in ``TabulationResult.COLUMNS``): ``question, type, option, over, group,
estimate, se, ci_low, ci_high, n, n_selected, base, question_label, option_label``; shares are 0-1,
``over = national`` with an empty ``group`` is the whole sample, ``n`` is the unweighted base (asked
and answered) and ``n_selected`` the unweighted count choosing the option.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from humsec.inference import logit_ci
from humsec.io.write import write_atomic

__all__ = ["TabulationResult"]


class TabulationResult:
    """Weighted shares with SEs and CIs; ``notes`` say what was left out, assumed or repaired."""

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
    )

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        params: dict[str, Any],
        notes: list[str],
        level: float,
        source: str,
        df: float = 1e9,
    ) -> None:
        self._table = table.reset_index(drop=True)
        self.params = dict(params)
        self.notes = tuple(notes)
        self.level = level
        self.source = source
        self.df = df  # design degrees of freedom (PSUs - strata) of the intervals

    def to_frame(self) -> pd.DataFrame:
        """The tidy table (a copy)."""
        return self._table.copy()

    def conf_int(self, level: float) -> pd.DataFrame:
        """The table with logit intervals at another level (same design df as the fit)."""
        out = self.to_frame()
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1). Got {level!r} instead.")
        lo, hi = logit_ci(
            out["estimate"].to_numpy(float), out["se"].to_numpy(float), self.df, level
        )
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

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(self.summary()) + "</pre>"

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
