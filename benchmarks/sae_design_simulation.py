"""Design-based simulation of district estimates (issue 14): direct AF headcounts against the
Fay-Herriot model, over many samples drawn from one synthetic population.

The population: ``--areas`` areas of ``--clusters`` clusters of ``--cluster-size`` persons, each
person drawn from round 1 of the bundled ``syn_cdta`` (15 indicators' worth of real-looking
deprivation profiles) with probability ∝ exp(θ (u_a + v_ac) z_i): z_i the person's standardised
weighted deprivation score, u_a ~ N(0, 1) an area effect and v_ac ~ N(0, 0.5²) a cluster effect, so
areas differ in poverty and persons of a cluster resemble each other. The truth of each area is its
population headcount H at k = 33 %; the area covariates are what a census would give: the
population shares deprived in electricity and in cooking fuel, with a little noise.

Each sample is stratified by area: 2, 3 or 4 clusters (chosen once per area) drawn without
replacement, every person of a drawn cluster interviewed, weight = clusters / drawn. Per sample:

* **direct**: ``humsec.AlkireFoster`` by area, design-based SEs (strata = areas, PSU = cluster),
  through :func:`humsec.sae.direct_af` (``small="gvf"`` for a zero variance);
* **FH**: :class:`humsec.sae.FayHerriot` (REML) of the direct H on the two covariates with the
  direct variances as they come;
* **FH, smoothed variances**: the same with each area's variance replaced by the design-effect model
  deff·H(1−H)/n (deff the median over areas of the direct variance over the binomial one), as a
  statistics office would smooth noisy variances from 2-4 PSUs;
* **FH, arcsine**: :class:`humsec.sae.TransformedFayHerriot` on the arcsine square-root scale with
  the effective sample size n/deff (variance 1/(4 n/deff), emdi's ``eff_smpsize``), bias-corrected
  back-transformation and a parametric-bootstrap MSE (B = 100).

Per area over the samples: relative bias, RMSE, coverage of the 95 % interval; then medians and
means over areas. Writes ``per_area.csv`` and ``summary.csv`` in ``--out`` and prints the summary.

    python benchmarks/sae_design_simulation.py --areas 120 --samples 200 --seed 1 --out docs/sae/simulation
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd

import humsec
from humsec.core.design import SurveyDesign
from humsec.sae import FayHerriot, TransformedFayHerriot, direct_af

K = 33.0
METHODS = ("direct", "fh", "fh_smoothed", "fh_arcsin")
#: bootstrap replicates of the arcsine model's MSE, per sample
BOOTSTRAP = 100


def population(areas: int, clusters: int, size: int, rng: np.random.Generator) -> pd.DataFrame:
    """The synthetic population: one row per person (indicators, area, cluster)."""
    base = humsec.datasets.load_syn_cdta()
    base = base[base["t"] == 1].dropna(subset=INDICATORS).reset_index(drop=True)
    weights = indicator_weights()
    score = base[INDICATORS].to_numpy(dtype=float) @ weights
    z = (score - score.mean()) / score.std()
    u = rng.normal(0.0, 1.0, areas)
    v = rng.normal(0.0, 0.5, (areas, clusters))
    parts = []
    for a in range(areas):
        for c in range(clusters):
            p = np.exp((u[a] + v[a, c]) * z)
            rows = rng.choice(len(base), size=size, replace=True, p=p / p.sum())
            part = base.loc[rows, INDICATORS].copy()
            part["area"] = f"A{a:03d}"
            part["cluster"] = a * clusters + c
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def indicator_weights() -> np.ndarray:
    """The nested weights of the syn_cdta specification (1/3 per dimension, equal within)."""
    spec = humsec.datasets.syn_cdta_spec()
    out = []
    for dim in spec.dimensions:
        out += [1 / 3 / len(dim.indicators)] * len(dim.indicators)
    return np.array(out)


INDICATORS = [ind.name for dim in humsec.datasets.syn_cdta_spec().dimensions for ind in dim.indicators]


def truth_and_covariates(pop: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Per area: the population headcount H at k = 33 % and the census-like covariates."""
    score = pop[INDICATORS].to_numpy(dtype=float) @ indicator_weights()
    poor = score >= K / 100 - 1e-9  # the AF identification at k = 33 % (weights sum to 1)
    out = pd.DataFrame({"area": pop["area"], "poor": poor, "elct": pop["d_elct"], "ckfl": pop["d_ckfl"]})
    table = out.groupby("area").mean()
    table["x_elct"] = table["elct"] + rng.normal(0, 0.02, len(table))
    table["x_ckfl"] = table["ckfl"] + rng.normal(0, 0.02, len(table))
    return table.rename(columns={"poor": "true_H"})[["true_H", "x_elct", "x_ckfl"]].reset_index()


