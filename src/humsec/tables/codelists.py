"""Check area codes (OCHA P-codes) and organisation names against reference lists.

A 4W typed by hand has codes that do not exist (``CD6O1`` for ``CD601``) and one organisation spelt
three ways (``UNICEF``, ``Unicef``, ``United Nations Children's Fund``). Counting them as written
inflates the number of organisations and loses areas in joins, so both are checked here: unknown
values are listed with the nearest known one, and spellings that differ only in case, accents or
punctuation are merged (reported).

>>> import pandas as pd
>>> gaz = pd.DataFrame({"Location": ["KEN"] * 3, "Admin Level": [1, 1, 2],
...                     "P-Code": ["KE001", "KE023", "KE023001"], "Name": ["Mombasa", "Turkana", "X"]})
>>> check = check_pcodes(pd.Series(["KE023", "KE0023", "KE001"]), gaz)
>>> check.country, check.unknown
('KEN', {'KE0023': 'KE023'})
>>> merge_spellings(pd.Series(["UNICEF", "Unicef", "WFP"]))[0]
{'UNICEF': 'UNICEF', 'Unicef': 'UNICEF', 'WFP': 'WFP'}
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["CodeCheck", "check_names", "check_pcodes", "fold_name", "merge_spellings"]

_PCODE = re.compile(r"^([A-Z]{2,3})(\d[0-9A-Z]*)$")


def fold_name(text: object) -> str:
    """Case, accents and punctuation folded away: ``"Save the Children-Int'l"`` → ``"save the children intl"``."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"['`]", "", text.lower())  # "Children's" = "Childrens"
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def _nearest(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    found = difflib.get_close_matches(value, list(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None


_LOOKALIKE = {frozenset(p) for p in ("O0", "I1", "L1", "S5", "B8", "Z2")}


def _nearest_code(code: str, candidates: Iterable[str]) -> str | None:
    """The candidate of the same length with the fewest differing characters (a look-alike such
    as O for 0 counts half); None when two are equally near or more than half differ."""
    scored = []
    for c in candidates:
        if len(c) != len(code):
            continue
        cost = sum(
            0.0 if a == b else 0.5 if frozenset((a, b)) in _LOOKALIKE else 1.0
            for a, b in zip(code.upper(), c, strict=True)
        )
        scored.append((cost, c))
    if not scored:
        return _nearest(code, candidates)
    scored.sort()
    best = scored[0]
    tie = len(scored) > 1 and scored[1][0] == best[0]
    return None if tie or best[0] > len(code) / 2 else best[1]


@dataclass
class CodeCheck:
    """What a P-code check found: the country and admin level, the codes not in the reference
    (with the nearest known code, or None), and the COD name of each known code."""

    country: str | None = None
    level: int | None = None
    n_codes: int = 0
    unknown: dict[str, str | None] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    checked_by_parent: int = 0
    missing_parent: dict[str, str] = field(default_factory=dict)
    skipped: str | None = None

    def _describe(self, code: str, nearest: str | None) -> str:
        if code in self.missing_parent:
            return f"{code} (its parent {self.missing_parent[code]} is unknown)"
        return f"{code}{f' (nearest: {nearest})' if nearest else ''}"

    def report(self, what: str) -> list[str]:
        """Report lines for a user (empty when all is well)."""
        if self.skipped:
            return [f"{what} areas not checked against the COD P-codes: {self.skipped}"]
        lines = []
        if self.checked_by_parent:
            lines.append(
                f"{self.checked_by_parent} {what} area code(s) below admin 2 checked by their admin-2 parent"
            )
        if self.unknown:
            shown = ", ".join(self._describe(c, s) for c, s in list(self.unknown.items())[:8])
            lines.append(
                f"{len(self.unknown)} of {self.n_codes} {what} area code(s) are not P-codes of {self.country} in the OCHA COD gazetteer (admin 1-2; deeper codes by their parent): {shown}"
            )
        return lines


def check_pcodes(values: pd.Series, gazetteer: pd.DataFrame) -> CodeCheck:
    """Check area codes against an OCHA COD gazetteer (columns ``Location``, ``Admin Level``,
    ``P-Code``, ``Name``). The country is the one whose P-code prefix most codes share; codes
    deeper than the gazetteer (health zones, woredas under admin 2) are checked by their admin-2
    parent (the longest known code they start with)."""
    codes = sorted({str(v).strip() for v in values.dropna() if str(v).strip()})
    check = CodeCheck(n_codes=len(codes))
    if not codes:
        check.skipped = "no area values"
        return check
    parsed = {c: m.group(1) for c in codes if (m := _PCODE.match(c))}
    if len(parsed) < 0.5 * len(codes):
        check.skipped = f"most values do not look like P-codes (e.g. {codes[0]!r})"
        return check
    per_prefix: dict[str, Counter[str]] = {}
    for pcode, location in zip(gazetteer["P-Code"], gazetteer["Location"], strict=True):
        if m := _PCODE.match(str(pcode)):
            per_prefix.setdefault(m.group(1), Counter())[str(location)] += 1
    by_prefix = {p: c.most_common(1)[0][0] for p, c in per_prefix.items()}
    gaz = gazetteer
    countries: Counter[str | None] = Counter(by_prefix.get(p) for p in parsed.values())
    country, _ = countries.most_common(1)[0]
    if country is None:
        check.skipped = (
            f"the prefix {next(iter(parsed.values()))!r} is not a COD country in the gazetteer"
        )
        return check
    ref = gaz[gaz["Location"] == country]
    known = dict(zip(ref["P-Code"], ref["Name"], strict=True))
    levels = dict(zip(ref["P-Code"], ref["Admin Level"], strict=True))
    deepest = ref.loc[ref["Admin Level"] == ref["Admin Level"].max(), "P-Code"]
    parent_lengths = sorted({len(c) for c in deepest}, reverse=True)
    check.country = country
    found_levels: Counter[int] = Counter()
    for code in codes:
        if code in known:
            check.names[code] = known[code]
            found_levels[int(levels[code])] += 1
            continue
        parent = next(
            (code[:n] for n in parent_lengths if len(code) > n and code[:n] in known), None
        )
        if parent is not None and len(code) > max(parent_lengths):
            check.checked_by_parent += 1
            found_levels[int(levels[parent]) + 1] += 1
            continue
        if len(code) > max(parent_lengths):  # a deep code whose parent is unknown
            check.unknown[code] = None
            check.missing_parent[code] = code[: max(parent_lengths)]
        else:
            check.unknown[code] = _nearest_code(code, known)
    check.level = found_levels.most_common(1)[0][0] if found_levels else None
    return check


def merge_spellings(names: pd.Series) -> tuple[dict[str, str], list[str]]:
    """Map each written name to one spelling per folded key (the most frequent one): ``Unicef`` and
    ``UNICEF`` become one organisation. Returns the mapping and a report of merged spellings."""
    counts = Counter(str(n) for n in names.dropna())
    groups: dict[str, list[str]] = {}
    for name in counts:
        groups.setdefault(fold_name(name), []).append(name)
    mapping: dict[str, str] = {}
    merged = []
    for spellings in groups.values():
        best = max(spellings, key=lambda s: counts[s])  # ties: the first written
        mapping.update(dict.fromkeys(spellings, best))
        if len(spellings) > 1:
            merged.append(" = ".join(sorted(spellings)))
    report = (
        [
            f"{len(merged)} organisation(s) written several ways merged (case, accents, punctuation): "
            + "; ".join(merged[:5])
        ]
        if merged
        else []
    )
    return mapping, report


def check_names(
    names: Iterable[str], reference: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str | None]]:
    """Match names to a code list. ``reference`` maps every accepted name or acronym to the
    canonical name. Returns (name → canonical for matched names, name → nearest canonical name or
    None for names not in the list).

    >>> ref = {"UNICEF": "UNICEF", "United Nations Children's Fund": "UNICEF", "WFP": "WFP"}
    >>> check_names(["unicef", "United Nations Childrens Fund", "WPF"], ref)
    ({'unicef': 'UNICEF', 'United Nations Childrens Fund': 'UNICEF'}, {'WPF': 'WFP'})
    """
    folded = {fold_name(k): v for k, v in reference.items()}
    matched: dict[str, str] = {}
    unknown: dict[str, str | None] = {}
    for name in dict.fromkeys(names):
        key = fold_name(name)
        if key in folded:
            matched[name] = folded[key]
        else:
            near = _nearest(key, folded)
            unknown[name] = folded[near] if near else None
    return matched, unknown
