"""What every domain shares (issue 19's small core): charts and maps today; errors, frames, the one
YAML reader and the one boundary loader move here as the domain folders are made.

Domain packages (``humsec.sae``, ...) import from here and from the engines' public APIs, never
from ``humsec.report``, which sits above them and composes the review.
"""
