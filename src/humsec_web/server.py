"""``humsec serve``: prepare a private data folder, migrate, optionally load the demo, serve.

The server is waitress (a production WSGI server in pure Python) on 127.0.0.1 only, with the
background worker (:mod:`humsec_web.background`) in a thread beside it unless told not to.

Everything the platform writes (the SQLite database with password hashes, sessions and API
tokens; uploaded microdata; the secret key) is created private to the user that runs it: the
process umask is 077 before anything is written, and the key file is created 0600 in one step
(never written first and chmod-ed after).
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path
from typing import Any

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def data_folder(data_dir: Path | None = None) -> Path:
    """The data folder: ``data_dir``, else ``$HUMSEC_WEB_DIR``, else ``~/.humsec-web``."""
    if data_dir is not None:
        os.environ["HUMSEC_WEB_DIR"] = str(data_dir)
    return Path(os.environ.get("HUMSEC_WEB_DIR", Path.home() / ".humsec-web")).expanduser()


def make_private(folder: Path) -> None:
    """Create ``folder`` (and ``static/``) readable by this user only; tighten an existing one.

    >>> import tempfile, stat
    >>> d = Path(tempfile.mkdtemp()) / "web"
    >>> make_private(d)
    >>> oct(stat.S_IMODE(d.stat().st_mode))
    '0o700'
    """
    (folder / "static").mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    folder.chmod(PRIVATE_DIR)  # a folder made by an earlier version may be world-readable
    for old in folder.glob("db.sqlite3*"):
        old.chmod(PRIVATE_FILE)


def write_secret_key(folder: Path) -> None:
    """Create ``secret_key`` with mode 0600 atomically (O_EXCL), unless it or the variable exists."""
    key_file = folder / "secret_key"
    if key_file.exists() or "HUMSEC_WEB_SECRET_KEY" in os.environ:
        return
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(50))


def prepare(data_dir: Path | None = None, demo: bool = False) -> dict[str, Any]:
    """Set up Django against the data folder, run the migrations, requeue builds a stopped server
    left unfinished and, with ``demo``, load the demo content into an empty database (demo users
    share a published password, so never on a platform holding real data). Returns what it did."""
    folder = data_folder(data_dir)
    os.umask(0o077)  # every file this process creates from now on: 0600, folders 0700
    make_private(folder)
    write_secret_key(folder)
    if demo:
        os.environ["HUMSEC_WEB_DEMO"] = "1"  # settings: console e-mail backend
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humsec_web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from humsec_web.background import requeue_interrupted

    requeued = requeue_interrupted()
    loaded = None
    if demo:
        from humsec_web.core import demo as demo_content

        if not demo_content.is_loaded():
            loaded = demo_content.load()
    db = settings.DATABASES["default"]
    return {
        "data_dir": folder,
        "database": f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}",
        "demo": loaded,
        "requeued": requeued,
        "has_superuser": get_user_model().objects.filter(is_superuser=True).exists(),
    }


def serve(port: int = 8000, host: str = "127.0.0.1", threads: int = 4, worker: bool = True) -> None:
    """Serve the prepared application until interrupted, with a background worker thread."""
    import waitress

    from humsec_web.wsgi import application

    if worker:
        from humsec_web.background import run_worker

        threading.Thread(target=run_worker, name="humsec-worker", daemon=True).start()
    waitress.serve(application, host=host, port=port, threads=threads, ident="humsec")
