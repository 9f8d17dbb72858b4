"""People's own voice: Kobo/ODK questionnaires and exports, tabulated with the survey design.

>>> from humsec.voice import VoiceTabulator
>>> VoiceTabulator(weight="weight", over=["setting"])  # doctest: +ELLIPSIS
VoiceTabulator(questions=None, over=['setting'], weight='weight', ...)
"""

from typing import TYPE_CHECKING

from humsec.core.lazy import lazy_names

# Imported on first use: `humsec --help` loads this package (for its CLI) without pandas or scipy.
_LAZY = {
    "CHANGE_TYPES": "humsec.voice.cleaning",
    "CleaningResult": "humsec.voice.cleaning",
    "apply_cleaning_log": "humsec.voice.cleaning",
    "read_cleaning_log": "humsec.voice.cleaning",
    "FLAGS": "humsec.voice.compare",
    "ComparisonResult": "humsec.voice.compare",
    "compare_perceived_measured": "humsec.voice.compare",
    "measured_from_af": "humsec.voice.compare",
    "measured_rows": "humsec.voice.compare",
    "perceived_rows": "humsec.voice.compare",
    "Design": "humsec.voice.design",
    "DesignColumns": "humsec.voice.design",
    "Export": "humsec.voice.export",
    "read_export": "humsec.voice.export",
    "LOG_COLUMNS": "humsec.voice.feedback",
    "SENSITIVE_THEME": "humsec.voice.feedback",
    "STATUSES": "humsec.voice.feedback",
    "read_coding_framework": "humsec.voice.feedback",
    "read_feedback_log": "humsec.voice.feedback",
    "summarise_feedback": "humsec.voice.feedback",
    "Choice": "humsec.voice.form",
    "Question": "humsec.voice.form",
    "XLSForm": "humsec.voice.form",
    "read_form": "humsec.voice.form",
    "FRAME_WEIGHT": "humsec.voice.frame",
    "frame_weights": "humsec.voice.frame",
    "read_frame": "humsec.voice.frame",
    "with_frame_weights": "humsec.voice.frame",
    "DIRECTIONS": "humsec.voice.indicators",
    "Indicator": "humsec.voice.indicators",
    "PerceptionIndicators": "humsec.voice.indicators",
    "PerceptionResult": "humsec.voice.indicators",
    "PerceptionSpec": "humsec.voice.indicators",
    "cronbach_alpha": "humsec.voice.indicators",
    "quantile_math": "humsec.voice.numeric",
    "UnsupportedExpression": "humsec.voice.relevant",
    "evaluate": "humsec.voice.relevant",
    "RELIABILITY_COLUMNS": "humsec.voice.reliability",
    "mcdonald_omega": "humsec.voice.reliability",
    "NUMERIC_TYPES": "humsec.voice.result",
    "TabulationResult": "humsec.voice.result",
    "NONRESPONSE_CODES": "humsec.voice.tabulate",
    "NONRESPONSE_POLICIES": "humsec.voice.tabulate",
    "VoiceTabulator": "humsec.voice.tabulate",
}

if TYPE_CHECKING:
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

__getattr__, __dir__ = lazy_names(__name__, _LAZY)

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
