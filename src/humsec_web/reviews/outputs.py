"""Reading a version's report and tables: checked against their sensitivity class and logged.

The class of each published table and of the report is computed when the version is built
(:mod:`humsec_web.reviews.classify`). A reader gets the report if cleared for its class and, in the
tables zip, the tables they are cleared for (a note in the zip lists the ones left out); every read,
allowed or refused, is a row of the access log. A version built before sensitivity classes existed
has none recorded: it keeps the access it had (public once published, restricted before).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from humsec_web.reviews.models import ReviewVersion
from humsec_web.sharing import access
from humsec_web.sharing.classes import UNCLASSIFIED, label, strictest
from humsec_web.sharing.models import AccessLog


def report_class(version: ReviewVersion) -> str:
    if version.report_sensitivity:
        return version.report_sensitivity
    return "public" if version.published_at else UNCLASSIFIED


def report_cleared(user: Any, version: ReviewVersion) -> bool:
    return access.cleared(user, report_class(version), country=version.review.country)


def check_report(request: Any, version: ReviewVersion, what: str) -> None:
    """Log the read of the report; refuse (sign-in first for visitors) when not cleared."""
    code = report_class(version)
    subject = f"{what} of {version}"
    ok = report_cleared(request.user, version)
    reason = "" if ok else access.refusal(f"The {what} of this version", code)
    access.log_read(request.user, subject=subject, code=code, via=str(AccessLog.Via.REVIEW_OUTPUT), allowed=ok,
                    reason=reason)  # fmt: skip
    if not ok:
        access.refuse(request, reason)


def table_class(version: ReviewVersion, key: str) -> str:
    for t in version.table_classes or []:
        if t["key"] == key:
            return str(t["sensitivity"])
    return report_class(version)


def cleared_tables_zip(request: Any, version: ReviewVersion) -> bytes:
    """The version's tables zip holding only the tables the reader is cleared for; refused (and
    logged) when that is none of them."""
    country = version.review.country
    with version.tables_zip.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as full:
        names = [n for n in full.namelist() if n.endswith(".csv")]
        kept: list[tuple[str, str]] = []
        left: list[tuple[str, str]] = []
        for name in names:
            code = table_class(version, name.rsplit("/", 1)[-1].removesuffix(".csv"))
            (kept if access.cleared(request.user, code, country=country) else left).append((name, code))
        subject = f"published tables of {version}"
        if not kept and names:
            code = strictest(c for _n, c in left)
            reason = access.refusal("Every table of this version", code)
            access.log_read(request.user, subject=subject, code=code, via=str(AccessLog.Via.REVIEW_OUTPUT),
                            allowed=False, reason=reason)  # fmt: skip
            access.refuse(request, reason)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for name, _code in kept:
                out.writestr(name, full.read(name))
            if left:
                out.writestr("tables/LEFT_OUT.txt", "".join(
                    f"{n.rsplit('/', 1)[-1]}: {label(c).lower()} (you are not cleared for it)\n" for n, c in left
                ))  # fmt: skip
    access.log_read(
        request.user, subject=subject, code=strictest(c for _n, c in kept),
        via=str(AccessLog.Via.REVIEW_OUTPUT), allowed=True,
        reason=f"{len(kept)} of {len(names)} tables" + (f"; left out: {', '.join(n for n, _c in left)}" if left else ""),
    )  # fmt: skip
    return buffer.getvalue()

