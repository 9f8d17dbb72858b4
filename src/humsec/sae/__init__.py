"""Small-area estimation: district estimates where surveys are thin, each with its MSE.

- :class:`FayHerriot`: the area-level EBLUP (σ²ᵤ by REML, ML or the Fay-Herriot moments;
  ``sae::mseFH`` MSE; synthetic estimates for areas out of sample) → :class:`FHResult`;
- :class:`SpatialFayHerriot`: the same with SAR area effects over a proximity matrix;
- :class:`TransformedFayHerriot`: the same on the log or arcsine scale, bias-corrected back,
  parametric-bootstrap MSE (the emdi approach) → :class:`FHResult`;
- :class:`BatteseHarterFuller`: the unit-level nested-error EBLUP of area means (``sae::eblupBHF``)
  from survey units and population covariate means → :class:`BHFResult`;
- :class:`EmpiricalBestPredictor`: the unit-level EBP of poverty indicators (FGT0/1/2, any
  function of the outcome) from survey and census units, log/Box-Cox, bootstrap MSE
  (``sae::ebBHF``/``pbmseebBHF``) → :class:`EBPResult`;
- :func:`benchmark`: ratio or difference benchmarking to a national direct value;
- :func:`direct_means` / :func:`direct_af`: per-area direct estimates with design-based variances from survey
  microdata (weighted means/proportions, AF measures), the input table of the model.

>>> import humsec.sae as sae
>>> sorted(sae.METHODS)
['fh', 'ml', 'reml']
"""

from typing import TYPE_CHECKING

from humsec.core.lazy import lazy_names

# Imported on first use: `humsec --help` loads this package (for its CLI) without pandas or scipy.
_LAZY = {
    "BHF_METHODS": "humsec.sae._bhf_fit",
    "CENSUS_MODES as EBP_CENSUS_MODES": "humsec.sae._ebp_draws",
    "EXACT as EBP_EXACT": "humsec.sae._ebp_draws",
    "INDICATORS as EBP_INDICATORS": "humsec.sae._ebp_draws",
    "TRANSFORMS as EBP_TRANSFORMS": "humsec.sae._ebp_draws",
    "METHODS": "humsec.sae._fh_fit",
    "BENCHMARKS": "humsec.sae.benchmark",
    "benchmark": "humsec.sae.benchmark",
    "BatteseHarterFuller": "humsec.sae.bhf",
    "BHF_COLUMNS": "humsec.sae.bhf_result",
    "BHFResult": "humsec.sae.bhf_result",
    "normality": "humsec.sae.diagnostics",
    "SMALL_AREA_TREATMENTS": "humsec.sae.direct",
    "DirectEstimates": "humsec.sae.direct",
    "direct_af": "humsec.sae.direct",
    "direct_means": "humsec.sae.direct",
    "UNMATCHED as EBP_UNMATCHED": "humsec.sae.ebp",
    "EmpiricalBestPredictor": "humsec.sae.ebp",
    "EBP_COLUMNS": "humsec.sae.ebp_result",
    "EBPResult": "humsec.sae.ebp_result",
    "FayHerriot": "humsec.sae.fay_herriot",
    "FH_TRANSFORMS": "humsec.sae.fh_transform",
    "TransformedFayHerriot": "humsec.sae.fh_transform",
    "OUTPUT_COLUMNS": "humsec.sae.result",
    "FHResult": "humsec.sae.result",
    "SPATIAL_METHODS": "humsec.sae.spatial",
    "SpatialFayHerriot": "humsec.sae.spatial",
}

if TYPE_CHECKING:
    from humsec.sae._bhf_fit import BHF_METHODS
    from humsec.sae._ebp_draws import CENSUS_MODES as EBP_CENSUS_MODES
    from humsec.sae._ebp_draws import EXACT as EBP_EXACT
    from humsec.sae._ebp_draws import INDICATORS as EBP_INDICATORS
    from humsec.sae._ebp_draws import TRANSFORMS as EBP_TRANSFORMS
    from humsec.sae._fh_fit import METHODS
    from humsec.sae.benchmark import BENCHMARKS, benchmark
    from humsec.sae.bhf import BatteseHarterFuller
    from humsec.sae.bhf_result import BHF_COLUMNS, BHFResult
    from humsec.sae.diagnostics import normality
    from humsec.sae.direct import SMALL_AREA_TREATMENTS, DirectEstimates, direct_af, direct_means
    from humsec.sae.ebp import UNMATCHED as EBP_UNMATCHED
    from humsec.sae.ebp import EmpiricalBestPredictor
    from humsec.sae.ebp_result import EBP_COLUMNS, EBPResult
    from humsec.sae.fay_herriot import FayHerriot
    from humsec.sae.fh_transform import FH_TRANSFORMS, TransformedFayHerriot
    from humsec.sae.result import OUTPUT_COLUMNS, FHResult
    from humsec.sae.spatial import SPATIAL_METHODS, SpatialFayHerriot

__getattr__, __dir__ = lazy_names(__name__, _LAZY)

__all__ = [
    "BENCHMARKS",
    "BHF_COLUMNS",
    "BHF_METHODS",
    "EBP_CENSUS_MODES",
    "EBP_COLUMNS",
    "EBP_EXACT",
    "EBP_INDICATORS",
    "EBP_TRANSFORMS",
    "EBP_UNMATCHED",
    "FH_TRANSFORMS",
    "METHODS",
    "OUTPUT_COLUMNS",
    "SMALL_AREA_TREATMENTS",
    "SPATIAL_METHODS",
    "BHFResult",
    "BatteseHarterFuller",
    "DirectEstimates",
    "EBPResult",
    "EmpiricalBestPredictor",
    "FHResult",
    "FayHerriot",
    "SpatialFayHerriot",
    "TransformedFayHerriot",
    "benchmark",
    "direct_af",
    "direct_means",
    "normality",
]
