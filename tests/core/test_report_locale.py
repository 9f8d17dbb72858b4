"""Numbers and charts in the report's language: CLDR number formats (checked by hand against the
CLDR patterns: French groups with a narrow no-break space and puts a no-break space before %,
Spanish groups with a dot, Arabic keeps Latin digits) and charts mirrored for right-to-left readers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from humsec.core.charts import bar_with_ci, mirror_for_rtl, to_svg
from humsec.core.i18n import LANGUAGES, format_number, translator, using
from humsec.review.base import fmt_value


@pytest.mark.parametrize(("code", "value", "how", "expected"), [
    ("en", 0.2346, "pct", "23.5%"), ("fr", 0.2346, "pct", "23,5\xa0%"), ("es", 0.2346, "pct", "23,5\xa0%"),
    ("ar", 0.2346, "pct", "23.5%"), ("fr", 12.25, "pct100", "12,2\xa0%"), ("fr", 2.675, "f2", "2,67"),
    ("en", 1234567, "int", "1,234,567"), ("fr", 1234567, "int", "1\u202f234\u202f567"), ("es", 1234567, "int", "1.234.567"),
    ("es", 1234, "int", "1.234"),
    ("fr", -0.1234, "f3", "-0,123"), ("ar", -0.1234, "f3", "-0.123"), ("es", 0.5, "f2", "0,50"),
])  # fmt: skip
def test_numbers_follow_each_language(code: str, value: float, how: str, expected: str) -> None:
    assert format_number(value, how, code) == expected


def test_percentage_points_carry_the_languages_unit() -> None:
    assert translator("en").number(-0.012, "pp") == "−1.2 pp"
    assert translator("fr").number(0.012, "pp") == "+1,2\xa0p.p."
    assert translator("ar").number(-0.012, "pp") == "−1.2\xa0نقطة مئوية"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.sampled_from(["f1", "f2", "f3", "int"]),
       st.sampled_from(["fr", "es", "ar"]))  # fmt: skip
def test_a_number_reads_back_to_the_english_value(value: float, how: str, code: str) -> None:
    """Whatever the language, the digits are the English ones: only the signs differ."""
    symbols = {"fr": ("\u202f", ","), "es": (".", ","), "ar": (",", ".")}[code]
    shown = format_number(value, how, code).replace(symbols[0], "").replace(symbols[1], ".")
    assert shown == format_number(value, how, "en").replace(",", "")


def test_the_report_formats_numbers_in_its_language() -> None:
    assert fmt_value(0.5, "pct") == "50.0%"  # outside a review: English
    with using(translator("fr")):
        assert fmt_value(0.5, "pct") == "50,0\xa0%" and fmt_value(None, "pct") == ""
    assert fmt_value(0.5, "pct") == "50.0%"  # the language ends with the block


def _chart() -> alt.LayerChart:
    d = pd.DataFrame({"group": ["a", "b"], "estimate": [0.2, 0.3], "ci_low": [0.1, 0.2], "ci_high": [0.3, 0.4],
                      "round": ["1", "1"]})  # fmt: skip
    return bar_with_ci(d, "group", "M0", "M0")


def test_right_to_left_charts_are_mirrored_in_every_layer() -> None:
    spec = mirror_for_rtl(_chart().to_dict())
    for layer in spec["layer"]:
        assert layer["encoding"]["x"]["scale"]["reverse"] is True  # bars and intervals grow leftwards
        assert layer["encoding"]["y"]["axis"]["orient"] == "right"
    assert {"text": "M0", "anchor": "end"} in [layer.get("title") for layer in spec["layer"]]  # titles read from the right
    assert mirror_for_rtl(mirror_for_rtl(_chart().to_dict()))["layer"][0]["encoding"]["x"]["scale"]["reverse"] is False
    assert _chart().to_dict()["layer"][0]["encoding"]["x"].get("scale") is None  # the chart itself is unchanged


def test_time_axes_and_maps_are_not_mirrored() -> None:
    years = alt.Chart(pd.DataFrame({"year": [2020, 2021], "usd": [1, 2]})).mark_line().encode(x="year:Q", y="usd:Q")
    dates = alt.Chart(pd.DataFrame({"t": ["2020-01-01"], "v": [1]})).mark_line().encode(x="t:T", y="v:Q")
    for chart in (years, dates):
        assert "scale" not in mirror_for_rtl(chart.to_dict())["encoding"]["x"]
    shape = {"mark": "geoshape", "encoding": {"color": {"field": "v", "type": "quantitative"}}}
    assert "x" not in mirror_for_rtl(shape)["encoding"]


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_charts_write_numbers_as_the_language_does(code: str) -> None:
    bars = alt.Chart(pd.DataFrame({"v": [0.255], "c": ["a"]})).mark_bar().encode(
        x=alt.X("v:Q", axis=alt.Axis(format=".1%")), y="c:N")  # fmt: skip
    svg = to_svg(bars, code)
    assert {"fr": "25,0", "es": "25,0", "ar": "25.0"}[code] in svg
    assert "25,0" not in to_svg(bars)
