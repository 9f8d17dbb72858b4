"""The review's "Hazard outlook": how well each forecaster predicted the IPC analyses, and the
anticipatory-action triggers that fire now.

The review file's ``hazard:`` block names an IPC file (``ipc``), the first month to score
(``test_from``) and optionally a trigger rule file (``triggers``) and an admin ``level``. The
section publishes, through disclosure control like every review table:

* the scoreboard: one row per model, one column per metric of
  :func:`humsec.hazard.IPCBacktest` (the same numbers as ``humsec warn ipc``), with a sentence
  naming the model with the lowest error, whichever it is (persistence included);
* with rules: the back-test counts per rule and the current alert of every rule and area
  (:class:`humsec.hazard.TriggerBacktest`, the same numbers as ``humsec warn triggers``).

>>> scoreboard_frame(pd.DataFrame({"model": ["persistence", "persistence"],
...     "metric": ["mae_p3plus_share", "brier_crisis"], "value": [0.07, 0.2], "n": [46, 46]})
... ).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'row_id': 'hazard:score:persistence', 'model': 'persistence', 'targets': 46,
  'mae_p3plus_share': 0.07, 'brier_crisis': 0.2}]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from humsec.core.i18n import N_
from humsec.review.base import BuilderBase, Section, cite, esc, row_anchor
from humsec.review.publish import publish

__all__ = ["METRIC_HEADERS", "HazardSections", "alerts_frame", "scoreboard_frame"]

#: the scoreboard's metrics, in the order shown, with short headers (the table is printed on A4;
#: the table note says what they mean, ↑ = higher is better, else lower is better)
METRIC_HEADERS = {
    "mae_p3plus_share": "MAE P3+",
    "rmse_p3plus_share": "RMSE P3+",
    "brier_crisis": "Brier",
    "rps_phase": "RPS",
    "auc_crisis": "AUC ↑",
    "phase_accuracy": N_("phase acc. ↑"),
    "hit_rate": N_("hit rate ↑"),
    "false_alarm_ratio": "FAR",
    "lead_time_months": N_("lead (months)"),
    "coverage80_p3plus_share": N_("80% cov."),
}
_METRIC_NOTE = N_(
    "MAE/RMSE P3+: error of the share of people in IPC Phase 3+; Brier: of the probability that the "
    "area is in Phase 3+ (crisis); RPS: ranked probability score of the area phase; AUC: ranking of "
    "crisis probabilities; phase acc.: area phases exactly right; hit rate, FAR (false-alarm ratio) "
    "and lead time of the crisis forecasts; 80%% cov.: observed shares inside the 80%% interval "
    "(learned models only). ↑: higher is better; else lower is better."
)
#: what each benchmark is, in words (the learned models are humsec's)
_MODEL_WORDS = {
    "persistence": N_("the last current analysis"),
    "ipc_projection": N_("the IPC's own projection"),
    "same_season": N_("the same season a year earlier"),
}
_LEARNED = N_("learned by humsec")


def scoreboard_frame(scores: pd.DataFrame) -> pd.DataFrame:
    """``model, metric, value, n`` (``IPCScores.to_frame("scores")``) as one row per model.

    ``targets`` is the number of target analyses behind the MAE (every model is scored on the
    same targets); the metrics keep the order of :data:`METRIC_HEADERS`.
    """
    wide = scores.pivot_table(
        index="model", columns="metric", values="value", sort=False, dropna=False
    )
    models = list(dict.fromkeys(scores["model"]))
    metrics = [m for m in METRIC_HEADERS if m in wide.columns]
    out = wide.reindex(index=models, columns=metrics).reset_index()
    out.columns.name = None
    first = scores.drop_duplicates("model").set_index("model")["n"]
    base = scores[scores["metric"] == "mae_p3plus_share"].set_index("model")["n"]
    out.insert(1, "targets", [int(base.get(m, first[m])) for m in models])
    out.insert(0, "row_id", "hazard:score:" + out["model"])
    return out


def alerts_frame(alerts: pd.DataFrame) -> pd.DataFrame:
    """The current alerts (``TriggerResult.to_frame("alerts")``) as a table of text: the indicator
    values written out (``projected_p3plus_share = 0.40``)."""
    out = alerts.copy()
    out["values"] = [_values_text(v) for v in out["values"]]
    out["since"] = out["since"].fillna("")
    out.insert(
        0, "row_id", "hazard:alert:" + out["rule"].astype(str) + ":" + out["area_id"].astype(str)
    )
    return out[["row_id", "area", "area_id", "rule", "status", "since", "values", "as_of"]]


def _values_text(values: Any) -> str:
    if not isinstance(values, dict):
        return ""
    return "; ".join(
        f"{k} = {'no data' if pd.isna(v) else f'{float(v):.2f}'}" for k, v in values.items()
    )


def _best(board: pd.DataFrame, metric: str) -> list[str]:
    """The models with the lowest value of ``metric`` (ties all named)."""
    values = board.set_index("model")[metric].dropna()
    if values.empty:
        return []
    return [str(m) for m, v in values.items() if np.isclose(v, values.min(), rtol=0, atol=1e-12)]


class HazardSections(BuilderBase):
    """The "Hazard outlook" section (``hazard:`` in the review file)."""

    def hazard(self) -> None:
        part = self.spec.hazard
        if part is None:
            return
        from humsec.hazard import IPCBacktest, read_ipc

        sec = self.section("hazard", N_("Hazard outlook"))
        table = read_ipc(part.ipc, level=part.level)
        result = IPCBacktest(test_from=part.test_from).fit(table)
        board = scoreboard_frame(result.to_frame("scores"))
        pub = self.add(sec, publish(
            "hazard_scores",
            self.phrase("Forecasts of the IPC current analyses published from %(start)s", start=part.test_from),
            board, "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "model": N_("model"), "targets": N_("targets"),
                     **{m: METRIC_HEADERS[m] for m in board.columns if m in METRIC_HEADERS}}),
            formats={"targets": "int", **{m: "f3" for m in board.columns if m in METRIC_HEADERS},
                     "lead_time_months": "f1"},
            note=self.phrase(
                "Source: %(file)s; humsec.hazard.IPCBacktest(test_from=%(start)s) (as humsec warn ipc): each "
                "current analysis forecast from what was published before it; every model scored on the same "
                "targets.", file=part.ipc.name, start=repr(part.test_from),
            ) + " " + self.phrase(_METRIC_NOTE),
        ))  # fmt: skip
        self._scoreboard_sentence(sec, pub.frame, part.test_from)
        sec.notes.extend(result.notes)
        if part.triggers is not None:
            self._alerts(sec, table, part.triggers)

    def _scoreboard_sentence(self, sec: Section, board: pd.DataFrame, test_from: str) -> None:
        """Name the best model on the MAE and on the Brier score, whichever it is."""
        rows = board.set_index("model")
        best_mae, best_brier = _best(board, "mae_p3plus_share"), _best(board, "brier_crisis")
        if not best_mae:
            return

        def value(m: str, metric: str) -> str:
            return cite(rows.loc[m, metric], str(rows.loc[m, "row_id"]), "f3")

        def words(m: str) -> str:
            return esc(self.tr.gettext(_MODEL_WORDS.get(m, _LEARNED)))

        def named(models: list[str], metric: str) -> str:
            label = "MAE" if metric == "mae_p3plus_share" else "Brier"
            return self.joined([f"{esc(m)} ({words(m)}; {label} {value(m, metric)})" for m in models])

        first = str(rows.index[0])
        values = {"n": cite(rows.loc[first, "targets"], str(rows.loc[first, "row_id"]), "int"), "start": esc(test_from)}
        if best_mae == best_brier:
            sentence = self.phrase(
                "Scored on %(n)s IPC current analyses published from %(start)s, %(models)s forecast best: the "
                "lowest MAE of the Phase 3+ share (%(mae)s) and the lowest Brier score of the crisis probability "
                "(%(brier)s)", models=self.joined([f"{esc(m)} ({words(m)})" for m in best_mae]),
                mae=", ".join(value(m, "mae_p3plus_share") for m in best_mae),
                brier=", ".join(value(m, "brier_crisis") for m in best_mae), **values,
            )  # fmt: skip
        elif best_brier:
            sentence = self.phrase(
                "Scored on %(n)s IPC current analyses published from %(start)s, the lowest MAE of the Phase 3+ "
                "share is that of %(mae)s, the lowest Brier score that of %(brier)s",
                mae=named(best_mae, "mae_p3plus_share"), brier=named(best_brier, "brier_crisis"), **values,
            )  # fmt: skip
        else:
            sentence = self.phrase(
                "Scored on %(n)s IPC current analyses published from %(start)s, the lowest MAE of the Phase 3+ "
                "share is that of %(mae)s", mae=named(best_mae, "mae_p3plus_share"), **values,
            )  # fmt: skip
        learned = [m for m in rows.index if m not in _MODEL_WORDS]
        if learned and not set(learned) & set(best_mae):
            sentence += self.phrase(
                "; humsec's learned models (%(models)s) do not beat it on the MAE", models=esc(", ".join(learned))
            )
        self.state(sec, sentence + ".")

    def _alerts(self, sec: Section, table: Any, rules: Any) -> None:
        from humsec.hazard import TriggerBacktest

        result = TriggerBacktest().fit(rules, table)
        counts = result.to_frame("counts")
        counts.insert(0, "row_id", "hazard:trigger:" + counts["rule"].astype(str))
        count_cols = ["hit", "miss", "false_alarm", "correct_negative", "no_data"]
        self.add(sec, publish(
            "hazard_trigger_counts", self.phrase("Trigger back-test: outcomes per rule over the past analyses"),
            counts, "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "rule": N_("rule"), "hit": N_("hit"), "miss": N_("miss"),
                     "false_alarm": N_("false alarm"), "correct_negative": N_("correct negative"),
                     "no_data": N_("no data"), "hit_rate": N_("hit rate"), "false_alarm_ratio": N_("false-alarm ratio"),
                     "lead_time_months": N_("lead time, months")}),
            formats={**dict.fromkeys(count_cols, "int"), "hit_rate": "f3",
                     "false_alarm_ratio": "f3", "lead_time_months": "f1"},
            note=self.phrase("Source: %(file)s; humsec.hazard.TriggerBacktest (as humsec warn triggers).",
                             file=rules.name),
        ))  # fmt: skip
        alerts = alerts_frame(result.to_frame("alerts"))
        if alerts.empty:
            return
        as_of = str(alerts["as_of"].iloc[0])
        pub = self.add(sec, publish(
            "hazard_alerts", self.phrase("Trigger alerts per area as of %(date)s", date=as_of), alerts, "aggregates",
            self.rules,
            columns=self.headings({"row_id": N_("row"), "area": N_("area"), "rule": N_("rule"), "status": N_("status"),
                     "since": N_("fired since"), "values": N_("indicator values")}),
            note=self.phrase("fired: every condition of the rule holds on what was published before the month; "
                             "no data: an indicator has no value for the area."),
        ))  # fmt: skip
        for rule, part in pub.frame.groupby("rule", sort=False):
            fired = part[part["status"] == "fired"]
            names = ", ".join(
                f'<a class="num" href="#{row_anchor(r)}" data-row="{esc(r)}">{esc(a)}</a>'
                for r, a in zip(fired["row_id"], fired["area"], strict=True)
            )
            values = {"date": esc(as_of), "rule": esc(rule), "fired": len(fired), "areas": len(part)}
            if len(fired):
                sentence = self.phrase(
                    "As of %(date)s, the trigger %(rule)s fires in %(fired)s of %(areas)s areas: %(names)s.",
                    names=names, **values,
                )
            else:
                sentence = self.phrase("As of %(date)s, the trigger %(rule)s fires in %(fired)s of %(areas)s areas.", **values)
            self.state(sec, sentence)
