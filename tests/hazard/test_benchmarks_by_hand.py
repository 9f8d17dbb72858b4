"""Persistence and the IPC projection recomputed by hand on a small table; no look-ahead."""

from __future__ import annotations

import pandas as pd
import pytest

from humsec.hazard import IPCBacktest, benchmark_forecasts, read_ipc
from tests.hazard.conftest import HAPI_IPC, KEN_LONG, shared

M = lambda s: pd.Period(s, "M")  # noqa: E731


def _row(area, ipc_type, issued, start, end, p1, p2, p3, p4=0.0):
    return {
        "country": "X",
        "level": 1,
        "area_id": area,
        "area": area,
        "pcode": area,
        "ipc_type": ipc_type,
        "issued": M(issued),
        "start": M(start),
        "end": M(end),
        "population": 100.0,
        "phase1": p1,
        "phase2": p2,
        "phase3": p3,
        "phase4": p4,
        "phase5": 0.0,
        "p3plus": p3 + p4,
        "analysis": None,
        "overall_phase": None,
    }


@pytest.fixture
def small():
    return pd.DataFrame(
        [
            # area A: crisis forecast by the projection, not by persistence; the crisis happens
            _row("A", "current", "2021-01", "2021-01", "2021-02", 70, 20, 10),
            _row("A", "first_projection", "2021-01", "2021-03", "2021-06", 40, 30, 25, 5),
            _row("A", "current", "2021-07", "2021-07", "2021-09", 50, 20, 20, 10),
            # area B: calm, the projection raises a false alarm
            _row("B", "current", "2021-01", "2021-01", "2021-02", 60, 30, 10),
            _row("B", "first_projection", "2021-01", "2021-03", "2021-06", 50, 25, 25),
            _row("B", "current", "2021-07", "2021-07", "2021-09", 60, 30, 10),
            # published after the targets: must never be used for them
            _row("A", "first_projection", "2021-07", "2021-10", "2021-12", 0, 0, 100),
        ]
    )


def test_scores_by_hand(small):
    r = IPCBacktest(test_from="2021-06", models=("persistence", "ipc_projection")).fit(small)
    # persistence: A 0.10 vs 0.30, B 0.10 vs 0.10 -> MAE 0.10; phases A 2 vs 4, B 2 vs 2
    assert r.value("persistence", "mae_p3plus_share") == pytest.approx(0.10)
    assert r.value("persistence", "rmse_p3plus_share") == pytest.approx((0.2**2 / 2) ** 0.5)
    assert r.value("persistence", "brier_crisis") == pytest.approx(0.5)  # misses A
    assert r.value("persistence", "phase_accuracy") == pytest.approx(0.5)
    assert r.value("persistence", "hit_rate") == 0.0
    # projection: A 0.30 vs 0.30, B 0.25 vs 0.10 -> MAE 0.075; phase A 4 vs 4, B 3 vs 2
    assert r.value("ipc_projection", "mae_p3plus_share") == pytest.approx(0.075)
    assert r.value("ipc_projection", "brier_crisis") == pytest.approx(0.5)  # false alarm on B
    assert r.value("ipc_projection", "phase_accuracy") == pytest.approx(0.5)
    assert r.value("ipc_projection", "hit_rate") == 1.0
    assert r.value("ipc_projection", "false_alarm_ratio") == 0.5
    assert r.value("ipc_projection", "lead_time_months") == 6.0  # published 2021-01, crisis 2021-07
    assert "ipc_projection" in str(r) and r._repr_html_().startswith("<pre>")


def test_test_from_after_every_target_is_a_clear_error(small):
    with pytest.raises(Exception, match=r"No current analysis published in or after 2022-01"):
        IPCBacktest(test_from="2022-01").fit(small)


def test_rows_published_on_or_after_the_origin_never_change_a_forecast(small):
    base = benchmark_forecasts(small, test_from=M("2021-06"))
    later = small["issued"] >= M("2021-07")
    changed = small.copy()
    # rewrite every row published at or after the targets (except the targets' own observations)
    projections = later & (changed["ipc_type"] != "current")
    changed.loc[projections, ["phase1", "phase3", "p3plus"]] = [100.0, 0.0, 0.0]
    changed = pd.concat(
        [changed, pd.DataFrame([_row("A", "current", "2021-07", "2021-05", "2021-06", 0, 0, 100)])]
    )
    again = benchmark_forecasts(changed, test_from=M("2021-06"))
    again = again[again["target_start"] == M("2021-07")].reset_index(drop=True)
    pd.testing.assert_series_equal(base["forecast_share"], again["forecast_share"])


@pytest.mark.parametrize(("path", "level"), [(KEN_LONG, None), (HAPI_IPC, 1)])
def test_real_forecasts_use_only_earlier_publications(path, level):
    f = (
        IPCBacktest(test_from="2020-01")
        .fit(read_ipc(shared(path), level=level))
        .to_frame("forecasts")
    )
    assert len(f) > 0
    assert (f["source_issued"] < f["target_issued"]).all()
    assert (f["target_issued"] >= M("2020-01")).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_row_order_never_changes_the_scores(seed):
    # unordered periods (a file sorted by area, by date or not at all) give the same scoreboard
    table = read_ipc(shared(KEN_LONG)).frame
    shuffled = table.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    models = ("persistence", "ipc_projection", "same_season", "lagged_logit")
    a = IPCBacktest(test_from="2020-01", models=models).fit(table).to_frame("scores")
    b = IPCBacktest(test_from="2020-01", models=models).fit(shuffled).to_frame("scores")
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def test_hapi_rows_in_any_order_give_the_same_scores():
    # HAPI has no analysis date: the publication month is inferred, which must not depend on order
    import io

    from humsec.hazard._files import read_text_table

    raw = read_text_table(shared(HAPI_IPC))
    shuffled = io.BytesIO(raw.sample(frac=1.0, random_state=3).to_csv(index=False).encode())
    models = ("persistence", "ipc_projection", "same_season", "lagged_logit")
    a = IPCBacktest(test_from="2022-01", models=models).fit(read_ipc(shared(HAPI_IPC), level=1))
    b = IPCBacktest(test_from="2022-01", models=models).fit(read_ipc(shuffled, level=1))
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=False, rtol=1e-12)
