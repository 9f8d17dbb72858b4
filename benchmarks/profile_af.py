"""Where the time of a whole ``humsec af`` run goes, by stage (issue 22); writes docs/af.md ("Speed").

The job is bench_af.py's (same cached Parquet files in ``--data-dir``): syn_cdta tiled to N
persons, 10 indicators, k = 20 and 33, national + over ``g100`` (100 groups, an 8-bit integer
column) and ``region`` (20 text labels), linearised SEs::

    humsec af spec_notime.yaml syn_cdta_xN.parquet --over g100 region --out X.csv --quiet

Each size runs in a fresh process (pinned to ``--cores`` cores). The process wall time is split:

- ``interpreter start and exit``  process wall time less the command's own clock (Python start,
  the heap's teardown at exit); the profiler's own summary is timed apart and taken out;
- ``CLI import``      ``import humsec.cli.main`` (typer, rich; humsec's public names are lazy);
- the command itself, profiled with pyinstrument (wall-clock, 1 ms) and each call-tree node
  given to the first stage whose rule it matches, outermost first (see ``STAGES``): engine
  imports (pandas, numba, scipy, ... loaded inside the command), Parquet decode (since the
  command reads the file ahead on a thread while it imports the engine, the main thread's wait
  for that read), the input's
  SHA-256 (provenance; it runs on a thread beside the decode, so only a wait for it shows), text
  columns to codes and group factorisation, preparing the person arrays (casts, checks, deprivation matrix), the
  fused per-cell pass (numba), the variance algebra, building the result tables, writing;
  whatever no rule matches is ``other``.

Peak RSS is the child's own (``os.wait4``). Shares are of ONE run each: rerun rather than compare
seconds across runs on a shared machine. pyinstrument is a profiling tool, not a humsec
dependency: ``.venv/bin/pip install pyinstrument``.

    .venv/bin/python benchmarks/profile_af.py                       # 5M persons
    .venv/bin/python benchmarks/profile_af.py --sizes 5e6,5e7 --write-docs
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
MiB = 1024 * 1024

# (stage, rule): a call-tree node belongs to the first stage whose rule matches its function name
# and file; what it calls stays in that stage unless it matches a rule itself ("writing" holds the
# CSV formatting it calls; an import inside the command is "engine imports" wherever it happens).
STAGES: list[tuple[str, tuple[str, str]]] = [
    ("engine imports", ("_find_and_load", "")),
    ("Parquet decode", ("read_table", "pyarrow")),
    ("Parquet decode", ("read_schema", "pyarrow")),
    ("Parquet decode", ("read_columns", "humsec")),
    ("Parquet decode", ("read_data", "humsec")),  # with read-ahead: the wait for the thread
    ("hashing the input", ("file_sha256", "humsec")),
    ("factorisation", ("factorize", "")),
    ("factorisation", ("take_codes", "humsec")),
    ("factorisation", ("_stratum_codes", "humsec")),
    ("factorisation", ("_psu_codes", "humsec")),
    ("factorisation", ("_grouping", "humsec")),
    ("factorisation", ("_grouping_and_ties", "humsec")),
    ("factorisation", ("_design_by_psu", "humsec")),
    ("factorisation", ("per_psu", "humsec")),
    ("factorisation", ("_cells", "humsec")),
    ("fused pass", ("build_cells", "humsec")),
    ("fused pass", ("accumulate_cells", "humsec")),
    ("fused pass", ("row_scores", "humsec")),
    ("variance algebra", ("moments", "humsec")),
    ("variance algebra", ("from_design", "humsec")),
    ("variance algebra", ("bootstrap", "humsec")),
    ("result tables", ("level_rows", "humsec")),
    ("result tables", ("change_rows", "humsec")),
    ("result tables", ("share_rows", "humsec")),
    ("result tables", ("to_frame", "humsec")),
    ("writing", ("write_atomic", "humsec")),
    ("preparing person arrays", ("prepare_survey", "humsec")),
    ("spec and options", ("resolved_spec", "humsec")),
    ("spec and options", ("_read_ahead", "humsec")),
]
ORDER = [
    "interpreter start and exit",
    "CLI import",
    "engine imports",
    "spec and options",
    "Parquet decode",
    "hashing the input",
    "factorisation",
    "preparing person arrays",
    "fused pass",
    "variance algebra",
    "result tables",
    "writing",
    "printing, other",
]


def _stage_of(function: str, file_path: str) -> str | None:
    for stage, (name, where) in STAGES:
        if function == name and where in (file_path or ""):
            return stage
    return None


def _split(frame: Any, into: dict[str, float], current: str = "printing, other") -> None:
    """Add each node's own wall time to its stage: its rule's, else its caller's stage.

    A node inside a matched one that matches another rule (the factorisation inside
    ``prepare_survey``) starts its own stage; an import is counted whole.
    """
    stage = _stage_of(frame.function, frame.file_path or "") or current
    if stage == "engine imports":
        into[stage] = into.get(stage, 0.0) + frame.time
        return
    children = list(frame.children)
    own = frame.time - sum(c.time for c in children)
    into[stage] = into.get(stage, 0.0) + max(own, 0.0)
    for child in children:
        _split(child, into, stage)


def child(argv: list[str], result_file: str) -> None:
    """Runs in a fresh process: the CLI import timed, then the command under pyinstrument."""
    t0 = time.perf_counter()
    from humsec.cli.main import app

    t1 = time.perf_counter()
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        app(argv, standalone_mode=False)
    finally:
        profiler.stop()
    t2 = time.perf_counter()
    stages: dict[str, float] = {"CLI import": t1 - t0}
    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is not None:
        _split(root, stages)
    if os.environ.get("PROFILE_AF_TREE"):  # the whole call tree, to check or refine STAGES
        Path(os.environ["PROFILE_AF_TREE"]).write_text(profiler.output_text(show_all=False))
    # the profiler's own summary is no part of humsec's run: timed apart and taken out
    out = {"script_s": t2 - t0, "summary_s": time.perf_counter() - t2, "stages": stages}
    Path(result_file).write_text(json.dumps(out))


def run_size(n: int, cores: int, data_dir: Path, tmp: Path) -> dict[str, Any]:
    import bench_af

    path, mib = bench_af.make_data(n, data_dir)
    _, spec = bench_af.write_specs(data_dir)
    out_csv, result = tmp / f"af-{n}.csv", tmp / f"profile-{n}.json"
    argv = ["af", str(spec), str(path), *bench_af._over_args(), "--out", str(out_csv), "--quiet"]
    cmd = [sys.executable, str(Path(__file__)), "--_child", str(result), *argv]
    if cores and hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[:cores]
        cmd = ["taskset", "-c", ",".join(map(str, cpus)), *cmd]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"profile child for {n:,} persons failed (status {status})")
    res = json.loads(result.read_text())
    wall -= res["summary_s"]
    res["stages"]["interpreter start and exit"] = max(wall - res["script_s"], 0.0)
    arrow_mib = _arrow_mib(path)
    return {
        "n": n,
        "wall_s": wall,
        "peak_mib": usage.ru_maxrss / 1024,
        "arrow_mib": arrow_mib,
        "pandas_mib": mib["job"],
        "stages": res["stages"],
    }


def _arrow_mib(path: Path) -> float:
    """The in-memory Arrow size of the columns the job reads (the issue's memory yardstick)."""
    import bench_af
    import pyarrow.parquet as pq

    return float(pq.read_table(path, columns=bench_af.JOB_COLUMNS).nbytes) / MiB


def table(rows: list[dict[str, Any]]) -> str:
    head = "| stage | " + " | ".join(f"{r['n'] / 1e6:g}M: s | share" for r in rows) + " |"
    sep = "|---|" + "---:|---:|" * len(rows)
    lines = [head, sep]
    for stage in ORDER:
        cells = []
        for r in rows:
            s = r["stages"].get(stage, 0.0)
            cells.append(f"{s:.2f} | {100 * s / r['wall_s']:.0f} %")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines.append(
        "| **whole process** | " + " | ".join(f"**{r['wall_s']:.2f}** | 100 %" for r in rows) + " |"
    )
    lines.append(
        "| peak RSS (MiB) / Arrow input (MiB) | "
        + " | ".join(
            f"{r['peak_mib']:.0f} / {r['arrow_mib']:.0f} | {r['peak_mib'] / r['arrow_mib']:.1f}x"
            for r in rows
        )
        + " |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--sizes", default="5e6", help="person counts (default 5e6)")
    ap.add_argument("--cores", type=int, default=2, help="pin to N cores (0: no pinning)")
    ap.add_argument("--data-dir", default=str(Path(tempfile.gettempdir()) / "humsec-bench-data"))
    ap.add_argument("--write-docs", action="store_true", help="write the table to docs/af.md")
    ap.add_argument("--_child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._child:
        child(args._child[1:], args._child[0])
        return 0
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="profile_af-") as tmp:
        rows = [run_size(n, args.cores, Path(args.data_dir), Path(tmp)) for n in sizes]
    text = table(rows)
    print(
        f"humsec af, whole process, by stage ({args.cores} cores of {_machine()}; load average "
        f"before {load:.2f})"
    )
    print(text)
    if args.write_docs:
        _write_docs(text, load, args)
    return 0


def _machine() -> str:
    """CPU model, cores and memory of this machine, for the record beside its figures."""
    model, mem = "unknown CPU", ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f", {kib / 1024**2:.0f} GiB memory"
    return f"{model} ({os.cpu_count()} logical CPUs{mem})"


def _git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip() or "an unknown commit"
    except OSError:
        return "an unknown commit"


MARK_BEGIN, MARK_END = "<!-- profile_af:begin -->", "<!-- profile_af:end -->"


def _write_docs(text: str, load: float, args: argparse.Namespace) -> None:
    """Replace the generated block of docs/af.md (the prose around it is kept)."""
    doc = ROOT / "docs" / "af.md"
    block = (
        f"{MARK_BEGIN}\n"
        f"Generated by `benchmarks/profile_af.py --sizes {args.sizes} --write-docs` at "
        f"{_git_head()} on {_machine()}, pinned to {args.cores} cores, load average {load:.2f} "
        "before the run (a machine shared with other jobs: shares are within one run).\n\n"
        f"{text}\n{MARK_END}"
    )
    old = (
        doc.read_text() if doc.exists() else f"# Alkire-Foster speed\n\n{MARK_BEGIN}\n{MARK_END}\n"
    )
    start, end = old.index(MARK_BEGIN), old.index(MARK_END) + len(MARK_END)
    doc.write_text(old[:start] + block + old[end:])
    print(f"(written to {doc})")


if __name__ == "__main__":
    sys.exit(main())
