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


def test_web_tests_pass_on_postgres(pg_url):
    done = _run(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/web",
         "--ignore=tests/web/test_browser.py", "--ignore=tests/web/test_postgres.py",
         "-k", "not has_no_server_error"],
        pg_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout.splitlines()[-1]
