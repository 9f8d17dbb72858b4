"""Speed of ``make demo``'s steps, on an idle machine and with one core held by a busy loop.

The steps are the commands ``make demo`` runs, each in a fresh process (imports included):

1. ``humsec demo`` (the Alkire-Foster analysis of the bundled survey, CSV/Excel/HTML);
2. ``humsec review examples/demo-review.yaml`` (the Kenya review; most of its time is the
   early-warning outlook's LightGBM fit). The PDF is printed when WeasyPrint can (``--no-pdf``
   otherwise; the table says which).

Each step runs idle, then with ``python -c 'while 1: pass'`` holding a core; the table gives the wall
and CPU seconds of both and their ratio (the target: busy ≤ 2 × idle). ``load`` is the 1-minute load
average when the step started: above the core count, "idle" is not idle and the ratio means little.

``--threads-study`` adds the cause of issue 21: the outlook's model fit (UCDP country panel, 200
trees × 10 quantiles) with LightGBM on 1 and on 2 threads, idle and busy. Two OpenMP threads meet at
a barrier many times per tree; when one of them is descheduled every barrier waits for it.

Usage: python benchmarks/bench_demo.py [--repeat 1] [--threads-study] [--cores 2]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUMSEC = [sys.executable, "-m", "humsec.cli.main"]

FIT = """
import sys, time
from humsec.warn.models import PooledGBM, QuantileGBM
from humsec.datasets import load_ucdp_country_month
from humsec.warn.monthly_panel import MonthlyPanel
panel = MonthlyPanel.from_long(load_ucdp_country_month())
PooledGBM(QuantileGBM(num_threads=int(sys.argv[1]), n_estimators=int(sys.argv[2]))).fit(panel).predict(12)
"""


def _pdf_works() -> bool:
    if importlib.util.find_spec("weasyprint") is None:
        return False
    try:
        import weasyprint  # noqa: F401  (fails to import without Debian's pango)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def busy_core(on: bool) -> Iterator[None]:
    """One core (core 0, one of the steps' cores) held by a pure-Python busy loop, or nothing."""
    if not on:
        yield
        return
    loop = subprocess.Popen([sys.executable, "-c", "while 1: pass"])
    if hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(loop.pid, {0})
    time.sleep(0.5)
    try:
        yield
    finally:
        loop.kill()
        loop.wait()


def timed(cmd: list[str], cores: int) -> tuple[float, float, float]:
    """(wall s, CPU s of the process and its children, 1-min load at the start) of ``cmd``."""
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if hasattr(os, "sched_setaffinity") and cores:  # the demo machine: 2 cores
        with contextlib.suppress(OSError):
            os.sched_setaffinity(proc.pid, set(range(min(cores, os.cpu_count() or cores))))
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, load


def steps(out: Path, pdf: bool) -> list[tuple[str, list[str]]]:
    review = [*HUMSEC, "review", "examples/demo-review.yaml", "--out", str(out / "review"), "--quiet"]
    return [
        ("humsec demo (AF)", [*HUMSEC, "demo", "--out", str(out), "--quiet"]),
        ("humsec review" + ("" if pdf else " --no-pdf"), review + ([] if pdf else ["--no-pdf"])),
    ]


def measure(rows: list[tuple[str, list[str]]], repeat: int, cores: int) -> None:
    print(
        f"{'step':<34} {'idle s':>8} {'cpu':>7} {'load':>5}   {'busy s':>8} {'cpu':>7} {'load':>5}"
        f"   {'busy/idle':>9}",
        flush=True,
    )
    for label, cmd in rows:
        result = {}
        for busy in (False, True):
            with busy_core(busy):
                runs = [timed(cmd, cores) for _ in range(repeat)]
            result[busy] = min(runs)  # the fastest run: the least disturbed by other jobs
        (wi, ci, li), (wb, cb, lb) = result[False], result[True]
        print(
            f"{label:<34} {wi:8.1f} {ci:7.1f} {li:5.1f}   {wb:8.1f} {cb:7.1f} {lb:5.1f}"
            f"   {wb / wi:9.2f}",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs per step and condition (fastest kept)")
    ap.add_argument("--cores", type=int, default=2, help="pin each step to this many cores (0: no pinning)")
    ap.add_argument("--threads-study", action="store_true", help="also the outlook fit on 1 and 2 threads")
    ap.add_argument("--study-trees", type=int, default=200, help="trees per quantile in --threads-study")
    args = ap.parse_args()
    pdf = _pdf_works()
    print(f"make demo's steps on {os.cpu_count()} cores (each pinned to {args.cores or 'all'}), "
          f"busy = one core held by a busy loop", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        measure(steps(Path(tmp), pdf), args.repeat, args.cores)
    if args.threads_study:
        trees = args.study_trees
        print(f"\noutlook model fit (UCDP countries, {trees} trees x 10 quantiles + pool):", flush=True)
        fits = [(f"LightGBM num_threads={n}", [sys.executable, "-c", FIT, str(n), str(trees)]) for n in (1, 2)]
        measure(fits, args.repeat, args.cores)


if __name__ == "__main__":
    main()
