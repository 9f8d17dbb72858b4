"""Benchmark: a bounded load on ``humsec serve`` (waitress, 4 threads) on loopback, with SQLite and,
when a PostgreSQL server can be started here, with PostgreSQL: requests/s and latency (p50, p95)
of the list and search pages and their API twins.

Each database gets a fresh data folder, ``humsec serve --port P`` (migrations, demo content), a
warm-up, then for each URL: ``--clients`` threads, each with one keep-alive HTTP connection
(stdlib ``http.client``: no extra dependency), send GET requests back to back for ``--seconds``.
Every answer must be 200 (counted as errors otherwise). The PostgreSQL cluster is a throw-away one
(``initdb``/``pg_ctl`` from Debian's ``postgresql``, as ``tests/web/test_postgres.py`` starts it);
without it that half is skipped, saying why. Machine: this one (2 shared cores), client and
server on the same cores, so the figures are a floor, not a capacity plan.

    .venv/bin/python benchmarks/bench_web.py [--clients 4] [--seconds 8]
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np

PASSWORD = "humsec-demo"
PAGES = [  # (label, path, signed in as hsu through the API token)
    ("lessons list", "/lessons/", False),
    ("lessons search (full text)", "/lessons/?q=water+community&mode=text", False),
    ("digests list", "/digests/", False),
    ("portfolio", "/portfolio/", False),
    ("forum", "/forum/", False),
    ("API lessons list", "/api/lessons/", False),
    ("API lessons search", "/api/lessons/search/?q=water+community", False),
    ("API activities list (token)", "/api/activities/", True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(database_url: str | None) -> Iterator[int]:
    """``humsec serve`` on a free port with a fresh data folder; yields the port."""
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="humsec-bench-web-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "humsec.cli.main", "serve", "--demo", "--port", str(port), "--data-dir", str(folder)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((folder / "server.log").read_text()) from None
                time.sleep(0.2)
        else:
            raise RuntimeError("humsec serve did not answer in 120 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def postgres() -> Iterator[str | None]:
    """A throw-away PostgreSQL cluster on loopback (yields its URL), or None with a reason printed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        print("PostgreSQL: skipped (no /usr/lib/postgresql/*/bin/initdb; Debian package postgresql)")
        yield None
        return
    bindir = Path(found[-1]).parent
    root = os.geteuid() == 0
    if root and shutil.which("runuser") is None:
        print("PostgreSQL: skipped (running as root without runuser)")
        yield None
        return

    def as_pg(cmd: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if root else cmd

    folder = Path(tempfile.mkdtemp(prefix="humsec-bench-pg-"))
    if root:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    data = folder / "data"
    subprocess.run(as_pg([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "humsec", "-E", "UTF8"]),
                   check=True, capture_output=True)  # fmt: skip
    # durable settings (fsync on), unlike the tests' cluster: this measures a real configuration
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}"
    subprocess.run(as_pg([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]),
                   check=True, capture_output=True)  # fmt: skip
    try:
        yield f"postgres://humsec@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_pg([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def token(port: int) -> str:
    body = json.dumps({"username": "hsu", "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/token/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return str(json.load(r)["token"])


def load(port: int, path: str, headers: dict[str, str], clients: int, seconds: float) -> dict[str, float]:
    """``clients`` threads request ``path`` back to back for ``seconds``; latency per request."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies[i].append(time.perf_counter() - t0)
            if response.status != 200:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    lat = np.array([x for xs in latencies for x in xs]) * 1000
    return {
        "n": float(len(lat)),
        "rps": len(lat) / wall,
        "p50": float(np.percentile(lat, 50)),
        "p95": float(np.percentile(lat, 95)),
        "errors": float(sum(errors)),
    }


def bench(label: str, database_url: str | None, clients: int, seconds: float) -> None:
    t0 = time.perf_counter()
    with serve(database_url) as port:
        print(f"\n{label}: humsec serve ready in {time.perf_counter() - t0:.1f} s (migrations + demo content); "
              f"{clients} clients x {seconds:g} s per URL")  # fmt: skip
        auth = {"Authorization": f"Token {token(port)}"}
        print(f"{'URL':<32} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
        for name, path, signed in PAGES:
            headers = auth if signed else {}
            load(port, path, headers, 1, 1.0)  # warm-up (templates, caches, connections)
            r = load(port, path, headers, clients, seconds)
            print(f"{name:<32} {r['n']:>9.0f} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['errors']:>7.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    print(f"bench_web: {os.cpu_count()} CPUs; server = waitress with 4 threads; client threads share the machine")
    bench("SQLite (WAL, synchronous=FULL)", None, args.clients, args.seconds)
    with postgres() as url:
        if url:
            bench("PostgreSQL (throw-away cluster, fsync on)", url, args.clients, args.seconds)


if __name__ == "__main__":
    main()
