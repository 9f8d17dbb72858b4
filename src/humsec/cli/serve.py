"""``humsec serve``: the shared human security platform (``humsec_web``) on this computer.

The web platform is a separate package in the same distribution; it is imported only here, when
the command runs, so the library never depends on Django.
"""

from __future__ import annotations

from pathlib import Path

import typer

from humsec.cli._common import stdout


def serve(
    port: int = typer.Option(8000, "--port", help="TCP port on 127.0.0.1."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Folder for the SQLite database and uploads (default ~/.humsec-web)."
    ),
    no_demo: bool = typer.Option(False, "--no-demo", help="Do not load the demo content."),
) -> None:
    """Start the platform on http://127.0.0.1:PORT (SQLite unless DATABASE_URL is set)."""
    from humsec_web import server

    done = server.prepare(data_dir, demo=not no_demo)
    stdout.print(f"database: {done['database']}", highlight=False, markup=False)
    if done["demo"]:
        from humsec_web.core.demo import DEMO_PASSWORD

        stdout.print(
            f"demo content loaded {done['demo']}; users admin, hsu, focal_wvi, focal_oim, "
            f"country_cod, reviewer1, reviewer2, visitor; password {DEMO_PASSWORD}",
            highlight=False,
            markup=False,
        )
    stdout.print(f"serving on http://127.0.0.1:{port}/ (Ctrl+C to stop)", highlight=False, markup=False)
    server.serve(port=port)
