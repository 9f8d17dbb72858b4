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

__all__ = [
    "SECTORS",
    "SECTOR_ALIASES",
    "SECTOR_KINDS",
    "CodeCheck",
    "SectorMatch",
    "adds_to_totals",
    "check_names",
    "check_pcodes",
    "fold_name",
    "harmonise_sectors",
    "match_sector",
    "merge_spellings",
    "sector_kind",
]

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


# --- Sectors ------------------------------------------------------------------------------------
#: What a sector key is. Totals across sectors add "cluster", "other" and unmatched names only:
#: an area of responsibility is part of Protection, and an overlapping category (multi-sector
#: refugee response, intersectoral, shared, a name joining two clusters) covers people or money
#: already counted in its parts.
SECTOR_KINDS = ("cluster", "area of responsibility", "other", "overlapping")

#: The IASC global clusters, their areas of responsibility and the other FTS global sectors,
#: declared once: key -> (name shown, kind). Keys are humsec's sector keys (``sector_key``,
#: ``cluster_leads.yaml``). Source: IASC Reference Module for Cluster Coordination (2015, rev.
#: 2024) and the FTS global cluster list (fts.unocha.org, ``destGlobalClusters``).
SECTORS: dict[str, tuple[str, str]] = {
    "cccm": ("Camp Coordination and Camp Management", "cluster"),
    "early recovery": ("Early Recovery", "cluster"),
    "education": ("Education", "cluster"),
    "emergency telecommunications": ("Emergency Telecommunications", "cluster"),
    "food": ("Food Security", "cluster"),
    "health": ("Health", "cluster"),
    "logistics": ("Logistics", "cluster"),
    "nutrition": ("Nutrition", "cluster"),
    "protection": ("Protection", "cluster"),
    "shelter": ("Emergency Shelter and NFI", "cluster"),
    "wash": ("WASH", "cluster"),
    "protection+child": ("Child Protection", "area of responsibility"),
    "protection+gbv": ("Gender-Based Violence", "area of responsibility"),
    "protection+hlp": ("Housing, Land and Property", "area of responsibility"),
    "protection+mine": ("Mine Action", "area of responsibility"),
    # FTS global sectors outside the cluster list (Ethiopia also runs an Agriculture cluster)
    "agriculture": ("Agriculture", "other"),
    "cash": ("Multi-purpose Cash", "other"),
    "coordination": ("Coordination and Support Services", "other"),
    "not specified": ("Not specified", "other"),  # FTS: money given to no cluster
    "multi-sector": ("Multi-sector (refugee response)", "overlapping"),
    "intersectoral": ("Intersectoral", "overlapping"),
    "shared": ("Multiple clusters/sectors (shared)", "overlapping"),
}

