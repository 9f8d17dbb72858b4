"""Construction steps of a composite indicator, each a transformer: ``fit`` on a reference year, ``transform`` any year.

Every step works on a pandas DataFrame with one row per unit (the index names the units) and one
column per indicator; columns a step does not treat (names, groups, denominators) pass through
unchanged. ``fit`` learns what the step needs from the reference frame (group means, minima and
maxima, Winsorisation limits, ...) and ``transform`` applies exactly that to any frame, so later years
are put on the reference year's scale. ``fit_transform`` does both on one frame.

The steps follow COINr (R package by W. Becker) and reproduce its default ASEM build to 1e-9
(:func:`humsec.index.coinr_asem.build_coinr_asem`).

>>> import pandas as pd
>>> y2020 = pd.DataFrame({"gdp": [10.0, 20.0, 40.0], "pop": [1.0, 2.0, 2.0]}, index=["A", "B", "C"])
>>> y2021 = pd.DataFrame({"gdp": [12.0, 30.0, 50.0], "pop": [1.0, 2.0, 2.0]}, index=["A", "B", "C"])
>>> den = Denominate({"gdp": "pop"})
>>> norm = Normalise("goalposts", columns=["gdp"]).fit(den.fit_transform(y2020))
>>> norm.transform(den.transform(y2021))["gdp"].tolist()  # goalposts 10–20 learnt on 2020, clipped
[20.0, 50.0, 100.0]
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError
from humsec.core.params import Constraint, Interval, OneOf, Optional, get_params, validate_params
from humsec.index.model import NORMALISERS, InRegistry, MappingOf, Method
from humsec.index.operators import OPERATORS, FiniteNumber, aggregate

__all__ = [
    "IMPUTERS",
    "IMPUTE_METHODS",
    "NORMALISE_METHODS",
    "Aggregate",
    "Denominate",
    "Impute",
    "Normalise",
    "Screen",
    "TreatOutliers",
    "kurtosis",
    "skewness",
]

#: imputation methods (``Impute(NAME)``, ``--vary-impute``), with the ``Impute`` arguments each
#: reads (``required`` ones must be given)
IMPUTERS: dict[str, Method] = {
    "group_mean": Method("mean of the column within the unit's group", ("group",), ("group",)),
    "group_median": Method("median of the column within the unit's group", ("group",), ("group",)),
    "mean": Method("mean of the whole column"),
    "median": Method("median of the whole column"),
    "locf": Method("the unit's last observed value", ("unit", "time")),
    "regression": Method("each indicator regressed on the others (chained equations)"),
}
IMPUTE_METHODS = tuple(IMPUTERS)
NORMALISE_METHODS = tuple(NORMALISERS)  # one registry for the model and the step

# ---------------------------------------------------------------------------------------------
# shared helpers


class _Direction(Constraint):
    """1 (more is worse) or -1 (more is better)."""

    def accepts(self, value: Any) -> bool:
        return not isinstance(value, bool) and isinstance(value, (int, float)) and value in (1, -1)

    def describe(self) -> str:
        return "1 or -1"

    def invalid_examples(self) -> list[Any]:
        return [2, 0]


def _names(labels: Sequence[Hashable] | pd.Index, limit: int = 10) -> str:
    """Comma-separated labels, at most ``limit`` of them."""
    items = list(labels)
    shown = ", ".join(str(u) for u in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _require(frame: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in frame.columns], source=what)


def _values(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A column as a float array (a copy)."""
    return np.array(frame[col].to_numpy(dtype=float, na_value=np.nan), dtype=np.float64)


class Step:
    """Base class: column selection, ``fit_transform``, the not-fitted check and the repr.

    Each step stores its parameters as given, declares what they accept in
    ``_parameter_constraints`` and checks them at ``fit`` (one sentence per bad value).
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {}
    columns: list[str] | None = None
    _fitted_columns: list[str] | None = None
    _exclude: tuple[str, ...] = ()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in get_params(self).items())
        return f"{type(self).__name__}({args})"

    def _select(self, frame: pd.DataFrame) -> list[str]:
        """The indicator columns: those given, else every numeric column not used otherwise."""
        if self.columns is not None:
            cols = list(self.columns)
            _require(frame, cols, type(self).__name__)
            return cols
        return [
            str(c)
            for c in frame.columns
            if c not in self._exclude
            and pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])
        ]

    def _check_fitted(self, frame: pd.DataFrame) -> list[str]:
        if self._fitted_columns is None:
            msg = (
                f"{type(self).__name__} is not fitted: call fit(reference_frame) before transform."
            )
            raise HumsecError(msg)
        _require(frame, self._fitted_columns, type(self).__name__)
        return self._fitted_columns

    def fit(self, frame: pd.DataFrame) -> Step:
        """Learn the step's parameters on the reference frame (overridden)."""
        raise NotImplementedError

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Apply the learnt step to a frame (overridden)."""
        raise NotImplementedError

    def fit_transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``fit(frame)`` then ``transform(frame)``."""
        return self.fit(frame).transform(frame)


