"""``humsec serve``: prepare the data folder, migrate, load the demo on first run, serve.

The server is waitress (a production WSGI server in pure Python) on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def prepare(data_dir: Path | None = None, demo: bool = True) -> dict[str, Any]:
    """Set up Django against ``data_dir`` (default ``HUMSEC_WEB_DIR`` or ~/.humsec-web), run the
    migrations and, on an empty database, load the demo content. Returns what it did."""
    if data_dir is not None:
        os.environ["HUMSEC_WEB_DIR"] = str(data_dir)
    folder = Path(os.environ.get("HUMSEC_WEB_DIR", Path.home() / ".humsec-web")).expanduser()
    (folder / "static").mkdir(parents=True, exist_ok=True)
    key_file = folder / "secret_key"
    if not key_file.exists() and "HUMSEC_WEB_SECRET_KEY" not in os.environ:
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humsec_web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from humsec_web.reviews.runner import fail_interrupted

    fail_interrupted()  # review builds a stopped server left unfinished
    loaded = None
    if demo:
        from humsec_web.core import demo as demo_content

        if not demo_content.is_loaded():
            loaded = demo_content.load()
    db = settings.DATABASES["default"]
    return {"data_dir": folder, "database": f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}", "demo": loaded}


def serve(port: int = 8000, host: str = "127.0.0.1", threads: int = 4) -> None:
    """Serve the prepared application until interrupted."""
    import waitress

    from humsec_web.wsgi import application

    waitress.serve(application, host=host, port=port, threads=threads, ident="humsec")
