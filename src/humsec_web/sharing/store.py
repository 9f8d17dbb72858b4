"""Sharing terms as one value, and storing a file with them.

>>> t = Terms(sensitivity="confidential", owner="KNBS", licence="agreement", terms="Research use only.")
>>> t.problems()
{}
>>> Terms(sensitivity="secret", owner="", licence="cc-by-4.0").problems()["sensitivity"]
"'secret' is not a sensitivity class; expected one of public, restricted, confidential, strictly_confidential."
>>> Terms(sensitivity="restricted", owner="X", licence="agreement").problems()["terms"]
'Restricted data need their terms of use (purpose, who may receive it, retention).'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from humsec_web.sharing.classes import CODES, LICENCE_CODES, UNCLASSIFIED, label
from humsec_web.sharing.models import Dataset


@dataclass(frozen=True)
class Terms:
    """What an uploader declares for a data file (the same for every file of one upload)."""

    sensitivity: str
    owner: str
    licence: str
    terms: str = ""
    country: str = ""
    description: str = ""

    def problems(self) -> dict[str, str]:
        """Field -> one sentence, for every value that cannot stand (empty when all can)."""
        out: dict[str, str] = {}
        if self.sensitivity not in CODES:
            out["sensitivity"] = gettext("%(value)s is not a sensitivity class; expected one of %(codes)s.") % {
                "value": repr(self.sensitivity), "codes": ", ".join(CODES)}  # fmt: skip
        if not self.owner.strip():
            out["owner"] = gettext("Name the owner of the data (e.g. the statistics office or the NGO that collected it).")
        if self.licence not in LICENCE_CODES:
            out["licence"] = gettext("%(value)s is not a licence; expected one of %(codes)s.") % {
                "value": repr(self.licence), "codes": ", ".join(LICENCE_CODES)}  # fmt: skip
        needs_terms = self.sensitivity in CODES[1:] or self.licence in ("agreement", "other")
        if needs_terms and not self.terms.strip():
            out["terms"] = (
                gettext("%(sensitivity)s data need their terms of use (purpose, who may receive it, retention).") % {
                    "sensitivity": gettext(label(self.sensitivity))}
                if self.sensitivity in CODES[1:]
                else gettext("Data under this licence need their terms of use (purpose, who may receive it, retention).")
            )  # fmt: skip
        return out


# Review inputs uploaded through code that declares no terms (and files stored before sharing terms
# existed) are treated as this: restricted, owner unknown; pages and the API always ask.
UNDECLARED = Terms(
    sensitivity=UNCLASSIFIED, owner="(not declared)", licence="other",
    terms="Uploaded without declared terms: treated as restricted until its owner classifies it.",
)


def store(upload: Any, sha256: str, terms: Terms, user: Any, *, stored_name: str | None = None) -> Dataset:
    """A Dataset row for an upload (or, with ``stored_name``, for a file already stored there)."""
    dataset = Dataset(
        name=upload.name, size=int(upload.size or 0), sha256=sha256, sensitivity=terms.sensitivity,
        owner=terms.owner.strip()[:200], licence=terms.licence, terms=terms.terms.strip(),
        country=terms.country, description=terms.description[:500],
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )  # fmt: skip
    if stored_name is not None:
        dataset.file.name = stored_name
    else:
        dataset.file = upload
    dataset.save()
    return dataset
