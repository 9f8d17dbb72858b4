"""PostgreSQL: the web tests run again against a real server (a throw-away cluster started here
with Debian's initdb/pg_ctl), selected by ``DATABASE_URL`` as in production. Also: migrations
are complete (``makemigrations --check``) and run forward from an empty database.

Skips, saying why, when the PostgreSQL server programs are not installed (``make test`` installs
the Debian package ``postgresql`` when it runs as root)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INNER = "HUMSEC_WEB_PG_INNER"  # set in the inner run, which must not start another cluster


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root: run the server as Debian's postgres user then
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    if os.environ.get(INNER):
        pytest.skip("inside the PostgreSQL run already")
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server not installed (/usr/lib/postgresql/*/bin/initdb; Debian package postgresql)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as user postgres")
    folder = Path(tempfile.mkdtemp(prefix="humsec-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = folder / "data"
    subprocess.run(
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "humsec", "-E", "UTF8", "--no-sync"]),
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
    subprocess.run(
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]),
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgres://humsec@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def _run(args: list[str], url: str | None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, INNER: "1"}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_migrations_are_complete():
    done = _run(["-m", "humsec_web", "makemigrations", "--check", "--dry-run"], None)
    assert done.returncode == 0, done.stdout + done.stderr


def test_migrations_run_forward_from_empty_on_postgres(pg_url):
    done = _run(["-m", "humsec_web", "migrate", "--noinput"], pg_url)
    assert done.returncode == 0, done.stdout + done.stderr
    shown = _run(["-m", "humsec_web", "showmigrations", "--plan"], pg_url)
    assert "[ ]" not in shown.stdout and "[X]  proposals.0001_initial" in shown.stdout


@pytest.mark.slow
def test_web_tests_pass_on_postgres(pg_url):
    done = _run(
        # the browser tests start their own SQLite server (tests/web/_serve.py): run once, not here
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/web",
         "--ignore-glob=tests/web/*_browser.py", "--ignore=tests/web/test_postgres.py",
         "-k", "not has_no_server_error"],
        pg_url,
        timeout=1800,  # the whole web suite again: over 10 minutes on a loaded 2-core machine
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout.splitlines()[-1]


_QUEUE = """
import django; django.setup()
from django_tasks_db.models import DBTaskResult
from humsec_web import background
if {enqueue}:
    for i in range(20):
        background.send_reply_emails.enqueue(10**9 + i, "http://x/")  # no such post: nothing to send
rows = list(DBTaskResult.objects.values_list("status", "worker_ids"))
print(sum(s == "SUCCESSFUL" for s, _ in rows), len(rows), max((len(w) for _, w in rows), default=0))
"""


def test_two_workers_share_one_queue_on_postgres(pg_url):
    """Two `python -m humsec_web worker` processes on one PostgreSQL queue: every task runs,
    each exactly once (one worker id per task)."""
    import time

    assert _run(["-m", "humsec_web", "migrate", "--noinput"], pg_url).returncode == 0
    queued = _run(["-c", _QUEUE.format(enqueue=True)], pg_url)
    assert queued.returncode == 0, queued.stderr
    env = {**os.environ, INNER: "1", "DATABASE_URL": pg_url, "DJANGO_SETTINGS_MODULE": "humsec_web.settings"}
    command = [sys.executable, "-m", "humsec_web", "worker", "--interval", "0.1"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 120
        while True:
            done, total, most_claims = map(int, _run(["-c", _QUEUE.format(enqueue=False)], pg_url).stdout.split())
            if done == total or time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        for w in workers:
            w.terminate()
            w.wait(timeout=30)
    assert (done, total, most_claims) == (20, 20, 1)
