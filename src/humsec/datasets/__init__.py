"""Small real data sets shipped with humsec, each with its source and licence beside it.

>>> df = load_syn_cdta()
>>> df.shape
(15000, 17)
>>> syn_cdta_spec().k
(20.0, 33.0)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from humsec.tables.af_spec import AFSpec

__all__ = ["data_path", "load_syn_cdta", "syn_cdta_spec"]


def data_path(name: str) -> Path:
    """Path of a bundled file (e.g. ``syn_cdta.csv.gz``)."""
    return Path(str(resources.files("humsec.datasets") / "data" / name))


def load_syn_cdta() -> pd.DataFrame:
    """The synthetic household survey ``syn_cdta`` (15,000 persons, 2 rounds) from Stata mpitb / R mpitbR.

    Ten 0/1 deprivation indicators of the global MPI (``d_*``, with missing values in ``d_nutr`` and
    ``d_satt``), ``area`` and ``region`` (strings), the design (``stratum``, ``psu``, ``weight``) and
    the round (``t`` = 1, 2; ``year`` = 2010, 2018.5). Licence GPL-3 (N. Suppa; I. Girela): see
    ``syn_cdta.SOURCE.md`` beside the data.
    """
    return pd.read_csv(data_path("syn_cdta.csv.gz"), dtype={"area": str, "region": str})


def syn_cdta_spec() -> AFSpec:
    """The global-MPI-style specification for ``syn_cdta`` (nested equal weights, k = 20, 33)."""
    return AFSpec.from_file(data_path("syn_cdta_spec.yaml"))
