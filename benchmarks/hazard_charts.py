"""The charts of docs/hazard.md, drawn from the committed evidence tables (no data needed).

    python benchmarks/hazard_charts.py docs/hazard

reads ``ipc_scores.csv`` and ``ipc_reliability.csv`` (written by hazard_ipc_evidence.py, which
also calls this) and writes ``ipc_scores.svg`` (MAE of the Phase 3+ share and Brier score of the
crisis event, every model and data set) and ``ipc_reliability.svg`` (observed crisis rate against
the mean forecast probability, per probability bin: on the diagonal is reliable; the dot's size is
the number of targets). Inline SVG, rendered offline (``humsec.core.charts.to_svg``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from humsec.core.charts import to_svg

#: the two headline metrics of issue 15, as the chart labels them
METRICS = {"mae_p3plus_share": "MAE, Phase 3+ share", "brier_crisis": "Brier score, crisis"}


def scores_chart(scores: pd.DataFrame) -> object:
    """Dots per model, one row per data set, one column per metric (lower is better)."""
    import altair as alt

    d = scores[(scores["country"] == "all") & scores["metric"].isin(list(METRICS))].copy()
    d["metric"] = d["metric"].map(METRICS)
    models = list(dict.fromkeys(d["model"]))
    data_sets = list(dict.fromkeys(d["data"]))
    return (
        alt.Chart(d)
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("value:Q", title="lower is better"),
            y=alt.Y("data:N", sort=data_sets, title=None, axis=alt.Axis(labelLimit=420)),
            color=alt.Color("model:N", sort=models, title="model"),
            shape=alt.Shape("model:N", sort=models, title="model"),
            tooltip=["data", "model", "metric", alt.Tooltip("value:Q", format=".3f"), "n"],
        )
        .properties(width=260, height=150)
        .facet(column=alt.Column("metric:N", title=None))
        .resolve_scale(x="independent")
    )


def reliability_chart(bins: pd.DataFrame) -> object:
    """Observed crisis rate against the mean forecast, per bin, for each model and data set."""
    import altair as alt

    models = list(dict.fromkeys(bins["model"]))
    diagonal = (
        alt.Chart(pd.DataFrame({"p": [0.0, 1.0]})).mark_line(color="grey").encode(x="p:Q", y="p:Q")
    )
    dots = (
        alt.Chart()
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X("mean_forecast:Q", title="mean forecast crisis probability",
                    scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("observed_rate:Q", title="observed crisis rate", scale=alt.Scale(domain=[0, 1])),
            size=alt.Size("n:Q", title="targets"),
            color=alt.Color("model:N", sort=models, title="model"),
            tooltip=["data", "model", "bin", "n", "mean_forecast", "observed_rate"],
        )
    )  # fmt: skip
    return (
        alt.layer(diagonal, dots, data=bins)
        .properties(width=200, height=200)
        .facet(facet=alt.Facet("data:N", title=None), columns=2)
    )


def main(out: str) -> None:
    folder = Path(out)
    scores = pd.read_csv(folder / "ipc_scores.csv")
    bins = pd.read_csv(folder / "ipc_reliability.csv")
    (folder / "ipc_scores.svg").write_text(to_svg(scores_chart(scores)), encoding="utf-8")
    (folder / "ipc_reliability.svg").write_text(to_svg(reliability_chart(bins)), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
