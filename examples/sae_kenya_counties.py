"""Worked example: Kenya county poverty headcount (KIHBS 2015/16) with census 2019 covariates.

The county direct estimates are published without their sampling variances, so this example
ASSUMES them: v_d = deff * p_d (1 - p_d) / n_d with n_d = 510 households per county (KIHBS 2015/16:
about 24,000 households in 2,400 clusters over 47 counties) and deff = 3 (clusters of 10 households
with a high intra-cluster correlation of poverty). Change DEFF / N_COUNTY to see how the estimates move.
Benchmarked (ratio) to the national KIHBS headcount 36.1 % with 2019 census populations as weights
(an approximation: the survey is of 2015/16).

    .venv/bin/python examples/sae_kenya_counties.py [--out est.csv]

Reads only data shipped with humsec (humsec/datasets/data/ken_kihbs2016_county.csv,
ken_census2019_county.csv).
"""

from __future__ import annotations

import argparse

import pandas as pd

from humsec.datasets import data_path
from humsec.sae import FayHerriot

DEFF = 3.0
N_COUNTY = 510
NATIONAL_HEADCOUNT = 0.361  # KNBS Basic Report on Well-being 2015/16
COVARIATES = [
    "pct_hh_lighting_mains_electricity",
    "pct_hh_cooking_firewood",
    "pct_pop3plus_never_attended_school",
]


def county_table() -> pd.DataFrame:
    survey = pd.read_csv(data_path("ken_kihbs2016_county.csv"))
    census = pd.read_csv(data_path("ken_census2019_county.csv"))
    data = survey[["county_code", "adm1_name", "poverty_headcount_pct_2016"]].merge(
        census[["county_code", "population_total_2019", *COVARIATES]],
        on="county_code",
        validate="1:1",
    )
    data["poverty"] = data["poverty_headcount_pct_2016"] / 100
    data["var_assumed"] = DEFF * data["poverty"] * (1 - data["poverty"]) / N_COUNTY
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    data = county_table()
    formula = "poverty ~ " + " + ".join(COVARIATES)
    result = FayHerriot(formula=formula, variance="var_assumed", area="adm1_name").fit(data)
    population = dict(zip(data["adm1_name"], data["population_total_2019"], strict=True))
    bench = result.benchmark(NATIONAL_HEADCOUNT, population, how="ratio")
    print(bench.summary())
    t = bench.table()
    t["cv_direct"] = t["direct_se"] / t["direct"]
    show = t.sort_values("gamma").head(5)[
        ["area", "direct", "estimate_model", "estimate", "gamma", "cv_direct", "cv"]
    ]
    print("\nthe five counties the model moves most (smallest gamma):")
    print(show.round(3).to_string(index=False))
    if args.out:
        bench.to_csv(args.out)


if __name__ == "__main__":
    main()
