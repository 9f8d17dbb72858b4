"""Benchmark of the Alkire-Foster engine against a bare numpy pass and PyPI ``mpitb`` 0.2.

The job (as in the issue): AF with linearised SEs (strata + PSUs), two k values (20, 33), national
and over a 100-group variable ``g100`` and a 20-label text column ``region``, on N persons x 10
indicators, N in {1M, 5M, 10M} by default (``make bench``: 5M and 50M).
The data are ``syn_cdta`` (complete cases, 14,903 persons) tiled to N rows with fresh PSU ids per
tile, the 120 strata kept, ``g100`` = PSU code % 100 and ``region`` = "Region NN" from PSU code % 20
(groups are unions of whole PSUs), a per-PSU
sampling weight in [0.5, 1.5), and the rounds ``t``/``year`` kept. One Parquet file per size is
written to ``/tmp/humsec-bench-data/`` (``--data-dir``; never committed) and reused by later runs.

Every timed job runs in a fresh process pinned to ``--cores`` cores; its own peak RSS comes from
``os.wait4`` (stdlib, per child), and the CPU time other processes used meanwhile (/proc/stat) is
reported so that noisy timings show. The jobs, per size:

- ``bare numpy``       the numpy floor: the job's columns read (the region as Arrow dictionary
                       codes) and loaded as an (N x 10) float64 matrix outside the timer, then
                       every per-cell sum the estimates need (cell = PSU x g100 x region; per k:
                       count, weight, weight x score, weight per indicator), one ``np.bincount``
                       per quantity (once); its whole process is the floor the CLI's is
                       compared with;
- ``humsec path``      ``AlkireFoster(spec_without_time, k=[20, 33]).fit(parquet, over=["g100", "region"])``
                       + ``to_frame("levels")``, reading included: the "same job" as mpitb;
- ``humsec path+time`` the same with the spec's ``time`` block (levels per round + changes);
- ``humsec frame``     ``humsec path`` on a pandas frame read beforehand (compute only);
- ``humsec CLI``       ``humsec af SPEC DATA --over g100 region --out X.csv`` (whole process);
- ``mpitb 0.2``        ``pd.read_parquet`` + ``MPIToolbox.est(df, klist=[20, 33],
                       over=["g100", "region"], svy=True)``: the same weighted point estimates, national and per group, with
                       mpitb's simple-random-sampling SEs (it ignores strata and PSUs).

Run from the repository root::

    .venv/bin/python benchmarks/bench_af.py            # 1M, 5M, 10M, best of 2 (about 5 minutes, 2 cores)
    .venv/bin/python benchmarks/bench_af.py --quick    # 200k persons only: a smoke run
    .venv/bin/python benchmarks/bench_af.py --sizes 1e7 --profile   # + where time and memory go
    make bench BENCH_ARGS="--sizes 1e6,5e6,5e7"                      # + 50M persons (issue 22)

The table is printed and written to ``<data dir>/bench_af.csv``; then PASS/FAIL lines for the
issue's targets: the CLI on 5M >= 2x faster than mpitb, within 5x of the bare pass, 10M < 10 s,
peak RSS < 3x the input's in-memory size (pandas ``memory_usage(deep=True)`` of the columns read);
and issue 22's: ``humsec --help`` < 0.3 s, the CLI on 5M >= 3x faster than mpitb, 50M < 6 s and
peak RSS < 2x the job columns' Arrow size, with the ratios of this one run.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GEN_VERSION = "2"  # bump when the generated data change (cached Parquet files are then rebuilt)
KS = [20, 33]
OVER = "g100"
REGION = "region"  # 20 text labels ("Region 01"...), as the issue's census regions
OVERS = [OVER, REGION]
INDICATORS = [
    "d_nutr", "d_cm", "d_satt", "d_educ",
    "d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst",
]  # fmt: skip
DESIGN = ["weight", "stratum", "psu"]
TIME = ["t", "year"]
JOB_COLUMNS = [*INDICATORS, *DESIGN, *OVERS]  # what the no-time job reads
TIME_COLUMNS = [*JOB_COLUMNS, *TIME]  # what the job with changes reads (= the whole file)
MiB = 1024 * 1024
FIVE_M, TEN_M, FIFTY_M = 5_000_000, 10_000_000, 50_000_000
# size -> the job columns' in-memory Arrow size (issue 22's memory yardstick)
ARROW_MIB: dict[int, float] = {}


# =============================================================================== data
def make_data(n: int, data_dir: Path) -> tuple[Path, dict[str, float]]:
    """Parquet file of syn_cdta tiled to ``n`` persons (cached) and its in-memory sizes in MiB
    (``job``, ``time``, ``arrow``: the job columns as Arrow reads them).

    Written by a child process: the jobs are forked from this one with ``preexec_fn`` (pinning),
    and a forked child's peak RSS counts the parent's pages until it execs, so this process must
    never hold the data (a 50M-person frame made here put 5 GB into every job's peak)."""
    path = data_dir / f"syn_cdta_x{n}.parquet"
    meta_path = path.with_suffix(".json")
    if not _cached(path, n):
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--_data", str(n), str(data_dir)], check=True)
    return path, json.loads(meta_path.read_text())["mib"]


def _cached(path: Path, n: int) -> bool:
    meta_path = path.with_suffix(".json")
    if not (path.exists() and meta_path.exists()):
        return False
    meta = json.loads(meta_path.read_text())
    return bool(meta.get("gen_version") == GEN_VERSION and meta.get("n") == n and "arrow" in meta.get("mib", {}))


def write_data(n: int, data_dir: Path) -> None:
    """The child of :func:`make_data`: writes the file (unless cached) and its sizes."""
    path = data_dir / f"syn_cdta_x{n}.parquet"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("gen_version") == GEN_VERSION and meta.get("n") == n:  # sizes of an older run
            meta["mib"]["arrow"] = _arrow_mib(path)
            meta_path.write_text(json.dumps(meta))
            return
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    import humsec

    base = humsec.datasets.load_syn_cdta().dropna(subset=INDICATORS).reset_index(drop=True)
    n0 = len(base)
    psu0, _ = pd.factorize(base["psu"], sort=True)
    p0 = int(psu0.max()) + 1
    reps = math.ceil(n / n0)
    row = np.tile(np.arange(n0, dtype=np.int32), reps)[:n]
    tile = np.repeat(np.arange(reps, dtype=np.int32), n0)[:n]
    psu = (tile * p0 + psu0[row]).astype(np.int32)  # fresh PSU ids in every tile
    # a sampling weight per PSU in [0.5, 1.5) (syn_cdta's own weights are all 1)
    weight = 0.5 + ((psu.astype(np.int64) * 2654435761) % 1000) / 1000.0
    cols: dict[str, Any] = {c: base[c].to_numpy()[row].astype(np.int8) for c in INDICATORS}
    cols["weight"] = weight.astype(np.float64)
    cols["stratum"] = base["stratum"].to_numpy()[row].astype(np.int32)
    cols["psu"] = psu
    cols[OVER] = (psu % 100).astype(np.int8)
    region = pa.DictionaryArray.from_arrays(
        pa.array((psu % 20).astype(np.int8)), pa.array([f"Region {r + 1:02d}" for r in range(20)])
    )
    cols["t"] = base["t"].to_numpy()[row].astype(np.int8)
    cols["year"] = base["year"].to_numpy()[row].astype(np.float32)
    frame = pd.DataFrame(cols)
    frame[REGION] = region.to_pandas().astype(object)  # text, as a census file holds it
    usage = frame.memory_usage(deep=True, index=False)
    mib = {
        "job": float(usage[JOB_COLUMNS].sum()) / MiB,
        "time": float(usage[TIME_COLUMNS].sum()) / MiB,
    }
    table = pa.Table.from_pandas(frame.drop(columns=[REGION]), preserve_index=False)
    table = table.append_column(REGION, region.cast(pa.string()))  # a plain string column
    del frame
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp, compression="snappy")
    tmp.replace(path)
    del table
    mib["arrow"] = _arrow_mib(path)
    meta = {"gen_version": GEN_VERSION, "n": n, "rows_base": n0, "tiles": reps}
    meta |= {"n_psu": int(psu.max()) + 1, "mib": mib}
    meta_path.write_text(json.dumps(meta))


