"""Moved to :mod:`humsec.core.maps` (maps are shared by every domain); this name stays until the
remaining report modules import it from there (issue 19's domain move)."""

from humsec.core.maps import _rewind, _signed_area, choropleth, choropleth_grid, to_png

__all__ = ["_rewind", "_signed_area", "choropleth", "choropleth_grid", "to_png"]
