"""The Alkire-Foster (AF) dual-cutoff counting method, with design-based inference.

Identification: a person's weighted deprivation score ``c_i = Σ_j w_j·g_ij`` (indicator weights sum to
1); the person is *poor* (multidimensionally insecure) if ``c_i ≥ k/100``. Aggregation over a domain:

- H, incidence: weighted share of poor persons;
- A, intensity: mean score among the poor;
- M0 = H × A, the adjusted headcount ratio;
- hd_j: uncensored headcount ratio of indicator j; hdk_j: censored (deprived *and* poor);
- actb_j = w_j·hdk_j (Σ_j actb_j = M0) and pctb_j = actb_j / M0 (a share, Σ_j pctb_j = 1).

SEs are Taylor-linearised with strata and with-replacement PSUs (R ``survey``); subgroups and rounds
are domains of one design; level CIs are logit intervals with the t distribution at the design df
(#PSU − #strata), as mpitbR / Stata ``mpitb``; change CIs are normal.

>>> import humsec
>>> af = humsec.AlkireFoster(humsec.datasets.syn_cdta_spec(), k=[33])
>>> result = af.fit(humsec.datasets.load_syn_cdta(), over=["area"])
>>> row = result.to_frame().query("measure == 'M0' and over == 'national' and time == 1")
>>> round(float(row["estimate"].iloc[0]), 6), round(float(row["se"].iloc[0]), 6)
(0.142416, 0.002486)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from numbers import Real
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec._version import __version__
from humsec.af._estimates import change_rows, level_rows, share_rows
from humsec.af.api import moments
from humsec.af.result import AFResult, Provenance
from humsec.af.spec import MISSING_POLICIES, AFSpec
from humsec.af.survey_table import PreparedSurvey, prepare_survey
from humsec.core.design import LONELY_PSU_RULES
from humsec.core.errors import HumsecError
from humsec.core.frames import ColumnSource, native_backend
from humsec.core.inference import bootstrap_factors
from humsec.core.params import Constraint, Interval, OneOf, Optional, validate_params

__all__ = ["AlkireFoster"]

VARIANCE_METHODS = ("linearization", "bootstrap")


class Cutoffs(Constraint):
    """Poverty cutoffs: ``None`` (the specification's), or one or more numbers in (0, 100]."""

    def accepts(self, value: Any) -> bool:
        if value is None:
            return True
        values = [value] if isinstance(value, Real) else value
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            return False
        return all(Interval(0, 100, closed="right").accepts(v) for v in values)

    def describe(self) -> str:
        return "None or a list of numbers in (0, 100] (percent)"

    def invalid_examples(self) -> list[Any]:
        return [[0], [150.0], [float("nan")], [], "33"]


class AlkireFoster:
    """Alkire-Foster estimator. Parameters are stored as given and checked by :meth:`fit`.

    Parameters
    ----------
    spec : AFSpec, mapping, or path to a YAML/JSON file
        Dimensions, indicators, cutoffs, weights, k, design and time (see :class:`humsec.AFSpec`).
    k : sequence of float, optional
        Poverty cutoffs in percent, in (0, 100]; overrides the specification's ``k``.
    over : sequence of str, default ()
        Grouping columns for subgroup estimates (``"a*b"`` crosses two columns); added to ``spec.over``.
    level : float, default 0.95
        Confidence level of the intervals, in (0, 1).
    variance : {"linearization", "bootstrap"}, default "linearization"
        Taylor linearisation, or the Rao-Wu rescaling bootstrap over PSUs.
    replicates : int, default 500
        Bootstrap replicates (``variance="bootstrap"`` only).
    seed : int or None, default None
        Seed of the bootstrap.
    lonely_psu : {"fail", "certainty", "remove", "adjust"} or None
        Overrides the design's rule for single-PSU strata.
    missing : {"drop", "reweight"} or None
        Overrides the specification's missing-data policy.
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "k": Cutoffs(),
        "level": Interval(0, 1),
        "variance": OneOf(*VARIANCE_METHODS),
        "replicates": Interval(2, None, closed="left", integer=True),
        "seed": Optional(Interval(0, None, closed="left", integer=True)),
        "lonely_psu": Optional(OneOf(*LONELY_PSU_RULES)),
        "missing": Optional(OneOf(*MISSING_POLICIES)),
    }

    def __init__(
        self,
        spec: AFSpec | Mapping[str, Any] | str | Path,
        *,
        k: Sequence[float] | None = None,
        over: Sequence[str] = (),
        level: float = 0.95,
        variance: str = "linearization",
        replicates: int = 500,
        seed: int | None = None,
        lonely_psu: str | None = None,
        missing: str | None = None,
    ) -> None:
        self.spec = spec
        self.k = k
        self.over = over
        self.level = level
        self.variance = variance
        self.replicates = replicates
        self.seed = seed
        self.lonely_psu = lonely_psu
        self.missing = missing

    # sklearn-style helpers ---------------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params: Any) -> AlkireFoster:
        for name, value in params.items():
            if name not in _PARAMS:
                msg = (
                    f"Unknown parameter {name!r} of AlkireFoster; expected one of {list(_PARAMS)}."
                )
                raise HumsecError(msg)
            setattr(self, name, value)
        return self

    def clone(self) -> AlkireFoster:
        return AlkireFoster(**self.get_params())

    def __repr__(self) -> str:
        default = AlkireFoster("").get_params()
        shown = [
            f"{n}={v!r}" for n, v in self.get_params().items() if n == "spec" or v != default[n]
        ]
        spec_repr = shown[0]
        if isinstance(self.spec, AFSpec):
            spec_repr = f"spec=<AFSpec {len(self.spec.indicators)} indicators>"
        return f"AlkireFoster({', '.join([spec_repr, *shown[1:]])})"

    # -------------------------------------------------------------------------------------
    def resolved_spec(self) -> AFSpec:
        """The specification with this estimator's overrides applied (validated)."""
        spec = self.spec
        if isinstance(spec, (str, Path)):
            spec = AFSpec.from_file(spec)
        elif isinstance(spec, Mapping):
            spec = AFSpec.from_dict(spec)
        elif not isinstance(spec, AFSpec):
            msg = f"The 'spec' parameter of AlkireFoster must be an AFSpec, a mapping or a file path. Got {type(spec).__name__} instead."
            raise HumsecError(msg)
        raw = spec.to_dict()
        if self.k is not None:
            raw["k"] = list(self.k) if not isinstance(self.k, (int, float)) else [self.k]
        if self.lonely_psu is not None:
            raw["design"]["lonely_psu"] = self.lonely_psu
        if self.missing is not None:
            raw["missing"] = self.missing
        return AFSpec.from_dict(raw) if raw != spec.to_dict() else spec

    def fit(
        self,
        data: Any,
        *,
        over: Sequence[str] | None = None,
        value_labels: Mapping[str, Mapping[Any, str]] | None = None,
        source: str | None = None,
        data_hash: str | None = None,
    ) -> AFResult:
        """Estimate every measure for the whole sample and each subgroup; return an :class:`AFResult`.

        ``data`` is a dataframe (pandas, Polars, PyArrow, ...) or a file path (CSV, Parquet, Excel,
        Stata, SPSS). ``over`` adds grouping columns for this fit.
        """
        validate_params(self)
        spec = self.resolved_spec()
        over_terms = [*self.over, *(over or [])]
        backend = "pandas"
        if isinstance(data, (str, Path)):
            from humsec.af._kernels import warm_up_in_background
            from humsec.af.inputs import needed_columns, read_data

            warm_up_in_background()  # numba's first-call cost overlaps the file's decoding
            columns = needed_columns(spec, over_terms)
            table = read_data(data, columns, arrow=True)
            value_labels, source, data_hash = table.value_labels, str(data), table.sha256
            # humsec owns what it read: each column is released once converted (data held once)
            frame = ColumnSource(table.frame, owned=True)
            del table
        else:
            frame = data
            backend = native_backend(data)
        survey = prepare_survey(frame, spec, over_terms, value_labels=value_labels, source=source)
        levels, changes, shares = estimate(
            survey, spec, self.level, self.variance, self.replicates, self.seed
        )
        provenance = Provenance(
            spec=spec.to_dict(),
            estimator=self.get_params() | {"spec": spec.name or "(spec)"},
            data_source=source,
            data_hash=data_hash or _hash_frame_columns(frame, spec.columns()),
            n_input=survey.n_input,
            n_used=survey.n,
            dropped=[(d.reason, d.count) for d in survey.dropped],
            notes=list(survey.notes),
            design={
                "n_psu": survey.n_psu,
                "n_strata": survey.n_strata,
                "df": survey.n_psu - survey.n_strata,
                "lonely_psu": spec.design.lonely_psu,
                "variance": self.variance,
            },
            version=__version__,
        )
        return AFResult(
            levels,
            changes,
            shares,
            provenance,
            level=self.level,
            backend=backend,
            indicator_weights=dict(
                zip(survey.indicators, survey.indicator_weights.tolist(), strict=True)
            ),
            dimensions=spec.indicator_dimension(),
        )


_PARAMS = ("spec", "k", "over", "level", "variance", "replicates", "seed", "lonely_psu", "missing")


def estimate(
    survey: PreparedSurvey,
    spec: AFSpec,
    level: float,
    variance: str = "linearization",
    replicates: int = 500,
    seed: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Levels, changes and subgroup shares (tidy frames) from a prepared survey.

    The survey's per-person arrays are summed into cells and then released (see
    :meth:`PreparedSurvey.release_person_arrays`): estimate once per prepared survey.
    """
    ks = spec.k
    sums = moments(survey, ks)
    survey.release_person_arrays()  # all that follows works on the cell sums
    catalog = sums.ratios()
    n_rounds = sums.n_rounds
    round_labels = sums.round_labels
    df = sums.df
    factors = sums.factors
    boot_factors = (
        bootstrap_factors(survey.psu_stratum, replicates, seed) if variance == "bootstrap" else None
    )
    partitions = sums.partitions()
    national = partitions[0]
    levels, changes, shares = [], [], []
    has_change = survey.rounds is not None and n_rounds >= 2
    pair = (0, n_rounds - 1) if has_change else None
    for part in partitions:
        R, V, cov = part.moments(catalog, survey.psu_stratum, factors, pair)
        boot = part.bootstrap(catalog, boot_factors) if boot_factors is not None else None
        if boot is not None:
            V = np.nanvar(boot, axis=0, ddof=1)
        levels.append(level_rows(part, catalog, R, V, df, level, round_labels))
        if pair is not None:
            assert survey.round_years is not None
            assert round_labels is not None
            changes.append(
                change_rows(
                    part,
                    catalog,
                    R,
                    V,
                    cov,
                    boot,
                    pair,
                    (survey.round_years[0], survey.round_years[-1]),
                    (round_labels[0], round_labels[-1]),
                    level,
                )
            )
        if part is not national:
            shares.append(
                share_rows(part, national, survey.psu_stratum, factors, ks, round_labels, df, level)
            )
    level_frame = pd.concat(levels, ignore_index=True)
    change_frame = pd.concat(changes, ignore_index=True) if changes else pd.DataFrame()
    share_frame = pd.concat(shares, ignore_index=True) if shares else pd.DataFrame()
    return level_frame, change_frame, share_frame


def _hash_frame_columns(frame: Any, columns: list[str]) -> str:
    """sha256 over the used columns of an in-memory frame (their values, in order)."""
    from humsec.core.frames import column_names, column_numpy, to_narwhals

    nw_frame = to_narwhals(frame)
    h = hashlib.sha256()
    for name in columns:
        if name not in column_names(nw_frame):
            continue
        values = column_numpy(nw_frame, name)
        h.update(name.encode())
        if values.dtype.kind in "biuf":
            h.update(np.ascontiguousarray(values).tobytes())
        else:
            h.update(pd.util.hash_array(values.astype(object)).tobytes())
    return h.hexdigest()
