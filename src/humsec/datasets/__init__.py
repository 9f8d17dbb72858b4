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

from humsec.af.spec import AFSpec
from humsec.index.model import BUILTIN_INDEX_MODELS, index_model

__all__ = [
    "BUILTIN_INDEX_MODELS",
    "data_path",
    "index_model",
    "load_syn_cdta",
    "load_ucdp_country_month",
    "syn_cdta_spec",
]

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


def load_ucdp_country_month() -> pd.DataFrame:
    """UCDP fatalities (``best``, all violence types) by country and month, 1989–2024, long.

    Columns ``unit`` (UCDP country name), ``month`` (``YYYY-MM``), ``fatalities``; 132 countries ×
    432 months. CC BY 4.0 (UCDP; aggregation by the PaCE project): see
    ``ucdp_country_month.SOURCE.md`` beside the data.

    >>> d = load_ucdp_country_month()
    >>> d.shape, d["unit"].nunique(), d["month"].min(), d["month"].max()
    ((57024, 3), 132, '1989-01', '2024-12')
    """
    from humsec.warn.monthly import read_panel

    return read_panel(data_path("ucdp_country_month_best_1989_2024.csv.gz")).frame


def syn_cdta_spec() -> AFSpec:
    """The global-MPI-style specification for ``syn_cdta`` (nested equal weights, k = 20, 33)."""
    return AFSpec.from_file(data_path("syn_cdta_spec.yaml"))