def _over_args() -> list[str]:
    """The CLI's grouping options for the job's groupings."""
    return ["--over", *OVERS]


def write_specs(data_dir: Path) -> tuple[Path, Path]:
    """The syn_cdta spec as YAML with its time block and without it (mpitb's 'same job')."""
    import yaml

    import humsec

    raw = humsec.datasets.syn_cdta_spec().to_dict()
    raw["k"] = [float(k) for k in KS]
    with_time = data_dir / "spec_time.yaml"
    no_time = data_dir / "spec_notime.yaml"
    data_dir.mkdir(parents=True, exist_ok=True)
    with_time.write_text(yaml.safe_dump(raw, sort_keys=False))
    raw.pop("time", None)
    no_time.write_text(yaml.safe_dump(raw, sort_keys=False))
    return with_time, no_time


# =============================================================================== workers
def worker(task: str, path: str, spec: str, result_file: str) -> None:
    """Runs in a fresh process; writes its timings (seconds) as JSON to ``result_file``."""
    out: dict[str, Any] = {"task": task}
    t0 = time.perf_counter()
    if task == "baseline":
        import numpy  # noqa: F401
        import pandas  # noqa: F401
        import pyarrow.parquet  # noqa: F401

        import humsec.af.engine  # noqa: F401 - the engine (import humsec is lazy)

        out["job_s"] = time.perf_counter() - t0
    elif task in ("humsec-path", "humsec-frame", "profile", "sample"):
        out |= _humsec_job(task, path, spec)
        out["import_s"] = time.perf_counter() - t0 - out["job_s"] - out.get("read_s", 0.0)
    elif task == "bare":
        out |= _bare_job(path)
    elif task == "mpitb":
        out |= _mpitb_job(path)
    else:
        raise SystemExit(f"unknown worker task {task!r}")
    Path(result_file).write_text(json.dumps(out))


