"""Moved to :mod:`humsec.core.charts` (charts are shared by every domain); this name stays until
the remaining report modules import it from there (issue 19's domain move)."""

from humsec.core.charts import bar_with_ci, censored_headcounts, contributions, to_svg

__all__ = ["bar_with_ci", "censored_headcounts", "contributions", "to_svg"]
