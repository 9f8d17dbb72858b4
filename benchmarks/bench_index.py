"""Benchmark: Monte Carlo uncertainty of a composite index (the issue's target: 10,000 replicates,
500 units x 60 indicators, 5 method choices, under 60 s on 2 cores).

The index is synthetic (random scores, 60 indicators under 12 components, 4 categories, 1 root);
the 5 method choices are the weights (±25%) and the operators of the root and of the 3 other levels'
first nodes. Prints wall time, replicates per second, and the ratio to one nominal build × replicates.

    .venv/bin/python benchmarks/bench_index.py [--replicates 10000] [--units 500]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from humsec.index.composite import CompositeIndex
from humsec.index.model import IndexModel
from humsec.index.uncertainty import Factors, index_uncertainty


def synthetic(units: int, seed: int = 0) -> tuple[IndexModel, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    leaves = [f"i{j:02d}" for j in range(60)]
    nodes = {}
    comps = []
    for c in range(12):
        name = f"comp{c}"
        nodes[name] = {"op": "arithmetic", "children": leaves[5 * c : 5 * c + 5]}
        comps.append(name)
    cats = []
    for k in range(4):
        name = f"cat{k}"
        nodes[name] = {"op": "arithmetic", "children": comps[3 * k : 3 * k + 3]}
        cats.append(name)
    nodes["Index"] = {"op": "geometric", "children": cats}
    model = IndexModel.from_dict({"root": "Index", "unit": "unit", "nodes": nodes})
    data = pd.DataFrame(rng.uniform(0.1, 10, (units, 60)), columns=leaves)
    data.insert(0, "unit", [f"u{i:03d}" for i in range(units)])
    return model, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicates", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=500)
    args = parser.parse_args()
    model, data = synthetic(args.units)
    ops = {n: ["arithmetic", "geometric"] for n in ("Index", "cat0", "comp0", "comp1")}
    factors = Factors(weight_noise=0.25, operators=ops)
    t0 = time.perf_counter()
    for _ in range(20):
        CompositeIndex(model).fit(data)
    build = (time.perf_counter() - t0) / 20
    t0 = time.perf_counter()
    res = index_uncertainty(model, data, factors=factors, n=args.replicates, seed=1)
    wall = time.perf_counter() - t0
    print(
        f"units {args.units}, indicators 60, method choices {len(factors.groups(model))}, replicates {args.replicates}"
    )
    print(
        f"  Monte Carlo: {wall:.2f} s ({args.replicates / wall:,.0f} replicates/s), {len(res.intervals):,} interval rows"
    )
    print(
        f"  one nominal build (CompositeIndex.fit): {build * 1000:.2f} ms; x replicates = {build * args.replicates:.2f} s"
    )
    print(f"  ratio Monte Carlo / (build x replicates): {wall / (build * args.replicates):.2f}")
    status = "PASS" if wall < 60 else "FAIL"
    print(
        f"  {status}  10,000 replicates under 60 s: {wall:.1f} s"
        if args.replicates == 10_000
        else ""
    )


if __name__ == "__main__":
    main()
