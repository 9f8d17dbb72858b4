"""Benchmark of the Alkire-Foster engine against a bare numpy pass and PyPI ``mpitb`` 0.2.

The job (as in the issue): AF with linearised SEs (strata + PSUs), two k values (20, 33), national
and over a 100-group variable ``g100``, on N persons x 10 indicators, N in {1M, 5M, 10M} by default.
The data are ``syn_cdta`` (complete cases, 14,903 persons) tiled to N rows with fresh PSU ids per
tile, the 120 strata kept, ``g100`` = PSU code % 100 (groups are unions of whole PSUs), a per-PSU
sampling weight in (0.5, 1.5), and the rounds ``t``/``year`` kept. One Parquet file per size is
written to ``bench-data/`` (git-ignored) and reused by later runs.

Every timed job runs in a fresh subprocess, whose own peak RSS is read from ``os.wait4`` (stdlib,
per child). The jobs, per size:

- ``humsec path``    ``AlkireFoster(spec_without_time, k=[20, 33]).fit(parquet, over=["g100"])`` plus
                     ``to_frame("levels")``, reading included: the "same job" as mpitb (no changes);
- ``humsec path+time`` the same with the spec's ``time`` block (levels per round + changes);
- ``humsec frame``   the same as ``humsec path`` but on a pandas frame read beforehand (compute only);
- ``humsec CLI``     ``humsec af SPEC DATA --over g100 --out X.csv`` (whole process), if the CLI works;
- ``bare numpy``     indicators loaded as an (N x 10) float64 matrix outside the timer, then one
                     weighted pass ``score = G @ w; poor = score >= 0.33; (poor * weight).sum()``
                     (best of 3);
- ``mpitb 0.2``      ``pd.read_parquet`` + ``MPIToolbox.est(df, klist=[20, 33], over=["g100"],
                     svy=True)``: weighted point estimates of the same measures, national and per
                     group, with mpitb's simple-random-sampling SEs (it ignores strata and PSUs).

Run from the repository root::

    .venv/bin/python benchmarks/bench_af.py            # 1M, 5M, 10M (about 10 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_af.py --quick    # 200k persons only: a smoke run
    .venv/bin/python benchmarks/bench_af.py --sizes 1e6 --profile   # + cProfile of fit at 1M

The table is printed and written to ``bench-data/bench_af.csv``; then PASS/FAIL lines for the
issue's targets: the CLI on 5M >= 2x faster than mpitb, within 5x of the bare pass, 10M < 10 s,
peak RSS < 3x the input's in-memory size (pandas ``memory_usage(deep=True)`` of the columns read).
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
GEN_VERSION = "1"  # bump when the generated data change (cached Parquet files are then rebuilt)
KS = [20, 33]
OVER = "g100"
INDICATORS = ["d_nutr", "d_cm", "d_satt", "d_educ", "d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst"]
DESIGN = ["weight", "stratum", "psu"]
TIME = ["t", "year"]
JOB_COLUMNS = [*INDICATORS, *DESIGN, OVER]  # what the no-time job reads
TIME_COLUMNS = [*JOB_COLUMNS, *TIME]  # what the job with changes reads (= the whole file)
MiB = 1024 * 1024


# =============================================================================== data
def make_data(n: int, data_dir: Path) -> tuple[Path, dict[str, float]]:
    """Parquet file of syn_cdta tiled to ``n`` persons (cached) and its in-memory sizes in MiB."""
    path = data_dir / f"syn_cdta_x{n}.parquet"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("gen_version") == GEN_VERSION and meta.get("n") == n:
            return path, meta["mib"]
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
    cols["t"] = base["t"].to_numpy()[row].astype(np.int8)
    cols["year"] = base["year"].to_numpy()[row].astype(np.float32)
    frame = pd.DataFrame(cols)
    usage = frame.memory_usage(deep=True, index=False)
    mib = {"job": float(usage[JOB_COLUMNS].sum()) / MiB, "time": float(usage[TIME_COLUMNS].sum()) / MiB}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"bench_af": GEN_VERSION.encode()})
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp, compression="snappy")
    tmp.replace(path)
    meta_path.write_text(json.dumps({"gen_version": GEN_VERSION, "n": n, "rows_base": n0, "tiles": reps, "n_psu": int(psu.max()) + 1, "mib": mib}))
    return path, mib


def write_specs(data_dir: Path) -> tuple[Path, Path]:
    """The syn_cdta spec as YAML with its time block and without it (for mpitb's 'same job')."""
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
def _rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(task: str, path: str, spec: str, result_file: str) -> None:
    """Runs in a fresh process; writes its timings (seconds) as JSON to ``result_file``."""
    out: dict[str, Any] = {"task": task}
    t0 = time.perf_counter()
    if task == "baseline":
        import numpy  # noqa: F401
        import pandas  # noqa: F401
        import pyarrow.parquet  # noqa: F401

        import humsec  # noqa: F401

        out["job_s"] = time.perf_counter() - t0
    elif task in ("humsec-path", "humsec-frame", "profile", "sample"):
        import humsec

        out["import_s"] = time.perf_counter() - t0
        af = humsec.AlkireFoster(spec, k=KS)
        data: Any = path
        if task == "humsec-frame":
            import pyarrow.parquet as pq

            columns = list(dict.fromkeys([*af.resolved_spec().columns(), OVER]))
            t1 = time.perf_counter()
            data = pq.read_table(path, columns=columns).to_pandas()
            out["read_s"] = time.perf_counter() - t1
        if task == "sample":
            t1 = time.perf_counter()
            with Sampler() as sampler:
                res = af.fit(data, over=[OVER])
            out["job_s"] = time.perf_counter() - t1
            out["sample_report"] = sampler.report()
        elif task == "profile":
            import cProfile
            import io
            import pstats

            prof = cProfile.Profile()
            t1 = time.perf_counter()
            prof.enable()
            res = af.fit(data, over=[OVER])
            prof.disable()
            out["job_s"] = time.perf_counter() - t1
            for key in ("cumulative", "tottime"):
                buf = io.StringIO()
                pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(28)
                out[f"profile_{key}"] = buf.getvalue()
        else:
            t1 = time.perf_counter()
            res = af.fit(data, over=[OVER])
            levels = res.to_frame("levels")
            out["job_s"] = time.perf_counter() - t1
            out["rows"] = len(levels)
            out["check"] = _humsec_check(levels)
    elif task == "bare":
        import numpy as np
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=[*INDICATORS, "weight"])
        G = np.empty((table.num_rows, len(INDICATORS)), dtype=np.float64)
        for j, c in enumerate(INDICATORS):
            G[:, j] = table.column(c).to_numpy()
        weight = table.column("weight").to_numpy()
        del table
        wv = np.array([1 / 6] * 4 + [1 / 18] * 6)
        best = math.inf
        for _ in range(3):
            t1 = time.perf_counter()
            score = G @ wv
            poor = score >= 0.33
            total = float((poor * weight).sum())
            best = min(best, time.perf_counter() - t1)
        out["job_s"] = best
        out["check"] = total / float(weight.sum())
    elif task == "mpitb":
        import pandas as pd
        from mpitb.core import MPIToolbox

        out["import_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        df = pd.read_parquet(path)
        out["read_s"] = time.perf_counter() - t1
        mpi = MPIToolbox()
        mpi.svyset(psu="psu", weight="weight", strata="stratum")
        mpi.set(name="bench", dimensions=[
            (["d_nutr", "d_cm"], "health"),
            (["d_satt", "d_educ"], "education"),
            (["d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst"], "living_standards"),
        ])
        rows = mpi.est(df, "bench", KS, over=[OVER], svy=True)
        out["job_s"] = time.perf_counter() - t1
        out["rows"] = len(rows)
        nat = [r for r in rows if r.get("loa") == "nat" and r.get("measure") == "M0" and r.get("k") == 33]
        out["check"] = float(nat[0]["b"]) if nat else None
    else:
        raise SystemExit(f"unknown worker task {task!r}")
    out["peak_self_mib"] = _rss_mib()
    Path(result_file).write_text(json.dumps(out))


class Sampler:
    """Every 5 ms: the process's RSS (/proc/self/statm) and where the main thread is in humsec.

    A cheap sampling profiler that, unlike cProfile, also says *where the memory peak is* and does
    not slow the numpy calls down. Lines are attributed to the innermost humsec frame on the stack.
    """

    def __init__(self, interval: float = 0.005) -> None:
        import threading

        self.interval = interval
        self.samples: list[tuple[float, float, tuple[str, ...]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._main = threading.main_thread().ident
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

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
            frame = sys._current_frames().get(self._main)
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
        own = Counter(st[0] if st else "(outside humsec)" for _, _, st in self.samples)
        cum: Counter[str] = Counter()
        peak_by: dict[str, float] = defaultdict(float)
        for _, rss, st in self.samples:
            for fr in set(f.split(" ", 1)[1] + " (" + f.split(":", 1)[0] + ")" for f in st):
                cum[fr] += 1
            key = st[0] if st else "(outside humsec)"
            peak_by[key] = max(peak_by[key], rss)
        t_peak, rss_peak, st_peak = max(self.samples, key=lambda s: s[1])
        lines = [f"{n} samples over {total:.2f} s; RSS start {self.samples[0][1]:.0f} MiB, peak {rss_peak:.0f} MiB at t={t_peak:.2f} s in:"]
        lines += [f"    {f}" for f in st_peak] or ["    (outside humsec)"]
        lines.append("  time by innermost humsec line (self):   share    ~s   max RSS MiB while there")
        for key, c in own.most_common(top):
            lines.append(f"    {key:<58} {100 * c / n:5.1f}% {total * c / n:5.2f}  {peak_by[key]:7.0f}")
        lines.append("  time by humsec function (cumulative, incl. callees):")
        for key, c in cum.most_common(top):
            lines.append(f"    {key:<58} {100 * c / n:5.1f}% {total * c / n:5.2f}")
        return "\n".join(lines)


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


# =============================================================================== runner
@dataclass
class Run:
    size: int
    tool: str
    wall_s: float | None = None  # the job's time (see WALL_NOTE)
    proc_s: float | None = None  # the whole process, interpreter start to exit
    peak_mib: float | None = None
    input_mib: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def measure(cmd: list[str], cores: set[int] | None, timeout: float, log: Path) -> tuple[int, float, float]:
    """Run ``cmd`` in a child process: (exit code, wall seconds, the child's peak RSS in MiB)."""
    preexec = (lambda: os.sched_setaffinity(0, cores)) if cores else None
    with log.open("wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, preexec_fn=preexec, cwd=ROOT)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, usage.ru_maxrss / 1024


def run_worker(task: str, path: Path, spec: Path, args: argparse.Namespace, tmp: Path) -> tuple[dict[str, Any] | None, float, float, str]:
    result = tmp / f"{task}-{time.monotonic_ns()}.json"
    log = result.with_suffix(".log")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_worker", task, str(path), str(spec), str(result)]
    rc, wall, peak = measure(cmd, args.cores_set, args.timeout, log)
    if rc != 0 or not result.exists():
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        return None, wall, peak, f"FAILED rc={rc}: {' | '.join(tail)[-300:]}"
    return json.loads(result.read_text()), wall, peak, ""


def cli_command() -> list[str] | None:
    exe = Path(sys.executable).parent / "humsec"
    found = str(exe) if exe.exists() else shutil.which("humsec")
    if not found:
        return None
    try:
        ok = subprocess.run([found, "af", "--help"], capture_output=True, timeout=120, cwd=ROOT).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return [found] if ok else None


def fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1e6,5e6,1e7", help="comma-separated person counts (default 1e6,5e6,1e7)")
    ap.add_argument("--quick", action="store_true", help="200k persons only (smoke run)")
    ap.add_argument("--mpitb-max", default="5e6", help="largest size mpitb is run on (default 5e6)")
    ap.add_argument("--data-dir", default=str(ROOT / "bench-data"), help="where the Parquet files and the CSV go")
    ap.add_argument("--cores", type=int, default=2, help="pin every job to this many cores (0 = no pinning; default 2)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before a job is killed (default 600)")
    ap.add_argument("--no-time-variant", action="store_true", help="skip the 'humsec path+time' job")
    ap.add_argument("--no-frame-variant", action="store_true", help="skip the 'humsec frame' job")
    ap.add_argument("--profile", action="store_true", help="cProfile humsec's fit(parquet) at the largest size")
    ap.add_argument("--_worker", nargs=4, metavar=("TASK", "PATH", "SPEC", "RESULT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._worker:
        worker(*args._worker)
        return 0

    sizes = [200_000] if args.quick else [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    mpitb_max = int(float(args.mpitb_max))
    data_dir = Path(args.data_dir)
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    args.cores_set = set(cpus[: args.cores]) if args.cores and len(cpus) > args.cores else None
    n_cores = len(args.cores_set) if args.cores_set else (len(cpus) or os.cpu_count())
    spec_time, spec_notime = write_specs(data_dir)
    cli = cli_command()
    try:
        import mpitb  # noqa: F401

        has_mpitb = True
    except ImportError:
        has_mpitb = False
    print(f"bench_af: sizes {', '.join(f'{n:,}' for n in sizes)}; k = {KS}; over {OVER} (100 groups); "
          f"{n_cores} core(s); python {sys.version.split()[0]}")
    print(f"  CLI: {' '.join(cli) if cli else 'not available (humsec af --help fails): the API path stands in for it'}")
    print(f"  mpitb: {'installed' if has_mpitb else 'not installed (pip install mpitb==0.2)'}; run up to {mpitb_max:,} persons")
    if hasattr(os, "getloadavg"):
        print(f"  load average before: {os.getloadavg()[0]:.2f} (other work on the machine skews the timings)")

    runs: list[Run] = []
    tmp = Path(tempfile.mkdtemp(prefix="bench_af-"))
    try:
        base, bwall, bpeak, err = run_worker("baseline", spec_notime, spec_notime, args, tmp)
        baseline_mib = bpeak if base else None
        print(f"  baseline process (python + numpy/pandas/pyarrow/humsec imported): {bwall:.2f} s, peak RSS {fmt(baseline_mib, '.0f')} MiB {err}")
        for n in sizes:
            t0 = time.perf_counter()
            path, mib = make_data(n, data_dir)
            print(f"\n[{n:,}] data {path.name}: {path.stat().st_size / MiB:.0f} MiB on disk, "
                  f"{mib['job']:.0f} MiB in memory (job columns), {mib['time']:.0f} MiB with t/year "
                  f"({time.perf_counter() - t0:.1f} s)", flush=True)

            def add(tool: str, task: str | None, spec: Path, input_mib: float, note: str = "") -> Run:
                r = Run(n, tool, input_mib=input_mib, note=note)
                if task is None:
                    r.note = note or "skipped"
                else:
                    res, wall, peak, err = run_worker(task, path, spec, args, tmp)
                    r.proc_s, r.peak_mib = wall, peak
                    if res is None:
                        r.note = err
                    else:
                        r.wall_s = res["job_s"]
                        r.extra = res
                runs.append(r)
                print(f"  {tool:<18} {fmt(r.wall_s, '8.2f')} s  (process {fmt(r.proc_s, '.2f')} s, "
                      f"peak {fmt(r.peak_mib, '.0f')} MiB) {r.note}", flush=True)
                return r

            add("bare numpy", "bare", spec_notime, mib["job"], "G@w, >=k, weighted sum; best of 3")
            add("humsec path", "humsec-path", spec_notime, mib["job"], "fit(parquet) + to_frame, no time block")
            if not args.no_time_variant:
                add("humsec path+time", "humsec-path", spec_time, mib["time"], "fit(parquet), 2 rounds + changes")
            if not args.no_frame_variant:
                r = add("humsec frame", "humsec-frame", spec_notime, mib["job"], "fit(pandas frame), compute only")
                if r.extra.get("read_s") is not None:
                    r.note += f"; read beforehand {r.extra['read_s']:.2f} s"
            if cli:
                r = Run(n, "humsec CLI", input_mib=mib["job"], note="humsec af SPEC(no time) DATA --over g100 --out")
                log = tmp / f"cli-{n}.log"
                out_csv = tmp / f"cli-{n}.csv"
                cmd = [*cli, "af", str(spec_notime), str(path), "--over", OVER, "--out", str(out_csv)]
                rc, wall, peak = measure(cmd, args.cores_set, args.timeout, log)
                r.proc_s, r.peak_mib = wall, peak
                if rc == 0:
                    r.wall_s = wall
                else:
                    tail = log.read_text(errors="replace").strip().splitlines()[-3:]
                    r.note = f"FAILED rc={rc}: {' | '.join(tail)[-300:]}"
                runs.append(r)
                print(f"  {'humsec CLI':<18} {fmt(r.wall_s, '8.2f')} s  (process {fmt(r.proc_s, '.2f')} s, "
                      f"peak {fmt(r.peak_mib, '.0f')} MiB) {r.note}", flush=True)
            if not has_mpitb:
                add("mpitb 0.2", None, spec_notime, mib["time"], "not installed")
            elif n > mpitb_max:
                add("mpitb 0.2", None, spec_notime, mib["time"], f"skipped (> --mpitb-max {mpitb_max:,})")
            else:
                r = add("mpitb 0.2", "mpitb", spec_notime, mib["time"],
                        "read_parquet + est(klist, over, svy): no design SEs")
                if r.extra.get("read_s") is not None:
                    r.note += f"; read {r.extra['read_s']:.2f} s"
            _agreement(runs, n)
        if args.profile:
            n = sizes[-1]
            path, _ = make_data(n, data_dir)
            variants = [("no time block", spec_notime)] + ([] if args.no_time_variant else [("with time block", spec_time)])
            for label, spec in variants:
                job = f"AlkireFoster(spec {label}, k={KS}).fit(parquet, over=[{OVER!r}]) at {n:,} persons"
                res, wall, peak, err = run_worker("sample", path, spec, args, tmp)
                print(f"\n=== sampling profile (5 ms) of {job}: {fmt(res and res['job_s'])} s, process peak {peak:.0f} MiB {err}")
                if res:
                    print(res["sample_report"])
                res, wall, peak, err = run_worker("profile", path, spec, args, tmp)
                print(f"\n=== cProfile of {job}: {fmt(res and res['job_s'])} s under the profiler {err}")
                if res:
                    print(res["profile_cumulative"])
                    print(res["profile_tottime"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    table = report(runs)
    out_csv = data_dir / "bench_af.csv"
    with out_csv.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0].keys()))
        writer.writeheader()
        writer.writerows(table)
    print(f"\n(table written to {out_csv})")
    targets(runs, cli is not None, baseline_mib)
    if hasattr(os, "getloadavg"):
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    return 0


def _agreement(runs: list[Run], n: int) -> None:
    """humsec and mpitb must agree on the weighted national M0 (k=33): the jobs are the same."""
    h = next((r.extra.get("check") for r in runs if r.size == n and r.tool == "humsec path"), None)
    m = next((r.extra.get("check") for r in runs if r.size == n and r.tool == "mpitb 0.2"), None)
    if h is not None and m is not None:
        flag = "agree" if abs(h - m) < 1e-9 else "DISAGREE"
        print(f"  national M0(k=33): humsec {h:.10f}, mpitb {m:.10f} -> {flag}")


def _get(runs: list[Run], n: int, tool: str) -> Run | None:
    return next((r for r in runs if r.size == n and r.tool == tool), None)


def report(runs: list[Run]) -> list[dict[str, Any]]:
    rows = []
    for r in runs:
        bare = _get(runs, r.size, "bare numpy")
        mp = _get(runs, r.size, "mpitb 0.2")
        hum = r.tool.startswith("humsec")
        rows.append({
            "size": r.size,
            "tool": r.tool,
            "wall_s": None if r.wall_s is None else round(r.wall_s, 4),
            "process_s": None if r.proc_s is None else round(r.proc_s, 3),
            "persons_per_s": None if not r.wall_s else round(r.size / r.wall_s),
            "peak_rss_mib": None if r.peak_mib is None else round(r.peak_mib, 1),
            "input_mib": None if r.input_mib is None else round(r.input_mib, 1),
            "peak_over_input": None if not (r.peak_mib and r.input_mib) else round(r.peak_mib / r.input_mib, 2),
            "x_bare": None if not (r.wall_s and bare and bare.wall_s) else round(r.wall_s / bare.wall_s, 1),
            # the CLI's time is a whole process: compare it with mpitb's whole process
            "mpitb_over_this": None if not (hum and r.wall_s and mp and mp.wall_s and mp.proc_s) else round(
                (mp.proc_s if r.tool == "humsec CLI" else mp.wall_s) / r.wall_s, 2),
            "note": r.note,
        })
    print("\nwall_s: the job's own time (reading the file included for 'path', CLI and mpitb; not for 'frame'"
          " and 'bare'); CLI: the whole process. x_bare = wall_s / bare numpy wall_s (same size);"
          " mpitb/this = mpitb wall_s / this wall_s (for the CLI: mpitb's whole process / the CLI's).\n")
    head = f"{'size':>11} {'tool':<17} {'wall s':>8} {'proc s':>7} {'persons/s':>12} {'peak MiB':>9} {'input MiB':>9} {'peak/in':>7} {'x bare':>7} {'mpitb/this':>10}  note"
    print(head)
    print("-" * len(head))
    for row in rows:
        print(f"{row['size']:>11,} {row['tool']:<17} {fmt(row['wall_s'], '8.2f'):>8} {fmt(row['process_s'], '.2f'):>7} "
              f"{fmt(row['persons_per_s'], ',.0f'):>12} {fmt(row['peak_rss_mib'], '.0f'):>9} {fmt(row['input_mib'], '.0f'):>9} "
              f"{fmt(row['peak_over_input'], '.2f'):>7} {fmt(row['x_bare'], '.1f'):>7} {fmt(row['mpitb_over_this'], '.2f'):>10}  {row['note']}")
    return rows


def targets(runs: list[Run], has_cli: bool, baseline_mib: float | None) -> None:
    tool = "humsec CLI" if has_cli else "humsec path"
    stand_in = "" if has_cli else " [CLI not available: 'humsec path' (API on the Parquet path) stands in]"
    sizes = sorted({r.size for r in runs})
    print(f"\nTargets (issue), measured on '{tool}'{stand_in}:")

    def line(ok: bool | None, text: str) -> None:
        print(f"  {'n/a ' if ok is None else ('PASS' if ok else 'FAIL')}  {text}")

    n5 = 5_000_000 if 5_000_000 in sizes else (max(s for s in sizes if s <= 5_000_000) if any(s <= 5_000_000 for s in sizes) else None)
    at = "" if n5 == 5_000_000 else f" (no 5M run: at {n5:,})" if n5 else ""
    h5 = _get(runs, n5, tool) if n5 else None
    m5 = _get(runs, n5, "mpitb 0.2") if n5 else None
    b5 = _get(runs, n5, "bare numpy") if n5 else None
    # mpitb's process time (start to exit) against the CLI's, both reading the same Parquet file
    if h5 and m5 and h5.proc_s and m5.wall_s and h5.wall_s:
        ratio = m5.proc_s / h5.proc_s if m5.proc_s else None
        line(ratio is not None and ratio >= 2,
             f"5M: >= 2x faster than mpitb 0.2 (with design SEs){at}: mpitb {m5.proc_s:.2f} s vs {tool} "
             f"{h5.proc_s:.2f} s (whole processes) = {ratio:.2f}x; job times {m5.wall_s:.2f} vs {h5.wall_s:.2f} s = {m5.wall_s / h5.wall_s:.2f}x")
    else:
        line(None, f"5M: >= 2x faster than mpitb 0.2{at}: not measured")
    if h5 and b5 and h5.wall_s and b5.wall_s:
        ratio = h5.wall_s / b5.wall_s
        fr = _get(runs, n5, "humsec frame")
        extra = f"; fit on an in-memory frame {fr.wall_s / b5.wall_s:.1f}x" if fr and fr.wall_s else ""
        line(ratio <= 5, f"5M: within 5x of one bare numpy pass{at}: {h5.wall_s:.2f} s / {b5.wall_s:.3f} s = {ratio:.1f}x (target <= 5x{extra})")
    else:
        line(None, f"5M: within 5x of one bare numpy pass{at}: not measured")
    h10 = _get(runs, 10_000_000, tool)
    if h10 and h10.wall_s:
        line(h10.wall_s < 10, f"10M persons < 10 s on 2 cores: {h10.wall_s:.2f} s")
        ht = _get(runs, 10_000_000, "humsec path+time")
        if ht and ht.wall_s:
            print(f"        (info) with the time block (levels per round + changes), API on the path: {ht.wall_s:.2f} s")
    else:
        line(None, "10M persons < 10 s on 2 cores: no 10M run")
    for n in sizes:
        h = _get(runs, n, tool)
        if h and h.peak_mib and h.input_mib and (n == 10_000_000 or n == sizes[-1]):
            ratio = h.peak_mib / h.input_mib
            base = f"; less the {baseline_mib:.0f} MiB of a bare humsec import: {(h.peak_mib - baseline_mib) / h.input_mib:.2f}x" if baseline_mib else ""
            line(ratio < 3, f"{n:,}: peak memory < 3x the input's in-memory size: {h.peak_mib:.0f} MiB / {h.input_mib:.0f} MiB = {ratio:.2f}x{base}")


if __name__ == "__main__":
    sys.exit(main())
