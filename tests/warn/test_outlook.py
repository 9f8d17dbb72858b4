"""The early-warning outlook of the review: one row per unit, a hand-checkable benchmark, errors."""

from __future__ import annotations

import pandas as pd
import pytest

from humsec.core.errors import SpecError
from humsec.warn.models import review_outlook

MONTHS = pd.period_range("2019-01", "2020-12", freq="M").astype(str)
PANEL = pd.concat(
    [
        pd.DataFrame({"unit": "Kenya", "month": MONTHS, "fatalities": [0, 40] * 12}),
        pd.DataFrame({"unit": "Uganda", "month": MONTHS, "fatalities": 0}),
    ]
)


def test_outlook_with_the_12_month_history_by_hand():
    out = review_outlook({"data": PANEL, "horizon": 2, "model": "hist_12", "threshold": 25}, {})
    kenya = out.set_index("unit").loc["Kenya"]
    assert kenya["row_id"] == "ew:Kenya" and kenya["last_12m"] == 240
    # hist_12: the last 12 months are the members (six 0s, six 40s) for every month ahead
    assert kenya["forecast_mean"] == pytest.approx(2 * 20.0)
    assert kenya["p_any_max"] == 0.5 and kenya["p_25plus_max"] == 0.5
    assert out.set_index("unit").loc["Uganda", "p_any_max"] == 0
    assert list(out["unit"]) == ["Kenya", "Uganda"]  # most fatalities expected first


def test_outlook_errors_name_the_field():
    with pytest.raises(SpecError, match=r"Kenia.*did you mean Kenya"):
        review_outlook({"data": PANEL, "units": ["Kenia"], "model": "hist_12"}, {})
    with pytest.raises(SpecError, match="unknown keys"):
        review_outlook({"data": PANEL, "horizn": 3}, {})


def test_a_country_is_suggested_by_its_iso_code_not_its_spelling():
    # UCDP names: "DR Congo (Zaire)" (COD) and "Congo" (COG); difflib alone suggested "Congo"
    panel = pd.concat(
        [
            pd.DataFrame({"unit": u, "month": MONTHS, "fatalities": 0})
            for u in ("Congo", "DR Congo (Zaire)")
        ]
    )
    with pytest.raises(SpecError, match=r"DR Congo \(did you mean DR Congo \(Zaire\)\?\)"):
        review_outlook({"data": panel, "units": ["DR Congo"], "model": "hist_12"}, {})


def test_the_outlook_says_what_it_fits_when_progress_is_asked_for(capsys):
    import io

    import pandas as pd

    from humsec.core.progress import Lines
    from humsec.warn.outlook import review_outlook

    months = pd.period_range("2018-01", "2020-12", freq="M").astype(str)
    panel = pd.DataFrame({"unit": "A", "month": months, "fatalities": [0, 3] * 18})
    config = {"data": panel, "horizon": 3, "model": "hist_12"}
    review_outlook(config, {})
    assert capsys.readouterr().err == ""  # silent by default
    out = io.StringIO()
    with Lines(out):
        review_outlook(config, {})
    assert "early-warning outlook: hist_12 on 1 units × 36 months, 3 months ahead" in out.getvalue()
