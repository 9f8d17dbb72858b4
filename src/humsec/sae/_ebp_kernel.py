"""The Monte Carlo EBP's inner loop: an area's L populations drawn and summarised in one pass.

The draws are most of an EBP's run time (L × N unit values per area and per bootstrap
replicate: 250 million for 5 million census units and L = 50). Here the unit errors are
filled in cache-sized chunks and each value is transformed back and added to its draw's sums
(units below the threshold, poverty gaps, squared gaps, values) by one compiled loop, with no
L × N temporaries; areas run on all cores.

Each area draws from its own random stream, spawned from the engine's generator in area order,
so the numbers do not depend on the number of threads or on the chunk size: an area's stream is
consumed draw by draw, unit by unit, as one ``(L, N)`` matrix would be.

>>> import numpy as np
>>> sums = area_sums(np.array([0.0, 1.0]), sd_v=0.0, sigma_e=1e-12, draws=3,
...                  rng=np.random.default_rng(1), transform="none", lam=None, shift=0.0, z=0.5)
>>> sums.round(6).tolist()  # per draw: units below 0.5, gap sum, squared gap sum, sum of values
[[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numba import njit

from humsec.core.cores import usable_cores

#: The per-draw sums the compiled loop keeps, in column order; each built-in indicator is one
#: of them divided by the number of generated units
SUMS = {"fgt0": 0, "fgt1": 1, "fgt2": 2, "mean": 3}

_TRANSFORM_CODES = {"none": 0, "log": 1, "boxcox": 2}

# Unit errors filled at a time: 512 KB, in the core's cache while the loop reads them
_CHUNK = 65_536


def spawn_area_streams(rng: np.random.Generator, n_areas: int) -> list[np.random.Generator]:
    """One independent generator per area, derived from ``rng`` (which advances by four draws),
    so that a seed repeats every area's numbers whichever thread computes it.

    >>> a = spawn_area_streams(np.random.default_rng(5), 3)
    >>> b = spawn_area_streams(np.random.default_rng(5), 3)
    >>> bool(a[2].normal() == b[2].normal()) and bool(a[0].normal() != a[1].normal())
    True
    """
    entropy = [int(x) for x in rng.integers(0, 2**32, size=4)]
    children = np.random.SeedSequence(entropy).spawn(n_areas)
    return [np.random.default_rng(child) for child in children]


def area_sums(
    mu: np.ndarray,
    *,
    sd_v: float,
    sigma_e: float,
    draws: int,
    rng: np.random.Generator,
    transform: str,
    lam: float | None,
    shift: float,
    z: float | None,
) -> np.ndarray:
    """(draws × 4) sums over an area's generated units of :data:`SUMS`: the area effect
    ``v ~ N(0, sd_v²)`` per draw, then ``x'β̂ + û_d + v + e`` per unit, back-transformed."""
    v = rng.normal(0.0, 1.0, size=draws) * sd_v
    n = len(mu)
    acc = np.zeros((draws, len(SUMS)))
    total = draws * n
    if total == 0:
        return acc
    buf = np.empty(min(total, _CHUNK))
    lam_value = float(lam or 0.0)
    code = _TRANSFORM_CODES[transform]
    if code == 2 and abs(lam_value) < 1e-6:
        code = 1  # Box-Cox with λ 0 is the log (as inverse_transform)
    threshold = np.nan if z is None else float(z)  # nothing is below NaN: FGT sums stay 0
    for start in range(0, total, _CHUNK):
        chunk = buf[: min(_CHUNK, total - start)]
        rng.standard_normal(out=chunk)
        _accumulate(chunk, start, mu, v, sigma_e, code, lam_value, shift, threshold, acc)
    return acc


@njit(cache=True, nogil=True)
def _accumulate(
    e: np.ndarray,
    start: int,
    mu: np.ndarray,
    v: np.ndarray,
    sigma_e: float,
    code: int,
    lam: float,
    shift: float,
    z: float,
    acc: np.ndarray,
) -> None:  # pragma: no cover - compiled
    n = mu.shape[0]
    draw = start // n
    unit = start - draw * n
    for p in range(e.shape[0]):
        # the operations and their order of ebp_draws' numpy expression: (mu + v) + e·σₑ
        t = mu[unit] + v[draw]
        t += e[p] * sigma_e
        if code == 1:
            y = np.exp(t) - shift
        elif code == 2:
            y = np.abs(t * lam + 1.0) ** (1.0 / lam) - shift
        else:
            y = t
        if y < z:
            gap = (z - y) / z
            acc[draw, 0] += 1.0
            acc[draw, 1] += gap
            acc[draw, 2] += gap * gap
        acc[draw, 3] += y
        unit += 1
        if unit == n:
            unit = 0
            draw += 1


def map_areas(job: Callable[[int], Any], n_areas: int) -> list[Any]:
    """``job(i)`` for every area, on the cores this process may use (the results in area order)."""
    threads = min(usable_cores(), n_areas) or 1
    if threads == 1:
        return [job(i) for i in range(n_areas)]
    with ThreadPoolExecutor(threads, thread_name_prefix="humsec-ebp") as pool:
        return list(pool.map(job, range(n_areas)))
