"""Survey design declaration: which columns hold sampling weights, strata and PSUs.

Variance estimation follows R's ``survey`` package (``svydesign(id=~psu, strata=~stratum,
weights=~weight)``): PSUs drawn with replacement within strata, no finite-population correction,
Taylor linearisation. Subgroups and survey rounds are *domains* of this one design.

``lonely_psu`` says what to do with a stratum that has a single PSU (R's ``survey.lonely.psu``):

- ``fail`` (default, as R): raise an error naming the strata;
- ``certainty``: the stratum contributes nothing to the variance (a certainty PSU);
- ``remove``: the same as ``certainty`` for the variance (as in R; the design df is unchanged);
- ``adjust``: the PSU is centred at the grand mean of all PSU totals instead of its stratum mean
  (conservative).

``nest=True`` says PSU ids are numbered within strata (PSU 1 of stratum A is not PSU 1 of stratum B),
as R's ``svydesign(nest=TRUE)``; by default a PSU id found in two strata is an error.

>>> SurveyDesign(weight="weight", strata="stratum", psu="psu")
SurveyDesign(weight='weight', strata='stratum', psu='psu', lonely_psu='fail', nest=False)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LONELY_PSU_RULES", "SurveyDesign"]

LONELY_PSU_RULES = ("fail", "certainty", "remove", "adjust")


@dataclass(frozen=True)
class SurveyDesign:
    """Columns of the survey design. Absent weight: every person weighs 1; absent PSU: each person is
    their own PSU; absent strata: one stratum."""

    weight: str | None = None
    strata: str | None = None
    psu: str | None = None
    lonely_psu: str = "fail"
    nest: bool = False
