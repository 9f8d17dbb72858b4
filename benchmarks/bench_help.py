"""``humsec --help`` start-up (issue 22's target: under 0.3 s), whole processes, interleaved.

Times ``python -m humsec.cli.main --help`` against two floors (an empty interpreter, and importing
typer, which the help needs anyway), and optionally against another checkout (``--against
OTHER/src``: the same command with that tree first on ``PYTHONPATH``). Medians of wall and CPU
seconds (user + system, from ``os.wait4``) over ``--repeat`` rounds, each round running every job
once, so that machine load falls on all of them alike.

    python benchmarks/bench_help.py --repeat 15 [--against /tmp/old/src]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed (status {status})")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--against", help="another checkout's src folder, timed the same way")
    args = ap.parse_args()
    py = sys.executable
    env = dict(os.environ)
    jobs = {
        "python (empty)": ([py, "-c", "pass"], env),
        "import typer": ([py, "-c", "import typer"], env),
        "humsec --help": ([py, "-m", "humsec.cli.main", "--help"], env),
    }
    if args.against:
        jobs["humsec --help (--against)"] = (
            [py, "-m", "humsec.cli.main", "--help"], {**env, "PYTHONPATH": args.against}
        )  # fmt: skip
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in jobs}
    for _ in range(args.repeat):
        for name, (cmd, job_env) in jobs.items():
            times[name].append(_run(cmd, job_env))
    print(f"{args.repeat} rounds, load average before the last: {os.getloadavg()[0]:.2f}")
    print(f"{'job':28s} {'wall (median)':>14s} {'CPU (median)':>13s} {'wall (min)':>11s}")
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name:28s} {wall:13.3f}s {cpu:12.3f}s {min(w for w, _ in runs):10.3f}s")
    help_wall = statistics.median(w for w, _ in times["humsec --help"])
    print(f"humsec --help < 0.3 s: {'met' if help_wall < 0.3 else 'NOT met'} ({help_wall:.3f} s median wall)")


if __name__ == "__main__":
    main()