#: Names met in 3W/4W, HNO and FTS tables (English, French, HXL attributes), per sector key.
#: They are compared folded (case, accents, punctuation, "and"/"et"/"&" and a "COVID-19"
#: qualifier ignored), so "WATER, SANITATION & HYGIENE" is "Water Sanitation and Hygiene". The
#: 3-letter codes (``wsh``, ``pro-gbv``) are the acronyms of the UN OCHA global coordination groups
#: (vocabulary.unocha.org), which IATI publishers use in sector vocabulary 10.
SECTOR_ALIASES: dict[str, tuple[str, ...]] = {
    "food": ("food security", "securite alimentaire", "food security and livelihoods", "fsl",
             "food", "secal", "food aid", "food assistance", "livelihood", "livelihoods", "fsc"),
    "nutrition": ("nutrition", "nut"),
    "health": ("health", "sante", "hea"),
    "wash": ("wash", "eha", "eau assainissement et hygiene", "eau hygiene et assainissement",
             "water sanitation hygiene", "water sanitation and hygiene (wash)",
             "water and sanitation", "water sanitation", "wsh"),
    "education": ("education", "edu"),
    "protection": ("protection", "pro", "protection generale", "general protection"),
    "protection+child": ("child protection", "protection de l'enfant", "cp",
                         "protection child protection", "pro-cpn"),
    "protection+gbv": ("gbv", "gender-based violence", "violences basees sur le genre", "vbg",
                       "protection gbv", "protection gender-based violence", "pro-gbv"),
    "protection+hlp": ("housing land and property", "hlp", "logement terre et propriete",
                       "protection housing land and property", "pro-hlp"),
    "protection+mine": ("mine action", "lutte anti-mines", "humanitarian mine action",
                        "protection mine action", "pro-min"),
    "shelter": ("shelter", "abris", "abris/ame", "abris et non vivres", "shelter and nfi",
                "shelter/nfi", "emergency shelter and nfi", "nfi", "esnfi", "es/nfi",
                "shelter and non-food items", "emergency shelter", "shelter and nfis", "shl"),
    "cccm": ("cccm", "ccm", "camp coordination and camp management", "cccm/sites",
             "camp coordination / management", "camp coor. and camp mgmt", "ccm"),
    "logistics": ("logistics", "logistique", "log"),
    "early recovery": ("early recovery", "relevement precoce", "er", "ery"),
    "emergency telecommunications": ("emergency telecommunications", "etc",
                                     "telecommunications d'urgence", "tel"),
    "agriculture": ("agriculture", "agriculture and livestock", "agriculture and livelihood",
                    "agriculture and livelihoods"),
    "cash": ("cash multi-sectoriel", "multi-purpose cash", "mpc", "multipurpose cash", "cash",
             "multi-sector cash/social protection"),
    "coordination": ("coordination", "coordination and support services",
                     "coordination and common services", "common services"),
    "multi-sector": ("multi-sector", "multisector", "multi-secctor", "multi-sector (refugees)",
                     "multi-sector assistance to refugees", "multi-sector assistance for refugees",
                     "refugee response", "refugees multi-sector", "multi-sector refugee response"),
    "intersectoral": ("intersectoral", "inter-sectoral", "intersectorial", "inter-sector",
                      "intersectoriel"),
    "shared": ("multiple clusters/sectors (shared)", "multiple sectors (shared)", "shared"),
    "not specified": ("not specified", "unspecified"),
}  # fmt: skip


def _sector_fold(text: object) -> str:
    words = fold_name(text).split()
    words = [w for w in words if w not in ("and", "et", "covid", "19")]
    return " ".join(words)


_ALIAS_KEY = {_sector_fold(a): k for k, names in SECTOR_ALIASES.items() for a in names}
_ALIAS_KEY.update({_sector_fold(k): k for k in SECTORS})
_ALIAS_KEY.update({_sector_fold(n): k for k, (n, _) in SECTORS.items()})
# HXL attributes come in any order: #inneed+gbv+protection is #inneed+protection+gbv
_HXL_KEY = {"+".join(sorted(k.split("+"))): k for k in SECTORS if "+" in k}
_SUB_CLUSTER = {  # "Protection: Protection de l'enfant", "Protection - GBV": areas of responsibility
    "protection+child": ("enfant", "child"),
    "protection+gbv": ("genre", "gbv", "gender", "vbg"),
    "protection+hlp": ("logement", "housing", "hlp"),
    "protection+mine": ("mine", "mines"),
    "protection": ("generale", "general"),
}


def sector_kind(key: str) -> str | None:
    """The kind of a sector key (:data:`SECTOR_KINDS`): a key joining two sectors
    (``"cccm & shelter"``) is overlapping; a key outside the list is None.

    >>> sector_kind("wash"), sector_kind("protection+gbv"), sector_kind("cccm & shelter")
    ('cluster', 'area of responsibility', 'overlapping')
    """
    if key in SECTORS:
        return SECTORS[key][1]
    return "overlapping" if " & " in key else None


def adds_to_totals(key: str) -> bool:
    """Whether a sector's figures are added into totals across sectors: not an area of
    responsibility (part of Protection) nor an overlapping category (already in its parts)."""
    return sector_kind(key) not in ("area of responsibility", "overlapping")


