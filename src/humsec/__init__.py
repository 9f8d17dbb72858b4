"""humsec: human security analytics for UN country teams, governments and their partners.

The public API is listed in ``__all__``; importing humsec loads no optional heavy backend
(no Polars, no plotting) until it is used.

>>> import humsec
>>> sorted(humsec.__all__)[:3]
['AFResult', 'AFSpec', 'AlkireFoster']
"""

from humsec import datasets
from humsec._version import __version__
from humsec.exceptions import ColumnNotFoundError, DataError, DesignError, HumsecError, SpecError
from humsec.io.survey import read_survey
from humsec.measure.alkire_foster import AlkireFoster
from humsec.measure.composite import CompositeIndex, IndexResult
from humsec.results.af_result import AFResult, Provenance
from humsec.tables.af_spec import AFSpec, Cutoff, Dimension, Indicator, TimeSpec
from humsec.tables.design import SurveyDesign
from humsec.tables.index_model import IndexModel

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
