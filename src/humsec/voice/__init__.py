"""People's own voice: Kobo/ODK questionnaires and exports, tabulated with the survey design.

>>> from humsec.voice import VoiceTabulator
>>> VoiceTabulator(weight="weight", over=["setting"])  # doctest: +ELLIPSIS
VoiceTabulator(questions=None, over=['setting'], weight='weight', ...)
"""

from humsec.voice.cleaning import (
    CHANGE_TYPES,
    CleaningResult,
    apply_cleaning_log,
    read_cleaning_log,
)
from humsec.voice.compare import (
    FLAGS,
    ComparisonResult,
    compare_perceived_measured,
    measured_from_af,
    measured_rows,
    perceived_rows,
)
from humsec.voice.design import Design, DesignColumns
from humsec.voice.export import Export, read_export
from humsec.voice.feedback import (
    LOG_COLUMNS,
    SENSITIVE_THEME,
    STATUSES,
    read_coding_framework,
    read_feedback_log,
    summarise_feedback,
)
from humsec.voice.form import Choice, Question, XLSForm, read_form
from humsec.voice.frame import FRAME_WEIGHT, frame_weights, read_frame, with_frame_weights
from humsec.voice.indicators import (
    DIRECTIONS,
    Indicator,
    PerceptionIndicators,
    PerceptionResult,
    PerceptionSpec,
    cronbach_alpha,
)
from humsec.voice.numeric import quantile_math
from humsec.voice.relevant import UnsupportedExpression, evaluate
from humsec.voice.reliability import RELIABILITY_COLUMNS, mcdonald_omega
from humsec.voice.result import NUMERIC_TYPES, TabulationResult
from humsec.voice.tabulate import NONRESPONSE_CODES, NONRESPONSE_POLICIES, VoiceTabulator

__all__ = [
    "CHANGE_TYPES",
    "DIRECTIONS",
    "FLAGS",
    "FRAME_WEIGHT",
    "LOG_COLUMNS",
    "NONRESPONSE_CODES",
    "NONRESPONSE_POLICIES",
    "NUMERIC_TYPES",
    "RELIABILITY_COLUMNS",
    "SENSITIVE_THEME",
    "STATUSES",
    "Choice",
    "CleaningResult",
    "ComparisonResult",
    "Design",
    "DesignColumns",
    "Export",
    "Indicator",
    "PerceptionIndicators",
    "PerceptionResult",
    "PerceptionSpec",
    "Question",
    "TabulationResult",
    "UnsupportedExpression",
    "VoiceTabulator",
    "XLSForm",
    "apply_cleaning_log",
    "compare_perceived_measured",
    "cronbach_alpha",
    "evaluate",
    "frame_weights",
    "mcdonald_omega",
    "measured_from_af",
    "measured_rows",
    "perceived_rows",
    "quantile_math",
    "read_cleaning_log",
    "read_coding_framework",
    "read_export",
    "read_feedback_log",
    "read_form",
    "read_frame",
    "summarise_feedback",
    "with_frame_weights",
]
