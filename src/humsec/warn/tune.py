"""Choose the strong model's settings on validation years before a test year (rolling origin).

A country team's data are not UCDP's countries: the settings that work there (trees, leaves, how
many years of origins to learn from, whether to pool with the unit's own history) should be chosen
on its own data, and only on years *before* the one it will be judged on. :func:`tune` cuts the
panel at December of ``before − 1`` first, so nothing from ``before`` on is ever read (a test
proves it), then, for each validation year ``before − years .. before − 1``, fits every candidate
on the months before that year and scores the year, with the benchmarks on the same split.

Candidates: each entry of the grid is a set of :class:`QuantileGBM` options, scored alone
(``lgbm_quantile``) and pooled with the unit's last 12 months (``lgbm_pool``, from the same fit).
The rule, the project's own target for the test years applied to the validation years: the winner
beats the most benchmark comparisons (each validation year × CRPS and CRPS_log1p × no_change,
hist_12 and hist_24); ties go to the lowest mean CRPS_log1p, then the lowest mean CRPS, then the
grid order (the defaults first). The chosen settings are written as a model file that ``humsec warn
backtest|forecast|alerts --config`` read.

>>> import numpy as np, pandas as pd
>>> from humsec.warn.monthly_panel import MonthlyPanel
>>> rng = np.random.default_rng(0)
>>> panel = MonthlyPanel(tuple("ABCDEF"), pd.Period("2010-01", "M"), rng.poisson(3.0, (6, 120)).astype(float))
>>> grid = [{"n_estimators": 5, "min_child_samples": 5}, {"n_estimators": 5, "num_leaves": 4}]
>>> result = tune(panel, before=2019, years=2, grid=grid)
>>> sorted(result.best)
['model', 'options']
>>> len(result.ranking)  # zero, no_change, hist_12, hist_24 and 2 settings × (alone, pooled)
8
>>> result.to_frame("ranking").equals(result.ranking)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.errors import DataError, SpecError
from humsec.core.progress import Task, current
from humsec.core.result import ResultBase
from humsec.warn.models import (
    GBM_MODELS,
    TUNABLE,
    Benchmark,
    QuantileGBM,
    forecaster_spec,
    linear_pool,
    make_forecaster,
)
from humsec.warn.monthly_panel import MonthlyPanel
from humsec.warn.scores import point_scores, year_split

__all__ = [
    "DEFAULT_GRID",
    "TUNABLE",
    "TuneResult",
    "load_grid",
    "load_model_config",
    "save_model_config",
    "tune",
]

#: the defaults first, then one step each way on capacity and on memory
DEFAULT_GRID: tuple[dict[str, Any], ...] = (
    {},
    {"n_estimators": 400, "learning_rate": 0.025},
    {"num_leaves": 15, "min_child_samples": 200},
    {"num_leaves": 63, "min_child_samples": 50},
    {"train_months": 120},
)
COMPARED = ("no_change", "hist_12", "hist_24")
TARGETS = ("CRPS", "CRPS_log1p")


@dataclass
class TuneResult(ResultBase):
    """``scores`` (candidate, model, options, year, metric, value; benchmarks included), ``ranking``
    (one row per candidate: mean scores, benchmark comparisons won, ``rank`` by the rule, ``chosen``)
    and ``best`` (``{"model": ..., "options": {...}}``, what :func:`save_model_config` writes).

    Tables (``to_frame``): ``"ranking"`` (the default) and ``"scores"``; ``summary()`` is the
    ranking as text, best first, with the choice.
    """

    tables: ClassVar[tuple[str, ...]] = ("ranking", "scores")

    scores: pd.DataFrame
    ranking: pd.DataFrame
    best: dict[str, Any]
    years: tuple[int, ...]
    notes: list[str] = field(default_factory=list)

    def _frame(self, table: str) -> pd.DataFrame:
        return self.ranking if table == "ranking" else self.scores

    def summary(self) -> str:
        first, last = self.years[0], self.years[-1]
        span = str(first) if first == last else f"{first}–{last}"
        chosen = f"{self.best['model']} {self.best['options']}"
        return f"{describe(self)}\nchosen on {span}: {chosen}"


def tune(
    panel: MonthlyPanel,
    before: int,
    *,
    years: int = 4,
    grid: Sequence[Mapping[str, Any]] | None = None,
    horizon: int = 12,
    num_threads: int = 1,
) -> TuneResult:
    """Score every grid entry (alone and pooled) on the ``years`` validation years before ``before``
    and choose one (module docstring). Nothing from January of ``before`` on is used: not its months,
    not the units a long or event file names only from then on."""
    grid = _checked_grid(DEFAULT_GRID if grid is None else grid)
    if not grid:
        raise SpecError([("grid", "give at least one set of options")])
    if years < 1:
        raise SpecError([("years", f"expected at least 1 validation year, got {years}")])
    cut = pd.Period(f"{before - 1}-12", "M")
    if cut < panel.months[0]:
        msg = f"The panel ({panel.months[0]}..{panel.months[-1]}) starts after {cut}: nothing to validate on"
        raise DataError(msg)
    last = min(cut, panel.months[-1])
    # the only months tuning may read, and only the units the source had named by then
    seen = panel.up_to(last).known_by(last)
    validation = tuple(range(before - years, before))
    label = f"tune: {len(grid)} setting(s) × {len(validation)} validation year(s)"
    with current().task(label, total=len(grid) * len(validation)) as step:
        rows = _validate(seen, validation, grid, years, horizon, num_threads, step)
    scores = pd.DataFrame(rows)
    summary = _summary(scores, validation)
    chosen = summary.loc[summary["chosen"]].iloc[0]
    # every tunable option pinned, so the file means the same whatever --trees or a later default says
    full = QuantileGBM(**chosen["options_dict"])
    pinned = {k: getattr(full, k) for k in TUNABLE if getattr(full, k) is not None}
    best = {"model": chosen["model"], "options": pinned}
    notes = [
        f"nothing from {before}-01 on was used: the panel was cut at {last} "
        f"({len(seen.units)} unit(s), {seen.n_months} months)"
    ]
    if len(seen.units) < len(panel.units):
        notes.append(
            f"{len(panel.units) - len(seen.units)} unit(s) first named after {last} left out"
        )
    return TuneResult(
        scores.drop(columns="options_dict"),
        summary.drop(columns="options_dict"),
        best,
        validation,
        notes,
    )


def _validate(
    seen: MonthlyPanel,
    validation: tuple[int, ...],
    grid: Sequence[Mapping[str, Any]],
    years: int,
    horizon: int,
    num_threads: int,
    step: Task,
) -> list[dict[str, Any]]:
    """Score rows of the benchmarks and of every grid entry (alone and pooled), year by year."""
    rows: list[dict[str, Any]] = []
    for year in validation:
        train, y = year_split(seen, year, horizon, what="Validation year")
        if train.n_months < 24:  # hist_24, the longest benchmark
            raise DataError(
                f"Validation year {year} has {train.n_months} months of history before it; the benchmarks "
                f"need 24: ask for fewer validation years ({years} reach back to {validation[0]})"
            )
        history = Benchmark("hist_12").fit(train).predict(horizon)
        for name in ("zero", *COMPARED):
            fc = history if name == "hist_12" else Benchmark(name).fit(train).predict(horizon)
            rows += _score_rows(name, name, {}, year, y, fc.members)
        for i, options in enumerate(grid):
            try:
                gbm = QuantileGBM(horizon=horizon, num_threads=num_threads, **options).fit(train)
            except DataError as exc:
                raise DataError(f"Grid entry {i + 1}, validation year {year}: {exc}") from exc
            alone = gbm.predict(horizon)
            pooled = linear_pool(alone, history, gbm.levels, "lgbm_pool")
            rows += _score_rows(
                f"{i + 1}:lgbm_quantile", "lgbm_quantile", options, year, y, alone.members
            )
            rows += _score_rows(f"{i + 1}:lgbm_pool", "lgbm_pool", options, year, y, pooled.members)
            step.advance(f"{year}, setting {i + 1}")
    return rows


def _score_rows(
    candidate: str,
    model: str,
    options: Mapping[str, Any],
    year: int,
    y: np.ndarray,
    members: np.ndarray,
) -> list[dict[str, Any]]:
    text = ", ".join(f"{k}={v}" for k, v in options.items()) or (
        "defaults" if model in GBM_MODELS else ""
    )
    return [
        {"candidate": candidate, "model": model, "options": text, "options_dict": dict(options),
         "year": year, "metric": metric, "value": value}
        for metric, value in point_scores(y, members).items()
    ]  # fmt: skip


def _summary(scores: pd.DataFrame, years: tuple[int, ...]) -> pd.DataFrame:
    """One row per candidate: mean of each metric, benchmark comparisons won, and the choice."""
    wide = scores.pivot_table(index=["candidate", "year"], columns="metric", values="value")
    bench = {b: wide.xs(b, level="candidate") for b in COMPARED}
    first = scores.drop_duplicates("candidate").set_index("candidate")
    out = []
    for candidate in dict.fromkeys(scores["candidate"]):
        part = wide.xs(candidate, level="candidate")
        info = first.loc[candidate]
        is_gbm = info["model"] in GBM_MODELS
        won = sum(int((part[m] < bench[b][m]).sum()) for b in COMPARED for m in TARGETS)
        row = {"candidate": candidate, "model": info["model"], "options": info["options"],
               "options_dict": info["options_dict"], "won": won if is_gbm else np.nan,
               "of": len(years) * len(COMPARED) * len(TARGETS) if is_gbm else np.nan}  # fmt: skip
        row.update({f"mean_{m}": float(part[m].mean()) for m in part.columns})
        out.append(row)
    summary = pd.DataFrame(out)
    order = {c: i for i, c in enumerate(dict.fromkeys(scores["candidate"]))}
    gbm = summary[summary["model"].isin(GBM_MODELS)].assign(
        position=lambda f: f["candidate"].map(order)
    )
    ranked = gbm.sort_values(
        ["won", "mean_CRPS_log1p", "mean_CRPS", "position"], ascending=[False, True, True, True]
    )
    # the rule's order, 1 = chosen; the benchmarks have none
    summary["rank"] = summary["candidate"].map(
        {c: i + 1 for i, c in enumerate(ranked["candidate"])}
    )
    summary["chosen"] = summary["rank"] == 1
    return summary


def _checked_grid(grid: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every entry checked; all the problems of all entries in one error."""
    out, problems = [], []
    for i, options in enumerate(grid):
        try:
            out.append(check_options(options, f"grid entry {i + 1}"))
        except SpecError as exc:
            problems += exc.problems
    if problems:
        raise SpecError(problems)
    return out


