"""Background work survives restarts: a real ``humsec serve`` killed with SIGKILL during a review
build; once restarted, the build is queued again and completes (issue 20). Builds run in the
database-backed worker (``humsec_web.background``), not in a thread that dies with the process."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.web._serve import running_server

REVIEW_YAML = Path(__file__).with_name("data") / "review_small.yaml"
STALE_S = "2"  # the heartbeat interval is a quarter of this


def _census() -> bytes:
    from humsec.datasets import data_path

    return data_path("ken_census2019_county.csv").read_bytes()


def _version(url: str, auth: dict[str, str], pk: int) -> dict[str, Any]:
    r = requests.get(f"{url}/api/review-versions/{pk}/", headers=auth, timeout=10)
    r.raise_for_status()
    return dict(r.json())


@pytest.mark.slow
def test_a_build_cut_by_a_restart_runs_again_and_completes(tmp_path):
    env = {"HUMSEC_WEB_TASK_STALE_SECONDS": STALE_S}
    with running_server(tmp_path, env_extra=env) as (url, proc):
        token = requests.post(f"{url}/api/token/", data={"username": "country_cod", "password": "humsec-demo"},
                              timeout=10).json()["token"]  # fmt: skip
        auth = {"Authorization": f"Token {token}"}
        review = requests.post(f"{url}/api/reviews/", data={"title": "restart", "country": "COD"}, headers=auth,
                               timeout=10).json()  # fmt: skip
        files = [("review_file", ("review.yaml", REVIEW_YAML.read_bytes())), ("data_files", ("census.csv", _census()))]
        created = requests.post(f"{url}/api/reviews/{review['id']}/versions/", files=files,
                                data={"with_pdf": "true", "sensitivity": "public", "owner": "KNBS",
                                      "licence": "cc-by-4.0"}, headers=auth, timeout=30)  # fmt: skip
        assert created.status_code == 201, created.text
        pk = created.json()["id"]
        deadline = time.monotonic() + 120
        while _version(url, auth, pk)["state"] != "running":
            assert time.monotonic() < deadline, "the worker never started the build"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # mid-build: no clean shutdown, no chance to record
        proc.wait()
    with running_server(tmp_path, env_extra=env) as (url, _proc):
        deadline = time.monotonic() + 300
        while (state := _version(url, auth, pk))["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline, f"not rebuilt after the restart: {state['state']}"
            time.sleep(0.5)
        assert state["state"] == "done", state["log"]
        assert "report built" in state["log"] and state["report_url"]
        log = (tmp_path / "server.log").read_text()
        assert "queued again" in log
    # the lost run's queue row is closed, the new run's succeeded: none is left RUNNING
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        states = sorted(s for (s,) in db.execute("SELECT status FROM django_tasks_database_dbtaskresult"))
    assert "RUNNING" not in states and "SUCCESSFUL" in states and "FAILED" in states, states
