"""Shared input handling of the review analyses: a specification in any form, data from a frame or file.

>>> spec = as_spec({"dimensions": {"a": ["x"]}, "k": [100]})
>>> spec.indicator_names
('x',)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from humsec.af.spec import AFSpec
from humsec.af.survey_table import PreparedSurvey, prepare_survey
from humsec.core.errors import HumsecError

__all__ = ["as_spec", "prepared"]


def as_spec(spec: AFSpec | Mapping[str, Any] | str | Path) -> AFSpec:
    """An :class:`AFSpec` from an AFSpec, a mapping, or a YAML/JSON file path."""
    if isinstance(spec, AFSpec):
        return spec
    if isinstance(spec, (str, Path)):
        return AFSpec.from_file(spec)
    if isinstance(spec, Mapping):
        return AFSpec.from_dict(spec)
    msg = f"Expected an AFSpec, a mapping or a specification file path; got {type(spec).__name__}."
    raise HumsecError(msg)


def prepared(
    spec: AFSpec,
    data: Any,
    over: Sequence[str] = (),
    *,
    k: Sequence[float] | None = None,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    source: str | None = None,
) -> tuple[AFSpec, PreparedSurvey]:
    """The survey validated by the AF engine's own rules (cutoffs, design, missing-data policy).

    The specification's own ``over`` groupings are dropped (the caller says which groupings it needs)
    and ``k`` overrides the specification's cutoffs.
    """
    raw = spec.to_dict()
    raw.pop("over", None)
    if k is not None:
        raw["k"] = [float(v) for v in k]
    spec = AFSpec.from_dict(raw)
    if isinstance(data, (str, Path)):
        from humsec.core.survey import read_survey

        columns = list(dict.fromkeys([*spec.columns(), *(c for t in over for c in t.split("*"))]))
        table = read_survey(data, columns=columns)
        data, value_labels, source = table.frame, table.value_labels, str(data)
    return spec, prepare_survey(data, spec, list(over), value_labels=value_labels, source=source)
