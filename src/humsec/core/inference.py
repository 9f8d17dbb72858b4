"""Design-based inference for ratio estimators over domains, from per-(PSU × domain) sums.

Every AF measure is a ratio of weighted totals over a domain d (a subgroup in a survey round):
``R_d = Y_d / X_d``. Its Taylor-linearised influence total in PSU p is
``U_pd = (Y_pd − R_d·X_pd) / X_d`` and, with PSUs drawn with replacement in strata (no fpc),

    V(R_d) = Σ_h n_h/(n_h − 1) · Σ_{p∈h} (U_pd − Ū_hd)²,

where n_h counts *all* PSUs of stratum h in the design (domains are subsets of one design, as in R's
``survey``). Everything here works on the sparse list of (PSU, domain) pairs that hold data, so the cost
is independent of the number of persons.

>>> import numpy as np
>>> # two strata with two PSUs each, one domain: Y and X per PSU
>>> pair_psu = np.array([0, 1, 2, 3]); pair_dom = np.zeros(4, dtype=int)
>>> psu_stratum = np.array([0, 0, 1, 1])
>>> Y = np.array([[1.0], [2.0], [1.0], [3.0]]); X = np.array([[4.0], [4.0], [4.0], [4.0]])
>>> est, var = ratio_variance(Y, X, pair_psu, pair_dom, 1, psu_stratum, "fail")
>>> est.round(6).tolist(), var.round(8).tolist()
([[0.4375]], [[0.01953125]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse, special

__all__ = [
    "StratumFactors",
    "bootstrap_factors",
    "group_sum",
    "logit_ci",
    "normal_ci",
    "ratio_variance",
    "stratified_variance",
]


def group_sum(codes: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the rows of ``values`` (n × q) by integer ``codes`` (n,) into (n_groups × q)."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=n_groups)
    if values.shape[0] == 0:
        return np.zeros((n_groups, values.shape[1]))
    m = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(n_groups, len(codes))
    )
    return np.asarray(m @ values)


@dataclass(frozen=True)
class StratumFactors:
    """Per-stratum variance factors under a lonely-PSU rule.

    ``scale[h]`` multiplies Σ U² and ``centre[h]`` says whether the stratum mean is subtracted.
    """

    n_h: np.ndarray
    scale: np.ndarray
    centre: np.ndarray

    @classmethod
    def from_design(cls, psu_stratum: np.ndarray, lonely_psu: str) -> StratumFactors:
        n_h = np.bincount(psu_stratum).astype(np.float64)
        single = n_h == 1
        scale = np.divide(n_h, n_h - 1, out=np.zeros_like(n_h), where=~single)
        centre = ~single
        if lonely_psu == "adjust":  # R: the lonely PSU is not centred (grand mean of influence = 0)
            scale = np.where(single, 1.0, scale)
        return cls(n_h, scale, centre)

    @property
    def centre_weight(self) -> np.ndarray:
        """Per stratum, the factor of (Σ_{p∈h} U)² subtracted from Σ U²: scale_h/n_h, or 0."""
        return np.where(self.centre, self.scale / self.n_h, 0.0)


def stratified_variance(
    U: np.ndarray,
    pair_psu: np.ndarray,
    pair_dom: np.ndarray,
    n_dom: int,
    psu_stratum: np.ndarray,
    factors: StratumFactors,
) -> np.ndarray:
    """V_d = Σ_h scale_h·(Σ_{p∈h} U²_pd − centre_h·(Σ_{p∈h} U_pd)²/n_h) for each domain and column.

    ``U`` is (pairs × q); each (PSU, domain) must appear at most once.
    """
    strat = psu_stratum[pair_psu]
    n_strata = len(factors.n_h)
    sq = group_sum(pair_dom, U * U * factors.scale[strat][:, None], n_dom)
    hd_key = pair_dom.astype(np.int64) * n_strata + strat
    keys, inverse = np.unique(hd_key, return_inverse=True)
    sums = group_sum(inverse, U, len(keys))
    key_strat = keys % n_strata
    key_dom = keys // n_strata
    weight = factors.centre_weight[key_strat]
    centre_term = group_sum(key_dom, sums * sums * weight[:, None], n_dom)
    return np.maximum(sq - centre_term, 0.0)


def ratio_variance(
    Y: np.ndarray,
    X: np.ndarray,
    pair_psu: np.ndarray,
    pair_dom: np.ndarray,
    n_dom: int,
    psu_stratum: np.ndarray,
    lonely_psu: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Ratio estimates (n_dom × q) and their linearised variances from per-(PSU, domain) totals.

    The plain-numpy statement of the method; the engine computes the same moments in one compiled
    pass (:func:`humsec.af._kernels.influence_moments`), and the tests check one against the other.
    """
    Yd = group_sum(pair_dom, Y, n_dom)
    Xd = group_sum(pair_dom, X, n_dom)
    with np.errstate(invalid="ignore", divide="ignore"):
        R = Yd / Xd
        U = (Y - R[pair_dom] * X) / Xd[pair_dom]
    U = np.nan_to_num(U)
    factors = StratumFactors.from_design(psu_stratum, lonely_psu)
    return R, stratified_variance(U, pair_psu, pair_dom, n_dom, psu_stratum, factors)


