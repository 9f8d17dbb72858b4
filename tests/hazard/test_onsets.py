"""Outbreak onset benchmarks by hand, and on the cholera list (2010-2019, test 2018-2019)."""

from __future__ import annotations

import pandas as pd
import pytest

from humsec.hazard.onsets import onset_forecasts, onset_panel, onset_scores
from humsec.hazard.outbreaks import read_outbreaks
from tests.hazard.conftest import CHOLERA, shared


def test_benchmarks_by_hand():
    # area a: onsets in May 2016 and May 2017 (training), test year 2018
    ob = pd.DataFrame({"area_id": ["k::a::1", "k::a::2", "k::b::1"],
                       "start": pd.to_datetime(["2016-05-03", "2017-05-20", "2018-02-01"])})  # fmt: skip
    panel = onset_panel(ob, level=1, first="2016-01", last="2018-12")
    assert len(panel) == 2 * 36 and int(panel["onset"].sum()) == 3
    f = onset_forecasts(panel, test_from="2018-01", prior_months=12, prior_years=2)
    overall = 2 / 48  # 2 onsets in 2 areas x 24 training months
    base_a = (2 + 12 * overall) / (24 + 12)
    base_b = (0 + 12 * overall) / (24 + 12)
    may_a = (2 + 2 * base_a) / (2 + 2)
    jan_a = (0 + 2 * base_a) / (2 + 2)
    got = f.set_index(["area_id", f["month"].astype(str)])
    assert got.loc[("k::a", "2018-05"), "p_base_rate"] == pytest.approx(base_a)
    assert got.loc[("k::a", "2018-05"), "p_seasonal"] == pytest.approx(may_a)
    assert got.loc[("k::a", "2018-01"), "p_seasonal"] == pytest.approx(jan_a)
    assert got.loc[("k::b", "2018-02"), "p_base_rate"] == pytest.approx(base_b)
    s = onset_scores(f).set_index(["model", "metric"])["value"]
    y = f["onset"].astype(float)
    assert s[("seasonal", "brier_onset")] == pytest.approx(((f["p_seasonal"] - y) ** 2).mean())
    # one onset (b, Feb 2018) against 23 non-onsets: below a's 12 months, tied with b's other 11
    assert s[("base_rate", "auc_onset")] == pytest.approx((0 * 12 + 0.5 * 11) / 23)


def test_coverage_drops_months_without_data():
    ob = pd.DataFrame({"area_id": ["k::a"], "start": pd.to_datetime(["2016-05-03"])})
    cov = pd.DataFrame(
        {"country": ["K", "K"], "month": ["2016-04", "2016-05"], "has_data": ["no", "yes"]}
    )
    panel = onset_panel(ob, level=1, first="2016-04", last="2016-06", coverage=cov)
    assert panel["month"].astype(str).tolist() == ["2016-05"]  # April: no data; June: not listed


def test_cholera_admin1_test_2018_2019_quoted_in_docs():
    ob = read_outbreaks(shared(CHOLERA)).frame
    heat = pd.read_csv(shared(CHOLERA.with_name("heatmap_data.csv.gz")))
    cov = heat.rename(columns={"year_month": "month"})
    panel = onset_panel(ob, level=1, first="2010-01", last="2019-12", coverage=cov)
    f = onset_forecasts(panel, test_from="2018-01")
    assert (len(f), int(f["onset"].sum())) == (2469, 63)
    s = onset_scores(f).set_index(["model", "metric"])["value"].round(3).to_dict()
    assert s == {("base_rate", "brier_onset"): 0.027, ("base_rate", "auc_onset"): 0.634,
                 ("seasonal", "brier_onset"): 0.032, ("seasonal", "auc_onset"): 0.636}  # fmt: skip
    # admin 2: outbreaks move between districts, so past frequency ranks worse than chance
    panel2 = onset_panel(ob, level=2, first="2010-01", last="2019-12", coverage=cov)
    s2 = onset_scores(onset_forecasts(panel2, test_from="2018-01")).set_index(["model", "metric"])
    assert round(s2.loc[("base_rate", "auc_onset"), "value"], 3) == 0.440
    assert round(s2.loc[("seasonal", "auc_onset"), "value"], 3) == 0.454