def draw_sample(pop: pd.DataFrame, drawn: dict[str, int], clusters: int, rng: np.random.Generator) -> pd.DataFrame:
    """A stratified cluster sample: per area ``drawn[area]`` clusters without replacement."""
    chosen = []
    for area, n_c in drawn.items():
        first = int(area[1:]) * clusters
        chosen += list(rng.choice(np.arange(first, first + clusters), size=n_c, replace=False))
    sample = pop[pop["cluster"].isin(chosen)].copy()
    sample["weight"] = sample["area"].map({a: clusters / n for a, n in drawn.items()})
    return sample


def estimate(
    sample: pd.DataFrame, areas: pd.DataFrame, spec: humsec.AFSpec, seed: int
) -> dict[str, pd.DataFrame]:
    """Direct and model estimates (estimate, ci_low, ci_high per area) of one sample."""
    af = humsec.AlkireFoster(spec, k=[K]).fit(sample, over=["area"])
    direct = direct_af(af, area="area", measure="H", k=K, small="gvf").table
    data = direct.merge(areas[["area", "x_elct", "x_ckfl"]], on="area", validate="1:1")
    se = np.sqrt(data["variance"])
    out = {"direct": pd.DataFrame({"area": data["area"], "estimate": data["estimate"],
                                   "ci_low": data["estimate"] - 1.96 * se,
                                   "ci_high": data["estimate"] + 1.96 * se})}  # fmt: skip
    binomial = data["estimate"] * (1 - data["estimate"]) / data["n"]
    deff = float(np.median((data["variance"] / binomial)[binomial > 0]))
    smoothed = data.assign(variance=np.maximum(deff * binomial, 1e-6))
    for name, table in (("fh", data), ("fh_smoothed", smoothed)):
        fit = FayHerriot(formula="estimate ~ x_elct + x_ckfl", variance="variance", area="area").fit(table)
        t = fit.table()
        out[name] = t[["area", "estimate", "ci_low", "ci_high"]].copy()
    # on the arcsine scale the variance is 1/(4 n_eff), n_eff = n / deff (emdi's eff_smpsize)
    arcsin = TransformedFayHerriot(
        formula="estimate ~ x_elct + x_ckfl", variance="variance", area="area", transform="arcsin",
        effective_n="n_eff", bootstrap=BOOTSTRAP, seed=seed,
    ).fit(data.assign(n_eff=data["n"] / deff))  # fmt: skip
    out["fh_arcsin"] = arcsin.table()[["area", "estimate", "ci_low", "ci_high"]].copy()
    return out


