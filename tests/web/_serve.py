"""A real ``humsec serve`` in a subprocess on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data: Path) -> dict[str, str]:
    """The environment of a test server: its own data folder, SQLite (never $DATABASE_URL)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["HUMSEC_WEB_DIR"] = str(data)
    return env


@contextmanager
def running_server(
    data: Path, wait_s: float = 120, extra: tuple[str, ...] = ("--demo",), env_extra: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start ``humsec serve --data-dir data`` plus ``extra`` (default ``--demo``; SQLite, never
    $DATABASE_URL), wait until it answers, yield (url, process); terminate it afterwards unless
    the test killed it."""
    port = free_port()
    env = {**server_env(data), **(env_extra or {})}
    log = (data / "server.log").open("a")
    proc = subprocess.Popen(
        [sys.executable, "-m", "humsec.cli.main", "serve", "--port", str(port), "--data-dir", str(data), *extra],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((data / "server.log").read_text()) from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"humsec serve did not answer in {wait_s:.0f} s") from None
                time.sleep(0.25)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)
        log.close()
