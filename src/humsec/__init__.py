"""humsec: human security analytics for UN country teams, governments and their partners.

The public API is listed in ``__all__``; importing humsec loads no optional heavy backend
(no Polars, no plotting) until it is used, and the public names below are imported on first
access, so ``import humsec`` itself loads neither pandas nor numba.

>>> import humsec
>>> sorted(humsec.__all__)[:3]
['AFResult', 'AFSpec', 'AlkireFoster']
"""

from typing import TYPE_CHECKING

from humsec._version import __version__
from humsec.core.errors import ColumnNotFoundError, DataError, DesignError, HumsecError, SpecError
from humsec.core.lazy import lazy_names

# Public names and the module that defines each: loaded on first use, so that `humsec --help`,
# `humsec version` and every command that does not need them start without pandas, numba or
# scipy (about 1 s of imports). Declared once; ``__all__`` below lists the same names.
_LAZY = {
    "datasets": "humsec.datasets",
    "read_survey": "humsec.core.survey",
    "AlkireFoster": "humsec.af.engine",
    "CompositeIndex": "humsec.index.composite",
    "IndexResult": "humsec.index.composite",
    "AFResult": "humsec.af.result",
    "Provenance": "humsec.af.result",
    "AFSpec": "humsec.af.spec",
    "Cutoff": "humsec.af.spec",
    "Dimension": "humsec.af.spec",
    "Indicator": "humsec.af.spec",
    "TimeSpec": "humsec.af.spec",
    "SurveyDesign": "humsec.core.design",
    "IndexModel": "humsec.index.model",
}

if TYPE_CHECKING:  # static checkers and IDEs see the eager imports
    from humsec import datasets
    from humsec.af.engine import AlkireFoster
    from humsec.af.result import AFResult, Provenance
    from humsec.af.spec import AFSpec, Cutoff, Dimension, Indicator, TimeSpec
    from humsec.core.design import SurveyDesign
    from humsec.core.survey import read_survey
    from humsec.index.composite import CompositeIndex, IndexResult
    from humsec.index.model import IndexModel


__getattr__, __dir__ = lazy_names(__name__, _LAZY)


__all__ = [
    "AFResult",
    "AFSpec",
    "AlkireFoster",
    "ColumnNotFoundError",
    "CompositeIndex",
    "Cutoff",
    "DataError",
    "DesignError",
    "Dimension",
    "HumsecError",
    "IndexModel",
    "IndexResult",
    "Indicator",
    "Provenance",
    "SpecError",
    "SurveyDesign",
    "TimeSpec",
    "__version__",
    "datasets",
    "read_survey",
]
