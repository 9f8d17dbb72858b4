"""humsec: human security analytics for UN country teams, governments and their partners.

The public API is listed in ``__all__``; importing humsec loads no optional heavy backend
(no Polars, no plotting) until it is used, and the public names below are imported on first
access, so ``import humsec`` itself loads neither pandas nor numba.

>>> import humsec
>>> sorted(humsec.__all__)[:3]
['AFResult', 'AFSpec', 'AlkireFoster']
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from humsec._version import __version__
from humsec.exceptions import ColumnNotFoundError, DataError, DesignError, HumsecError, SpecError

# Public names and the module that defines each: loaded on first use, so that `humsec --help`,
# `humsec version` and every command that does not need them start without pandas, numba or
# scipy (about 1 s of imports). Declared once; ``__all__`` below lists the same names.
_LAZY = {
    "datasets": "humsec.datasets",
    "read_survey": "humsec.io.survey",
    "AlkireFoster": "humsec.measure.alkire_foster",
    "CompositeIndex": "humsec.measure.composite",
    "IndexResult": "humsec.measure.composite",
    "AFResult": "humsec.results.af_result",
    "Provenance": "humsec.results.af_result",
    "AFSpec": "humsec.tables.af_spec",
    "Cutoff": "humsec.tables.af_spec",
    "Dimension": "humsec.tables.af_spec",
    "Indicator": "humsec.tables.af_spec",
    "TimeSpec": "humsec.tables.af_spec",
    "SurveyDesign": "humsec.tables.design",
    "IndexModel": "humsec.tables.index_model",
}

if TYPE_CHECKING:  # static checkers and IDEs see the eager imports
    from humsec import datasets
    from humsec.io.survey import read_survey
    from humsec.measure.alkire_foster import AlkireFoster
    from humsec.measure.composite import CompositeIndex, IndexResult
    from humsec.results.af_result import AFResult, Provenance
    from humsec.tables.af_spec import AFSpec, Cutoff, Dimension, Indicator, TimeSpec
    from humsec.tables.design import SurveyDesign
    from humsec.tables.index_model import IndexModel


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access (PEP 562) and cache the name here."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'humsec' has no attribute {name!r}")
    module = import_module(module_name)
    value = module if module_name == f"humsec.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