def check_options(options: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The options as QuantileGBM takes them; an unknown name or a wrong type is an error naming them."""
    if not isinstance(options, Mapping):
        raise SpecError([(where, f"expected a mapping of options, got {type(options).__name__}")])
    problems = []
    out: dict[str, Any] = {}
    for key, value in options.items():
        kind = TUNABLE.get(str(key))
        if kind is None:
            problems.append(
                (f"{where}: {key}", f"unknown option; expected one of {sorted(TUNABLE)}")
            )
        elif (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value)
        ):
            problems.append(
                (f"{where}: {key}", f"expected a finite {_kind_name(kind)}, got {value!r}")
            )
        elif kind is int and value != int(value):
            problems.append((f"{where}: {key}", f"expected an integer, got {value!r}"))
        elif key == "seed" and value < 0:
            problems.append((f"{where}: {key}", f"expected an integer ≥ 0, got {value!r}"))
        elif key == "learning_rate" and not 0 < value <= 1:
            problems.append((f"{where}: {key}", f"expected a number in (0, 1], got {value!r}"))
        elif value <= 0 and key != "seed":
            problems.append((f"{where}: {key}", f"expected a positive value, got {value!r}"))
        else:
            out[str(key)] = kind(value)
    if problems:
        raise SpecError(problems)
    return out


def _kind_name(kind: type) -> str:
    return "integer" if kind is int else "number"


def save_model_config(best: Mapping[str, Any], path: str | Path, note: str = "") -> None:
    """Write ``{"model": ..., "options": {...}}`` as YAML (with a comment saying where it came from)."""
    import yaml

    header = "".join(f"# {line}\n" for line in note.splitlines())
    body = yaml.safe_dump(
        {"model": str(best["model"]), "options": dict(best["options"])}, sort_keys=False
    )
    Path(path).write_text(header + body, encoding="utf-8")


def _read_yaml(path: str | Path, what: str) -> Any:
    from humsec.core.files import read_config

    return read_config(path, what=f"a forecast {what} (YAML)")


def load_grid(path: str | Path) -> list[Any]:
    """The option sets of a grid file (a YAML list; each set is checked by :func:`tune`)."""
    raw = _read_yaml(path, "grid")
    if not isinstance(raw, list) or not raw:
        raise SpecError([(str(path), "expected a non-empty list of option mappings")])
    return raw


def load_model_config(path: str | Path) -> tuple[str, dict[str, Any]]:
    """(model name, QuantileGBM options) from a model file; errors name the file and the key."""
    source = str(path)
    raw = _read_yaml(path, "model file")
    if not isinstance(raw, Mapping) or "model" not in raw:
        raise SpecError([(source, "expected a mapping with 'model' (and optional 'options')")])
    unknown = sorted(set(raw) - {"model", "options"})
    if unknown:
        raise SpecError([(source, f"unknown key(s) {unknown}; expected 'model' and 'options'")])
    name = raw["model"]
    try:
        spec = forecaster_spec(str(name))
    except SpecError as exc:
        raise SpecError([(f"{source}: {where}", text) for where, text in exc.problems]) from None
    raw_options = raw.get("options")
    options = check_options({} if raw_options is None else raw_options, f"{source}: options")
    if options and not spec.tunable:
        raise SpecError([(f"{source}: options", f"the benchmark {name!r} takes no options")])
    make_forecaster(name, **options)  # fails here, not later, on anything QuantileGBM refuses
    return name, options


def describe(result: TuneResult) -> str:
    """The ranking as text, best first (for the CLI)."""
    cols = [
        "candidate",
        "options",
        "won",
        "of",
        "mean_CRPS",
        "mean_CRPS_log1p",
        "mean_MAE",
        "chosen",
    ]
    table = result.ranking.sort_values("rank", na_position="last", kind="stable")  # benchmarks last
    return str(table[cols].round(4).to_string(index=False))
