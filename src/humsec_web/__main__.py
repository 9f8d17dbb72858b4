"""``python -m humsec_web <command>``: Django's management commands for this project
(``migrate``, ``createsuperuser``, ``makemigrations``, ``load_demo``...)."""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humsec_web.settings")
    execute_from_command_line([f"{sys.executable} -m humsec_web", *sys.argv[1:]])


if __name__ == "__main__":
    main()
