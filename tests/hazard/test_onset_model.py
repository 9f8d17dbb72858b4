"""Outbreak-onset model: features by hand, no look-ahead, the full area universe, the cholera
scores quoted in docs/hazard.md, and the ``humsec warn outbreaks`` command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import ParameterError
from humsec.hazard.onset_model import OnsetBacktest, area_universe, onset_features
from humsec.hazard.onsets import onset_panel
from humsec.hazard.outbreaks import read_outbreaks
from tests.hazard.conftest import CHOLERA, shared

HEATMAP = CHOLERA.with_name("heatmap_data.csv.gz")


def _panel(onsets: dict[str, list[int]], n_months: int = 30, country: str = "K") -> pd.DataFrame:
    months = pd.period_range("2016-01", periods=n_months, freq="M")
    rows = [
        {"area_id": a, "country": country, "month": m, "onset": i in hits}
        for a, hits in onsets.items()
        for i, m in enumerate(months)
    ]
    return pd.DataFrame(rows)


def test_features_by_hand():
    # area a: onsets in months 0 and 12 (Jan 2016, Jan 2017); area b: month 13 (Feb 2017)
    f = onset_features(_panel({"k::a": [0, 12], "k::b": [13]}))
    a_feb17 = f.loc[("k::a", pd.Period("2017-02", "M"))]
    b_feb17 = f.loc[("k::b", pd.Period("2017-02", "M"))]
    assert np.expm1(a_feb17["log_months_since_onset"]) == pytest.approx(1.0)  # last onset Jan 2017
    assert np.expm1(b_feb17["log_months_since_onset"]) == pytest.approx(120.0)  # none before: cap
    # other areas of the country in the 3 months before Feb 2017: a's January onset, for b only
    assert np.expm1(b_feb17["country_onsets_3m"]) == pytest.approx(1.0)
    assert np.expm1(a_feb17["country_onsets_3m"]) == pytest.approx(0.0)
    # b's own rate before Feb 2017: 0 onsets in 13 months, shrunk with 12 pseudo-months to the
    # pooled rate of the 26 earlier area-months (2 onsets, +0.5 / +1 to keep it off zero)
    overall = (2 + 0.5) / (26 + 1)
    rate = (0 + 12 * overall) / (13 + 12)
    assert b_feb17["area_rate_logit"] == pytest.approx(np.log(rate / (1 - rate)))
    # January 2018, country season: Januaries 2016 and 2017 had 1 onset each in 2 areas
    jan18 = f.loc[("k::a", pd.Period("2018-01", "M")), "country_season_rate"]
    assert np.exp(jan18) == pytest.approx((2 + 0.5) / (4 + 1))


def test_features_never_use_the_month_itself_or_later():
    base = _panel({"k::a": [3, 10], "k::b": [5]})
    later = base.copy()
    later.loc[later["month"] >= pd.Period("2016-09", "M"), "onset"] = True
    f1, f2 = onset_features(base), onset_features(later)
    upto = f1.index.get_level_values("month") <= pd.Period("2016-09", "M")
    pd.testing.assert_frame_equal(f1[upto], f2[upto])


def test_test_month_outcomes_never_change_the_fit_or_the_first_forecast():
    ob = pd.DataFrame({"area_id": ["k::a::x", "k::a::y", "k::b::x", "k::c::z", "k::a::x"],
                       "start": pd.to_datetime(["2016-05-09", "2016-11-01", "2017-03-01",
                                                "2017-06-01", "2017-09-01"])})  # fmt: skip
    spec = {"test_from": "2018-01", "first": "2016-01", "last": "2018-12", "universe": "list"}
    r1 = OnsetBacktest(**spec).fit(ob)
    more = pd.concat([ob, pd.DataFrame({"area_id": ["k::b::x", "k::c::z"],
                                        "start": pd.to_datetime(["2018-01-15", "2018-06-01"])})])  # fmt: skip
    r2 = OnsetBacktest(**spec).fit(more)
    f1, f2 = r1.to_frame("forecasts"), r2.to_frame("forecasts")
    first = f1["month"] == pd.Period("2018-01", "M")
    cols = ["p_base_rate", "p_seasonal", "p_base_rate_updated", "p_onset_logit"]
    np.testing.assert_allclose(f1.loc[first, cols], f2.loc[first, cols])


def test_universe_adds_the_cod_areas_that_never_had_an_outbreak():
    listed = pd.DataFrame({"area_id": ["mwi::southern", "mwi::lilongweprovince"]})
    u, notes = area_universe(["MWI"], level=1, listed=listed)
    assert sorted(u["area_id"]) == [
        "mwi::central", "mwi::lilongweprovince", "mwi::northern", "mwi::southern"
    ]  # fmt: skip
    assert "1 of 2 listed admin-1 areas match a COD area" in notes[-1]
    ob = pd.DataFrame(
        {"area_id": ["mwi::southern::blantyre"], "start": pd.to_datetime(["2017-02-01"])}
    )
    panel = onset_panel(ob, level=1, first="2017-01", last="2017-03", areas=u)
    assert panel["area_id"].nunique() == 4 and int(panel["onset"].sum()) == 1


def test_bad_parameters_are_one_sentence_each():
    cases = [
        ({"test_from": "2018-13"}, "The 'test_from' parameter of OnsetBacktest must be a month YYYY-MM. Got '2018-13' instead."),
        ({"test_from": "2018-01", "level": 3}, "The 'level' parameter of OnsetBacktest must be one of 1, 2. Got 3 instead."),
        ({"test_from": "2018-01", "universe": "all"}, "The 'universe' parameter of OnsetBacktest must be one of 'cod', 'list'. Got 'all' instead."),
        ({"test_from": "2009-01"}, "The 'test_from' parameter of OnsetBacktest must be after 'first' (2010-01) and not after 'last' (2019-12). Got '2009-01' instead."),
    ]  # fmt: skip
    for params, message in cases:
        with pytest.raises(ParameterError) as err:
            OnsetBacktest(**params).fit(pd.DataFrame())
        assert str(err.value) == message


@pytest.fixture(scope="module")
def cholera():
    ob = read_outbreaks(shared(CHOLERA)).frame
    cov = pd.read_csv(shared(HEATMAP)).rename(columns={"year_month": "month"})
    return ob, cov


def test_cholera_scores_quoted_in_docs(cholera):
    ob, cov = cholera
    got = {}
    for level in (1, 2):
        for universe in ("cod", "list"):
            r = OnsetBacktest(test_from="2018-01", level=level, universe=universe).fit(ob, cov)
            s = r.to_frame().set_index(["model", "metric"])["value"].round(4).to_dict()
            got[(level, universe)] = s
            # the model beats both benchmarks on both scores, at both levels and universes
            for metric, better in (("brier_onset", min), ("auc_onset", max)):
                values = {m: s[(m, metric)] for m in ("base_rate", "seasonal", "onset_logit")}
                if metric == "auc_onset":  # ranks better than the monthly-updated rate too
                    values["base_rate_updated"] = s[("base_rate_updated", metric)]
                assert better(values, key=values.get) == "onset_logit", (level, universe, metric)
    assert got[(1, "cod")] == {
        ("base_rate", "brier_onset"): 0.0113, ("base_rate", "auc_onset"): 0.8203,
        ("seasonal", "brier_onset"): 0.0132, ("seasonal", "auc_onset"): 0.8101,
        ("base_rate_updated", "brier_onset"): 0.0107, ("base_rate_updated", "auc_onset"): 0.8411,
        ("onset_logit", "brier_onset"): 0.0099, ("onset_logit", "auc_onset"): 0.8792,
    }  # fmt: skip
    # the list-only panel reproduces the milestone-2 benchmark scores (2,469 test area-months)
    assert got[(1, "list")][("base_rate", "auc_onset")] == 0.6338
    assert got[(2, "list")][("onset_logit", "auc_onset")] == 0.6892
    assert got[(2, "cod")][("onset_logit", "auc_onset")] == 0.8159


def test_cli_writes_model_metric_value_n_and_refuses_bad_input(tmp_path, cholera):
    out = tmp_path / "scores.csv"
    runner = CliRunner()
    res = runner.invoke(app, ["warn", "outbreaks", str(CHOLERA), "--test-from", "2018-01",
                              "--out", str(out), "--coverage", str(HEATMAP)])  # fmt: skip
    assert res.exit_code == 0, res.output
    scores = pd.read_csv(out)
    assert list(scores.columns) == ["model", "metric", "value", "n"]
    assert set(scores["model"]) == {"base_rate", "seasonal", "base_rate_updated", "onset_logit"}
    assert set(scores["metric"]) == {"brier_onset", "auc_onset"}
    assert "COD admin-1 areas" in res.output
    bad = tmp_path / "bad.csv"
    res = runner.invoke(app, ["warn", "outbreaks", str(CHOLERA), "--test-from", "2018-13",
                              "--out", str(bad)])  # fmt: skip
    assert res.exit_code == 2 and "must be a month YYYY-MM" in res.output and not bad.exists()
    cov = tmp_path / "cov.csv"
    cov.write_text("country,month,has_data\nKEN,2018-1x,yes\n", encoding="utf-8")
    res = runner.invoke(app, ["warn", "outbreaks", str(CHOLERA), "--test-from", "2018-01",
                              "--out", str(bad), "--coverage", str(cov)])  # fmt: skip
    assert res.exit_code == 2 and "month" in res.output and "row" in res.output
    assert "Traceback" not in res.output and not bad.exists()
