"""``humsec sae fh`` and ``humsec sae direct``: outputs, and bad input as one clear error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_milk"
OUT_COLUMNS = [
    "area",
    "direct",
    "direct_se",
    "estimate",
    "mse",
    "ci_low",
    "ci_high",
    "gamma",
    "in_sample",
]


@pytest.fixture
def milk_file(tmp_path: Path) -> Path:
    milk = pd.read_csv(GOLDEN / "milk.csv")
    milk["var"] = milk["SD"] ** 2
    milk["pop"] = 100 * milk["ni"]
    milk.loc[milk["SmallArea"] == 43, ["yi", "var"]] = np.nan  # one area out of sample
    path = tmp_path / "milk areas.csv"
    milk.to_csv(path, index=False)
    return path


def _fh(path: Path, out: Path, *extra: str) -> object:
    args = ["sae", "fh", str(path), "--formula", "yi ~ C(MajorArea)", "--variance", "var"]
    return runner.invoke(app, [*args, "--area", "SmallArea", "--out", str(out), *extra])


def test_fh_writes_the_estimates_table(milk_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "est.csv"
    res = _fh(milk_file, out, "--method", "ml")
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out)
    assert t.columns[: len(OUT_COLUMNS)].tolist() == OUT_COLUMNS
    assert len(t) == 43 and t["in_sample"].sum() == 42
    assert t["ci_low"].notna().all() and (t["ci_low"] < t["estimate"]).all()
    assert (
        "Fay-Herriot EBLUP (ML)" in res.output
        and "1 area(s) without a direct estimate" in res.output
    )


def test_fh_excel_and_benchmark(milk_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "est.xlsx"
    res = _fh(milk_file, out, "--benchmark", "1.0", "--population", "pop")
    assert res.exit_code == 0, res.output
    book = pd.read_excel(out, sheet_name=None)
    assert set(book) == {"estimates", "coefficients", "model"}
    t, pop = book["estimates"], pd.read_csv(milk_file)["pop"]
    assert float((t["estimate"] * pop).sum() / pop.sum()) == pytest.approx(1.0)
    assert "benchmarked (ratio" in res.output


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d.assign(SmallArea=d["SmallArea"].where(d.index != 3, 1)),
            "areas are repeated (1) in rows 1, 4",
        ),
        (
            lambda d: d.assign(var=d["var"].where(d.index != 6, -0.1)),
            "'var' of {path}: the sampling variance must be a finite number > 0",
        ),
        (
            lambda d: d.assign(MajorArea=d["MajorArea"].where(d.index != 9)),
            "Covariate column 'MajorArea' of {path} is empty for row 10 (area 10)",
        ),
        (lambda d: d.assign(z=2 * d["ni"]), "collinear"),
    ],
)
def test_fh_bad_input_is_one_clear_error(
    milk_file: Path, tmp_path: Path, edit, message: str
) -> None:
    d = edit(pd.read_csv(milk_file))
    d.to_csv(milk_file, index=False)
    out = tmp_path / "est.csv"
    extra = ["--formula", "yi ~ ni + z"] if "z" in d.columns else []
    res = _fh(milk_file, out, *extra)
    assert res.exit_code == 2
    assert message.format(path=milk_file) in " ".join(res.output.split())
    assert not out.exists()  # nothing written


def test_direct_command(tmp_path: Path) -> None:
    survey = pd.DataFrame({"area": ["a"] * 4 + ["b"] * 3 + ["c"], "y": [1, 0, 1, 0, 0, 1, 1, 1],
                           "w": [1.0, 2.0, 1.0, 1.0, 1.0, 2.0, 3.0, 1.0]})  # fmt: skip
    path, out = tmp_path / "survey.csv", tmp_path / "direct.csv"
    survey.to_csv(path, index=False)
    res = runner.invoke(app, ["sae", "direct", str(path), "--variable", "y", "--area", "area",
                              "--weight", "w", "--small", "gvf", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 2 and "GVF needs at least 3 areas" in res.output
    res = runner.invoke(app, ["sae", "direct", str(path), "--variable", "y", "--area", "area",
                              "--weight", "w", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out)
    assert t.columns.tolist() == ["area", "estimate", "variance", "n", "variance_source"]
    assert t.set_index("area").loc["c", "variance_source"] == "deff"
    assert "note: 1 area(s) with n <= 1" in res.output


def test_fh_with_proximity_is_the_spatial_model(tmp_path: Path) -> None:
    golden = GOLDEN.parent / "sae_grapes"
    data = pd.read_csv(golden / "grapes.csv", skipinitialspace=True)
    trip = pd.read_csv(golden / "grapesprox.csv", skipinitialspace=True)
    W = np.zeros((len(data), len(data)))
    W[trip["row"] - 1, trip["col"] - 1] = trip["w"]
    ids = data["id"].astype(str)
    prox = pd.DataFrame(W, index=pd.Index(ids, name="id"), columns=ids)
    data_path, prox_path, out = tmp_path / "g.csv", tmp_path / "w.csv", tmp_path / "est.csv"
    data.to_csv(data_path, index=False)
    prox.iloc[::-1].to_csv(prox_path)  # rows in another order: matched by name
    args = ["sae", "fh", str(data_path), "--formula", "grapehect ~ area + workdays - 1"]
    args += ["--variance", "var", "--area", "id", "--proximity", str(prox_path), "--out", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    ref = pd.read_csv(golden / "estimates.csv", skipinitialspace=True).query("method == 'REML'")
    np.testing.assert_allclose(pd.read_csv(out)["estimate"], ref["eblup"], atol=1e-6)
    assert "Spatial Fay-Herriot EBLUP (REML)" in res.output and "rho 0.61427" in res.output
    prox.rename(index={"5": "five"}).to_csv(prox_path)
    res = runner.invoke(app, args)
    assert (
        res.exit_code == 2 and "only in the matrix: ['five']; only in the data: ['5']" in res.output
    )


def test_direct_af_headcount_per_region(tmp_path: Path, syn_cdta: pd.DataFrame) -> None:
    import humsec

    spec = Path(humsec.datasets.__file__).parent / "data" / "syn_cdta_spec.yaml"
    path, out = tmp_path / "round1.csv", tmp_path / "h.csv"
    syn_cdta.to_csv(path, index=False)
    args = ["sae", "direct", str(path), "--spec", str(spec), "--k", "33", "--area", "region"]
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 2 and "several rounds" in res.output  # two rounds: choose one
    args += ["--time", "1"]
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out)
    assert len(t) == 20 and (t["variance"] > 0).all() and (t["variance_source"] == "design").all()
    assert t["estimate"].between(0, 1).all()
    res = runner.invoke(app, [*args, "--weight", "weight", "--out", str(out)])
    assert res.exit_code == 2 and "design comes from the specification" in res.output


def test_fh_spatial_from_boundaries_with_map(tmp_path: Path) -> None:
    import importlib.util

    example = GOLDEN.parents[1].parent / "examples" / "sae_kenya_counties.py"
    spec = importlib.util.spec_from_file_location("sae_kenya_counties", example)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path, out, png = tmp_path / "ken.csv", tmp_path / "est.csv", tmp_path / "map.png"
    module.county_table().to_csv(path, index=False)
    formula = "poverty ~ " + " + ".join(module.COVARIATES)
    args = ["sae", "fh", str(path), "--formula", formula, "--variance", "var_assumed"]
    args += ["--area", "adm1_name", "--boundaries", "KEN-adm1", "--out", str(out)]
    res = runner.invoke(app, [*args, "--spatial", "--map", str(png)])
    assert res.exit_code == 0, res.output
    assert "Spatial Fay-Herriot EBLUP (REML)" in res.output and "rho -0.396837" in res.output
    assert "contiguity of 47 areas" in " ".join(res.output.split())
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert len(pd.read_csv(out)) == 47
    bad = module.county_table()
    bad.loc[0, "adm1_name"] = "Mombasa City"
    bad.to_csv(path, index=False)
    res = runner.invoke(app, [*args, "--spatial"])
    assert res.exit_code == 2
    assert "'Mombasa City' (nearest: Mombasa" in " ".join(res.output.split())
