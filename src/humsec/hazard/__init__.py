"""Hazard early warning: IPC food insecurity, rainfall and outbreak signals, scored honestly.

>>> from humsec.hazard import IPCBacktest, read_ipc
>>> IPCBacktest(test_from="2022-01")
IPCBacktest(test_from='2022-01', models=('persistence', 'ipc_projection'), common=True)
"""

from humsec.hazard.backtest import IPCBacktest
from humsec.hazard.benchmarks import BENCHMARKS, benchmark_forecasts
from humsec.hazard.ipc import IPC_COLUMNS, IPC_TYPES, PHASES, IPCTable, read_ipc
from humsec.hazard.result import IPCScores
from humsec.hazard.scores import METRICS, score_forecasts
from humsec.hazard.targets import add_targets, area_phase, phase_agreement

__all__ = [
    "BENCHMARKS",
    "IPC_COLUMNS",
    "IPC_TYPES",
    "METRICS",
    "PHASES",
    "IPCBacktest",
    "IPCScores",
    "IPCTable",
    "add_targets",
    "area_phase",
    "benchmark_forecasts",
    "phase_agreement",
    "read_ipc",
    "score_forecasts",
]
