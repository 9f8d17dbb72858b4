"""WSGI entry point (``humsec serve`` runs it under waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humsec_web.settings")
application = get_wsgi_application()
