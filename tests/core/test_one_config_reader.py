"""Every YAML/JSON file humsec reads goes through ``humsec.core.files.read_config`` (issue 19: eight
readers, each with its own errors): a folder, an empty file, a file that is not UTF-8, a syntax error
and a missing file give the same clear error, naming the file, in every reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from humsec.af.spec import AFSpec
from humsec.core.boundaries import read_boundaries, read_geojson
from humsec.core.errors import HumsecError
from humsec.datasets.places import load_boundaries
from humsec.index.model import IndexModel
from humsec.response.joint import cluster_leads
from humsec.review.spec import load_review
from humsec.review.strategies import load_strategies
from humsec.warn.tune import load_grid, load_model_config

READERS: dict[str, tuple[Callable[[Path], Any], str]] = {
    "af spec": (AFSpec.from_file, ".yaml"),
    "index model": (IndexModel.from_file, ".yaml"),
    "review file": (load_review, ".yaml"),
    "strategies": (load_strategies, ".yaml"),
    "lead agencies": (cluster_leads, ".yaml"),
    "tuning grid": (load_grid, ".yaml"),
    "model file": (load_model_config, ".yaml"),
    "geojson": (read_geojson, ".geojson"),
    "boundaries (warn)": (read_boundaries, ".geojson"),
    "boundaries (review, response, sae)": (load_boundaries, ".geojson"),
}

BAD = {
    "folder": (None, "is a folder"),
    "empty": (b"", "is empty"),
    "blank": (b"  \n\n", "is empty"),
    "latin-1": ("name: Côte d'Ivoire\n".encode("latin-1"), "is not UTF-8 text"),
    "syntax": (b'{"a": [1, 2\n', "cannot parse as"),
}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("case", list(BAD))
def test_every_reader_gives_the_same_clear_error(tmp_path: Path, reader: str, case: str) -> None:
    read, suffix = READERS[reader]
    content, expected = BAD[case]
    path = tmp_path / f"input{suffix}"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(HumsecError) as info:
        read(path)
    message = str(info.value)
    assert expected in message
    assert "input" in message  # the file is named
    assert "Traceback" not in message


@pytest.mark.parametrize("reader", [r for r in READERS if r != "boundaries (review, response, sae)"])
def test_a_missing_file_is_named(tmp_path: Path, reader: str) -> None:
    read, suffix = READERS[reader]
    with pytest.raises(HumsecError, match="no such file"):
        read(tmp_path / f"nowhere{suffix}")


def test_gzipped_geojson_is_read_through(tmp_path: Path) -> None:
    import gzip
    import json

    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"n": "A"}, "geometry": None}]}
    path = tmp_path / "b.geojson.gz"
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    assert read_geojson(path, "n") == doc
    path.write_bytes(b"not gzip")
    with pytest.raises(HumsecError, match=r"b\.geojson\.gz: cannot be read"):
        read_geojson(path)


def test_some_features_without_the_name_property_are_refused(tmp_path: Path) -> None:
    import json

    feats = [{"type": "Feature", "properties": p, "geometry": None} for p in ({"n": "A"}, {"m": "B"})]
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    with pytest.raises(HumsecError, match=r"1 of 2 features have no property 'n'.*feature 2"):
        read_geojson(path, "n")