# ---------------------------------------------------------------------------------------------
# Denominate


class Denominate(Step):
    """Divide indicators by denominator columns (per capita, per GDP, per area, ...).

    Parameters
    ----------
    denominators
        ``{indicator: denominator column}``; both columns must be in the frame.
    scale
        Optional ``{indicator: factor}``: the denominator is divided by the factor first
        (COINr's ``ScaleFactor``), e.g. 1000 for "per thousand".

    A zero denominator raises :class:`~humsec.core.errors.DataError` naming the indicator and the
    units; a missing denominator gives a missing value. ``fit`` only checks the columns: every
    year is divided by its own denominators.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"gdp": [10.0, 9.0], "pop": [2.0, 3.0]}, index=["A", "B"])
    >>> Denominate({"gdp": "pop"}).fit_transform(df)["gdp"].tolist()
    [5.0, 3.0]
    >>> Denominate({"gdp": "pop"}).fit_transform(df.assign(pop=[2.0, 0.0]))
    Traceback (most recent call last):
    ...
    humsec.core.errors.DataError: Denominator 'pop' of indicator 'gdp' is zero for unit(s) B; cannot divide by zero.
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "scale": MappingOf(Interval(0, None)),
    }

    def __init__(self, denominators: Mapping[str, str], scale: Mapping[str, float] | None = None):
        self.denominators = dict(denominators)
        self.scale = scale
        self.columns = list(self.denominators)

    def fit(self, frame: pd.DataFrame) -> Denominate:
        """Check that every indicator and denominator column is present."""
        validate_params(self)
        _require(frame, [*self.denominators, *self.denominators.values()], "Denominate")
        self._fitted_columns = list(self.denominators)
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return a copy with each indicator divided by its (scaled) denominator."""
        self._check_fitted(frame)
        _require(frame, list(self.denominators.values()), "Denominate")
        out = frame.copy()
        for ind, den in self.denominators.items():
            d = _values(frame, den) / float((self.scale or {}).get(ind, 1.0))
            zero = d == 0
            if zero.any():
                msg = (
                    f"Denominator {den!r} of indicator {ind!r} is zero for unit(s) "
                    f"{_names(frame.index[zero])}; cannot divide by zero."
                )
                raise DataError(msg)
            out[ind] = _values(frame, ind) / d
        return out


# ---------------------------------------------------------------------------------------------
# Impute


