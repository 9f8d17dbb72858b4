"""Interleaved A/B of bench_af's CLI job: another checkout's ``src`` against this one, in turn.

On a shared or virtual machine the same run's time moves by tens of percent from one minute to
the next, so two trees are compared in alternating runs of the same command (whole processes,
pinned to the same cores), and their result files must be byte-identical. The data are
bench_af.py's (generated there once, under ``--data-dir``).

    git worktree add /tmp/before <commit>
    .venv/bin/python benchmarks/ab_af.py --against /tmp/before/src --rounds 4 --size 5e7
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(src: Path, spec: Path, data: Path, out: Path, cores: int) -> dict[str, float]:
    """One whole ``humsec af`` process importing humsec from ``src``: wall, CPU, peak RSS."""
    command = [sys.executable, "-m", "humsec.cli.main", "af", str(spec), str(data)]
    command += ["--over", "g100", "region", "--out", str(out), "-q"]
    env = os.environ | {"PYTHONPATH": str(src)}
    pin = (lambda: os.sched_setaffinity(0, range(cores))) if cores else None
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, preexec_fn=pin)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed (status {status})")
    return {
        "wall": wall,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", required=True, type=Path, help="the other checkout's src folder")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--size", default="5e7", help="persons (a file bench_af.py generated)")
    ap.add_argument("--cores", type=int, default=2, help="pin to N cores (0: no pinning)")
    ap.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "humsec-bench-data"
    )
    args = ap.parse_args()
    n = int(float(args.size))
    data = args.data_dir / f"syn_cdta_x{n}.parquet"
    spec = args.data_dir / "spec_notime.yaml"
    if not data.is_file():
        raise SystemExit(f"{data} not found: run benchmarks/bench_af.py --sizes {args.size} first")
    trees = {"before": args.against.resolve(), "after": ROOT / "src"}
    outs = {name: Path(tempfile.mkdtemp()) / f"{name}.csv" for name in trees}
    for name, src in trees.items():  # first runs compile numba's cache: not counted
        run(src, spec, data, outs[name], args.cores)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, src in trees.items():
            runs[name].append(run(src, spec, data, outs[name], args.cores))
    print(f"{n:,} persons, {args.rounds} interleaved rounds, load average {os.getloadavg()[0]:.2f}")
    for name, results in runs.items():
        walls = ", ".join(f"{r['wall']:.2f}" for r in results)
        print(
            f"  {name:6s} wall {walls} s (median {statistics.median(r['wall'] for r in results):.2f}); "
            f"user {min(r['user'] for r in results):.1f}-{max(r['user'] for r in results):.1f} s; "
            f"sys {min(r['sys'] for r in results):.1f}-{max(r['sys'] for r in results):.1f} s; "
            f"peak RSS {max(r['rss'] for r in results):,.0f} MiB"
        )
    ratio = statistics.median(r["wall"] for r in runs["before"]) / statistics.median(
        r["wall"] for r in runs["after"]
    )
    same = filecmp.cmp(outs["before"], outs["after"], shallow=False)
    print(f"  before/after (medians): {ratio:.2f}x; result files byte-identical: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
