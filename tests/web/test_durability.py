"""Durability: ``humsec serve`` killed with SIGKILL while clients write loses no acknowledged write
(SQLite in WAL mode); and its database is built by the migrations from empty.

A real server in a subprocess (fresh data folder: migrations from empty, demo content), three
clients creating lessons through the API; once 30 writes are acknowledged (201) the server is
killed mid-stream; then every acknowledged lesson must be in the database file (read with
``sqlite3`` before any restart) and served again by a restarted server. This kills the process,
not the machine: a power cut is what ``synchronous=FULL`` is for, and is not simulated here."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.web._serve import running_server as _server
from tests.web._serve import server_env as _env

ROOT = Path(__file__).resolve().parents[2]


def _call(url: str, method: str = "GET", body: Any = None, token: str = "") -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None


@pytest.fixture(scope="module")
def killed_server(tmp_path_factory) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("durable")
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()
    with _server(data) as (url, proc):
        _, body = _call(url + "/api/token/", "POST", {"username": "hsu", "password": "humsec-demo"})
        token = body["token"]

        def writer(w: int) -> None:
            for i in range(1000):
                title = f"durability w{w} #{i}"
                lesson = {"title": title, "country": "KEN", "theme": "t", "context": "c", "what_worked": "w"}
                try:
                    status, created = _call(url + "/api/lessons/", "POST", lesson, token)
                except (OSError, http.client.HTTPException):
                    # the server is gone (refused, reset, or killed mid-response): never acknowledged
                    return
                if status == 201:
                    with lock:
                        acknowledged[created["id"]] = title

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
        for t in threads:
            t.start()
        while len(acknowledged) < 30 and proc.poll() is None:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: writes are in flight
        proc.wait(timeout=20)
        for t in threads:
            t.join(timeout=30)
    return {"data": data, "acknowledged": dict(acknowledged), "token": token}


def test_no_acknowledged_write_is_lost_after_sigkill(killed_server):
    acknowledged = killed_server["acknowledged"]
    assert len(acknowledged) >= 30
    db = killed_server["data"] / "db.sqlite3"
    # straight from the file the killed server left (its WAL is replayed by SQLite on open)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = dict(conn.execute("SELECT id, title FROM lessons_lesson WHERE title LIKE 'durability %'"))
    missing = {k: v for k, v in acknowledged.items() if stored.get(k) != v}
    assert not missing, f"acknowledged writes lost: {missing}"


def test_a_restarted_server_serves_every_acknowledged_write(killed_server):
    with _server(killed_server["data"]) as (url, _proc):
        for pk, title in killed_server["acknowledged"].items():
            status, lesson = _call(f"{url}/api/lessons/{pk}/", token=killed_server["token"])
            assert status == 200 and lesson["title"] == title


def test_migrations_ran_forward_from_empty_on_sqlite(killed_server):
    shown = subprocess.run(
        [sys.executable, "-m", "humsec_web", "showmigrations", "--plan"],
        env=_env(killed_server["data"]), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    plan = shown.stdout.splitlines()
    assert plan and all(line.startswith("[X]") for line in plan if line.strip()), shown.stdout
    for app in ("core", "activities", "lessons", "proposals", "reviews", "forum"):
        assert any(f"  {app}.0001_initial" in line for line in plan), app
