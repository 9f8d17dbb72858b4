"""Read any hazard input by what it holds: IPC analyses, rainfall, or a generic signal table.

>>> import pandas as pd
>>> kind, table = read_hazard_file(pd.DataFrame({"area": ["KE023"], "period": ["2022-03"],
...                                              "signal": ["ndvi"], "value": ["0.1"]}))
>>> kind, len(table.frame)
('signal', 1)
"""

from __future__ import annotations

from typing import Any

from humsec.hazard._files import read_text_table, source_name
from humsec.hazard.ipc import IPCTable, read_ipc
from humsec.hazard.signals import SignalTable, read_rainfall, read_signal

__all__ = ["read_hazard_file"]


def read_hazard_file(
    data: Any, *, year: int | None = None, level: int | None = None
) -> tuple[str, IPCTable | SignalTable]:
    """``("ipc", IPCTable)`` for IPC JSON/HAPI/flat files, else ``("signal", SignalTable)``."""
    if _looks_like_json(data):
        return "ipc", read_ipc(data, level=level)
    columns = set(read_text_table(data, source=source_name(data)).columns)
    if columns & {"ipc_phase", "period_type"}:
        return "ipc", read_ipc(data, level=level)
    if columns & {"rainfall", "CHIRPS_mean"}:
        return "signal", read_rainfall(data, year=year)
    return "signal", read_signal(data)


def _looks_like_json(data: Any) -> bool:
    name = str(data).lower() if not hasattr(data, "read") else ""
    return name.endswith((".json", ".json.gz"))