@dataclass(frozen=True)
class SectorMatch:
    """A sector name matched to a key of :data:`SECTORS` (``matched``), or kept as written
    (folded) when the alias table does not know it."""

    key: str
    name: str
    kind: str | None
    matched: bool


def match_sector(name: object, extra: Mapping[str, str] | None = None) -> SectorMatch:
    """Match one sector name: ``extra`` (the user's name -> key) first, then the alias table, an
    HXL attribute list, a Protection sub-cluster, a name joining two known sectors (kept as its
    own overlapping category); else the name itself, folded.

    >>> match_sector("WATER, SANITATION & HYGIENE").key, match_sector("Refugee Response").kind
    ('wash', 'overlapping')
    >>> match_sector("Shelter and CCCM")
    SectorMatch(key='cccm & shelter', name='Shelter and CCCM', kind='overlapping', matched=True)
    >>> match_sector("Unknown Thing")
    SectorMatch(key='unknown thing', name='Unknown Thing', kind=None, matched=False)
    """
    text = str(name).strip()
    loose = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    loose = re.sub(r"\s+", " ", loose.lower())
    folded = _sector_fold(text)
    key: str | None = None
    if extra:
        user = {_sector_fold(k): v for k, v in extra.items()}
        key = user.get(folded)
        if key is not None and key not in SECTORS:
            return SectorMatch(key, text, None, True)
    if key is None:
        key = _ALIAS_KEY.get(folded) or _HXL_KEY.get("+".join(sorted(loose.split("+"))))
    if key is None and folded.startswith("protection"):
        key = next((k for k, ws in _SUB_CLUSTER.items() if any(w in folded for w in ws)), None)
    if key is None:
        parts = [_sector_fold(p) for p in re.split(r"\band\b|\bet\b|[&/+,]", loose)]
        keys = {_ALIAS_KEY.get(p) for p in parts if p}
        if len(keys) > 1 and None not in keys:
            joined = " & ".join(sorted(k for k in keys if k))
            return SectorMatch(joined, text, "overlapping", True)
    if key is None:
        return SectorMatch(loose, text, None, False)
    return SectorMatch(key, text, SECTORS[key][1], True)


def harmonise_sectors(
    names: Iterable[object], extra: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Each distinct name -> its sector key, and a report: the names merged into one sector, the
    overlapping categories kept apart, the names the alias table does not know (kept as written).

    >>> mapping, report = harmonise_sectors(["WASH", "Water Sanitation Hygiene", "Multisector", "Foo"])
    >>> mapping
    {'WASH': 'wash', 'Water Sanitation Hygiene': 'wash', 'Multisector': 'multi-sector', 'Foo': 'foo'}
    >>> report[0]
    '2 sector name(s) merged into 1 sector(s) of the IASC global cluster list: WASH = Water Sanitation Hygiene'
    """
    mapping: dict[str, str] = {}
    matches: dict[str, SectorMatch] = {}
    for name in dict.fromkeys(str(n) for n in names if not _missing(n)):
        matches[name] = match_sector(name, extra)
        mapping[name] = matches[name].key
    by_key: dict[str, list[str]] = {}
    for name, m in matches.items():
        by_key.setdefault(m.key, []).append(name)
    merged = {k: v for k, v in by_key.items() if len(v) > 1 and matches[v[0]].matched}
    report = []
    if merged:
        shown = "; ".join(" = ".join(v) for v in list(merged.values())[:6])
        report.append(
            f"{sum(map(len, merged.values()))} sector name(s) merged into {len(merged)} "
            f"sector(s) of the IASC global cluster list: {shown}"
        )
    apart = sorted({m.key for m in matches.values() if m.kind == "overlapping"})
    if apart:
        report.append(
            f"overlapping categories kept as their own sector, never added to their parts: {apart}"
        )
    unknown = [n for n, m in matches.items() if not m.matched]
    if unknown:
        report.append(
            f"{len(unknown)} sector name(s) not in the alias table, kept as written: {unknown[:10]}"
        )
    return mapping, report


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA
