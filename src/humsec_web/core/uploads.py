"""Upload limits: size, extension and content must agree (a renamed executable is refused).

The allowed types are documents and data files that reviews and lessons attach. The first bytes
are checked against the extension so that ``report.pdf`` really is a PDF.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# extension -> accepted leading bytes (None: text, checked to decode as UTF-8 with no NUL)
ALLOWED: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".csv": None,
    ".txt": None,
    ".md": None,
}


def validate_upload(upload: Any) -> None:
    """Raise ValidationError unless the file is small enough and its bytes match its extension."""
    name = str(getattr(upload, "name", ""))
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED:
        allowed = ", ".join(sorted(ALLOWED))
        raise ValidationError(gettext("%(name)s: files of type %(type)s are not accepted; allowed: %(allowed)s.") % {
            "name": name, "type": suffix or gettext("(none)"), "allowed": allowed})  # fmt: skip
    size = int(getattr(upload, "size", 0) or 0)
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(gettext("%(name)s: %(size)s bytes is over the limit of %(limit)s bytes.") % {
            "name": name, "size": f"{size:,}", "limit": f"{settings.MAX_UPLOAD_BYTES:,}"})  # fmt: skip
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if isinstance(head, str):
        head = head.encode()
    magic = ALLOWED[suffix]
    if magic is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # a cut in the middle of a multi-byte character at the 4096 boundary is fine
            if exc.start < len(head) - 3:
                raise ValidationError(gettext("%(name)s: is not UTF-8 text.") % {"name": name}) from exc
        if b"\x00" in head:
            raise ValidationError(gettext("%(name)s: is not a text file (it holds NUL bytes).") % {"name": name})
    elif not head.startswith(magic):
        raise ValidationError(gettext("%(name)s: its content is not a %(type)s file.") % {"name": name, "type": suffix})
