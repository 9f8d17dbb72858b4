"""Benchmark: unit-level EBP of FGT0/FGT1 with bootstrap MSE (issue 14's target: 50,000 survey units,
5 million census units, L = 50, B = 100 under 10 minutes on 2 cores).

Synthetic population (``--areas`` areas, two covariates, log-normal income, area effects); the survey
is ``--survey`` units spread over the areas, the census ``--census`` other units. Prints the wall time
of ``EmpiricalBestPredictor(...).fit`` for the point estimates (L draws) and for the MSE (B
replicates), and, when R with ``sae`` is found (``R_LIBS``) and ``--with-r`` is given, the time of
R ``sae::ebBHF`` and ``sae::pbmseebBHF`` on the same data in the same run.

    .venv/bin/python benchmarks/bench_sae_ebp.py                       # small job, a minute
    .venv/bin/python benchmarks/bench_sae_ebp.py --survey 50000 --census 5000000 --draws 50 --bootstrap 100
    .venv/bin/python benchmarks/bench_sae_ebp.py --survey 50000 --census 5000000 --draws 0 --bootstrap 100   # exact EBP
    R_LIBS=/tmp/rlib-sae .venv/bin/python benchmarks/bench_sae_ebp.py --with-r
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from humsec.sae import EmpiricalBestPredictor


def synthetic(areas: int, n_survey: int, n_census: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    u = rng.normal(0, 0.3, areas)

    def units(n: int) -> pd.DataFrame:
        area = rng.integers(0, areas, n)
        x1, x2 = rng.normal(size=n), rng.binomial(1, 0.4, n).astype(float)
        income = np.exp(8.5 + 0.4 * x1 - 0.3 * x2 + u[area] + rng.normal(0, 0.6, n))
        return pd.DataFrame({"area": area, "income": income, "x1": x1, "x2": x2})

    return units(n_survey), units(n_census).drop(columns="income")


R_CODE = """
suppressPackageStartupMessages(library(sae))
s <- read.csv("{survey}"); X <- as.matrix(read.csv("{census}"))
z <- {z}
fgt0 <- function(y) mean(y < z)
t1 <- system.time(r1 <- ebBHF(income ~ x1 + x2, dom = area, Xnonsample = X, MC = {draws}, data = s,
                              constant = 0, indicator = fgt0))[["elapsed"]]
t2 <- NA
if ({bootstrap} > 0) t2 <- system.time(invisible(capture.output(r2 <- pbmseebBHF(income ~ x1 + x2,
      dom = area, Xnonsample = X, B = {bootstrap}, MC = {draws}, data = s, constant = 0,
      indicator = fgt0))))[["elapsed"]]
cat(sprintf("%.3f %.3f\\n", t1, t2))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=100)
    parser.add_argument("--survey", type=int, default=5_000)
    parser.add_argument("--census", type=int, default=500_000)
    parser.add_argument("--draws", type=int, default=50)
    parser.add_argument("--bootstrap", type=int, default=10)
    parser.add_argument("--with-r", action="store_true", help="time R sae on the same job")
    parser.add_argument("--r-draws", type=int, default=None, help="R's MC (default --draws; R needs >= 1)")
    parser.add_argument("--r-bootstrap", type=int, default=None,
                        help="R's B (default --bootstrap): a few replicates give R's time per replicate")  # fmt: skip
    args = parser.parse_args()
    survey, census = synthetic(args.areas, args.survey, args.census)
    z = float(0.6 * np.median(survey["income"]))
    kw = {"formula": "income ~ x1 + x2", "area": "area", "indicators": ["fgt0", "fgt1"],
          "threshold": z, "transform": "log", "draws": args.draws, "seed": 1}  # fmt: skip
    start = time.perf_counter()
    EmpiricalBestPredictor(**kw).fit(survey, census)
    point = time.perf_counter() - start
    start = time.perf_counter()
    if args.bootstrap:
        EmpiricalBestPredictor(**kw, bootstrap=args.bootstrap).fit(survey, census)
    total = time.perf_counter() - start
    draws = "exact EBP (draws=0)" if args.draws == 0 else f"L = {args.draws}"
    job = f"{args.survey} survey units, {args.census} census units, {args.areas} areas, {draws}"
    print(f"humsec EBP (FGT0+FGT1, log): {job}: point estimates {point:.1f} s")
    if args.bootstrap:
        print(f"humsec EBP + bootstrap MSE B = {args.bootstrap}: {total:.1f} s "
              f"(per replicate {(total - point) / args.bootstrap:.2f} s)")  # fmt: skip
    if not args.with_r:
        return
    if shutil.which("Rscript") is None:
        print("R: Rscript not found, no comparison")
        return
    with tempfile.TemporaryDirectory() as tmp:
        survey.to_csv(Path(tmp) / "s.csv", index=False)
        census[["area", "x1", "x2"]].to_csv(Path(tmp) / "c.csv", index=False)
        r_draws = args.r_draws or max(args.draws, 1)
        r_boot = args.bootstrap if args.r_bootstrap is None else args.r_bootstrap
        code = R_CODE.format(survey=Path(tmp) / "s.csv", census=Path(tmp) / "c.csv", z=z,
                             draws=r_draws, bootstrap=r_boot)  # fmt: skip
        res = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        print(f"R sae not run: {res.stderr.strip().splitlines()[-1] if res.stderr.strip() else res.returncode}")
        return
    t1, t2 = res.stdout.split()
    per = f" ({float(t2) / r_boot:.1f} s per replicate)" if r_boot and t2 != "NA" else ""
    print(f"R sae::ebBHF (FGT0 only, MC = {r_draws}): {float(t1):.1f} s; pbmseebBHF B = {r_boot}: {t2} s{per}")


if __name__ == "__main__":
    main()
