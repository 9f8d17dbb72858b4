"""Validated survey microdata, ready for a measurement engine.

:func:`prepare_survey` reads the columns a specification needs from any dataframe, checks them (0/1
deprivations, positive weights, PSUs nested in strata, lonely PSUs, missing cells) and applies the
missing-data policy, reporting every dropped row and why. The engines then work on plain numpy arrays.

>>> import pandas as pd
>>> from humsec.af.spec import AFSpec
>>> spec = AFSpec.from_dict({"dimensions": {"a": ["x"], "b": ["y"]}, "k": [50]})
>>> survey = prepare_survey(pd.DataFrame({"x": [1, 0, None], "y": [1, 1, 0]}), spec)
>>> survey.n, survey.dropped[0].count
(2, 1)
>>> survey.score.tolist()
[1.0, 0.5]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from humsec.af._kernels import compact_codes, row_scores, value_per_psu
from humsec.af.cells import Cells, form_cells, psu_cells
from humsec.af.label_codes import LabelCodes
from humsec.af.psu_level import per_psu
from humsec.af.spec import NUMERIC_OPS, AFSpec
from humsec.core.checks import FIRST_ROW, clean_labels, require_numbers, require_unique_columns
from humsec.core.errors import ColumnNotFoundError, DataError, DesignError, describe_rows
from humsec.core.frames import ColumnSource

__all__ = ["DroppedRows", "Grouping", "PreparedSurvey", "prepare_survey"]


@dataclass(frozen=True)
class DroppedRows:
    """Rows removed before estimation, with the reason (reported in every result)."""

    reason: str
    count: int
    rows: tuple[int, ...] = ()  # 0-based input row positions (the first 1000)


@dataclass(frozen=True)
class Grouping:
    """A partition of persons (survey rounds, or an ``over`` column): its name and group labels.

    The persons' codes go into the cells (:class:`humsec.af.cells.Cells`).
    """

    name: str
    labels: tuple[str, ...]

    @property
    def n_groups(self) -> int:
        return len(self.labels)


@dataclass
class PreparedSurvey:
    """Validated arrays for the AF engine (one row per person kept)."""

    indicators: tuple[str, ...]
    deprivations: np.ndarray  # (n, J) uint8, C order (one person per row); 0 where missing
    observed: np.ndarray | None  # (n, J) bool, only when some indicator cells are missing
    effective_weights: np.ndarray | None  # (n, J) person-specific weights ('reweight' policy)
    indicator_weights: np.ndarray  # (J,) nominal weights
    weight: np.ndarray  # (n,) sampling weights
    cells: Cells  # each person's cell (PSU × round × groups)
    psu_stratum: np.ndarray  # (P,) stratum code of each PSU
    stratum_labels: tuple[str, ...]
    rounds: Grouping | None
    round_years: tuple[float, ...] | None
    over: list[Grouping]
    n_input: int
    spec: AFSpec  # the specification it was prepared for
    dropped: list[DroppedRows] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _n: int | None = None

    @property
    def score(self) -> np.ndarray:
        """Each person's weighted deprivation score c_i (computed on demand; the engine computes
        it inside its one pass instead of holding it)."""
        if self.effective_weights is not None:
            return np.einsum("ij,ij->i", self.deprivations, self.effective_weights)
        return row_scores(self.deprivations, self.indicator_weights)

    @property
    def n(self) -> int:
        return len(self.cells.ids) if self._n is None else self._n

    def release_person_arrays(self) -> None:
        """Free the per-person arrays once they are summed into cells (10M persons: ~250 MB);
        counts and the design stay."""
        self._n = self.n
        J = len(self.indicators)
        self.deprivations = np.zeros((0, J), dtype=np.uint8)
        self.observed = None if self.observed is None else np.zeros((0, J), dtype=bool)
        if self.effective_weights is not None:
            self.effective_weights = np.zeros((0, J))
        self.weight = np.zeros(0)
        self.cells = Cells(
            np.zeros(0, dtype=np.int32), self.cells.psu, self.cells.round, self.cells.groups
        )

    @property
    def n_psu(self) -> int:  # PSU codes 0..P-1 are unique across strata
        return len(self.psu_stratum)

    @property
    def n_strata(self) -> int:
        return len(self.stratum_labels)


def prepare_survey(
    data: Any,
    spec: AFSpec,
    over: Sequence[str] = (),
    *,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    source: str | None = None,
) -> PreparedSurvey:
    """Validate the data against the specification and return arrays for estimation.

    ``over`` names grouping columns; ``"a*b"`` (or a tuple) groups by the combination of a and b.
    ``value_labels`` (from Stata/SPSS files) label groups and let cutoffs name categories by label.
    Errors name the file (``source``), the column, the rows and what was expected.
    """
    over_terms = [_split_term(o) for o in (*spec.over, *over)]
    design_columns = [spec.design.weight, spec.design.strata, spec.design.psu]
    time_columns = [spec.time.round, spec.time.year] if spec.time else []
    uses = [  # every column read, once per use (a raw column may feed two indicators or groupings)
        *(i.source_column for i in spec.indicators),
        *(c for c in (*design_columns, *time_columns) if c),
        *(c for term in over_terms for c in term),
    ]
    reused = {c for c in uses if uses.count(c) > 1}
    frame = data if isinstance(data, ColumnSource) else ColumnSource(data, reused=reused)
    frame.keep(reused)
    available = frame.names
    require_unique_columns(available, source=source)
    needed = list(dict.fromkeys(uses))
    missing = [c for c in needed if c not in available]
    if missing:
        raise ColumnNotFoundError(missing, available, source)
    labels = dict(value_labels or {})
    where = f" of {source}" if source else ""
    n_input = frame.n_rows

    deprived, obs = _deprivation_matrix(frame, spec, labels, where, source)
    design = spec.design
    notes: list[str] = []
    weight = (
        _weights(frame.take(design.weight), design.weight, where, notes)
        if design.weight
        else np.ones(n_input)
    )
    keep, dropped, obs = _missing_policy(spec, obs, n_input)
    if keep is not None and not keep.all():
        idx = np.flatnonzero(keep)
        deprived = deprived[idx]
        obs = None if obs is None else obs[idx]
        weight = weight[idx]
    else:
        idx = None
    if len(weight) == 0:
        raise DataError(
            f"No complete observation left in the data{where} after dropping missing values."
        )

    def take(name: str) -> np.ndarray:
        values = frame.take(name)
        return values if idx is None else values[idx]

    def input_rows(positions: np.ndarray) -> np.ndarray:
        """Positions among the kept persons -> rows of the input (as errors must name them)."""
        return positions if idx is None else idx[positions]

    def take_labels(name: str) -> Any:
        """A column of labels (groups, rounds, strata, PSUs), under the one label policy; a text
        column of an Arrow table comes as :class:`LabelCodes` (no string per person)."""
        coded = None if name in reused else frame.take_codes(name)
        if coded is not None:
            labels_coded = LabelCodes(*coded)
            raw: Any = labels_coded if idx is None else labels_coded[idx]
        else:
            raw = take(name)
        return _clean_labels(raw, name, source, input_rows, notes)

    stratum_raw = take_labels(design.strata) if design.strata else None
    psu_raw = take_labels(design.psu) if design.psu else None
    by_psu = None if design.nest else _design_by_psu(stratum_raw, psu_raw)
    if by_psu is not None:  # strata read once per PSU (the usual design)
        psu, psu_stratum, stratum_labels = by_psu
    else:  # the general path, which also names the rows of every error
        stratum, stratum_labels = _stratum_codes(
            stratum_raw, len(weight), where, design.strata, input_rows
        )
        psu, psu_stratum = _psu_codes(psu_raw, stratum, design.nest, where, design.psu, input_rows)
        del stratum
    del stratum_raw, psu_raw
    _check_lonely_psu(psu_stratum, stratum_labels, design.lonely_psu, where)

    weights_nominal = np.array([spec.indicator_weights()[n] for n in spec.indicator_names])
    effective = None
    if obs is not None and spec.missing == "reweight":
        effective = _reweighted(spec, obs, weights_nominal)

    rounds = None
    round_codes = None
    years = None
    if spec.time:
        round_codes, rounds = _grouping(
            spec.time.round, take_labels(spec.time.round), labels.get(spec.time.round)
        )
        if (round_codes < 0).any():
            bad = np.flatnonzero(round_codes < 0) if idx is None else idx[round_codes < 0]
            raise DataError(
                f"Column {spec.time.round!r}{where} (survey round) is missing at {describe_rows(bad)}."
            )
        years = _round_years(
            rounds,
            round_codes,
            take(spec.time.year) if spec.time.year else None,
            spec.time.year,
            where,
        )
    n_psu = len(psu_stratum)
    groupings = []
    group_codes: list[tuple[np.ndarray, bool]] = []  # (codes, whether per PSU) per grouping
    persons_per_psu = None
    for term in over_terms:
        name = "*".join(term)
        value_labels_of = labels.get(term[0]) if len(term) == 1 else None
        raw = _combined(term, take_labels)[0]
        reduced = per_psu(raw, psu, n_psu)
        codes, g, tied = _grouping_and_ties(
            name, raw if reduced is None else reduced, value_labels_of
        )
        if reduced is not None and tied:  # labels ordered by first appearance: among persons
            reduced = None
            codes, g, _ = _grouping_and_ties(name, raw, value_labels_of)
        del raw
        missing_codes = codes < 0
        if reduced is not None and missing_codes.any():
            if persons_per_psu is None:
                persons_per_psu = np.bincount(psu, minlength=n_psu)
            n_missing = int(persons_per_psu[missing_codes].sum())
        else:
            n_missing = int(missing_codes.sum())
        if n_missing:
            notes.append(
                f"{n_missing} person(s) with a missing value of {g.name!r} are in the national "
                f"estimates but in no {g.name!r} subgroup."
            )
        group_codes.append((codes, reduced is not None))
        groupings.append(g)
    cells = _cells(psu, n_psu, round_codes, rounds, group_codes, groupings)
    del psu, round_codes, group_codes  # per-person codes now live in the cells
    return PreparedSurvey(
        indicators=spec.indicator_names,
        deprivations=deprived,
        observed=obs,
        effective_weights=effective,
        indicator_weights=weights_nominal,
        weight=weight,
        cells=cells,
        psu_stratum=psu_stratum,
        stratum_labels=stratum_labels,
        rounds=rounds,
        round_years=years,
        over=groupings,
        n_input=n_input,
        dropped=dropped,
        notes=notes,
        spec=spec,
    )


# ---------------------------------------------------------------------- indicators
def _deprivation_matrix(
    frame: ColumnSource,
    spec: AFSpec,
    labels: Mapping[str, Mapping[Any, str]],
    where: str,
    source: str | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """(n, J) uint8 deprivations (0 where missing) and the observed mask (None if nothing is missing)."""
    n = frame.n_rows
    inds = spec.indicators
    columns = []
    observed = None
    for j, ind in enumerate(inds):
        raw = frame.take(ind.source_column)
        if ind.cutoff is not None and ind.cutoff.op in NUMERIC_OPS:
            _require_finite(raw, ind.source_column, source)
        if ind.cutoff is not None:
            values = ind.cutoff.apply(raw, labels.get(ind.source_column))
        else:
            values = _binary_column(raw, ind.source_column, where)
        nan = np.isnan(values) if values.dtype.kind == "f" else None
        if nan is not None and nan.any():
            if observed is None:
                observed = np.ones((n, len(inds)), dtype=bool)
            observed[:, j] = ~nan
            values = np.where(nan, 0.0, values)
        columns.append(values)
    return _rows_of(columns, n), observed


#: rows filled at a time: a block of the (n, J) matrix stays in the cache while its J columns
#: are written (a whole column at a time writes every cache line of the matrix J times)
FILL_BLOCK = 1 << 15


def _rows_of(columns: list[np.ndarray], n: int) -> np.ndarray:
    """The (n, J) uint8 matrix of J 0/1 columns, filled block by block.

    >>> _rows_of([np.array([1, 0]), np.array([0.0, 1.0])], 2).tolist()
    [[1, 0], [0, 1]]
    """
    out = np.empty((n, len(columns)), dtype=np.uint8)
    for lo in range(0, n, FILL_BLOCK):
        hi = min(lo + FILL_BLOCK, n)
        for j, values in enumerate(columns):
            out[lo:hi, j] = values[lo:hi]
    return out


def _binary_column(raw: np.ndarray, name: str, where: str) -> np.ndarray:
    """A ready-made deprivation column as float 0/1/NaN; anything else is an error naming rows."""
    if raw.dtype.kind == "b":
        return raw.astype(np.float64)
    if raw.dtype.kind in "iu" and len(raw) and raw.min() >= 0 and raw.max() <= 1:
        return raw  # already 0/1 integers: no conversion (the common, large case)
    if raw.dtype.kind in "iuf":
        values = raw.astype(np.float64)
        bad = ~(np.isnan(values) | (values == 0) | (values == 1))
    else:
        series = pd.Series(raw, dtype=object)
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        bad = ~((values == 0) | (values == 1) | series.isna().to_numpy())
    if bad.any():
        rows = np.flatnonzero(bad)
        found = sorted({str(v) for v in raw[rows[:50]]})[:5]
        msg = (
            f"Column {name!r}{where} must hold 0/1 deprivation values (1 = deprived) or be given a "
            f"cutoff in the specification (deprived_if); found {', '.join(found)} at {describe_rows(rows)} "
            "(data rows, 1-based, header not counted)."
        )
        raise DataError(msg)
    return values


def _missing_policy(
    spec: AFSpec, observed: np.ndarray | None, n: int
) -> tuple[np.ndarray | None, list[DroppedRows], np.ndarray | None]:
    """Which persons are kept (None: all), the report of the dropped ones, and the observed mask
    of the kept."""
    dropped: list[DroppedRows] = []
    if observed is None:
        return None, dropped, None
    keep = np.ones(n, dtype=bool)
    names = spec.indicator_names
    if spec.missing == "drop":
        keep = np.asarray(observed.all(axis=1), dtype=bool)
        per = ", ".join(
            f"{names[j]}: {int((~observed[:, j]).sum())}"
            for j in range(len(names))
            if not observed[:, j].all()
        )
        rows = np.flatnonzero(~keep)
        dropped.append(
            DroppedRows(
                f"missing value in at least one indicator ({per})",
                len(rows),
                tuple(rows[:1000].tolist()),
            )
        )
        return keep, dropped, None
    # 'reweight': a person needs at least one observed indicator in every dimension
    position = {name: j for j, name in enumerate(names)}
    for dim in spec.dimensions:
        cols = [position[i.name] for i in dim.indicators]
        none_seen = ~observed[:, cols].any(axis=1)
        if none_seen.any():
            rows = np.flatnonzero(none_seen & keep)
            if len(rows):
                dropped.append(
                    DroppedRows(
                        f"no observed indicator in dimension {dim.name!r}",
                        len(rows),
                        tuple(rows[:1000].tolist()),
                    )
                )
            keep &= ~none_seen
    return keep, dropped, observed


def _reweighted(spec: AFSpec, observed: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Person-specific weights: each dimension's weight shared by the indicators observed in it."""
    names = spec.indicator_names
    position = {name: j for j, name in enumerate(names)}
    out = np.zeros(observed.shape, dtype=np.float64)
    for dim in spec.dimensions:
        cols = [position[i.name] for i in dim.indicators]
        w = nominal[cols]
        seen = observed[:, cols].astype(np.float64) * w
        total = seen.sum(axis=1, keepdims=True)
        out[:, cols] = seen * (w.sum() / total)
    return out