class Impute(Step):
    """Fill missing indicator values; the cells filled are flagged in ``imputed_``.

    Parameters
    ----------
    method
        ``"group_mean"`` / ``"group_median"``: mean / median of the column within the unit's group
        (COINr ``i_mean_grp`` / ``i_median_grp``); ``"mean"`` / ``"median"``: of the whole column
        (``i_mean`` / ``i_median``); ``"locf"``: the unit's last observed value; ``"regression"``:
        each indicator regressed on the others, iterated until the fills settle (chained equations,
        scikit-learn's ``IterativeImputer`` with Bayesian ridge; an EM-like conditional mean).
    group
        Grouping column of the group methods; units whose group is missing stay missing.
    columns
        Indicator columns (default: every numeric column except ``group``, ``unit`` and ``time``).
    unit, time
        For ``"locf"``: the unit-id column (default: the frame index) and, on a panel with several
        rows per unit, the time column that orders them.

    ``fit`` learns the fill values on the reference frame (group or column statistics; for ``locf``
    each unit's latest observed value) and ``transform`` fills the missing cells of any frame with
    them; ``locf`` first carries values forward inside the frame itself, in time order. A group or
    unit unseen at ``fit`` stays missing. After ``transform``, ``imputed_`` is a boolean frame (the
    output's rows × indicator columns), True where a value was filled.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"x": [1.0, 3.0, np.nan, 10.0, np.nan], "g": list("aaabb")},
    ...                   index=list("ABCDE"))
    >>> imp = Impute("group_mean", group="g")
    >>> imp.fit_transform(df)["x"].tolist()
    [1.0, 3.0, 2.0, 10.0, 10.0]
    >>> imp.imputed_["x"].tolist()
    [False, False, True, False, True]
    >>> carry = Impute("locf").fit(pd.DataFrame({"x": [1.0, 5.0]}, index=["A", "B"]))
    >>> carry.transform(pd.DataFrame({"x": [np.nan, 6.0]}, index=["A", "B"]))["x"].tolist()
    [1.0, 6.0]
    """

    def __init__(
        self,
        method: str = "group_mean",
        group: str | None = None,
        columns: Sequence[str] | None = None,
        unit: str | None = None,
        time: str | None = None,
    ):
        self.method = method
        self.group = group
        self.columns = None if columns is None else list(columns)
        self.unit = unit
        self.time = time
        self._exclude = tuple(c for c in (group, unit, time) if isinstance(c, str))
        self.fill_: pd.DataFrame | None = None
        self.imputed_: pd.DataFrame | None = None
        self.model_: Any = None

    def _keys(self, frame: pd.DataFrame) -> pd.Series:
        """Per row, the key of its fill values: group, unit, or a constant for whole columns."""
        if self.method.startswith("group_"):
            assert self.group is not None
            return frame[self.group]
        if self.method == "locf":
            if self.unit is not None:
                return frame[self.unit]
            return pd.Series(frame.index, index=frame.index)
        return pd.Series(0, index=frame.index)

    def _ordered(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.time is None:
            return frame
        _require(frame, [self.time], "Impute")
        return frame.sort_values(self.time, kind="stable")

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "method": InRegistry(IMPUTERS, "an imputation method"),
    }

    def fit(self, frame: pd.DataFrame) -> Impute:
        """Learn the fill value of every indicator (per group, per unit, or per column)."""
        validate_params(self)
        for name in IMPUTERS[self.method].required:
            if getattr(self, name) is None:
                msg = f"Imputation method {self.method!r} needs {name}= (the grouping column)."
                raise HumsecError(msg)
        cols = self._select(frame)
        if self.group is not None:
            _require(frame, [self.group], "Impute")
        keys = self._keys(frame)
        data = frame[cols].astype(float)
        if self.method == "regression":
            from sklearn.experimental import enable_iterative_imputer  # noqa: F401
            from sklearn.impute import IterativeImputer

            self.model_ = IterativeImputer(max_iter=25, random_state=0, keep_empty_features=True)
            self.model_.fit(data.to_numpy(copy=True))  # pandas 3 gives read-only views
            self.fill_ = pd.DataFrame(columns=cols)
            self._fitted_columns = cols
            return self
        if self.method == "locf":
            ordered = self._ordered(frame)
            by = self._keys(ordered)
            self.fill_ = ordered[cols].astype(float).groupby(by.to_numpy()).last()
        else:
            stat = "mean" if self.method.endswith("mean") else "median"
            self.fill_ = data.groupby(keys.to_numpy()).agg(stat)
        self._fitted_columns = cols
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Fill missing cells with the learnt values and record them in ``imputed_``."""
        cols = self._check_fitted(frame)
        assert self.fill_ is not None
        out = frame.copy()
        before = frame[cols].isna()
        filled = frame[cols].astype(float)
        if self.method == "regression":
            values = self.model_.transform(filled.to_numpy(copy=True))
            out[cols] = pd.DataFrame(values, index=frame.index, columns=cols)
            self.imputed_ = before
            return out
        if self.method == "locf":
            # carry forward inside the frame, in time order, then put the rows back in place
            pos = np.arange(len(frame))
            if self.time is not None:
                _require(frame, [self.time], "Impute")
                pos = np.argsort(frame[self.time].to_numpy(), kind="stable")
            ordered = filled.iloc[pos]
            carried = ordered.groupby(self._keys(frame).to_numpy()[pos]).ffill()
            filled = carried.iloc[np.argsort(pos, kind="stable")]
            filled.index = frame.index
        keys = self._keys(frame).to_numpy()
        lookup = self.fill_.reindex(keys)
        lookup.index = frame.index
        filled = filled.fillna(lookup)
        out[cols] = filled
        self.imputed_ = before & filled.notna()
        return out


# ---------------------------------------------------------------------------------------------
# Screen


class Screen(Step):
    """Drop units with less than ``min_share`` of their indicators available (COINr ``Screen``, byNA).

    Parameters
    ----------
    min_share
        Data-availability threshold in [0, 1]; a unit is kept when the share of non-missing
        indicator values is at least this (COINr ``dat_thresh``).
    columns
        Indicator columns counted (default: every numeric column).
    force_include, force_exclude
        Units kept, or dropped, whatever their availability (COINr ``Force``).

    ``fit`` records the indicator columns; ``transform`` screens the frame it is given (each year
    on its own data) and sets ``availability_`` (share available per unit) and ``removed_``
    (the units dropped).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, np.nan, np.nan]}, index=list("XYZ"))
    >>> sc = Screen(min_share=0.5)
    >>> sc.fit_transform(df).index.tolist()
    ['X', 'Z']
    >>> sc.removed_
    ['Y']
    """

    def __init__(
        self,
        min_share: float = 0.9,
        columns: Sequence[str] | None = None,
        force_include: Sequence[Hashable] = (),
        force_exclude: Sequence[Hashable] = (),
    ):
        self.min_share = min_share
        self.columns = None if columns is None else list(columns)
        self.force_include = list(force_include)
        self.force_exclude = list(force_exclude)
        self.availability_: pd.Series | None = None
        self.removed_: list[Hashable] = []

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "min_share": Interval(0, 1, closed="both"),
    }

    def fit(self, frame: pd.DataFrame) -> Screen:
        """Record the indicator columns counted."""
        validate_params(self)
        self._fitted_columns = self._select(frame)
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame without the units below the availability threshold."""
        cols = self._check_fitted(frame)
        share = 1.0 - frame[cols].isna().sum(axis=1) / len(cols)
        keep = share >= float(self.min_share)
        keep[frame.index.isin(self.force_include)] = True
        keep[frame.index.isin(self.force_exclude)] = False
        self.availability_ = share
        self.removed_ = list(frame.index[~keep.to_numpy()])
        return frame.loc[keep.to_numpy()].copy()


