"""Choosing settings on validation years: nothing from the test year on is read, the scores are those
of the backtest, the choice follows the stated rule, model files are checked, and the CLI."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import DataError, SpecError
from humsec.warn.models import Benchmark, PooledGBM, QuantileGBM
from humsec.warn.scores import backtest
from humsec.warn.tune import (
    COMPARED,
    TARGETS,
    TUNABLE,
    load_model_config,
    save_model_config,
    tune,
)

from .conftest import simulated_panel

GRID = [
    {"n_estimators": 15, "max_rows": 4000, "min_child_samples": 20},
    {"n_estimators": 15, "max_rows": 4000, "min_child_samples": 20, "num_leaves": 4},
]


def test_nothing_from_the_year_to_forecast_on_is_read():
    panel = simulated_panel(years=7)  # 2015..2021
    o = panel.month_position("2019-12")
    values = panel.values.copy()
    values[:, o + 1 :] = np.random.default_rng(3).integers(0, 10_000, values[:, o + 1 :].shape)
    a = tune(panel, before=2020, years=2, grid=GRID)
    b = tune(dataclasses.replace(panel, values=values), before=2020, years=2, grid=GRID)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert a.best == b.best and a.years == (2018, 2019)


def test_units_first_named_from_the_year_to_forecast_on_do_not_count():
    """A long file or an event list names a unit once it has data: units that appear only from
    ``before`` on must not enter the validation scores or the training rows."""
    from humsec.warn.monthly_panel import MonthlyPanel

    long = simulated_panel(years=7).to_long()
    later = pd.DataFrame(
        {"unit": [f"NEW{i}" for i in range(12)], "month": "2020-06", "fatalities": 40.0}
    )
    a = tune(MonthlyPanel.from_long(long), before=2020, years=2, grid=GRID)
    b = tune(MonthlyPanel.from_long(pd.concat([long, later])), before=2020, years=2, grid=GRID)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    # ... while the same units named before the cut do count
    earlier = later.assign(month="2017-06")
    c = tune(MonthlyPanel.from_long(pd.concat([long, earlier])), before=2020, years=2, grid=GRID)
    assert not np.allclose(a.scores["value"], c.scores["value"])


def test_scores_are_the_backtests_and_the_choice_follows_the_rule():
    panel = simulated_panel(years=7)
    result = tune(panel, before=2021, years=2, grid=GRID)
    s = result.scores.set_index(["candidate", "year", "metric"])["value"]
    for year in result.years:  # an independent path: the backtest of the same models
        bt = backtest(panel, year, ["no_change", "hist_12", "hist_24", QuantileGBM(**GRID[1]),
                                    PooledGBM(QuantileGBM(**GRID[1]))]).scores  # fmt: skip
        got = bt.set_index(["model", "metric"])["value"]
        for candidate, model in [("hist_12", "hist_12"), ("hist_24", "hist_24"), ("2:lgbm_quantile", "lgbm_quantile"),
                                 ("2:lgbm_pool", "lgbm_pool")]:  # fmt: skip
            for metric in ("MAE", "CRPS", "CRPS_log1p"):
                assert s[(candidate, year, metric)] == pytest.approx(
                    got[(model, metric)], rel=1e-12
                )
    # the rule, recomputed from the scores: most comparisons won, then the lowest mean CRPS_log1p
    wide = result.scores.pivot_table(index=["candidate", "year"], columns="metric", values="value")
    gbm = [c for c in wide.index.get_level_values(0).unique() if "lgbm" in c]
    won = {
        c: sum(
            wide.loc[(c, y), m] < wide.loc[(b, y), m]
            for y in result.years
            for b in COMPARED
            for m in TARGETS
        )
        for c in gbm
    }
    key = {c: (-won[c], wide.loc[c, "CRPS_log1p"].mean()) for c in gbm}
    best = min(gbm, key=lambda c: key[c])
    summary = result.ranking.set_index("candidate")
    assert summary.loc[best, "chosen"] and summary["chosen"].sum() == 1
    assert summary.loc[best, "won"] == won[best] and summary.loc[best, "of"] == 2 * 3 * 2
    entry = GRID[int(best.split(":")[0]) - 1]
    pinned = QuantileGBM(
        **entry
    )  # the file pins every tunable option, the entry's and the defaults
    assert result.best["model"] == best.split(":")[1]
    assert result.best["options"] == {
        k: getattr(pinned, k) for k in TUNABLE if getattr(pinned, k) is not None
    }


def test_too_little_history_and_bad_grids_are_clear_errors():
    panel = simulated_panel(years=3)  # 2015..2017
    with pytest.raises(DataError, match="Validation year 2015 needs"):
        tune(panel, before=2018, years=3, grid=GRID)
    with pytest.raises(DataError, match=r"Validation year 2026 needs months 2026-01\.\.2026-12"):
        tune(panel, before=2030, grid=GRID)
    with pytest.raises(DataError, match="starts after 2009-12"):
        tune(panel, before=2010, grid=GRID)
    with pytest.raises(SpecError) as err:
        tune(panel, before=2018, grid=[{"trees": 5}, {"num_leaves": 2.5}, {"learning_rate": -1}])
    text = str(err.value)
    assert (
        "grid entry 1: trees" in text
        and "grid entry 2: num_leaves" in text
        and "grid entry 3" in text
    )
    bad = [
        {"seed": -1},
        {"n_estimators": float("inf")},
        {"learning_rate": float("nan")},
        {"learning_rate": 2},
    ]
    with pytest.raises(SpecError) as err:
        tune(panel, before=2018, grid=bad)
    fields = [p[0] for p in err.value.problems]
    assert fields == ["grid entry 1: seed", "grid entry 2: n_estimators", "grid entry 3: learning_rate",
                      "grid entry 4: learning_rate"]  # fmt: skip
    five = simulated_panel(years=5)  # 2015..2019
    with pytest.raises(
        DataError, match=r"Validation year 2016 has 12 months .* \(3 reach back to 2016\)"
    ):
        tune(five, before=2019, years=3, grid=GRID)
    with pytest.raises(
        DataError, match="Grid entry 1, validation year 2018: The panel has 36 months"
    ):
        tune(five, before=2019, years=1, grid=[{**GRID[0], "min_history": 40}])


def test_model_files_round_trip_and_are_checked(tmp_path: Path):
    good = tmp_path / "best.yaml"
    save_model_config(
        {"model": "lgbm_pool", "options": {"num_leaves": 15}}, good, note="chosen on 2019-2022"
    )
    assert good.read_text().startswith("# chosen on 2019-2022\n")
    assert load_model_config(good) == ("lgbm_pool", {"num_leaves": 15})
    bad = {
        "model: gbm\n": "expected one of",
        "model: hist_12\noptions: {num_leaves: 15}\n": "takes no options",
        "model: lgbm_pool\noptions: {leaves: 15}\n": "unknown option",
        "model: lgbm_pool\nextra: 1\n": "unknown key",
        "- 1\n": "expected a mapping",
        "model: lgbm_pool\noptions: []\n": "expected a mapping of options",
        "model: lgbm_pool\noptions: {seed: -1}\n": "expected an integer ≥ 0",
    }
    for text, message in bad.items():
        path = tmp_path / "bad.yaml"
        path.write_text(text)
        with pytest.raises(SpecError, match=message):
            load_model_config(path)
    assert set(TUNABLE) <= {f.name for f in dataclasses.fields(QuantileGBM)}


def test_cli_tune_then_forecast_with_the_model_file(tmp_path: Path):
    panel = simulated_panel(years=7)
    long = pd.DataFrame(
        {
            "unit": np.repeat(panel.units, panel.n_months),
            "month": np.tile(panel.months.strftime("%Y-%m"), len(panel.units)),
            "fatalities": panel.values.ravel(),
        }
    )
    long.to_csv(tmp_path / "p.csv", index=False)
    (tmp_path / "grid.yaml").write_text("\n".join(f"- {g}" for g in GRID).replace("'", ""))
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["warn", "tune", str(tmp_path / "p.csv"), "--before", "2021", "--years", "2", "--grid",
         str(tmp_path / "grid.yaml"), "--out", str(tmp_path / "t.csv"), "--save-config", str(tmp_path / "m.yaml")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "chosen on 2019–2020" in res.output and "model file written" in res.output
    scores = pd.read_csv(tmp_path / "t.csv")
    assert set(scores["year"]) == {2019, 2020} and {"hist_12", "1:lgbm_pool"} <= set(
        scores["candidate"]
    )
    name, options = load_model_config(tmp_path / "m.yaml")
    res = runner.invoke(
        app, ["warn", "forecast", str(tmp_path / "p.csv"), "--config", str(tmp_path / "m.yaml"), "--horizon", "3",
              "--out", str(tmp_path / "f.csv")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    got = pd.read_csv(tmp_path / "f.csv")
    from humsec.warn.models import make_forecaster

    model = make_forecaster(name, **options)
    model.horizon = 3
    want = model.fit(panel).predict(3).to_frame()
    np.testing.assert_allclose(got["q50"], want["q50"], rtol=1e-6)
    model_file = ["--config", str(tmp_path / "m.yaml")]
    clash = runner.invoke(app, ["warn", "forecast", str(tmp_path / "p.csv"), *model_file, "--model", "hist_24",
                                "--out", str(tmp_path / "f2.csv")])  # fmt: skip
    assert clash.exit_code == 2 and "contradicts the model file m.yaml" in clash.output
    trees = runner.invoke(app, ["warn", "alerts", str(tmp_path / "p.csv"), *model_file, "--trees", "5",
                                "--out", str(tmp_path / "a.csv")])  # fmt: skip
    assert trees.exit_code == 2 and "leave --trees out" in trees.output
    bt = runner.invoke(app, ["warn", "backtest", str(tmp_path / "p.csv"), "--test-year", "2021", *model_file,
                             "--model", "hist_12", "--model", "lgbm_quantile", "--out", str(tmp_path / "b.csv")])  # fmt: skip
    assert bt.exit_code == 0, bt.output
    assert set(pd.read_csv(tmp_path / "b.csv")["model"]) == {
        "hist_12",
        name,
    }  # the file's model, once
    res = runner.invoke(
        app, ["warn", "tune", str(tmp_path / "p.csv"), "--before", "2021", "--grid", str(tmp_path / "p.csv"),
              "--out", str(tmp_path / "t2.csv")],
    )  # fmt: skip
    assert res.exit_code == 2 and "expected a non-empty list of option mappings" in res.output


def test_benchmarks_in_tune_are_the_benchmarks():
    panel = simulated_panel(years=5)
    result = tune(panel, before=2019, years=1, grid=GRID[:1])
    train = panel.up_to("2017-12")
    hist = Benchmark("hist_12").fit(train).predict(12).members
    y = panel.values[:, panel.month_position("2018-01") : panel.month_position("2018-12") + 1]
    crps = result.scores.set_index(["candidate", "metric"])["value"][("hist_12", "MAE")]
    assert crps == pytest.approx(np.abs(y - np.median(hist, axis=2)).mean())


def test_tune_reports_its_progress_to_the_entered_progress():
    import io

    import numpy as np
    import pandas as pd

    from humsec.core.progress import Lines
    from humsec.warn.monthly_panel import MonthlyPanel
    from humsec.warn.tune import tune

    rng = np.random.default_rng(0)
    panel = MonthlyPanel(tuple("ABCDEF"), pd.Period("2010-01", "M"), rng.poisson(3.0, (6, 120)).astype(float))
    out = io.StringIO()
    with Lines(out, every=0.0):
        tune(panel, before=2019, years=2, grid=[{"n_estimators": 3, "min_child_samples": 5}] * 2)
    text = out.getvalue()
    assert "tune: 2 setting(s) × 2 validation year(s): 4/4 2018, setting 2" in text
    assert "tune: 2 setting(s) × 2 validation year(s): done in" in text