def _require_finite(raw: np.ndarray, name: str, source: str | None) -> None:
    """A column compared with a numeric cutoff holds numbers (or missing values), none infinite."""
    if raw.dtype.kind in "iub":
        return
    if raw.dtype.kind == "f" and not np.isinf(raw).any():
        return
    require_numbers(raw, column=name, source=source, allow_missing=True)


def _clean_labels(
    raw: np.ndarray, name: str, source: str | None, input_rows: Any, notes: list[str]
) -> np.ndarray:
    """Text labels under the one label policy (:func:`humsec.core.checks.clean_labels`):
    surrounding spaces removed (noted), labels that differ only by case refused.

    Checked on the distinct values, so a clean column costs one factorisation.
    """
    if isinstance(raw, LabelCodes):
        texts = [u for u in raw.values if isinstance(u, str)]
        if _labels_clean(texts):
            return raw
        raw = raw.decode()  # spaces to strip or a case clash to report: the general path
    if raw.dtype.kind not in "OSU":
        return raw
    codes, uniques = pd.factorize(raw)
    if _labels_clean([u for u in uniques if isinstance(u, str)]):
        return raw
    rows = input_rows(np.arange(len(raw))) + FIRST_ROW
    _, found = clean_labels(pd.Series(raw, dtype=object), column=name, source=source, rows=rows)
    notes += found
    cleaned = np.array([u.strip() if isinstance(u, str) else u for u in uniques], dtype=object)
    return np.where(codes >= 0, cleaned[np.maximum(codes, 0)], raw)


