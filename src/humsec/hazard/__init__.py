"""Hazard early warning: IPC food insecurity, rainfall and outbreak signals, scored honestly.

>>> from humsec.hazard import IPCBacktest, read_ipc
>>> IPCBacktest(test_from="2022-01")
IPCBacktest(test_from='2022-01', models=None, common=True, calibration='platt')
"""

from typing import TYPE_CHECKING

from humsec.core.lazy import lazy_names

# Imported on first use: `humsec --help` loads this package (for its CLI) without pandas or scipy.
_LAZY = {
    "ALERT_COLUMNS": "humsec.hazard.alerts",
    "current_alerts": "humsec.hazard.alerts",
    "DEFAULT_MODELS": "humsec.hazard.backtest",
    "MODELS": "humsec.hazard.backtest",
    "IPCBacktest": "humsec.hazard.backtest",
    "BENCHMARKS": "humsec.hazard.benchmarks",
    "benchmark_forecasts": "humsec.hazard.benchmarks",
    "CALIBRATIONS": "humsec.hazard.calibration",
    "fit_calibrator": "humsec.hazard.calibration",
    "conflict_signal": "humsec.hazard.features",
    "signal_features": "humsec.hazard.features",
    "IPC_COLUMNS": "humsec.hazard.ipc",
    "IPC_TYPES": "humsec.hazard.ipc",
    "PHASES": "humsec.hazard.ipc",
    "IPCTable": "humsec.hazard.ipc",
    "read_ipc": "humsec.hazard.ipc",
    "read_hazard_file": "humsec.hazard.load",
    "model_forecasts": "humsec.hazard.model",
    "OnsetBacktest": "humsec.hazard.onset_model",
    "OnsetScores": "humsec.hazard.onset_model",
    "area_universe": "humsec.hazard.onset_model",
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
    "TriggerBacktest": "humsec.hazard.trigger_backtest",
    "TriggerResult": "humsec.hazard.trigger_backtest",
    "TriggerRules": "humsec.hazard.triggers",
    "TriggerSet": "humsec.hazard.triggers",
    "backtest_triggers": "humsec.hazard.triggers",
    "trigger_counts": "humsec.hazard.triggers",
    "trigger_summary": "humsec.hazard.triggers",
}

if TYPE_CHECKING:
    from humsec.hazard.alerts import ALERT_COLUMNS, current_alerts
    from humsec.hazard.backtest import DEFAULT_MODELS, MODELS, IPCBacktest
    from humsec.hazard.benchmarks import BENCHMARKS, benchmark_forecasts
    from humsec.hazard.calibration import CALIBRATIONS, fit_calibrator
    from humsec.hazard.features import conflict_signal, signal_features
    from humsec.hazard.ipc import IPC_COLUMNS, IPC_TYPES, PHASES, IPCTable, read_ipc
    from humsec.hazard.load import read_hazard_file
    from humsec.hazard.model import model_forecasts
    from humsec.hazard.onset_model import OnsetBacktest, OnsetScores, area_universe
    from humsec.hazard.onsets import onset_forecasts, onset_panel, onset_scores
    from humsec.hazard.outbreaks import onset_months, read_outbreaks
    from humsec.hazard.result import IPCScores
    from humsec.hazard.scores import METRICS, reliability, score_forecasts
    from humsec.hazard.signals import read_rainfall, read_signal
    from humsec.hazard.targets import add_targets, area_phase, phase_agreement
    from humsec.hazard.trigger_backtest import TriggerBacktest, TriggerResult
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
    "ALERT_COLUMNS",
    "BENCHMARKS",
    "CALIBRATIONS",
    "DEFAULT_MODELS",
    "IPC_COLUMNS",
    "IPC_TYPES",
    "METRICS",
    "MODELS",
    "PHASES",
    "IPCBacktest",
    "IPCScores",
    "IPCTable",
    "OnsetBacktest",
    "OnsetScores",
    "TriggerBacktest",
    "TriggerResult",
    "TriggerRules",
    "TriggerSet",
    "add_targets",
    "area_phase",
    "area_universe",
    "backtest_triggers",
    "benchmark_forecasts",
    "conflict_signal",
    "current_alerts",
    "current_status",
    "fit_calibrator",
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
    "signal_features",
    "trigger_counts",
    "trigger_report_html",
    "trigger_summary",
]
