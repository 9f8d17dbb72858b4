"""The closed lists of data sharing, declared once: sensitivity classes and licences.

The four classes are OCHA's (Data Responsibility Guidelines, 2021, and the information sharing
protocols built on them): *public*, *restricted*, *confidential*, *strictly confidential*, in rising
order. Who may read each is written here once; models, forms, API, rules, docs and tests read it.

>>> [c.code for c in SENSITIVITY]
['public', 'restricted', 'confidential', 'strictly_confidential']
>>> strictest(["restricted", "public", "confidential"])
'confidential'
>>> strictest([])
'public'
>>> rank("strictly_confidential") > rank("confidential")
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy, gettext_noop


@dataclass(frozen=True)
class Sensitivity:
    code: str
    label: str
    readers: str  # who may read it, in words (docs and the refusal messages say this)
    # label and readers are English (logs, refusals, docs); pages translate them (gettext_noop marks them)


SENSITIVITY: tuple[Sensitivity, ...] = (
    Sensitivity("public", gettext_noop("Public"), gettext_noop("everyone, signed in or not")),
    Sensitivity(
        "restricted", gettext_noop("Restricted"),
        gettext_noop(
            "network members (administrators, the HSU, focal points, country teams, reviewers) and the "
            "government counterparts of the data's country"
        ),
    ),
    Sensitivity(
        "confidential", gettext_noop("Confidential"),
        gettext_noop(
            "the HSU and administrators, whoever uploaded it, the country team and the government "
            "counterparts of the data's country"
        ),
    ),
    Sensitivity(
        "strictly_confidential", gettext_noop("Strictly confidential"),
        gettext_noop("whoever uploaded it and the people it names as grantees, nobody else (not the HSU)"),
    ),
)
BY_CODE = {c.code: c for c in SENSITIVITY}
CODES = tuple(BY_CODE)
# A file uploaded before sensitivity classes existed, or without one, is treated as this class: the
# lowest that is not public (never published by default).
UNCLASSIFIED = "restricted"


def sensitivity_choices() -> list[tuple[str, Any]]:
    """(code, label) for forms and models, the label in the reader's language."""
    return [(c.code, gettext_lazy(c.label)) for c in SENSITIVITY]


def rank(code: str) -> int:
    """0 for public up to 3 for strictly confidential; ValueError naming the classes otherwise."""
    try:
        return CODES.index(code)
    except ValueError:
        raise ValueError(f"Unknown sensitivity class {code!r}; expected one of {', '.join(CODES)}.") from None


def strictest(codes: Iterable[str]) -> str:
    """The strictest class among ``codes`` (public when there is none)."""
    return max(codes, key=rank, default="public")


def label(code: str) -> str:
    return BY_CODE[code].label if code in BY_CODE else code


@dataclass(frozen=True)
class Licence:
    code: str
    label: str
    url: str


LICENCES: tuple[Licence, ...] = (
    Licence("cc-by-4.0", "Creative Commons Attribution 4.0 (CC BY 4.0)", "https://creativecommons.org/licenses/by/4.0/"),
    Licence("cc-by-igo-3.0", "Creative Commons Attribution IGO 3.0", "https://creativecommons.org/licenses/by/3.0/igo/"),
    Licence("cc-by-sa-4.0", "Creative Commons Attribution-ShareAlike 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    Licence("cc0-1.0", gettext_noop("Public domain dedication (CC0 1.0)"), "https://creativecommons.org/publicdomain/zero/1.0/"),
    Licence("odbl-1.0", "Open Data Commons ODbL 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    Licence("agreement", gettext_noop("Data sharing agreement (see the terms)"), ""),
    Licence("other", gettext_noop("Other (see the terms)"), ""),
)
LICENCE_CODES = tuple(lic.code for lic in LICENCES)


def licence_choices() -> list[tuple[str, Any]]:
    """(code, label) for forms and models, the label in the reader's language (licence names stay)."""
    return [(lic.code, gettext_lazy(lic.label)) for lic in LICENCES]