# ---------------------------------------------------------------------------------------------
# Outlier treatment


def skewness(x: np.ndarray) -> float:
    """Bias-corrected sample skewness (scipy.stats.skew, bias=False: Excel SKEW, e1071 type 2, COINr).

    With x centred: g = √n·Σx³/(Σx²)^1.5 and skew = g·√(n(n−1))/(n−2).

    >>> round(skewness(np.array([1.0, 2.0, 3.0, 10.0])), 6)  # = scipy.stats.skew(x, bias=False)
    1.763633
    """
    v = np.asarray(x, dtype=np.float64)
    v = v[~np.isnan(v)]
    n = v.size
    if n < 3:
        msg = f"Skewness needs at least 3 non-missing values; got {n}."
        raise DataError(msg)
    from scipy import stats  # imported here: scipy.stats costs ~0.4 s at start-up

    return float(stats.skew(v, bias=False))


def kurtosis(x: np.ndarray) -> float:
    """Bias-corrected sample excess kurtosis (scipy.stats.kurtosis, bias=False: Excel KURT, COINr).

    With x centred: r = n·Σx⁴/(Σx²)² and kurt = ((n+1)(r−3)+6)(n−1)/((n−2)(n−3)).

    >>> round(kurtosis(np.array([1.0, 2.0, 3.0, 10.0])), 6)  # = scipy.stats.kurtosis(x, bias=False)
    3.228
    """
    v = np.asarray(x, dtype=np.float64)
    v = v[~np.isnan(v)]
    n = v.size
    if n < 4:
        msg = f"Kurtosis needs at least 4 non-missing values; got {n}."
        raise DataError(msg)
    from scipy import stats

    return float(stats.kurtosis(v, bias=False))