def _labels_clean(texts: list[str]) -> bool:
    """No surrounding spaces and no two labels differing only by case."""
    stripped = [t.strip() for t in texts]
    spaced = any(a != b for a, b in zip(stripped, texts, strict=True))
    clash = len({t.casefold() for t in stripped}) < len(set(stripped))
    return not spaced and not clash


# ---------------------------------------------------------------------- design
#: a weight this many times the median makes one person the whole estimate: noted
DOMINANT_WEIGHT = 1e6


def _weights(raw: np.ndarray, name: str, where: str, notes: list[str] | None = None) -> np.ndarray:
    try:
        w = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        w = pd.to_numeric(pd.Series(raw, dtype=object), errors="coerce").to_numpy(dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        lowest, highest, squares = (w.min(), w.max(), float(np.dot(w, w))) if len(w) else (1, 1, 0)
    if not (lowest > 0 and np.isfinite(highest) and np.isfinite(squares)):  # three scans, no mask
        _refuse_weights(raw, w, name, where)
    _note_dominant_weight(w, name, where, notes, float(lowest), float(highest))
    return w


def _refuse_weights(raw: np.ndarray, w: np.ndarray, name: str, where: str) -> NoReturn:
    """Raise the error for weights that are not all positive and finite, or whose squares
    overflow (the only other way the check of :func:`_weights` fails)."""
    bad = ~np.isfinite(w) | (w <= 0)
    if bad.any():
        rows = np.flatnonzero(bad)
        msg = (
            f"Sampling weights in column {name!r}{where} must be positive numbers; "
            f"found {sorted({str(v) for v in raw[rows[:50]]})[:5]} at {describe_rows(rows)} "
            "(data rows, 1-based)."
        )
        raise DesignError(msg)
    # the variance sums square weighted totals
    huge = np.flatnonzero(w > 1e150)
    rows = huge if len(huge) else np.sort(np.argsort(w)[-5:])
    msg = (
        f"Sampling weights in column {name!r}{where} are too large to compute with: "
        f"{', '.join(f'{v:g}' for v in w[rows[:5]])} at {describe_rows(rows)} (data rows, 1-based); "
        "the sum of the squared weights overflows (weights must stay well below 1e150). "
        "Rescale the weights: the estimates do not change when every weight is multiplied "
        "by the same number."
    )
    raise DesignError(msg)


def _note_dominant_weight(
    w: np.ndarray, name: str, where: str, notes: list[str] | None, lowest: float, highest: float
) -> None:
    if notes is None or len(w) < 2 or highest <= DOMINANT_WEIGHT * lowest:
        return
    median = float(np.median(w))
    top = int(np.argmax(w))
    if w[top] > DOMINANT_WEIGHT * median:
        notes.append(
            f"The largest sampling weight in column {name!r}{where} ({w[top]:g}, data row "
            f"{top + 1}) is over {DOMINANT_WEIGHT:g} times the median ({median:g}): that "
            "person dominates every estimate. Check the weights."
        )


def _stratum_codes(
    raw: np.ndarray | None, n: int, where: str, name: str | None, input_rows: Any
) -> tuple[np.ndarray, tuple[str, ...]]:
    if raw is None:
        return np.zeros(n, dtype=np.int64), ("(all)",)
    codes, uniques = factorize(raw, sort=True)
    if (codes < 0).any():
        raise DesignError(
            f"Stratum column {name!r}{where} is missing at "
            f"{describe_rows(input_rows(np.flatnonzero(codes < 0)))}."
        )
    return codes, tuple(_label(u) for u in uniques)


def _psu_codes(
    raw: np.ndarray | None,
    stratum: np.ndarray,
    nest: bool,
    where: str,
    name: str | None,
    input_rows: Any,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(stratum)
    if raw is None:  # each person is their own PSU
        return np.arange(n, dtype=np.int64), stratum.copy()
    codes, uniques = factorize(raw)
    if (codes < 0).any():
        raise DesignError(
            f"PSU column {name!r}{where} is missing at "
            f"{describe_rows(input_rows(np.flatnonzero(codes < 0)))}."
        )
    if nest:
        codes, _ = pd.factorize(stratum.astype(np.int64) * len(uniques) + codes)
        uniques = np.arange(codes.max() + 1)
    psu_stratum, nested = value_per_psu(codes, len(uniques), stratum)
    if nested:
        return codes, psu_stratum
    psu_stratum[codes] = stratum  # not nested: every person whose PSU lies in two strata
    crossing = psu_stratum[codes] != stratum
    if crossing.any():
        rows = np.flatnonzero(crossing)
        psu_ids = sorted({_label(uniques[codes[r]]) for r in rows[:100]})[:5]
        msg = (
            f"PSUs in column {name!r}{where} are not nested in strata: PSU id(s) {', '.join(psu_ids)} "
            f"occur in more than one stratum (e.g. {describe_rows(input_rows(rows))}). If PSU ids are numbered "
            "within strata, set `nest: true` in the design; otherwise fix the ids."
        )
        raise DesignError(msg)
    return codes, psu_stratum


def _check_lonely_psu(
    psu_stratum: np.ndarray, labels: tuple[str, ...], rule: str, where: str
) -> None:
    per_stratum = np.bincount(psu_stratum, minlength=len(labels))
    lonely = np.flatnonzero(per_stratum == 1)
    if len(lonely) and rule == "fail" and len(psu_stratum) > 1:
        names = ", ".join(labels[s] for s in lonely[:10])
        msg = (
            f"{len(lonely)} stratum/strata of the design{where} have a single PSU ({names}): their "
            "variance cannot be estimated. Merge them with a neighbouring stratum, or choose a rule "
            "with `lonely_psu: certainty | remove | adjust` in the design (see humsec.SurveyDesign)."
        )
        raise DesignError(msg)


def _design_by_psu(
    stratum_raw: Any, psu_raw: Any
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]] | None:
    """PSU codes, each PSU's stratum code and the stratum labels, with the strata numbered once
    per PSU; None when the general path must decide (no PSU column, a missing PSU or stratum, a
    PSU in two strata: it names the rows).

    >>> codes, psu_stratum, labels = _design_by_psu(np.array([5, 5, 2]), np.array([1, 1, 3]))
    >>> codes.tolist(), psu_stratum.tolist(), labels
    ([0, 0, 1], [1, 0], ('2', '5'))
    """
    if psu_raw is None:
        return None
    codes, uniques = factorize(psu_raw)
    if len(codes) == 0 or (codes < 0).any():
        return None
    n_psu = len(uniques)
    if stratum_raw is None:
        return codes, np.zeros(n_psu, dtype=np.int64), ("(all)",)
    reduced = per_psu(stratum_raw, codes, n_psu)
    if reduced is None:
        return None
    stratum, stratum_uniques = factorize(reduced, sort=True)
    if (stratum < 0).any():
        return None
    return codes, stratum.astype(np.int64), tuple(_label(u) for u in stratum_uniques)


def _cells(
    psu: np.ndarray,
    n_psu: int,
    round_codes: np.ndarray | None,
    rounds: Grouping | None,
    group_codes: list[tuple[np.ndarray, bool]],
    groupings: list[Grouping],
) -> Cells:
    """The cells from the PSUs, the rounds (per person) and the groups (per PSU or per person)."""
    if all(by_psu for _, by_psu in group_codes):
        round_per_psu, ok = (
            (None, True) if round_codes is None else value_per_psu(psu, n_psu, round_codes)
        )
        if ok:
            return psu_cells(psu, n_psu, round_per_psu, [codes for codes, _ in group_codes])
    per_person = [
        (codes[psu] if by_psu else codes, g.n_groups)
        for (codes, by_psu), g in zip(group_codes, groupings, strict=True)
    ]
    rounds_arg = None if rounds is None or round_codes is None else (round_codes, rounds.n_groups)
    return form_cells(psu, n_psu, rounds_arg, per_person)


# ---------------------------------------------------------------------- groups and rounds
def _split_term(term: str | Sequence[str]) -> tuple[str, ...]:
    if isinstance(term, str):
        return tuple(p.strip() for p in term.split("*"))
    return tuple(term)


def _combined(term: tuple[str, ...], take: Any) -> tuple[np.ndarray]:
    if len(term) == 1:
        return (take(term[0]),)
    parts = [pd.Series(_decoded(take(c)), dtype=object) for c in term]
    missing = np.zeros(len(parts[0]), dtype=bool)
    for p in parts:
        missing |= p.isna().to_numpy()
    joined = parts[0].map(_label)
    for p in parts[1:]:
        joined = joined + " × " + p.map(_label)
    values = joined.to_numpy(dtype=object)
    values[missing] = None
    return (values,)


def _decoded(raw: Any) -> np.ndarray:
    return raw.decode() if isinstance(raw, LabelCodes) else raw


def factorize(raw: Any, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (−1 = missing) and unique values, like ``pd.factorize``.

    Integer columns with a compact range (survey ids, rounds, area codes) take a counting pass,
    several times faster than hashing at millions of rows; their uniques come out sorted.

    >>> factorize(np.array([7, 3, 7, 5]))
    (array([2, 0, 2, 1], dtype=int32), array([3, 5, 7]))
    """
    if isinstance(raw, LabelCodes):
        return raw.factorize(sort=sort)
    if raw.dtype.kind in "iu" and len(raw):
        lo, hi = int(raw.min()), int(raw.max())
        if hi - lo <= 2 * len(raw) + 1_000_000:
            codes, uniques = compact_codes(raw, lo, hi - lo + 1)
            return codes, uniques.astype(raw.dtype)
    codes, uniques = pd.factorize(raw, sort=sort)
    return np.asarray(codes, dtype=np.int32), np.asarray(uniques)


def _grouping(
    name: str, raw: np.ndarray, labels: Mapping[Any, str] | None = None
) -> tuple[np.ndarray, Grouping]:
    """Per-person codes (natural order of the values; −1 missing) and the grouping's labels."""
    codes, grouping, _ = _grouping_and_ties(name, raw, labels)
    return codes, grouping


def _grouping_and_ties(
    name: str, raw: np.ndarray, labels: Mapping[Any, str] | None = None
) -> tuple[np.ndarray, Grouping, bool]:
    """:func:`_grouping`, and whether two values sort alike ("2" and "2.0"): their order is
    then that of their first appearance."""
    codes, uniques = factorize(raw)
    names = [_label(u) if not labels or u not in labels else str(labels[u]) for u in uniques]
    keys = [_natural_key(u) for u in uniques]
    tied = len(set(keys)) < len(keys)
    order = sorted(range(len(uniques)), key=lambda i: keys[i])
    if order != list(range(len(order))):  # integer codes already come in numeric order
        remap = np.empty(len(uniques), dtype=np.int32)
        remap[order] = np.arange(len(order))
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    grouping = Grouping(name, tuple(names[i] for i in order))
    return codes.astype(np.int32, copy=False), grouping, tied


def _round_years(
    rounds: Grouping, codes: np.ndarray, raw: np.ndarray | None, name: str | None, where: str
) -> tuple[float, ...]:
    if raw is None:
        try:
            return tuple(float(label) for label in rounds.labels)
        except ValueError:
            return tuple(float(i) for i in range(rounds.n_groups))
    if raw.dtype.kind not in "iuf":  # text years: convert (numbers are compared as they are)
        raw = pd.to_numeric(pd.Series(raw, dtype=object), errors="coerce").to_numpy(
            dtype=np.float64
        )
    out = []
    for g in range(rounds.n_groups):
        values = np.unique(raw[codes == g]).astype(np.float64)
        if len(values) != 1 or not np.isfinite(values[0]):
            msg = (
                f"Column {name!r}{where} must hold one (possibly fractional) year per survey round; "
                f"round {rounds.labels[g]} has {values[:5].tolist()}."
            )
            raise DataError(msg)
        out.append(float(values[0]))
    return tuple(out)


def _label(value: Any) -> str:
    """A group label as users write it: 1.0 -> '1', 'North' -> 'North'."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _natural_key(value: Any) -> tuple[int, float, str]:
    """Sort numbers numerically, numeric strings as numbers ('2' before '10'), other strings by text."""
    if isinstance(value, (int, float, np.integer, np.floating)):
        return (0, float(value), "")
    text = str(value)
    if re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", text):
        return (0, float(text), "")
    return (1, 0.0, text)
