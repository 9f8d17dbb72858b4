"""Benchmark: Fay-Herriot on 5,000 areas, REML + MSE (the issue's target: under 2 s on 2 cores).

Synthetic areas (two covariates, sampling variances uniform in [0.1, 1]); prints the wall time of
``FayHerriot(...).fit`` (median of ``--repeat`` runs, after one warm-up that imports formulaic) and,
when R with ``sae`` is found (``R_LIBS``), both times on ``--r-areas`` areas (default 1,000: R's
REML is O(m³)) in the same run.

    .venv/bin/python benchmarks/bench_sae.py [--areas 5000] [--repeat 5]
    R_LIBS=/tmp/rlib-sae .venv/bin/python benchmarks/bench_sae.py
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

from humsec.sae import FayHerriot


def synthetic(m: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=m), rng.normal(size=m)
    psi = rng.uniform(0.1, 1.0, m)
    y = 1 + x1 - 0.5 * x2 + rng.normal(scale=0.7, size=m) + rng.normal(size=m) * np.sqrt(psi)
    return pd.DataFrame({"area": np.arange(m), "y": y, "x1": x1, "x2": x2, "v": psi})


R_CODE = """
suppressPackageStartupMessages(library(sae))
d <- read.csv("{path}")
t <- system.time(res <- mseFH(y ~ x1 + x2, v, method = "REML", data = d))[["elapsed"]]
cat(sprintf("%.6f %.10f\\n", t, res$est$fit$refvar))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    # R's REML forms the m x m projection P and P %*% P (O(m^3)): 5,000 areas take many minutes
    parser.add_argument("--r-areas", type=int, default=1000, help="areas for the R comparison")
    args = parser.parse_args()
    data = synthetic(args.areas)
    engine = FayHerriot(formula="y ~ x1 + x2", variance="v", area="area", method="reml")
    engine.fit(data)  # warm-up: imports
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = engine.fit(data)
        times.append(time.perf_counter() - start)
    print(
        f"humsec FayHerriot REML + MSE, {args.areas} areas: median {np.median(times):.3f} s "
        f"(of {args.repeat}), sigma2_u {result.sigma2_u:.10f}"
    )
    if shutil.which("Rscript"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "areas.csv"
            r_data = synthetic(args.r_areas)
            r_data.to_csv(path, index=False)
            start = time.perf_counter()
            ours = engine.fit(r_data)
            ours_s = time.perf_counter() - start
            script = Path(tmp) / "run.R"
            script.write_text(R_CODE.format(path=path))
            run = subprocess.run(
                ["Rscript", str(script)], capture_output=True, text=True, check=False
            )
            if run.returncode == 0:
                seconds, sigma2 = run.stdout.split()
                print(
                    f"{args.r_areas} areas: humsec {ours_s:.3f} s (sigma2_u {ours.sigma2_u:.10f}); "
                    f"R sae::mseFH REML {float(seconds):.3f} s (sigma2_u {sigma2})"
                )
            else:
                print("R sae not available (set R_LIBS to where sae is installed)")


if __name__ == "__main__":
    main()