def logit_ci(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray | float, level: float, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Logit-transformed interval for a proportion, t quantile with ``df`` degrees of freedom.

    The interval of R's ``svyciprop(method = "logit")`` and Stata ``mpitb``:
    ``expit(logit(p) ± t·se/(p(1−p)))``. ``scale`` handles percentages (p = estimate/scale).
    At p = 0 or 1, or se = 0, the interval collapses to the estimate.

    >>> lo, hi = logit_ci(np.array([0.5]), np.array([0.1]), 1e9, 0.95)
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.3135, 0.6865)
    """
    p = np.asarray(estimate, dtype=np.float64) / scale
    s = np.asarray(se, dtype=np.float64) / scale
    q = special.stdtrit(df, 0.5 + level / 2)  # t quantile (scipy.special: no scipy.stats import)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.log(p / (1 - p))
        half = q * s / (p * (1 - p))
        lo = 1 / (1 + np.exp(-(eta - half)))
        hi = 1 / (1 + np.exp(-(eta + half)))
    degenerate = (p <= 0) | (p >= 1) | (s <= 0)
    lo = np.where(degenerate, p, lo)
    hi = np.where(degenerate, p, hi)
    lo = np.where(np.isnan(s), np.nan, lo)
    hi = np.where(np.isnan(s), np.nan, hi)
    return lo * scale, hi * scale


def normal_ci(estimate: np.ndarray, se: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric normal interval ``estimate ± z·se`` (used for changes over time, as mpitbR).

    >>> lo, hi = normal_ci(np.array([1.0]), np.array([0.5]), 0.95)
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.02, 1.98)
    """
    z = special.ndtri(0.5 + level / 2)
    return estimate - z * se, estimate + z * se


def bootstrap_factors(psu_stratum: np.ndarray, replicates: int, seed: int | None) -> np.ndarray:
    """Rao-Wu rescaling bootstrap factors (replicates × PSUs), n_h − 1 PSUs drawn per stratum.

    A replicate's weight of PSU i in stratum h is ``n_h/(n_h − 1) · r_hi`` with r_hi the times it was
    drawn (R ``survey``'s ``subbootstrap``). Single-PSU strata keep factor 1 (certainty).
    """
    rng = np.random.default_rng(seed)
    n_psu = len(psu_stratum)
    out = np.ones((replicates, n_psu))
    order = np.argsort(psu_stratum, kind="stable")
    bounds = np.flatnonzero(np.diff(psu_stratum[order])) + 1
    for members in np.split(order, bounds):
        n_h = len(members)
        if n_h < 2:
            continue
        draws = rng.integers(0, n_h, size=(replicates, n_h - 1))
        counts = np.zeros((replicates, n_h))
        np.add.at(counts, (np.repeat(np.arange(replicates), n_h - 1), draws.ravel()), 1.0)
        out[:, members] = counts * n_h / (n_h - 1)
    return out


def domain_covariance(
    U: np.ndarray,
    pair_psu: np.ndarray,
    pair_dom: np.ndarray,
    n_dom: int,
    psu_stratum: np.ndarray,
    factors: StratumFactors,
) -> np.ndarray:
    """Covariance matrix (n_dom × n_dom) of one ratio's estimates across domains of one design.

    Cov(a, b) = Σ_h scale_h·(Σ_{p∈h} U_pa·U_pb − centre_h·S_ha·S_hb/n_h), where S_hd = Σ_{p∈h} U_pd;
    its diagonal equals :func:`stratified_variance`.
    """
    n_psu = len(psu_stratum)
    u = sparse.csr_matrix((U, (pair_psu, pair_dom)), shape=(n_psu, n_dom))
    scaled = sparse.diags(factors.scale[psu_stratum]) @ u
    cross = np.asarray((u.T @ scaled).todense())
    S = np.asarray(
        (
            sparse.csr_matrix(
                (np.ones(n_psu), (psu_stratum, np.arange(n_psu))), shape=(len(factors.n_h), n_psu)
            )
            @ u
        ).todense()
    )
    w = factors.centre_weight
    return cross - S.T @ (S * w[:, None])