class TreatOutliers(Step):
    """Outlier treatment by COINr's default rule (``Treat`` with ``winsorise`` then ``log_CT``).

    Per indicator, on the reference frame:

    1. it passes when |skew| < ``skew_max`` **or** kurtosis < ``kurt_max`` (so it is treated only when
       |skew| ≥ ``skew_max`` and kurtosis ≥ ``kurt_max``);
    2. if it fails, Winsorise one step at a time: when the current skew is ≥ 0 every value equal to the
       maximum is set to the largest remaining value, otherwise every value equal to the minimum is
       set to the smallest remaining value; after each step skew and kurtosis are recomputed, and it
       stops once it passes or ``max_winsorised`` points were Winsorised;
    3. if it still fails, the Winsorisation is discarded and the *original* values are log-transformed,
       ``log(x − min + 0.01·(max − min))`` (COINr ``log_CT``); with ``fallback=None`` the Winsorised
       values are kept instead.

    ``fit`` learns the result as limits (the Winsorised values are exactly the original values clipped
    to the final lower / upper limit) or as the log's min and max; ``transform`` applies them to any
    frame: later years are clipped to the reference limits, or log-transformed with the reference
    min and max (values below the reference minimum are first raised to it, so the log is defined).

    ``details_`` (one row per indicator) reports ``skew``, ``kurt``, ``pass`` before treatment,
    ``n_winsorised``, ``skew_winsorised``, ``kurt_winsorised``, ``pass_winsorised``, ``log_applied``,
    ``skew_log``, ``kurt_log``, ``pass_log`` and the ``lower`` / ``upper`` limits. ``n_winsorised`` is
    COINr's count: the number of points changed. After ``transform``, ``treated_`` marks the cells
    changed (``"winhi"``, ``"winlo"``, ``"log"``, else ``""``).

    Examples
    --------
    >>> import pandas as pd
    >>> ref = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]})
    >>> tr = TreatOutliers().fit(ref)
    >>> d = tr.details_.loc["x"]
    >>> bool(d["pass"]), int(d["n_winsorised"]), bool(d["pass_winsorised"]), float(d["upper"])
    (False, 1, True, 10.0)
    >>> tr.transform(pd.DataFrame({"x": [0.0, 50.0]}))["x"].tolist()  # a later year: clipped
    [0.0, 10.0]
    """

    def __init__(
        self,
        skew_max: float = 2.0,
        kurt_max: float = 3.5,
        max_winsorised: int | None = 5,
        fallback: str | None = "log",
        columns: Sequence[str] | None = None,
    ):
        self.skew_max = skew_max
        self.kurt_max = kurt_max
        self.max_winsorised = max_winsorised
        self.fallback = fallback
        self.columns = None if columns is None else list(columns)
        self.details_: pd.DataFrame | None = None
        self.limits_: dict[str, dict[str, float]] = {}
        self.treated_: pd.DataFrame | None = None

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "skew_max": Interval(0, None),
        "kurt_max": Interval(0, None),
        "max_winsorised": Optional(Interval(0, None, closed="left", integer=True)),
        "fallback": Optional(OneOf("log")),
    }

    def _check(self, x: np.ndarray) -> tuple[bool | None, float, float]:
        s, k = skewness(x), kurtosis(x)
        if np.isnan(s) or np.isnan(k):
            return None, s, k
        return bool(abs(s) < float(self.skew_max) or k < float(self.kurt_max)), s, k

    def _winsorise(self, x: np.ndarray) -> tuple[np.ndarray, int, bool, bool]:
        """COINr ``winsorise``: returns the values, the count, and whether the high / low tail moved."""
        x = x.copy()
        passing = self._check(x)[0]
        n_hi = n_lo = 0
        while not passing and (self.max_winsorised is None or n_hi + n_lo < self.max_winsorised):
            high = skewness(x) >= 0
            extreme = np.nanmax(x) if high else np.nanmin(x)
            at = x == extreme
            rest = x[~at & ~np.isnan(x)]
            if rest.size == 0:
                break
            x[at] = rest.max() if high else rest.min()
            # COINr counts the points moved in the latest step on each side (ties included): the
            # earlier ones on that side are tied with them, so this is the number of points changed
            if high:
                n_hi = int(at.sum())
            else:
                n_lo = int(at.sum())
            passing = self._check(x)[0]
        return x, n_hi + n_lo, n_hi > 0, n_lo > 0

    def fit(self, frame: pd.DataFrame) -> TreatOutliers:
        """Run the treatment rule on every indicator of the reference frame and learn its limits."""
        validate_params(self)
        cols = self._select(frame)
        rows: dict[str, dict[str, Any]] = {}
        for col in cols:
            x = _values(frame, col)
            row: dict[str, Any] = dict.fromkeys(
                ("n_winsorised", "skew_winsorised", "kurt_winsorised", "pass_winsorised"), None
            )
            row.update({"log_applied": False, "skew_log": None, "kurt_log": None, "pass_log": None})
            row.update({"lower": np.nan, "upper": np.nan, "log_min": np.nan, "log_max": np.nan})
            try:
                passing, s, k = self._check(x)
            except DataError as err:
                raise DataError(f"Indicator {col!r}: {err}") from None
            row.update({"skew": s, "kurt": k, "pass": passing})
            if passing is False:
                xw, nwin, hi, lo = self._winsorise(x)
                p1, s1, k1 = self._check(xw)
                row.update(
                    {
                        "n_winsorised": nwin,
                        "skew_winsorised": s1,
                        "kurt_winsorised": k1,
                        "pass_winsorised": p1,
                    }
                )
                if p1 is False and self.fallback == "log":
                    lo_x, hi_x = float(np.nanmin(x)), float(np.nanmax(x))
                    xl = self._log(x, lo_x, hi_x)
                    p2, s2, k2 = self._check(xl)
                    row.update(
                        {
                            "log_applied": True,
                            "skew_log": s2,
                            "kurt_log": k2,
                            "pass_log": p2,
                            "log_min": lo_x,
                            "log_max": hi_x,
                        }
                    )
                elif p1 is not None:
                    if hi:
                        row["upper"] = float(np.nanmax(xw))
                    if lo:
                        row["lower"] = float(np.nanmin(xw))
            rows[col] = row
        order = [
            "skew",
            "kurt",
            "pass",
            "n_winsorised",
            "skew_winsorised",
            "kurt_winsorised",
            "pass_winsorised",
            "log_applied",
            "skew_log",
            "kurt_log",
            "pass_log",
            "lower",
            "upper",
            "log_min",
            "log_max",
        ]
        det = pd.DataFrame.from_dict(rows, orient="index")[order]
        for c in ("pass", "pass_winsorised", "pass_log"):
            det[c] = det[c].astype("boolean")
        det["log_applied"] = det["log_applied"].astype(bool)
        det["n_winsorised"] = det["n_winsorised"].astype("Int64")
        for c in ("skew_winsorised", "kurt_winsorised", "skew_log", "kurt_log"):
            det[c] = det[c].astype(float)
        det.index.name = "indicator"
        self.details_ = det
        keys = ("lower", "upper", "log_min", "log_max")
        self.limits_ = {col: {k: float(rows[col][k]) for k in keys} for col in cols}
        self._fitted_columns = cols
        return self

    @staticmethod
    def _log(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
        return np.asarray(np.log(x - lo + 0.01 * (hi - lo)), dtype=np.float64)

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Clip to the learnt Winsorisation limits, or log-transform with the learnt min and max."""
        cols = self._check_fitted(frame)
        out = frame.copy()
        marks = pd.DataFrame("", index=frame.index, columns=cols)
        for col in cols:
            d = self.limits_[col]
            x = _values(frame, col)
            if not np.isnan(d["log_min"]):
                lo, hi = d["log_min"], d["log_max"]
                y = self._log(np.where(x < lo, lo, x), lo, hi)
                marks.loc[~np.isnan(x), col] = "log"
            else:
                y = x.copy()
                upper, lower = d["upper"], d["lower"]
                if not np.isnan(upper):
                    above = x > upper
                    y[above] = upper
                    marks.loc[above, col] = "winhi"
                if not np.isnan(lower):
                    below = x < lower
                    y[below] = lower
                    marks.loc[below, col] = "winlo"
            out[col] = y
        self.treated_ = marks
        return out


# ---------------------------------------------------------------------------------------------
# Normalise


class Normalise(Step):
    """Bring indicators onto a common scale, learning the scale on the reference frame.

    Parameters
    ----------
    method
        - ``"minmax"``: ``(x − min)/(max − min)`` mapped onto ``range`` (COINr ``n_minmax``); min and
          max learnt at ``fit``; later years may fall outside ``range``;
        - ``"goalposts"``: ``(x − lo)/(hi − lo)``, clipped to [0, 1] (``clip``), mapped onto ``range``
          (COINr ``n_goalposts``); ``goalposts={indicator: (lo, hi)}`` in the indicator's units, or
          learnt as the reference min and max when not given;
        - ``"log_goalposts"``: goalposts on ``log(x)`` (x > 0; given goalposts are in the indicator's
          units and logged too);
        - ``"zscore"``: ``(x − mean)/sd·m_sd[1] + m_sd[0]`` with the reference mean and sample sd
          (COINr ``n_zscore``);
        - ``"rank"``: 1 + the number of reference values below x (on the reference year, the rank
          with ties given the smaller rank; higher x, higher rank: COINr ``n_rank``);
        - ``"percentile"``: ``(rank − 1)/(n − 1)``, clipped to [0, 1], mapped onto ``range``
          (COINr ``n_prank``);
        - ``"distance_to_target"``: ``1 − (target − x)/(target − min)``, capped at 1 (``clip``), mapped
          onto ``range`` (COINr ``n_dist2targ``); ``targets={indicator: target}`` required.
    range
        ``(lower, upper)`` of the output scale (default 0–100).
    directions
        ``{indicator: 1 or −1}`` (default 1); −1 reverses the indicator (x is multiplied by −1
        first, as COINr does, so high raw values get low scores).
    goalposts, targets
        See ``method``; given in the indicator's own units and direction.
    m_sd
        Target mean and sd of ``"zscore"``.
    clip
        Clip goalposts to [0, 1] and cap distance to target at 1 (default True).
    columns
        Indicator columns (default: every numeric column).

    Examples
    --------
    >>> import pandas as pd
    >>> ref = pd.DataFrame({"a": [0.0, 5.0, 10.0], "b": [2.0, 4.0, 6.0]})
    >>> n = Normalise("minmax", directions={"b": -1}).fit(ref)
    >>> n.transform(ref).to_dict("list")
    {'a': [0.0, 50.0, 100.0], 'b': [100.0, 50.0, 0.0]}
    >>> n.transform(pd.DataFrame({"a": [20.0], "b": [4.0]})).to_dict("list")  # not clipped
    {'a': [200.0], 'b': [50.0]}
    >>> g = Normalise("goalposts", goalposts={"a": (0, 8), "b": (2, 6)}).fit(ref)
    >>> g.transform(ref).to_dict("list")  # clipped at the goalposts
    {'a': [0.0, 62.5, 100.0], 'b': [0.0, 50.0, 100.0]}
    """

    def __init__(
        self,
        method: str = "minmax",
        range: tuple[float, float] = (0.0, 100.0),
        directions: Mapping[str, float] | None = None,
        goalposts: Mapping[str, tuple[float, float]] | None = None,
        targets: Mapping[str, float] | None = None,
        m_sd: tuple[float, float] = (0.0, 1.0),
        clip: bool = True,
        columns: Sequence[str] | None = None,
    ):
        self.method = method
        self.range = range
        self.directions = directions
        self.goalposts = goalposts
        self.targets = targets
        self.m_sd = m_sd
        self.clip = clip
        self.columns = None if columns is None else list(columns)
        self.params_: dict[str, dict[str, Any]] = {}

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "method": InRegistry(NORMALISERS, "a normalisation method"),
        "directions": MappingOf(_Direction()),
        "targets": MappingOf(FiniteNumber()),
        "clip": OneOf(True, False),
    }

    def _checked(self) -> None:
        """Validate the parameters (at ``fit``) and keep them as floats for the computation."""
        validate_params(self)
        try:
            lo, hi = (float(v) for v in self.range)
            ok = np.isfinite([lo, hi]).all() and lo < hi
        except (TypeError, ValueError):
            ok = False
        if not ok:
            msg = (
                "The 'range' parameter of Normalise must be (lower, upper), finite numbers with "
                f"lower < upper. Got {self.range!r} instead."
            )
            raise HumsecError(msg)
        if self.method == "distance_to_target" and not self.targets:
            raise HumsecError("Normalise('distance_to_target') needs targets={indicator: target}.")
        try:
            goalposts = {k: (float(a), float(b)) for k, (a, b) in (self.goalposts or {}).items()}
            m_sd = (float(self.m_sd[0]), float(self.m_sd[1]))
        except (TypeError, ValueError):
            msg = (
                "Normalise: goalposts must be {indicator: (low, high)} and m_sd (mean, sd), "
                f"as numbers; got goalposts={self.goalposts!r}, m_sd={self.m_sd!r}."
            )
            raise HumsecError(msg) from None
        bad = [k for k, (a, b) in goalposts.items() if not (np.isfinite([a, b]).all() and a < b)]
        if bad or not np.isfinite(m_sd).all():
            msg = (
                f"Normalise: goalposts must be finite with low < high (not so for {bad}) and "
                f"m_sd finite; got m_sd={self.m_sd!r}."
            )
            raise HumsecError(msg)
        self._range = (lo, hi)
        self._goalposts = goalposts
        self._targets = {k: float(v) for k, v in (self.targets or {}).items()}
        self._m_sd = m_sd

    def _oriented(self, frame: pd.DataFrame, col: str) -> np.ndarray:
        x = _values(frame, col)
        if self.method == "log_goalposts":
            if np.any(x <= 0):
                msg = f"Indicator {col!r}: log goalposts need positive values; found values ≤ 0."
                raise DataError(msg)
            x = np.log(x)
        return x * float((self.directions or {}).get(col, 1))

    def fit(self, frame: pd.DataFrame) -> Normalise:
        """Learn each indicator's scale (min/max, goalposts, mean/sd, reference values, ...)."""
        self._checked()
        cols = self._select(frame)
        if self.method == "distance_to_target":
            missing = [c for c in cols if c not in self._targets]
            if missing:
                msg = f"No target for indicator(s) {_names(missing)}; give targets= for every indicator."
                raise HumsecError(msg)
        params: dict[str, dict[str, Any]] = {}
        for col in cols:
            x = self._oriented(frame, col)
            ok = x[~np.isnan(x)]
            if ok.size == 0:
                msg = f"Indicator {col!r} has no non-missing values to fit the normalisation on."
                raise DataError(msg)
            d = float((self.directions or {}).get(col, 1))
            p: dict[str, Any] = {"direction": d}
            if self.method == "minmax":
                p.update(min=float(ok.min()), max=float(ok.max()))
            elif self.method in ("goalposts", "log_goalposts"):
                if col in self._goalposts:
                    gl, gh = self._goalposts[col]
                    if self.method == "log_goalposts":
                        gl, gh = float(np.log(gl)), float(np.log(gh))
                    # reversed indicators: the goalposts are reversed too (COINr n_goalposts)
                    gl, gh = (gl, gh) if d == 1 else (-gh, -gl)
                else:
                    gl, gh = float(ok.min()), float(ok.max())
                p.update(lo=gl, hi=gh)
            elif self.method == "zscore":
                p.update(mean=float(ok.mean()), sd=float(ok.std(ddof=1)))
            elif self.method in ("rank", "percentile"):
                p.update(reference=np.sort(ok))
            else:  # distance_to_target
                p.update(min=float(ok.min()), target=self._targets[col] * d)
            params[col] = p
        self.params_ = params
        self._fitted_columns = cols
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Normalise each indicator with the learnt parameters."""
        cols = self._check_fitted(frame)
        lo, hi = self._range
        out = frame.copy()
        for col in cols:
            p = self.params_[col]
            x = self._oriented(frame, col)
            with np.errstate(invalid="ignore", divide="ignore"):
                if self.method == "minmax":
                    y = (x - p["min"]) / (p["max"] - p["min"]) * (hi - lo) + lo
                elif self.method in ("goalposts", "log_goalposts"):
                    u = (x - p["lo"]) / (p["hi"] - p["lo"])
                    if self.clip:
                        u = np.clip(u, 0.0, 1.0)
                    y = u * (hi - lo) + lo
                elif self.method == "zscore":
                    y = (x - p["mean"]) / p["sd"] * self._m_sd[1] + self._m_sd[0]
                elif self.method in ("rank", "percentile"):
                    ref = p["reference"]
                    r = np.searchsorted(ref, x, side="left").astype(np.float64) + 1.0
                    r[np.isnan(x)] = np.nan
                    if self.method == "rank":
                        y = r
                    else:
                        u = np.clip((r - 1.0) / (ref.size - 1), 0.0, 1.0)
                        y = u * (hi - lo) + lo
                else:  # distance_to_target
                    u = 1.0 - (p["target"] - x) / (p["target"] - p["min"])
                    if self.clip:
                        u = np.where(u > 1.0, 1.0, u)
                    y = u * (hi - lo) + lo
            out[col] = y
        return out


# ---------------------------------------------------------------------------------------------
# Aggregate


class Aggregate(Step):
    """Aggregate indicators up a tree, level by level, with an operator of :mod:`humsec.index.operators`.

    Parameters
    ----------
    parents
        ``{child: parent}`` for every node below the root (indicators and aggregates).
    weights
        ``{child: weight}`` (default 1); weights are relative within each parent.
    op, params
        Operator name and parameters (default ``"arithmetic"``: COINr ``a_amean``). Means drop
        missing children and renormalise the weights of those present.

    ``fit`` checks the tree (indicators present, no cycle) and fixes the order of computation;
    ``transform`` adds one column per aggregate. Nothing is learnt from the data.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"a": [10.0, 20.0], "b": [30.0, np.nan], "c": [50.0, 60.0]})
    >>> agg = Aggregate({"a": "P", "b": "P", "c": "Q", "P": "Index", "Q": "Index"},
    ...                 weights={"a": 1, "b": 3})
    >>> agg.fit_transform(df)[["P", "Q", "Index"]].to_dict("list")
    {'P': [25.0, 20.0], 'Q': [50.0, 60.0], 'Index': [37.5, 40.0]}
    """

    def __init__(
        self,
        parents: Mapping[str, str],
        weights: Mapping[str, float] | None = None,
        op: str = "arithmetic",
        params: Mapping[str, Any] | None = None,
    ):
        self.parents = dict(parents)
        self.weights = weights
        self.op = op
        self.params = dict(params or {})
        self.children_: dict[str, list[str]] = {}
        self.order_: list[str] = []

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "op": InRegistry(OPERATORS, "an aggregation operator"),
        "weights": MappingOf(Interval(0, None)),
    }

    def fit(self, frame: pd.DataFrame) -> Aggregate:
        """Check the tree and its leaf columns; fix the order in which aggregates are computed."""
        validate_params(self)
        children: dict[str, list[str]] = {}
        for child, parent in self.parents.items():
            children.setdefault(parent, []).append(child)
        leaves = [c for c in self.parents if c not in children]
        _require(frame, leaves, "Aggregate")
        done = set(leaves)
        order: list[str] = []
        pending = list(children)
        while pending:
            ready = [n for n in pending if all(c in done for c in children[n])]
            if not ready:
                msg = f"The aggregation tree has a cycle through {_names(pending)}."
                raise HumsecError(msg)
            order += ready
            done.update(ready)
            pending = [n for n in pending if n not in done]
        self.children_ = children
        self.order_ = order
        self._fitted_columns = leaves
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Add one column per aggregate, children before parents."""
        self._check_fitted(frame)
        out = frame.copy()
        new: dict[str, np.ndarray] = {}
        for node in self.order_:
            kids = self.children_[node]
            x = np.column_stack([new[k] if k in new else _values(out, k) for k in kids])
            w = np.array([float((self.weights or {}).get(k, 1.0)) for k in kids])
            new[node] = aggregate(self.op, x, w, self.params)
        return pd.concat([out, pd.DataFrame(new, index=out.index)], axis=1)
