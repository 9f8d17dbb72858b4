"""Reliability of perception indices: Cronbach's alpha and McDonald's omega (one factor) against R psych
(tests/golden/voice_talafar/make_reliability.R beside reliability.csv), all interviews and per round, a
hand-worked example and the identities of the one-factor model as property tests."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.core.errors import HumsecError
from humsec.voice import Export, read_export, read_form
from humsec.voice.indicators import PerceptionIndicators
from humsec.voice.reliability import cronbach_alpha, mcdonald_omega, one_factor_loadings

GOLDEN = Path(__file__).parents[1] / "golden" / "voice_talafar"
DATA = Path(__file__).parents[3] / "shared" / "data" / "talafar_water_perception_2021"


@pytest.fixture(scope="module")
def talafar() -> Export:
    if not DATA.exists():
        pytest.skip("../shared/data/talafar_water_perception_2021 is absent")
    form = read_form(DATA / "cleaningtools_survey.csv")
    export = read_export(DATA / "cleaningtools_clean_data.csv.gz", form)
    # one survey round: two stand-in rounds by interview date, as make_reliability.R
    main = export.main.assign(
        round=np.where(export.main["date_assessment"] < "2021-07-10", "1", "2")
    )
    return Export(main, export.repeats, form, export.source, export.notes)


def test_alpha_and_omega_per_round_match_psych(talafar: Export) -> None:
    result = PerceptionIndicators(GOLDEN / "indicators.yaml", round="round").fit(talafar)
    ours = result.reliability.set_index("round")
    ref = pd.read_csv(GOLDEN / "reliability.csv", keep_default_na=False, dtype={"round": str})
    assert len(ref) == 3  # all rounds, round 1, round 2
    ref = ref.set_index("round")
    assert list(ours.index) == list(ref.index)
    assert (ours["n"] == ref["n"]).all()
    # alpha is closed form; psych fits omega's factor by optim (L-BFGS-B), converged to about 1e-8
    np.testing.assert_allclose(ours["alpha"], ref["alpha"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours["omega"], ref["omega"], rtol=0, atol=1e-6)
    assert "omega 0.767" in str(result)


def test_round_column_must_exist_and_be_filled(talafar: Export) -> None:
    with pytest.raises(HumsecError, match="wave"):
        PerceptionIndicators(GOLDEN / "indicators.yaml", round="wave").fit(talafar)
    main = talafar.main.copy()
    main.loc[3, "round"] = ""
    broken = Export(main, talafar.repeats, talafar.form, talafar.source)
    with pytest.raises(HumsecError, match=r"column 'round'.*row 4"):
        PerceptionIndicators(GOLDEN / "indicators.yaml", round="round").fit(broken)


def test_hand_worked_example() -> None:
    # R: psych::alpha(x)$total$raw_alpha = 0.931818182, psych::omega(x, 1)$omega.tot = 0.941240405
    x = np.array([[1, 2, 1], [2, 3, 3], [3, 3, 2], [4, 5, 5], [2, 2, 3.0]])
    assert cronbach_alpha(x) == pytest.approx(0.931818181818, abs=1e-11)
    assert mcdonald_omega(x) == pytest.approx(0.941240405159, abs=1e-7)
    # by hand: three items, one factor fits the three correlations exactly: l_i l_j = r_ij
    r = np.corrcoef(x, rowvar=False)
    lam = np.sqrt(
        [r[0, 1] * r[0, 2] / r[1, 2], r[0, 1] * r[1, 2] / r[0, 2], r[0, 2] * r[1, 2] / r[0, 1]]
    )
    np.testing.assert_allclose(one_factor_loadings(r), lam, atol=1e-10)
    assert mcdonald_omega(x) == pytest.approx((r.sum() - (1 - lam**2).sum()) / r.sum(), abs=1e-12)


def test_omega_undefined_cases_are_nan_with_a_reason() -> None:
    rng = np.random.default_rng(1)
    assert np.isnan(mcdonald_omega(rng.normal(size=(20, 2))))  # two items: not identified
    constant = np.column_stack([rng.normal(size=20), rng.normal(size=20), np.ones(20)])
    assert np.isnan(mcdonald_omega(constant))
    from humsec.voice.reliability import reliability_rows

    rows = reliability_rows("i", rng.normal(size=(10, 2)), np.ones(10, dtype=bool), None)
    assert "at least 3 items" in rows[0]["note"]
    # an item turned the wrong way loads against the others, and the row says so
    f = rng.normal(size=300)
    items = np.column_stack([f + rng.normal(size=300) * 0.5 for _ in range(3)] + [-f])
    rows = reliability_rows("i", items, np.ones(300, dtype=bool), None, ["a", "b", "c", "reversed"])
    assert "reversed load against the others" in rows[0]["note"]
    # omega reverses it first (psych's flip = TRUE): the same as with the item turned round
    turned = items * np.array([1, 1, 1, -1])
    assert rows[0]["omega"] == pytest.approx(mcdonald_omega(turned), abs=1e-9)
    assert rows[0]["alpha"] < cronbach_alpha(turned)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.2, 0.95), min_size=3, max_size=8))
def test_exact_one_factor_matrix_gives_back_its_loadings(lam_list: list[float]) -> None:
    lam = np.array(lam_list)
    corr = np.outer(lam, lam)
    np.fill_diagonal(corr, 1.0)
    np.testing.assert_allclose(one_factor_loadings(corr), lam, atol=1e-7)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.5, 0.95), min_size=3, max_size=8), st.integers(0, 10_000))
def test_omega_is_invariant_to_item_order_and_scale(lam_list: list[float], seed: int) -> None:
    # items of one factor with loadings >= 0.5 (so that sample correlations stay positive)
    rng = np.random.default_rng(seed)
    lam = np.array(lam_list)
    f = rng.normal(size=500)
    x = f[:, None] * lam + rng.normal(size=(500, len(lam))) * np.sqrt(1 - lam**2)
    omega = mcdonald_omega(x)
    order = rng.permutation(len(lam))
    scale = rng.uniform(0.5, 5, size=len(lam))
    assert mcdonald_omega(x[:, order] * scale + 3) == pytest.approx(omega, abs=1e-7)
    assert cronbach_alpha(x[:, order] + 3) == pytest.approx(cronbach_alpha(x), abs=1e-12)
    assert 0 < omega <= 1


def test_cli_round_option_writes_reliability_per_round(talafar: Export, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from humsec.cli.main import app

    data = tmp_path / "rounds.csv"
    talafar.main.to_csv(data, index=False)
    out = tmp_path / "ind.csv"
    args = ["voice", "indicators", str(DATA / "cleaningtools_survey.csv"), str(data),
            "--spec", str(GOLDEN / "indicators.yaml"), "--out", str(out)]  # fmt: skip
    res = CliRunner().invoke(app, [*args, "--round", "round"])
    assert res.exit_code == 0, res.output
    written = pd.read_csv(
        tmp_path / "ind_reliability.csv", keep_default_na=False, dtype={"round": str}
    )
    ref = pd.read_csv(GOLDEN / "reliability.csv", keep_default_na=False, dtype={"round": str})
    assert written["round"].tolist() == ref["round"].tolist()
    np.testing.assert_allclose(written["omega"], ref["omega"], rtol=0, atol=1e-6)
    bad = CliRunner().invoke(app, [*args, "--round", "wave"])
    assert bad.exit_code == 2 and "'wave'" in bad.output
