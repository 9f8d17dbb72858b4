"""What a country review may be built from: data files of known types and sizes, and a review
file whose every path names one of the version's own files or a file shipped with humsec.

The review file is the user's text and ``humsec review`` reads whatever paths it names, so the
platform checks those paths *before* the library sees the file: a review uploaded here cannot read
``../../secret_key`` or ``/etc/passwd``.

>>> reference_problems("title: t\\narea_data:\\n  - {id: a, file: ../x.csv}\\n", {"x.csv"})
[('area_data[0].file', "'../x.csv' must be the name of one of this version's files (no folders) or humsec:NAME")]
>>> reference_problems("title: t\\narea_data:\\n  - {id: a, file: x.csv}\\n", {"x.csv"})
[]
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError

# name ending -> accepted leading bytes (None: UTF-8 text without NUL bytes)
DATA_TYPES: dict[str, tuple[bytes, ...] | None] = {
    ".yaml": None,
    ".yml": None,
    ".csv": None,
    ".geojson": None,
    ".json": None,
    ".csv.gz": (b"\x1f\x8b",),
    ".xlsx": (b"PK\x03\x04",),
    ".dta": (b"<stata_dta>", b"\x71\x01", b"\x71\x02", b"\x72\x01", b"\x72\x02", b"\x73\x01", b"\x73\x02"),
    ".sav": (b"$FL2", b"$FL3"),
    ".parquet": (b"PAR1",),
}
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SHIPPED = re.compile(r"^humsec:[A-Za-z0-9][A-Za-z0-9._-]*$")
# the early-warning outlook reads its panel by name; only the shipped one is allowed here
SHIPPED_PANELS = {"humsec:ucdp_country_month", "ucdp_country_month"}


def data_type(name: str) -> str | None:
    """The accepted ending of ``name`` (``.csv.gz`` before ``.gz``), or None."""
    lower = name.lower()
    return next((end for end in sorted(DATA_TYPES, key=len, reverse=True) if lower.endswith(end)), None)


def validate_data_file(upload: Any) -> str:
    """Check one uploaded review input; returns its sha256. Raises ValidationError naming the file."""
    name = str(getattr(upload, "name", ""))
    if not SAFE_NAME.match(name):
        raise ValidationError(
            f"{name!r}: rename the file to letters, digits, '.', '-' and '_' only (at most 100 "
            "characters, not starting with a dot): the review file refers to it by this name."
        )
    ending = data_type(name)
    if ending is None:
        allowed = ", ".join(sorted(DATA_TYPES))
        raise ValidationError(f"{name}: this type of file is not accepted for reviews; allowed: {allowed}.")
    size = int(getattr(upload, "size", 0) or 0)
    if size > settings.MAX_DATASET_BYTES:
        raise ValidationError(
            f"{name}: {size:,} bytes is over the limit of {settings.MAX_DATASET_BYTES:,} bytes for review data."
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    magic = DATA_TYPES[ending]
    if magic is None:
        _check_text(name, head)
    elif not head.startswith(magic):
        raise ValidationError(f"{name}: its content is not a {ending} file.")
    if ending == ".csv.gz":
        _check_gzip(name, upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_text(name: str, head: bytes) -> None:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a character cut at the 4096-byte boundary is fine
            raise ValidationError(f"{name}: is not UTF-8 text (byte {exc.start + 1}).") from exc
    if b"\x00" in head:
        raise ValidationError(f"{name}: is not a text file (it holds NUL bytes).")


def _check_gzip(name: str, upload: Any) -> None:
    """A gzip file must unpack to text within the unpacked limit (no decompression bomb)."""
    limit = settings.MAX_DATASET_UNPACKED_BYTES
    unpacked = 0
    first = b""
    upload.seek(0)
    try:
        with gzip.GzipFile(fileobj=upload, mode="rb") as gz:
            while chunk := gz.read(1 << 20):
                first = first or chunk[:4096]
                unpacked += len(chunk)
                if unpacked > limit:
                    raise ValidationError(f"{name}: unpacks to more than {limit:,} bytes (the limit).")
    except (OSError, EOFError, zlib.error) as exc:
        raise ValidationError(f"{name}: is not a readable gzip file ({exc}).") from exc
    finally:
        upload.seek(0)
    _check_text(name, first)


def reference_problems(text: str, names: set[str]) -> list[tuple[str, str]]:
    """Every path the review file names that is neither one of ``names`` nor ``humsec:NAME``.

    Only the structure is looked at here (``humsec review`` checks the rest with its own messages).
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [("(file)", f"not valid YAML: {exc}")]
    if not isinstance(raw, dict):
        return [("(file)", "expected a mapping of review sections (title:, area_data:, ...)")]
    problems: list[tuple[str, str]] = []

    def check(where: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, str) and (SHIPPED.match(value) or value in names):
            return
        if isinstance(value, str) and SAFE_NAME.match(value):
            problems.append((where, f"{value!r} is not among this version's files {sorted(names)}"))
            return
        problems.append(
            (where, f"{value!r} must be the name of one of this version's files (no folders) or humsec:NAME")
        )

    def section(key: str) -> dict[str, Any]:
        value = raw.get(key)
        return value if isinstance(value, dict) else {}

    bounds = raw.get("boundaries")
    from humsec.datasets.places import BUILTIN_BOUNDARIES

    b = {"name": bounds} if isinstance(bounds, str) else bounds if isinstance(bounds, dict) else {}
    bname = b.get("name") or b.get("file")
    if bname is not None and bname not in BUILTIN_BOUNDARIES:
        check("boundaries", bname)
    survey = section("survey")
    check("survey.spec", survey.get("spec"))
    check("survey.data", survey.get("data"))
    areas = raw.get("area_data")
    for i, item in enumerate(areas if isinstance(areas, list) else []):
        if isinstance(item, dict):
            check(f"area_data[{i}].file", item.get("file"))
    responses = section("responses")
    for key in ("needs", "activities", "funding"):
        check(f"responses.{key}", responses.get(key))
    panel = section("early_warning").get("data")
    if panel is not None and panel not in SHIPPED_PANELS:
        problems.append(
            ("early_warning.data", f"{panel!r}: on the platform the outlook runs on humsec:ucdp_country_month only")
        )
    return problems
