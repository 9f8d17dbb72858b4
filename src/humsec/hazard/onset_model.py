"""Outbreak onset: the full area universe, a learned model, and one back-test against the benchmarks.

``OnsetBacktest(test_from=...).fit(outbreaks, coverage=...)`` builds the area × month onset panel
(:func:`~humsec.hazard.onsets.onset_panel`) over the *full* area universe — every COD admin area of
the listed countries (:func:`area_universe`), not only areas that once had an outbreak, which
selected the panel on the outcome — and scores, on the months from ``test_from``:

* ``base_rate`` and ``seasonal``: the benchmarks of :mod:`humsec.hazard.onsets`, fitted once on the
  months before ``test_from``;
* ``onset_logit``: a logistic regression (L2, C = 1, not tuned) fitted on the months
  before ``test_from``, whose features at month *t* use onsets before *t* only (:data:`FEATURES`):
  the area's shrunk onset rate so far, its months since the last onset, the country's onsets in
  other areas in the last 3 and 12 months (outbreaks spread), and the country's share of onsets in
  this calendar month in earlier years (seasonality pooled over the country's areas). Fitted once,
  it forecasts each test month from the onsets known the month before (one month ahead);
* ``base_rate_updated``: as ``base_rate``, but updated every month with the onsets known by then
  (the model's first feature), so that the model is also compared with a benchmark that sees as
  much as it does.

>>> import pandas as pd
>>> ob = pd.DataFrame({"country": ["KEN"] * 3, "area_id": ["ken::a", "ken::a", "ken::b"],
...     "start": pd.to_datetime(["2016-05-09", "2017-05-01", "2017-06-01"])})
>>> r = OnsetBacktest(test_from="2017-01", first="2016-01", last="2017-12", universe="list").fit(ob)
>>> sorted(set(r.to_frame()["model"]))
['base_rate', 'base_rate_updated', 'onset_logit', 'seasonal']
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.errors import DataError, ParameterError
from humsec.core.params import Constraint, OneOf, validate_params
from humsec.core.result import ResultBase
from humsec.hazard._params import Month
from humsec.hazard.onsets import ONSET_BENCHMARKS, onset_forecasts, onset_panel

__all__ = [
    "FEATURES",
    "ONSET_MODEL",
    "ONSET_MODELS",
    "UNIVERSES",
    "UPDATED_BENCHMARK",
    "OnsetBacktest",
    "OnsetScores",
    "area_universe",
    "onset_features",
]

#: the learned onset model's name in the scores table
ONSET_MODEL = "onset_logit"
#: the base rate updated every month with the onsets known by then (the model sees as much)
UPDATED_BENCHMARK = "base_rate_updated"
#: every onset forecaster, declared once (benchmarks first)
ONSET_MODELS = (*ONSET_BENCHMARKS, UPDATED_BENCHMARK, ONSET_MODEL)
#: where the panel's areas come from: the COD gazetteer plus the list, or the list only
UNIVERSES = ("cod", "list")
#: the model's features (names of :func:`onset_features`' columns)
FEATURES = (
    "area_rate_logit",
    "log_months_since_onset",
    "country_onsets_3m",
    "country_onsets_12m",
    "country_season_rate",
)
# pseudo-months shrinking an area's rate to the all-area rate (as the base-rate benchmark)
_PRIOR_MONTHS = 12.0
# months since the last onset are capped: ten quiet years are simply "long quiet"
_SINCE_CAP = 120.0
# Newton steps stop when the gradient is this small: scikit-learn's default (1e-4) leaves the
# probabilities up to 1e-5 off the optimum (tests/golden/hazard_fits), one more step reaches it
_FIT_TOL = 1e-8


def area_universe(
    countries: list[str], *, level: int, listed: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """``area_id, country`` of every COD admin-``level`` area of ``countries`` (ISO3), and notes.

    Area ids follow the outbreak list's form (``iso3::name``, names folded: lower case, letters and
    digits only). A listed area (``listed``: ``area_id``) whose last name part matches a COD area of
    its country keeps its own id; listed areas that match none (former provinces, other spellings)
    stay in the panel and are counted.

    >>> u, notes = area_universe(["MWI"], level=1)
    >>> sorted(u["area_id"])
    ['mwi::central', 'mwi::northern', 'mwi::southern']
    """
    from humsec.datasets.places import load_pcodes

    gaz = load_pcodes()
    isos = {c.upper() for c in countries}
    rows = gaz[(gaz["Admin Level"] == level) & gaz["Location"].isin(isos)]
    if level == 2:
        parents = gaz[gaz["Admin Level"] == 1].set_index("P-Code")["Name"]
        parent = rows["Parent P-Code"].map(parents).fillna("")
        ids = [
            f"{iso.lower()}::{_fold(p)}::{_fold(n)}"
            for iso, p, n in zip(rows["Location"], parent, rows["Name"], strict=True)
        ]
    else:
        ids = [
            f"{iso.lower()}::{_fold(n)}"
            for iso, n in zip(rows["Location"], rows["Name"], strict=True)
        ]
    cod = pd.DataFrame({"area_id": ids, "country": rows["Location"].to_numpy()})
    cod["match"] = [_match_key(a) for a in cod["area_id"]]
    cod = cod.drop_duplicates("match")
    notes = [f"area universe: {len(cod):,} COD admin-{level} areas of {len(isos)} countries"]
    missing = sorted(isos - set(cod["country"]))
    if missing:
        notes.append(f"no COD admin-{level} areas for {', '.join(missing)}: listed areas only")
    if listed is None or listed.empty:
        return cod[["area_id", "country"]].reset_index(drop=True), notes
    own = listed.drop_duplicates("area_id")[["area_id"]].copy()
    own["country"] = own["area_id"].str.split("::").str[0].str.upper()
    own["match"] = [_match_key(a) for a in own["area_id"]]
    matched = own["match"].isin(set(cod["match"]))
    notes.append(
        f"{int(matched.sum())} of {len(own)} listed admin-{level} areas match a COD area by name; "
        f"{int((~matched).sum())} do not (former units or other spellings: kept as listed); "
        f"{int((~cod['match'].isin(set(own['match']))).sum()):,} COD areas never had an outbreak"
    )
    added = cod[~cod["match"].isin(set(own["match"]))]
    universe = pd.concat([own[["area_id", "country"]], added[["area_id", "country"]]])
    return universe.reset_index(drop=True), notes


def onset_features(panel: pd.DataFrame) -> pd.DataFrame:
    """The :data:`FEATURES` for every row of a gap-free area × month ``panel``, from earlier months.

    ``panel``: ``area_id, country, month, onset`` with every month of every area.

    >>> p = pd.DataFrame({"area_id": ["k::a"] * 3 + ["k::b"] * 3, "country": ["K"] * 6,
    ...     "month": list(pd.period_range("2020-01", periods=3, freq="M")) * 2,
    ...     "onset": [True, False, False, False, False, True]})
    >>> f = onset_features(p)       # log1p of the onsets in the country's *other* areas
    >>> np.expm1(f["country_onsets_3m"]).round(6).tolist()
    [0.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    """
    # areas x months matrices (the panel has every month of every area)
    wide = panel.pivot_table(index="area_id", columns="month", values="onset", aggfunc="max")
    if wide.isna().to_numpy().any():
        raise DataError("onset_features needs every month of every area (a gap-free panel)")
    y = wide.to_numpy(float)
    n_areas, n_months = y.shape
    months = wide.columns
    country_of = panel.drop_duplicates("area_id").set_index("area_id")["country"]
    country = country_of.reindex(wide.index).to_numpy()
    before = np.cumsum(y, axis=1) - y  # onsets of the area before the month
    # the all-area rate of the months before (pooled), the shrinkage target
    pooled = np.concatenate([[0.0], np.cumsum(y.sum(axis=0))[:-1]])
    overall = (pooled + 0.5) / (np.arange(n_months) * n_areas + 1.0)
    rate = (before + _PRIOR_MONTHS * overall) / (np.arange(n_months) + _PRIOR_MONTHS)
    index = np.broadcast_to(np.arange(n_months, dtype=float), y.shape)
    last = np.maximum.accumulate(np.where(y > 0, index, -np.inf), axis=1)
    last_before = np.concatenate([np.full((n_areas, 1), -np.inf), last[:, :-1]], axis=1)
    since = np.minimum(index - last_before, _SINCE_CAP)
    features = {
        "area_rate_logit": np.log(rate / (1 - rate)),
        "log_months_since_onset": np.log1p(since),
    }
    codes, groups = np.unique(country, return_inverse=True)
    by_country = np.zeros((len(codes), n_months))
    np.add.at(by_country, groups, y)
    for window, name in ((3, "country_onsets_3m"), (12, "country_onsets_12m")):
        others = _window_before(by_country, window)[groups] - _window_before(y, window)
        features[name] = np.log1p(others)
    # the country's share of area-months with an onset in this calendar month, earlier years only
    calendar = np.asarray(pd.PeriodIndex(months).month)
    areas_in = np.bincount(groups, minlength=len(codes)).astype(float)
    season = np.zeros((len(codes), n_months))
    for cm in range(1, 13):
        cols = np.flatnonzero(calendar == cm)  # this calendar month, year by year (sorted)
        hits = np.cumsum(by_country[:, cols], axis=1) - by_country[:, cols]
        seen = areas_in[:, None] * np.arange(len(cols))[None, :]
        season[:, cols] = (hits + 0.5) / (seen + 1.0)
    features["country_season_rate"] = np.log(season[groups])
    index_out = pd.MultiIndex.from_product([wide.index, months], names=["area_id", "month"])
    return pd.DataFrame({k: v.ravel() for k, v in features.items()}, index=index_out)[
        list(FEATURES)
    ]


def _window_before(values: np.ndarray, window: int) -> np.ndarray:
    """Sum of each row over the ``window`` months before each month (the month itself excluded)."""
    csum = np.concatenate([np.zeros((len(values), 1)), np.cumsum(values, axis=1)], axis=1)
    end = np.arange(values.shape[1])  # months before t: columns [t - window, t)
    start = np.maximum(end - window, 0)
    return csum[:, end] - csum[:, start]


class OnsetBacktest:
    """Fit the onset benchmarks and ``onset_logit`` before ``test_from``; score the months after.

    Parameters
    ----------
    test_from : str
        First test month (YYYY-MM); everything is fitted on the months before it.
    first, last : str
        The panel's first and last months (YYYY-MM).
    level : {1, 2}, default 1
        Admin level of the panel (deeper outbreaks roll up, shallower ones are left out).
    universe : {"cod", "list"}, default "cod"
        The panel's areas: every COD area of the listed countries plus the listed areas, or only
        the areas in the list (selected on the outcome; the milestone-2 panel).
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "test_from": Month(),
        "first": Month(),
        "last": Month(),
        "level": OneOf(1, 2),
        "universe": OneOf(*UNIVERSES),
    }

    def __init__(
        self,
        *,
        test_from: str,
        first: str = "2010-01",
        last: str = "2019-12",
        level: int = 1,
        universe: str = "cod",
    ) -> None:
        self.test_from = test_from
        self.first = first
        self.last = last
        self.level = level
        self.universe = universe

    def __repr__(self) -> str:
        return (
            f"OnsetBacktest(test_from={self.test_from!r}, first={self.first!r}, "
            f"last={self.last!r}, level={self.level!r}, universe={self.universe!r})"
        )

    def _validate(self) -> None:
        """Every declared parameter (one sentence for a bad one), then the months' order."""
        validate_params(self)
        first, test_from, last = (
            pd.Period(m, "M") for m in (self.first, self.test_from, self.last)
        )
        if not first < test_from <= last:
            msg = (
                f"The 'test_from' parameter of {type(self).__name__} must be after 'first' "
                f"({self.first}) and not after 'last' ({self.last}). Got {self.test_from!r} instead."
            )
            raise ParameterError(msg)

    def fit(self, outbreaks: pd.DataFrame, coverage: pd.DataFrame | None = None) -> OnsetScores:
        """``outbreaks``: ``area_id`` (``iso3::admin1[::admin2]``), ``start``; ``coverage``:
        ``country, month, has_data`` (months without surveillance are left out)."""
        self._validate()
        notes: list[str] = []
        areas = None
        parts = outbreaks["area_id"].str.split("::")
        deep = outbreaks[parts.map(len) - 1 >= self.level]
        listed = deep["area_id"].str.split("::").map(lambda p: "::".join(p[: self.level + 1]))
        if self.universe == "cod":
            countries = sorted(set(parts.str[0].str.upper()))
            areas, universe_notes = area_universe(
                countries, level=self.level, listed=pd.DataFrame({"area_id": listed})
            )
            notes += universe_notes
        full = onset_panel(
            outbreaks, level=self.level, first=self.first, last=self.last, areas=areas
        )
        panel = full
        if coverage is not None:
            panel = onset_panel(
                outbreaks,
                level=self.level,
                first=self.first,
                last=self.last,
                areas=areas,
                coverage=coverage,
            )
            notes.append(
                f"{len(full) - len(panel):,} of {len(full):,} area-months without surveillance "
                "data left out"
            )
        origin = pd.Period(self.test_from, "M")
        train = panel[panel["month"] < origin]
        test = panel[panel["month"] >= origin]
        if train["onset"].nunique() < 2 or test.empty:
            msg = (
                f"The onset panel has {int(train['onset'].sum())} onsets in {len(train):,} "
                f"training area-months and {len(test):,} test area-months; both outcomes before "
                f"{self.test_from} and test months are needed (choose other months)."
            )
            raise DataError(msg)
        forecasts = onset_forecasts(panel, test_from=self.test_from)
        features = onset_features(full)
        forecasts[f"p_{ONSET_MODEL}"] = _fit_predict(train, forecasts, features)
        key = pd.MultiIndex.from_arrays([forecasts["area_id"], forecasts["month"]])
        updated = features.reindex(key)["area_rate_logit"].to_numpy()
        forecasts[f"p_{UPDATED_BENCHMARK}"] = 1 / (1 + np.exp(-updated))
        notes.append(
            f"{len(train):,} training area-months ({int(train['onset'].sum())} onsets), "
            f"{len(forecasts):,} test area-months ({int(forecasts['onset'].sum())} onsets), "
            f"{forecasts['area_id'].nunique():,} areas"
        )
        params = {
            "test_from": self.test_from,
            "first": self.first,
            "last": self.last,
            "level": self.level,
            "universe": self.universe,
        }
        return OnsetScores(_scores(forecasts), forecasts, params, notes)