def _humsec_job(task: str, path: str, spec: str) -> dict[str, Any]:
    import humsec

    out: dict[str, Any] = {}
    af = humsec.AlkireFoster(spec, k=KS)
    data: Any = path
    if task == "humsec-frame":
        import pyarrow.parquet as pq

        columns = list(dict.fromkeys([*af.resolved_spec().columns(), *OVERS]))
        t1 = time.perf_counter()
        data = pq.read_table(path, columns=columns).to_pandas()
        out["read_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    if task == "sample":
        with Sampler() as sampler:
            af.fit(data, over=OVERS)
        out["job_s"] = time.perf_counter() - t1
        out["sample_report"] = sampler.report()
    elif task == "profile":
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        af.fit(data, over=OVERS)
        prof.disable()
        out["job_s"] = time.perf_counter() - t1
        for key in ("cumulative", "tottime"):
            buf = io.StringIO()
            stats = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key)
            stats.print_stats(r"^(?!.*(importlib|_bootstrap|<module>))", 25)
            out[f"profile_{key}"] = buf.getvalue()
    else:
        levels = af.fit(data, over=OVERS).to_frame("levels")
        out["job_s"] = time.perf_counter() - t1
        out["rows"] = len(levels)
        out["check"] = _humsec_check(levels)
    return out


def _bare_job(path: str) -> dict[str, Any]:
    """The numpy floor: read the job's columns (text regions as Arrow dictionary codes), then
    every per-cell sum the estimates need (cell = PSU x g100 x region; for each k: count,
    weight, weight x score, and weight per deprived indicator), one np.bincount per quantity.
    No checks, no variance algebra, no output: what any engine must at least do."""
    import numpy as np
    import pyarrow.parquet as pq

    table = pq.read_table(
        path, columns=[*INDICATORS, "weight", "psu", *OVERS], read_dictionary=[REGION]
    )
    G = np.empty((table.num_rows, len(INDICATORS)), dtype=np.float64)
    for j, c in enumerate(INDICATORS):
        G[:, j] = table.column(c).to_numpy()
    weight = table.column("weight").to_numpy()
    psu = table.column("psu").to_numpy().astype(np.int64)
    g100 = table.column(OVER).to_numpy().astype(np.int64)
    region = np.concatenate([c.indices.to_numpy() for c in table.column(REGION).chunks])
    del table
    wv = np.array([1 / 6] * 4 + [1 / 18] * 6)
    # once: the floor's whole process (start, read, sums) is what the CLI's is compared with
    t1 = time.perf_counter()
    key = (psu * 100 + g100) * 20 + region
    _, cell = np.unique(key, return_inverse=True)
    m = int(cell.max()) + 1
    score = G @ wv
    sums = [np.bincount(cell, minlength=m), np.bincount(cell, weight, m)]
    sums += [np.bincount(cell, weight * G[:, j], m) for j in range(len(INDICATORS))]
    for k in KS:
        wp = weight * (score >= k / 100 - 1e-12)
        sums += [np.bincount(cell, wp > 0, m), np.bincount(cell, wp, m)]
        sums.append(np.bincount(cell, wp * score, m))
        sums += [np.bincount(cell, wp * G[:, j], m) for j in range(len(INDICATORS))]
    total = float(sums[-len(INDICATORS) - 1].sum())  # national weighted sum of c at k = 33
    job_s = time.perf_counter() - t1
    return {"job_s": job_s, "first_s": job_s, "check": total / float(weight.sum())}


def _mpitb_job(path: str) -> dict[str, Any]:
    import pandas as pd
    from mpitb.core import MPIToolbox

    out: dict[str, Any] = {}
    t1 = time.perf_counter()
    df = pd.read_parquet(path)
    out["read_s"] = time.perf_counter() - t1
    mpi = MPIToolbox()
    mpi.svyset(psu="psu", weight="weight", strata="stratum")  # stored; est() uses the weight only
    dims = [
        (["d_nutr", "d_cm"], "health"),
        (["d_satt", "d_educ"], "education"),
        (["d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst"], "living_standards"),
    ]
    mpi.set(name="bench", dimensions=dims)
    rows = mpi.est(df, "bench", KS, over=OVERS, svy=True)
    out["job_s"] = time.perf_counter() - t1
    out["rows"] = len(rows)
    nat = [r for r in rows if r.get("loa") == "nat" and r.get("measure") == "M0" and r["k"] == 33]
    out["check"] = float(nat[0]["b"]) if nat else None
    return out


def _humsec_check(levels: Any) -> float | None:
    """National pooled M0 at k=33 (no-time job), to compare with mpitb's."""
    try:
        q = levels[(levels["measure"] == "M0") & (levels["over"] == "national")]
        q = q[q["k"].astype(float) == 33.0]
        if "time" in q.columns and (q["time"].fillna("").astype(str) != "").any():
            return None  # levels per round: not the pooled figure mpitb gives
        return float(q["estimate"].iloc[0])
    except Exception:  # the frame's layout is the engine's business; the check is only a courtesy
        return None


