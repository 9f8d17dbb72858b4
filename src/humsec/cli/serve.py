"""``humsec serve``: the shared human security platform (``humsec_web``) on this computer.

The web platform is a separate package in the same distribution; it is imported only here, when
the command runs, so the library never depends on Django.
"""

from __future__ import annotations

from pathlib import Path

import typer

from humsec.core.cli import stdout


def _say(text: str) -> None:
    stdout.print(text, highlight=False, markup=False)


def serve(
    port: int = typer.Option(8000, "--port", help="TCP port on 127.0.0.1."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Folder for the SQLite database and uploads (default ~/.humsec-web)."
    ),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Load the demo content into an empty database: demo users share the published "
        "password 'humsec-demo' (never on a platform with real data). Mail goes to the console.",
    ),
    worker: bool = typer.Option(
        True, "--worker/--no-worker", help="Run the background worker (review builds, e-mails) in this process."
    ),
) -> None:
    """Start the platform on http://127.0.0.1:PORT (SQLite unless DATABASE_URL is set)."""
    from humsec_web import server

    done = server.prepare(data_dir, demo=demo)
    _say(f"database: {done['database']}")
    if done["demo"]:
        from humsec_web.core.demo import DEMO_PASSWORD

        _say(
            f"demo content loaded {done['demo']}; users admin, hsu, focal_wvi, focal_oim, "
            f"country_cod, reviewer1, reviewer2, visitor; password {DEMO_PASSWORD} "
            "(demo only: never put real data on this platform)"
        )
    if not done["has_superuser"]:
        _say("no administrator yet: create one with `python -m humsec_web createsuperuser`")
    if done["requeued"]:
        _say(f"queued again {done['requeued']} review build(s) a stopped server left unfinished")
    if not worker:
        _say("no background worker here: run `python -m humsec_web worker` beside it")
    _say(f"serving on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    server.serve(port=port, worker=worker)