def _fit_predict(train: pd.DataFrame, test: pd.DataFrame, features: pd.DataFrame) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def design(rows: pd.DataFrame) -> np.ndarray:
        key = pd.MultiIndex.from_arrays([rows["area_id"], rows["month"]])
        return features.reindex(key)[list(FEATURES)].to_numpy(float)

    model = make_pipeline(
        StandardScaler(), LogisticRegression(solver="newton-cholesky", max_iter=200, tol=_FIT_TOL)
    )
    model.fit(design(train), train["onset"].astype(int).to_numpy())
    return model.predict_proba(design(test))[:, 1]


def _scores(forecasts: pd.DataFrame) -> pd.DataFrame:
    """``model, metric, value, n``: Brier score (n area-months) and AUC (n onsets) per model."""
    from sklearn.metrics import roc_auc_score

    y = forecasts["onset"].to_numpy(bool)
    rows: list[dict[str, Any]] = []
    for model in ONSET_MODELS:
        p = forecasts[f"p_{model}"].to_numpy(float)
        auc = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")
        rows += [
            {"model": model, "metric": "brier_onset", "value": float(np.mean((p - y) ** 2)),
             "n": len(y)},
            {"model": model, "metric": "auc_onset", "value": auc, "n": int(y.sum())},
        ]  # fmt: skip
    return pd.DataFrame(rows, columns=["model", "metric", "value", "n"])


