"""humsec_web: the shared human security platform (a Django project).

Focal points of many organisations log their activities, the Human Security Unit (HSU) compiles
and publishes digests, everyone shares lessons learned, and trust-fund proposals are appraised
against declared criteria. Start it with ``humsec serve``; see ``docs/platform.md``.

This package uses the ``humsec`` library's public API; ``humsec`` never imports it (import-linter).
"""

SETTINGS_MODULE = "humsec_web.settings"