class Sampler:
    """Every 5 ms: the process's RSS (/proc/self/statm) and where the main thread is in humsec.

    A cheap sampling profiler that, unlike cProfile, also says *where the memory peak is* and does
    not slow the numpy calls down. Time goes to the innermost humsec frame on the stack.
    """

    def __init__(self, interval: float = 0.005) -> None:
        import threading

        self.interval = interval
        self.samples: list[tuple[float, float, tuple[str, ...]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._main = threading.main_thread().ident
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self._t0 = 0.0

    def __enter__(self) -> Sampler:
        self._t0 = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _rss(self) -> float:
        try:
            with open("/proc/self/statm") as fh:
                return int(fh.read().split()[1]) * self._page / MiB
        except OSError:
            return float("nan")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            frame = sys._current_frames().get(self._main or 0)
            stack = []
            while frame is not None:
                code = frame.f_code
                if "humsec" in code.co_filename and "bench_af" not in code.co_filename:
                    stack.append(f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}")
                frame = frame.f_back
            self.samples.append((time.perf_counter() - self._t0, self._rss(), tuple(stack)))

    def report(self, top: int = 18) -> str:
        from collections import Counter, defaultdict

        if not self.samples:
            return "(no samples)"
        n = len(self.samples)
        total = self.samples[-1][0]
        own: Counter[str] = Counter()
        cum: Counter[str] = Counter()
        peak_by: dict[str, float] = defaultdict(float)
        for _, rss, st in self.samples:
            key = st[0] if st else "(outside humsec)"
            own[key] += 1
            peak_by[key] = max(peak_by[key], rss)
            for fr in {f.split(" ", 1)[1] + " (" + f.split(":", 1)[0] + ")" for f in st}:
                cum[fr] += 1
        t_peak, rss_peak, st_peak = max(self.samples, key=lambda s: s[1])
        lines = [
            f"{n} samples over {total:.2f} s; RSS at start {self.samples[0][1]:.0f} MiB, "
            f"peak {rss_peak:.0f} MiB at t={t_peak:.2f} s in:"
        ]
        lines += [f"    {f}" for f in st_peak] or ["    (outside humsec)"]
        lines.append(
            "  time by innermost humsec line (self):         share    ~s  max RSS MiB there"
        )
        for key, c in own.most_common(top):
            lines.append(
                f"    {key:<52} {100 * c / n:5.1f}% {total * c / n:5.2f}  {peak_by[key]:7.0f}"
            )
        lines.append("  time by humsec function (cumulative, callees included):")
        for key, c in cum.most_common(top):
            lines.append(f"    {key:<52} {100 * c / n:5.1f}% {total * c / n:5.2f}")
        return "\n".join(lines)


# =============================================================================== runner
@dataclass
class Run:
    """One row of the table: a tool's job at one size (the fastest of ``--repeat`` runs)."""

    size: int
    tool: str
    wall_s: float | None = None  # the job's own time (see the table's legend)
    proc_s: float | None = None  # the whole process, interpreter start to exit
    peak_mib: float | None = None  # the process's peak RSS (the largest of the repeats)
    input_mib: float | None = None
    note: str = ""
    other_cpu_s: float | None = None  # CPU seconds other processes used during the job
    user_s: float | None = None  # the process's CPU time in user mode
    sys_s: float | None = None  # ... and in the kernel (page faults of big temporaries land here)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Measured:
    rc: int
    wall_s: float
    peak_mib: float
    other_cpu_s: float | None
    user_s: float = 0.0
    sys_s: float = 0.0


def _busy_cpu_s() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat), or None off Linux."""
    try:
        with open("/proc/stat") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
        idle = f[3] + (f[4] if len(f) > 4 else 0)
        return (sum(f[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def measure(cmd: list[str], cores: set[int] | None, timeout: float, log: Path) -> Measured:
    """Run ``cmd`` in a child process: exit code, wall seconds, its peak RSS, others' CPU-s."""
    preexec = (lambda: os.sched_setaffinity(0, cores)) if cores else None
    busy0 = _busy_cpu_s()
    with log.open("wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, preexec_fn=preexec)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - t0
    busy1 = _busy_cpu_s()
    other = None
    if busy0 is not None and busy1 is not None:
        other = max(0.0, busy1 - busy0 - usage.ru_utime - usage.ru_stime)
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024
    return Measured(proc.returncode, wall, peak, other, usage.ru_utime, usage.ru_stime)


class Bench:
    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args = args
        self.tmp = tmp
        self.runs: list[Run] = []
        cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        few = args.cores and len(cpus) > args.cores
        self.cores: set[int] | None = set(cpus[: args.cores]) if few else None
        self.n_cores = len(self.cores) if self.cores else (len(cpus) or os.cpu_count() or 1)

    def python(
        self, task: str, path: Path, spec: Path
    ) -> tuple[dict[str, Any] | None, Measured, str]:
        """One worker process: its JSON result (None if it failed), its measures, an error."""
        result = self.tmp / f"{task}-{time.monotonic_ns()}.json"
        log = result.with_suffix(".log")
        me = str(Path(__file__).resolve())
        cmd = [sys.executable, me, "--_worker", task, str(path), str(spec), str(result)]
        m = measure(cmd, self.cores, self.args.timeout, log)
        if m.rc != 0 or not result.exists():
            return None, m, _failure(m.rc, log)
        return json.loads(result.read_text()), m, ""

    def job(
        self,
        n: int,
        tool: str,
        input_mib: float,
        note: str,
        *,
        task: str | None = None,
        path: Path | None = None,
        spec: Path | None = None,
        cmd: list[str] | None = None,
    ) -> Run:
        """Run a worker ``task`` (or the command ``cmd``) ``--repeat`` times; keep the fastest."""
        r = Run(n, tool, input_mib=input_mib, note=note)
        if task is None and cmd is None:
            self._add(r)
            return r
        for i in range(self.args.repeat):
            if cmd is not None:
                log = self.tmp / f"cmd-{n}-{i}.log"
                m = measure(cmd, self.cores, self.args.timeout, log)
                res: dict[str, Any] | None = {"job_s": m.wall_s} if m.rc == 0 else None
                err = _failure(m.rc, log) if res is None else ""
            else:
                assert path is not None
                assert spec is not None
                res, m, err = self.python(task or "", path, spec)
            r.peak_mib = max(r.peak_mib or 0.0, m.peak_mib)
            if res is None:
                r.note, r.proc_s, r.wall_s = err, m.wall_s, None
                break
            if r.wall_s is None or res["job_s"] < r.wall_s:
                r.wall_s, r.proc_s, r.extra = res["job_s"], m.wall_s, res
                r.other_cpu_s, r.user_s, r.sys_s = m.other_cpu_s, m.user_s, m.sys_s
        if r.extra.get("first_s") is not None:
            r.note += f" (first {r.extra['first_s']:.3f} s)"
        if r.extra.get("read_s") is not None:
            r.note += f"; {'read beforehand' if tool == 'humsec frame' else 'read'} {r.extra['read_s']:.2f} s"
        self._add(r)
        return r

    def _add(self, r: Run) -> None:
        self.runs.append(r)
        print(
            f"  {r.tool:<17} {fmt(r.wall_s, '.2f'):>8} s  (process {fmt(r.proc_s, '.2f')} s, "
            f"peak {fmt(r.peak_mib, '.0f')} MiB{_noise(r)})  {r.note}",
            flush=True,
        )


def _failure(rc: int, log: Path) -> str:
    tail = log.read_text(errors="replace").strip().splitlines()[-3:]
    return f"FAILED rc={rc}: {' | '.join(tail)[-300:]}"


def _noise(r: Run) -> str:
    """', NOISY: ...' when other processes kept the machine busy during the job."""
    if r.other_cpu_s is None or r.proc_s is None or r.other_cpu_s < max(0.25, 0.1 * r.proc_s):
        return ""
    return f", NOISY: other processes used {r.other_cpu_s:.1f} CPU-s meanwhile"


def cli_command() -> list[str] | None:
    exe = Path(sys.executable).parent / "humsec"
    found = str(exe) if exe.exists() else shutil.which("humsec")
    if not found:
        return None
    try:
        done = subprocess.run(
            [found, "af", "--help"], capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return [found] if done.returncode == 0 else None


def _git_state() -> str:
    """The commit measured, '+ uncommitted changes' when the work tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "src"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    head = head if len(head) <= 60 else head[:59] + "…"
    return f"commit {head}" + (" + uncommitted changes in src/" if dirty else "")


def fmt(x: Any, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--sizes", default="1e6,5e6,1e7", help="person counts (default 1e6,5e6,1e7)")
    ap.add_argument("--quick", action="store_true", help="200k persons only (smoke run)")
    ap.add_argument("--mpitb-max", default="5e6", help="largest size mpitb runs on (default 5e6)")
    ap.add_argument(
        "--data-dir",
        default=str(Path(tempfile.gettempdir()) / "humsec-bench-data"),
        help="Parquet files, CSV",
    )
    ap.add_argument("--cores", type=int, default=2, help="pin jobs to N cores (0: no pinning)")
    ap.add_argument("--repeat", type=int, default=2, help="runs per job, fastest kept (default 2)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before a job is killed")
    ap.add_argument("--no-time-variant", action="store_true", help="skip 'humsec path+time'")
    ap.add_argument("--no-frame-variant", action="store_true", help="skip 'humsec frame'")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="at the largest size: sampling profile (time, RSS) and cProfile of humsec's fit",
    )
    ap.add_argument(
        "--_worker", nargs=4, metavar=("TASK", "PATH", "SPEC", "OUT"), help=argparse.SUPPRESS
    )
    ap.add_argument("--_data", nargs=2, metavar=("N", "DIR"), help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args._worker:
        worker(*args._worker)
        return 0
    if args._data:
        write_data(int(args._data[0]), Path(args._data[1]))
        return 0
    sizes = [200_000] if args.quick else [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    mpitb_max = int(float(args.mpitb_max))
    data_dir = Path(args.data_dir)
    spec_time, spec_notime = write_specs(data_dir)
    cli = cli_command()
    try:
        import mpitb  # noqa: F401

        has_mpitb = True
    except ImportError:
        has_mpitb = False

    tmp = Path(tempfile.mkdtemp(prefix="bench_af-"))
    bench = Bench(args, tmp)
    print(
        f"bench_af: sizes {', '.join(f'{n:,}' for n in sizes)}; k = {KS}; national + over {OVERS} "
        f"(100 groups, 20 text regions); linearised SEs; {bench.n_cores} core(s); python {sys.version.split()[0]}"
    )
    print(f"  humsec at {_git_state()}")
    no_cli = "not available (humsec af --help fails): the API on the path stands in for it"
    print(f"  CLI: {' '.join(cli) if cli else no_cli}")
    mp_state = "installed" if has_mpitb else "not installed (pip install mpitb==0.2)"
    print(f"  mpitb: {mp_state}; run up to {mpitb_max:,} persons")
    if hasattr(os, "getloadavg"):
        print(f"  load average before: {os.getloadavg()[0]:.2f} (other work skews the timings)")
    try:
        base, m, err = bench.python("baseline", spec_notime, spec_notime)
        baseline_mib = m.peak_mib if base else None
        print(
            f"  baseline process (python + numpy, pandas, pyarrow, humsec's AF engine imported): "
            f"{m.wall_s:.2f} s, peak RSS {fmt(baseline_mib, '.0f')} MiB {err}"
        )
        if cli:
            bench.job(0, "humsec --help", 0.0, "whole process", cmd=[*cli, "--help"])
        for n in sizes:
            run_size(bench, n, data_dir, (spec_time, spec_notime), cli, has_mpitb, mpitb_max)
        if args.profile:
            profile(bench, sizes[-1], data_dir, spec_time, spec_notime)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    table = report(bench.runs)
    out_csv = data_dir / "bench_af.csv"
    with out_csv.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0].keys()))
        writer.writeheader()
        writer.writerows(table)
    print(f"\n(table written to {out_csv})")
    targets(bench.runs, cli is not None, baseline_mib)
    if hasattr(os, "getloadavg"):
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    return 0


def run_size(
    bench: Bench,
    n: int,
    data_dir: Path,
    specs: tuple[Path, Path],
    cli: list[str] | None,
    has_mpitb: bool,
    mpitb_max: int,
) -> None:
    spec_time, spec_notime = specs
    t0 = time.perf_counter()
    path, mib = make_data(n, data_dir)
    print(
        f"\n[{n:,}] data {path.name}: {path.stat().st_size / MiB:.0f} MiB on disk, "
        f"{mib['job']:.0f} MiB in memory (job columns), {mib['time']:.0f} MiB with t/year "
        f"({time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    job, job_t = mib["job"], mib["time"]
    ARROW_MIB[n] = mib["arrow"]
    bench.job(
        n,
        "bare numpy",
        job,
        "read + every per-cell sum (np.bincount), once",
        task="bare",
        path=path,
        spec=spec_notime,
    )
    bench.job(
        n,
        "humsec path",
        job,
        "fit(parquet) + to_frame, no time block",
        task="humsec-path",
        path=path,
        spec=spec_notime,
    )
    if not bench.args.no_time_variant:
        bench.job(
            n,
            "humsec path+time",
            job_t,
            "fit(parquet) + to_frame, 2 rounds + changes",
            task="humsec-path",
            path=path,
            spec=spec_time,
        )
    if not bench.args.no_frame_variant:
        bench.job(
            n,
            "humsec frame",
            job,
            "fit(pandas frame): compute only",
            task="humsec-frame",
            path=path,
            spec=spec_notime,
        )
    if cli:
        out = bench.tmp / f"cli-{n}.csv"
        cmd = [*cli, "af", str(spec_notime), str(path), *_over_args(), "--out", str(out)]
        bench.job(
            n,
            "humsec CLI",
            job,
            "humsec af SPEC(no time) DATA --over g100 region --out X.csv",
            cmd=cmd,
        )
    if not has_mpitb:
        bench.job(n, "mpitb 0.2", job_t, "not installed")
    elif n > mpitb_max:
        bench.job(n, "mpitb 0.2", job_t, f"skipped (> --mpitb-max {mpitb_max:,})")
    else:
        bench.job(
            n,
            "mpitb 0.2",
            job_t,
            "read_parquet + est(klist, over, svy): no design SEs",
            task="mpitb",
            path=path,
            spec=spec_notime,
        )
    h = _get(bench.runs, n, "humsec path")
    mp = _get(bench.runs, n, "mpitb 0.2")
    hc, mc = (h.extra.get("check") if h else None), (mp.extra.get("check") if mp else None)
    if hc is not None and mc is not None:
        flag = "agree" if abs(hc - mc) < 1e-9 else "DISAGREE"
        print(f"  national M0(k=33): humsec {hc:.10f}, mpitb {mc:.10f}: {flag}")


def _arrow_mib(path: Path) -> float:
    import pyarrow.parquet as pq

    return float(pq.read_table(path, columns=JOB_COLUMNS).nbytes) / MiB


def profile(bench: Bench, n: int, data_dir: Path, spec_time: Path, spec_notime: Path) -> None:
    path, _ = make_data(n, data_dir)
    variants = [("no time block", spec_notime)]
    if not bench.args.no_time_variant:
        variants.append(("with time block", spec_time))
    for label, spec in variants:
        job = f"AlkireFoster(spec {label}, k={KS}).fit(parquet, over={OVERS!r}) at {n:,} persons"
        res, m, err = bench.python("sample", path, spec)
        secs = fmt(res["job_s"] if res else None)
        print(
            f"\n=== sampling profile (5 ms) of {job}: {secs} s, process peak {m.peak_mib:.0f} MiB {err}"
        )
        if res:
            print(res["sample_report"])
        res, m, err = bench.python("profile", path, spec)
        secs = fmt(res["job_s"] if res else None)
        print(f"\n=== cProfile of {job}: {secs} s under the profiler {err}")
        if res:
            print(res["profile_cumulative"].strip())
            print(res["profile_tottime"].strip())


def _get(runs: list[Run], n: int | None, tool: str) -> Run | None:
    return next((r for r in runs if r.size == n and r.tool == tool), None)


def _ratio(a: float | None, b: float | None, digits: int) -> float | None:
    return None if not (a and b) else round(a / b, digits)


def report(runs: list[Run]) -> list[dict[str, Any]]:
    rows = []
    for r in runs:
        bare = _get(runs, r.size, "bare numpy")
        mp = _get(runs, r.size, "mpitb 0.2")
        # the CLI's time is a whole process: compare it with mpitb's whole process
        mp_time = None if mp is None else (mp.proc_s if r.tool == "humsec CLI" else mp.wall_s)
        rows.append(
            {
                "size": r.size,
                "tool": r.tool,
                "wall_s": None if r.wall_s is None else round(r.wall_s, 4),
                "process_s": None if r.proc_s is None else round(r.proc_s, 3),
                "persons_per_s": None if not r.wall_s else round(r.size / r.wall_s),
                "peak_rss_mib": None if r.peak_mib is None else round(r.peak_mib, 1),
                "input_mib": None if r.input_mib is None else round(r.input_mib, 1),
                "peak_over_input": _ratio(r.peak_mib, r.input_mib, 2),
                "x_bare": _ratio(r.wall_s, bare.wall_s if bare else None, 1),
                "mpitb_over_this": _ratio(mp_time, r.wall_s, 2)
                if r.tool.startswith("humsec")
                else None,
                "user_s": None if r.user_s is None else round(r.user_s, 2),
                "sys_s": None if r.sys_s is None else round(r.sys_s, 2),
                "other_cpu_s": None if r.other_cpu_s is None else round(r.other_cpu_s, 2),
                "note": r.note,
            }
        )
    print(
        "\nwall s: the job's own time in its process (reading the Parquet file included for 'path'"
        " and mpitb, not for 'frame' and 'bare'); for the CLI, the whole process. proc s: the whole"
        " process (interpreter start, imports). x bare = wall s / bare numpy's at the same size."
        " mpitb/this = mpitb's wall s / this wall s (CLI: the two whole processes). user s, sys s:"
        " the whole process's CPU time in user mode and in the kernel (page faults, mmap/munmap of"
        " big temporaries). other CPU = CPU-s other processes used meanwhile (well above 0: noisy)."
        "\n"
    )
    head = (
        f"{'size':>11} {'tool':<17} {'wall s':>8} {'proc s':>7} {'persons/s':>12} {'peak MiB':>9}"
        f" {'input MiB':>9} {'peak/in':>7} {'x bare':>7} {'mpitb/this':>10} {'user s':>7}"
        f" {'sys s':>6} {'other CPU':>9}  note"
    )
    print(head)
    print("-" * len(head))
    for w in rows:
        print(
            f"{w['size']:>11,} {w['tool']:<17} {fmt(w['wall_s'], '8.2f'):>8}"
            f" {fmt(w['process_s'], '.2f'):>7} {fmt(w['persons_per_s'], ',.0f'):>12}"
            f" {fmt(w['peak_rss_mib'], '.0f'):>9} {fmt(w['input_mib'], '.0f'):>9}"
            f" {fmt(w['peak_over_input'], '.2f'):>7} {fmt(w['x_bare'], '.1f'):>7}"
            f" {fmt(w['mpitb_over_this'], '.2f'):>10} {fmt(w['user_s'], '.2f'):>7}"
            f" {fmt(w['sys_s'], '.2f'):>6} {fmt(w['other_cpu_s'], '.1f'):>9}  {w['note']}"
        )
    return rows


def targets(runs: list[Run], has_cli: bool, baseline_mib: float | None) -> None:
    tool = "humsec CLI" if has_cli else "humsec path"
    stand_in = "" if has_cli else " [no CLI: 'humsec path' (the API on the Parquet path) stands in]"
    sizes = sorted({r.size for r in runs})
    print(f"\nTargets (issue), measured on '{tool}'{stand_in}:")

    def line(ok: bool | None, text: str) -> None:
        print(f"  {'n/a ' if ok is None else ('PASS' if ok else 'FAIL')}  {text}")

    small = [s for s in sizes if s <= FIVE_M]
    n5 = max(small) if small else None
    at = "" if n5 == FIVE_M else f" (no 5M run: at {n5:,})" if n5 else ""
    h5, m5, b5 = (_get(runs, n5, t) for t in (tool, "mpitb 0.2", "bare numpy"))
    if h5 and m5 and h5.proc_s and h5.wall_s and m5.proc_s and m5.wall_s:
        ratio = m5.proc_s / h5.proc_s
        line(
            ratio >= 2,
            f"5M: >= 2x faster than mpitb 0.2, with design SEs{at}: mpitb {m5.proc_s:.2f} s /"
            f" {tool} {h5.proc_s:.2f} s (whole processes) = {ratio:.2f}x"
            f" (job times {m5.wall_s:.2f} / {h5.wall_s:.2f} s = {m5.wall_s / h5.wall_s:.2f}x)",
        )
    else:
        line(None, f"5M: >= 2x faster than mpitb 0.2{at}: not measured")
    if h5 and b5 and h5.wall_s and b5.wall_s:
        ratio = h5.wall_s / b5.wall_s
        fr = _get(runs, n5, "humsec frame")
        also = (
            f"; fit on an in-memory frame: {fr.wall_s / b5.wall_s:.1f}x" if fr and fr.wall_s else ""
        )
        line(
            ratio <= 5,
            f"5M: within 5x of one bare numpy pass{at}: {h5.wall_s:.2f} s / {b5.wall_s:.3f} s"
            f" = {ratio:.1f}x{also}",
        )
        if h5.proc_s and b5.proc_s:
            print(
                f"        (info) as whole processes (bare: start, read the Parquet columns, one pass):"
                f" {h5.proc_s:.2f} s / {b5.proc_s:.2f} s = {h5.proc_s / b5.proc_s:.1f}x"
            )
    else:
        line(None, f"5M: within 5x of one bare numpy pass{at}: not measured")
    h10 = _get(runs, TEN_M, tool)
    if h10 and h10.wall_s:
        line(h10.wall_s < 10, f"10M persons < 10 s on 2 cores: {h10.wall_s:.2f} s")
        ht = _get(runs, TEN_M, "humsec path+time")
        if ht and ht.wall_s:
            print(
                f"        (info) with the time block (levels per round + changes): {ht.wall_s:.2f} s"
            )
    else:
        line(None, "10M persons < 10 s on 2 cores: no 10M run")
    n_mem = TEN_M if TEN_M in sizes else sizes[-1]
    h = _get(runs, n_mem, tool)
    if h and h.wall_s and h.peak_mib and h.input_mib:
        ratio = h.peak_mib / h.input_mib
        less = ""
        if baseline_mib:
            less = f"; less a bare import's {baseline_mib:.0f} MiB: {(h.peak_mib - baseline_mib) / h.input_mib:.2f}x"
        line(
            ratio < 3,
            f"{n_mem:,}: peak RSS < 3x the input's in-memory size: {h.peak_mib:.0f} MiB /"
            f" {h.input_mib:.0f} MiB = {ratio:.2f}x{less}",
        )
    issue22_targets(runs, tool, n5, line)


def issue22_targets(runs: list[Run], tool: str, n5: int | None, line: Any) -> None:
    """Issue 22's targets and the ratios of this one run (seconds from other runs don't compare)."""
    print(f"\nTargets (issue 22), measured on '{tool}' in this run:")
    hh = _get(runs, 0, "humsec --help")
    if hh and hh.proc_s:
        line(hh.proc_s < 0.3, f"humsec --help < 0.3 s: {hh.proc_s:.2f} s (whole process)")
    else:
        line(None, "humsec --help < 0.3 s: not measured (no CLI)")
    h5, m5 = _get(runs, n5, tool), _get(runs, n5, "mpitb 0.2")
    if h5 and m5 and h5.proc_s and m5.proc_s:
        ratio = m5.proc_s / h5.proc_s
        line(ratio >= 3, f"{n5:,}: >= 3x faster than mpitb 0.2 (whole processes): {ratio:.2f}x")
    else:
        line(None, "5M: >= 3x faster than mpitb 0.2: not measured")
    h50 = _get(runs, FIFTY_M, tool)
    if h50 and h50.wall_s and h50.peak_mib:
        arrow = ARROW_MIB.get(FIFTY_M)
        line(h50.wall_s < 6, f"50M persons < 6 s on 2 cores: {h50.wall_s:.2f} s")
        if arrow:
            r = h50.peak_mib / arrow
            line(
                r < 2,
                f"50M: peak RSS < 2x the input's Arrow size: {h50.peak_mib:.0f} / {arrow:.0f} MiB"
                f" = {r:.2f}x",
            )
    else:
        line(None, '50M persons < 6 s, peak < 2x Arrow: no 50M run (BENCH_ARGS="--sizes 5e6,5e7")')
    print("  ratios in this run (whole processes where the CLI is measured):")
    for n in sorted({r.size for r in runs if r.size}):
        h, m, b = (_get(runs, n, t) for t in (tool, "mpitb 0.2", "bare numpy"))
        if not (h and h.proc_s):
            continue
        parts = [f"{tool} {h.proc_s:.2f} s, peak {fmt(h.peak_mib, '.0f')} MiB"]
        if m and m.proc_s:
            parts.append(f"mpitb/humsec {m.proc_s / h.proc_s:.2f}x")
        if b and b.proc_s:
            parts.append(f"humsec/numpy floor {h.proc_s / b.proc_s:.2f}x")
        if ARROW_MIB.get(n) and h.peak_mib:
            parts.append(f"peak/Arrow input {h.peak_mib / ARROW_MIB[n]:.2f}x")
        print(f"    {n:>11,}: " + "; ".join(parts))


if __name__ == "__main__":
    sys.exit(main())