class OnsetScores(ResultBase):
    """Scores (``model, metric, value, n``) and test-month forecasts of an onset back-test.

    ``forecasts``: one row per test area-month with a ``p_<model>`` column per model;
    ``params``: the back-test's parameters as given; ``notes``: what the panel dropped or added.
    """

    tables: ClassVar[tuple[str, ...]] = ("scores", "forecasts")

    def __init__(
        self,
        scores: pd.DataFrame,
        forecasts: pd.DataFrame,
        params: dict[str, Any],
        notes: list[str],
    ) -> None:
        self._tables = {"scores": scores, "forecasts": forecasts}
        self.params = dict(params)
        self.notes = list(notes)

    def _frame(self, table: str) -> pd.DataFrame:
        return self._tables[table].copy()

    def value(self, model: str, metric: str) -> float:
        """One score, e.g. ``result.value("onset_logit", "auc_onset")``."""
        s = self._tables["scores"]
        rows = s[(s["model"] == model) & (s["metric"] == metric)]
        if len(rows) != 1:
            raise KeyError(f"{len(rows)} scores for model={model!r}, metric={metric!r}")
        return float(rows["value"].iloc[0])

    def summary(self) -> str:
        """Scores by model (columns) and metric (rows), then the notes."""
        p = self.params
        lines = [f"Onset back-test (admin {p.get('level')}, test from {p.get('test_from')}, "
                 f"universe {p.get('universe')})"]  # fmt: skip
        s = self._tables["scores"]
        wide = s.pivot_table(index="metric", columns="model", values="value", sort=False)
        lines += ["", wide.to_string(float_format=lambda v: f"{v:.4f}")]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<OnsetScores: {len(self._tables['forecasts'])} test area-months>"


def _fold(text: str) -> str:
    """Lower case, accents dropped, letters and digits only (the outbreak list's area names)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def _match_key(area_id: str) -> str:
    parts = area_id.split("::")
    return f"{parts[0]}::{_fold(parts[-1])}"