def simulate(areas: int, clusters: int, size: int, samples: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    pop = population(areas, clusters, size, rng)
    truth = truth_and_covariates(pop, rng)
    drawn = dict(zip(truth["area"], rng.choice([2, 3, 4], size=len(truth)), strict=True))
    spec = dataclasses.replace(
        humsec.datasets.syn_cdta_spec(), time=None,
        design=SurveyDesign(weight="weight", strata="area", psu="cluster"),
    )  # fmt: skip
    records = []
    for s in range(samples):
        sample = draw_sample(pop, drawn, clusters, rng)
        for method, table in estimate(sample, truth, spec, seed=int(rng.integers(2**31))).items():
            records.append(table.assign(method=method, sample=s))
    est = pd.concat(records, ignore_index=True).merge(truth[["area", "true_H"]], on="area")
    est["error"] = est["estimate"] - est["true_H"]
    est["covered"] = (est["ci_low"] <= est["true_H"]) & (est["true_H"] <= est["ci_high"])
    per_area = (
        est.groupby(["method", "area"])
        .agg(true_H=("true_H", "first"), mean_error=("error", "mean"),
             mse=("error", lambda e: float(np.mean(e**2))), coverage=("covered", "mean"))
        .reset_index()
    )  # fmt: skip
    per_area["relative_bias"] = per_area["mean_error"] / per_area["true_H"]
    per_area["rmse"] = np.sqrt(per_area["mse"])
    per_area["n_sampled"] = per_area["area"].map(drawn) * size
    return per_area.drop(columns="mse"), summarise(per_area)


def summarise(per_area: pd.DataFrame) -> pd.DataFrame:
    """Medians and means over areas, per method; the RMSE ratio against the direct estimates."""
    rows = []
    direct_rmse = per_area[per_area["method"] == "direct"].set_index("area")["rmse"]
    for method in METHODS:
        m = per_area[per_area["method"] == method].set_index("area")
        rows.append({
            "method": method, "areas": len(m),
            "median_rmse": m["rmse"].median(),
            "median_rmse_vs_direct": (m["rmse"] / direct_rmse.loc[m.index]).median(),
            "median_abs_relative_bias": m["relative_bias"].abs().median(),
            "mean_coverage_95": m["coverage"].mean(),
            "min_coverage_95": m["coverage"].min(), "max_coverage_95": m["coverage"].max(),
        })  # fmt: skip
    return pd.DataFrame(rows)


LABELS = {"direct": "direct (AF, design-based SE)", "fh": "Fay-Herriot, direct variances",
          "fh_smoothed": "Fay-Herriot, smoothed variances",
          "fh_arcsin": "Fay-Herriot, arcsine scale, n / deff"}  # fmt: skip


def markdown(summary: pd.DataFrame) -> str:
    """The summary as the Markdown table docs/sae.md quotes (tests/sae/test_design_simulation.py)."""
    lines = [
        "| estimator | areas | median RMSE | median RMSE / direct | median abs. relative bias "
        "| mean coverage of 95 % CI | coverage range |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in summary.itertuples():
        lines.append(
            f"| {LABELS[str(r.method)]} | {r.areas} | {r.median_rmse:.4f} | {r.median_rmse_vs_direct:.3f} "
            f"| {r.median_abs_relative_bias:.3f} | {r.mean_coverage_95:.3f} "
            f"| {r.min_coverage_95:.3f}–{r.max_coverage_95:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--areas", type=int, default=120)
    ap.add_argument("--clusters", type=int, default=25, help="clusters per area in the population")
    ap.add_argument("--cluster-size", type=int, default=20, help="persons per cluster")
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="folder for per_area.csv and summary.csv")
    args = ap.parse_args()
    start = time.perf_counter()
    per_area, summary = simulate(args.areas, args.clusters, args.cluster_size, args.samples, args.seed)
    took = time.perf_counter() - start
    print(f"{args.areas} areas x {args.clusters} clusters x {args.cluster_size} persons; {args.samples} samples; "
          f"seed {args.seed}; {took:.0f} s")  # fmt: skip
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        per_area.to_csv(args.out / "per_area.csv", index=False, float_format="%.6g")
        summary.to_csv(args.out / "summary.csv", index=False, float_format="%.6g")
        (args.out / "table.md").write_text(markdown(summary), encoding="utf-8")
        print(f"wrote {args.out / 'per_area.csv'}, summary.csv and table.md")


if __name__ == "__main__":
    main()
