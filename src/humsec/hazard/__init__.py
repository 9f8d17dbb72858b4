"""Hazard early warning: IPC food insecurity, rainfall and outbreak signals, scored honestly.

>>> from humsec.hazard import IPCBacktest, read_ipc
>>> IPCBacktest(test_from="2022-01")
IPCBacktest(test_from='2022-01', models=('persistence', 'ipc_projection', 'same_season', \
'lagged_logit'), common=True)
"""

from typing import TYPE_CHECKING

from humsec.core.lazy import lazy_names

# Imported on first use: `humsec --help` loads this package (for its CLI) without pandas or scipy.
_LAZY = {
    "MODELS": "humsec.hazard.backtest",
    "IPCBacktest": "humsec.hazard.backtest",
    "BENCHMARKS": "humsec.hazard.benchmarks",
    "benchmark_forecasts": "humsec.hazard.benchmarks",
    "IPC_COLUMNS": "humsec.hazard.ipc",
    "IPC_TYPES": "humsec.hazard.ipc",
    "PHASES": "humsec.hazard.ipc",
    "IPCTable": "humsec.hazard.ipc",
    "read_ipc": "humsec.hazard.ipc",
    "read_hazard_file": "humsec.hazard.load",
    "model_forecasts": "humsec.hazard.model",
    "onset_forecasts": "humsec.hazard.onsets",
    "onset_panel": "humsec.hazard.onsets",
    "onset_scores": "humsec.hazard.onsets",
    "onset_months": "humsec.hazard.outbreaks",
    "read_outbreaks": "humsec.hazard.outbreaks",
    "IPCScores": "humsec.hazard.result",
    "METRICS": "humsec.hazard.scores",
    "reliability": "humsec.hazard.scores",
    "score_forecasts": "humsec.hazard.scores",
    "read_rainfall": "humsec.hazard.signals",
    "read_signal": "humsec.hazard.signals",
    "add_targets": "humsec.hazard.targets",
    "area_phase": "humsec.hazard.targets",
    "phase_agreement": "humsec.hazard.targets",
    "current_status": "humsec.hazard.trigger_report",
    "trigger_report_html": "humsec.hazard.trigger_report",
    "TriggerRules": "humsec.hazard.triggers",
    "TriggerSet": "humsec.hazard.triggers",
    "backtest_triggers": "humsec.hazard.triggers",
    "trigger_counts": "humsec.hazard.triggers",
    "trigger_summary": "humsec.hazard.triggers",
}

if TYPE_CHECKING:
    from humsec.hazard.backtest import MODELS, IPCBacktest
    from humsec.hazard.benchmarks import BENCHMARKS, benchmark_forecasts
    from humsec.hazard.ipc import IPC_COLUMNS, IPC_TYPES, PHASES, IPCTable, read_ipc
    from humsec.hazard.load import read_hazard_file
    from humsec.hazard.model import model_forecasts
    from humsec.hazard.onsets import onset_forecasts, onset_panel, onset_scores
    from humsec.hazard.outbreaks import onset_months, read_outbreaks
    from humsec.hazard.result import IPCScores
    from humsec.hazard.scores import METRICS, reliability, score_forecasts
    from humsec.hazard.signals import read_rainfall, read_signal
    from humsec.hazard.targets import add_targets, area_phase, phase_agreement
    from humsec.hazard.trigger_report import current_status, trigger_report_html
    from humsec.hazard.triggers import (
        TriggerRules,
        TriggerSet,
        backtest_triggers,
        trigger_counts,
        trigger_summary,
    )

__getattr__, __dir__ = lazy_names(__name__, _LAZY)

__all__ = [
    "BENCHMARKS",
    "IPC_COLUMNS",
    "IPC_TYPES",
    "METRICS",
    "MODELS",
    "PHASES",
    "IPCBacktest",
    "IPCScores",
    "IPCTable",
    "TriggerRules",
    "TriggerSet",
    "add_targets",
    "area_phase",
    "backtest_triggers",
    "benchmark_forecasts",
    "current_status",
    "model_forecasts",
    "onset_forecasts",
    "onset_months",
    "onset_panel",
    "onset_scores",
    "phase_agreement",
    "read_hazard_file",
    "read_ipc",
    "read_outbreaks",
    "read_rainfall",
    "read_signal",
    "reliability",
    "score_forecasts",
    "trigger_counts",
    "trigger_report_html",
    "trigger_summary",
]
