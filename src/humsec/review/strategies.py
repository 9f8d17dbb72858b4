"""Strategies: from interlinked threats and left-behind groups to an integrated, multi-agency response.

The knowledge base (:func:`load_strategies`; the curated default is ``humsec/datasets/strategies.yaml``,
an editable YAML file, shipped translated as ``strategies.fr.yaml``, ``strategies.es.yaml`` and
``strategies.ar.yaml``) maps each threat to its drivers, its *protection* measures (top-down) and
*empowerment* measures (bottom-up), and the UN entities whose mandates cover it.

:func:`propose_responses` maps the survey's indicators to threats, takes the most widespread
*positively associated* pairs of deprivations that belong to two different threats (by default the
censored joint rate: the share of people who are multidimensionally insecure **and** deprived in
both), and proposes for each pair of threats one joint response: both threats' protection and
empowerment measures, the entities mandated for both (lead) and for either (partners), and the groups
found left behind in those indicators. Each proposal cites the ids of the result rows it rests on.
Proposals and their table name entities by id (``UNHCR``, the same in every language); the report
shows each by :meth:`KnowledgeBase.label` (its ``short`` in the file's language: ``HCR`` in French).

>>> import humsec
>>> from humsec.af.interlinkages import co_deprivation
>>> kb = load_strategies()
>>> links = co_deprivation(humsec.datasets.syn_cdta_spec(), humsec.datasets.load_syn_cdta(), k=[33])
>>> plan = propose_responses(kb, links, top=1)
>>> p = plan.to_frame().iloc[0]
>>> p["row_id"], p["evidence"].split()[0]
('rs:education+housing_energy', 'il:censored33:t2:d_satt~d_elct')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.af.interlinkages import InterlinkageResult
from humsec.af.left_behind import LeftBehindResult
from humsec.core.errors import HumsecError, SpecError
from humsec.core.i18n import N_, language_code

__all__ = [
    "KnowledgeBase",
    "Proposal",
    "Threat",
    "load_strategies",
    "propose_responses",
    "shipped_strategies_path",
]

LIST_FIELDS = ("drivers", "protection", "empowerment", "entities")
PLAN_COLUMNS = [
    "row_id", "rank", "threat_a", "threat_b", "name_a", "name_b", "strength", "association",
    "protection", "empowerment", "lead_entities", "partner_entities", "target_groups", "evidence",
]  # fmt: skip


@dataclass(frozen=True)
class Threat:
    id: str
    name: str
    drivers: tuple[str, ...]
    protection: tuple[str, ...]
    empowerment: tuple[str, ...]
    entities: tuple[str, ...]
    indicators: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    security_dimension: str = ""


@dataclass(frozen=True)
class KnowledgeBase:
    """Threats (in file order) and the UN entities they name (id → name, mandate and, optionally,
    ``short``: the abbreviation readers of the file's language know, e.g. ``HCR`` for ``UNHCR`` in
    French)."""

    threats: tuple[Threat, ...]
    entities: dict[str, dict[str, str]]
    source: str

    def label(self, entity_id: str) -> str:
        """How the report shows an entity: its ``short`` in the knowledge base's language, else its id
        (ids are keys, the same in every language; an id not in the knowledge base is shown as it is).

        >>> load_strategies(language="fr").label("UNHCR"), load_strategies().label("UNHCR")
        ('HCR', 'UNHCR')
        """
        return self.entities.get(entity_id, {}).get("short") or entity_id

    def labels(self) -> dict[str, str]:
        """Every entity id → its :meth:`label`."""
        return {eid: self.label(eid) for eid in self.entities}

    def threat(self, threat_id: str) -> Threat:
        for t in self.threats:
            if t.id == threat_id:
                return t
        raise HumsecError(
            f"No threat {threat_id!r} in {self.source}; known: {[t.id for t in self.threats]}."
        )

    def match(self, name: str, dimension: str = "") -> str | None:
        """The threat of an indicator: an exact indicator name first, then the first threat (file
        order) with a keyword inside the indicator's or its dimension's name."""
        for t in self.threats:
            if name in t.indicators:
                return t.id
        text = f"{name} {dimension}".lower()
        for t in self.threats:
            if any(k.lower() in text for k in t.keywords):
                return t.id
        return None


def shipped_strategies_path(language: str | None = None) -> Path:
    """The curated knowledge base shipped with humsec in ``language`` (``strategies.<code>.yaml``:
    French, Spanish and Arabic translations of ``strategies.yaml``); English (``strategies.yaml``)
    for None, ``en``, or a language without a translation.

    >>> shipped_strategies_path("FR").name, shipped_strategies_path("de").name
    ('strategies.fr.yaml', 'strategies.yaml')
    """
    folder = resources.files("humsec.datasets")
    code = language_code(language)
    translated = folder / f"strategies.{code}.yaml"
    if code != "en" and code.isalpha() and translated.is_file():
        return Path(str(translated))
    return Path(str(folder / "strategies.yaml"))


def load_strategies(path: str | Path | None = None, language: str | None = None) -> KnowledgeBase:
    """Load and validate a strategies knowledge base (default: the curated one shipped with humsec,
    in ``language`` when it is shipped in that language, else in English; see
    :func:`shipped_strategies_path`). A ``path`` (a user's own knowledge base) is read as given,
    whatever the ``language``.

    Every problem is reported at once, each naming the entry (``threats[3] (id 'water').entities``).

    >>> load_strategies(language="fr").threat("food").name
    'Insécurité alimentaire et malnutrition'
    """
    if path is None:
        path = shipped_strategies_path(language)
    from humsec.core.files import read_config

    path = Path(path)
    return _parse(read_config(path, what="a strategies knowledge base (YAML)"), str(path))


def _parse(raw: Any, source: str) -> KnowledgeBase:
    problems: list[tuple[str, str]] = []
    if not isinstance(raw, Mapping):
        raise SpecError(
            [("(top level)", "expected a mapping with 'entities' and 'threats'")], source
        )
    entities = raw.get("entities")
    if not isinstance(entities, Mapping) or not entities:
        problems.append(("entities", "expected a mapping of entity ids to {name, mandate}"))
        entities = {}
    for eid, entry in entities.items():
        if not isinstance(entry, Mapping) or not all(
            isinstance(entry.get(f), str) and entry.get(f) for f in ("name", "mandate")
        ):
            problems.append((f"entities.{eid}", "expected {name: text, mandate: text}"))
        elif "short" in entry and not (isinstance(entry["short"], str) and entry["short"].strip()):
            problems.append(
                (
                    f"entities.{eid}.short",
                    f"expected a non-empty text (the abbreviation readers know), got {entry['short']!r}",
                )
            )
    threats_raw = raw.get("threats")
    if not isinstance(threats_raw, list) or not threats_raw:
        problems.append(("threats", "expected a non-empty list of threats"))
        threats_raw = []
    threats, seen = [], set()
    for i, entry in enumerate(threats_raw):
        tid = entry.get("id") if isinstance(entry, Mapping) else None
        where = f"threats[{i}]" + (f" (id {tid!r})" if tid else "")
        if not isinstance(entry, Mapping):
            problems.append((where, "expected a mapping"))
            continue
        known = {"id", "name", "security_dimension", "indicators", "keywords", *LIST_FIELDS}
        problems += [
            (f"{where}.{k}", f"unknown field; expected one of {sorted(known)}")
            for k in entry
            if k not in known
        ]
        if not isinstance(tid, str) or not tid.strip():
            problems.append((f"{where}.id", "required: a short identifier"))
        elif tid in seen:
            problems.append((f"{where}.id", "duplicate id"))
        seen.add(tid)
        if not isinstance(entry.get("name"), str) or not entry.get("name"):
            problems.append((f"{where}.name", "required: a readable name"))
        lists: dict[str, tuple[str, ...]] = {}
        for f in (*LIST_FIELDS, "indicators", "keywords"):
            value = entry.get(f, [] if f in ("indicators", "keywords") else None)
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                problems.append((f"{where}.{f}", f"expected a list of texts, got {value!r}"))
                value = []
            elif f in LIST_FIELDS and not value:
                problems.append((f"{where}.{f}", "must not be empty"))
            lists[f] = tuple(value)
        unknown = [e for e in lists["entities"] if e not in entities]
        if unknown:
            problems.append(
                (
                    f"{where}.entities",
                    f"unknown entity {unknown}; declare it under 'entities' (known: {sorted(entities)})",
                )
            )
        if not lists["indicators"] and not lists["keywords"]:
            problems.append((where, "needs 'indicators' or 'keywords' to be matched to data"))
        if not problems:
            threats.append(
                Threat(
                    str(tid), entry["name"], lists["drivers"], lists["protection"],
                    lists["empowerment"], lists["entities"], lists["indicators"],
                    lists["keywords"], str(entry.get("security_dimension", "")),
                )
            )  # fmt: skip
    if problems:
        raise SpecError(problems, source)
    return KnowledgeBase(tuple(threats), {k: dict(v) for k, v in entities.items()}, source)


# ---------------------------------------------------------------------------- proposals
@dataclass(frozen=True)
class Proposal:
    """One integrated response to a pair of interlinked threats."""

    row_id: str
    rank: int
    threats: tuple[str, str]
    names: tuple[str, str]
    strength: float  # the largest rate of co-occurrence among the pair's indicator pairs
    association: float  # the largest Cramér's V among them
    protection: tuple[str, ...]
    empowerment: tuple[str, ...]
    lead_entities: tuple[str, ...]  # mandated for both threats
    partner_entities: tuple[str, ...]  # mandated for one of them
    target_groups: tuple[str, ...]
    evidence: tuple[str, ...]  # result row ids


@dataclass
class ResponsePlan:
    proposals: list[Proposal]
    mapping: dict[str, str | None]
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """One row per proposal; list fields joined with ``"; "``, evidence ids with spaces."""
        rows = []
        for p in self.proposals:
            rows.append(
                {
                    "row_id": p.row_id,
                    "rank": p.rank,
                    "threat_a": p.threats[0],
                    "threat_b": p.threats[1],
                    "name_a": p.names[0],
                    "name_b": p.names[1],
                    "strength": p.strength,
                    "association": p.association,
                    "protection": "; ".join(p.protection),
                    "empowerment": "; ".join(p.empowerment),
                    "lead_entities": "; ".join(p.lead_entities),
                    "partner_entities": "; ".join(p.partner_entities),
                    "target_groups": "; ".join(p.target_groups),
                    "evidence": " ".join(p.evidence),
                }
            )
        return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def propose_responses(
    kb: KnowledgeBase,
    interlinkages: InterlinkageResult,
    left_behind: LeftBehindResult | None = None,
    *,
    mapping: Mapping[str, str] | None = None,
    version: str = "censored",
    k: float | None = None,
    time: str | None = None,
    strength: str = "joint",
    min_association: float = 0.05,
    top: int = 3,
    max_groups: int = 5,
) -> ResponsePlan:
    """Integrated responses for the ``top`` most widespread interlinked pairs of threats.

    ``mapping`` (indicator → threat id) overrides the knowledge base's matching. A pair of indicators
    counts when it is positively associated (φ > 0) with Cramér's V ≥ ``min_association``; a pair of
    threats is scored by the largest ``strength`` (``joint``, ``r0`` or ``cramers_v``) among its
    indicator pairs (default: latest round, the first censored k).
    """
    if strength not in ("joint", "r0", "cramers_v"):
        raise HumsecError(f"'strength' must be 'joint', 'r0' or 'cramers_v'. Got {strength!r}.")
    rows = interlinkages.select(version, k, time)
    names = list(dict.fromkeys([*rows["indicator_a"], *rows["indicator_b"]]))
    dims = interlinkages.dimensions
    threat_of: dict[str, str | None] = {n: kb.match(n, dims.get(n, "")) for n in names}
    for name, tid in (mapping or {}).items():
        kb.threat(tid)  # a clear error for an unknown threat id
        threat_of[name] = tid
    notes: list[str] = [  # marked: the report shows them in its language
        N_("indicator '%(name)s' matches no threat of %(source)s").fill(name=n, source=kb.source)
        for n, t in threat_of.items()
        if t is None
    ]
    rows = rows.assign(
        threat_a=rows["indicator_a"].map(threat_of), threat_b=rows["indicator_b"].map(threat_of)
    )
    linked = rows[
        rows["threat_a"].notna()
        & rows["threat_b"].notna()
        & (rows["threat_a"] != rows["threat_b"])
        & (rows["phi"] > 0)
        & (rows["cramers_v"] >= min_association)
    ].copy()
    order = {t.id: i for i, t in enumerate(kb.threats)}
    linked["key"] = [
        tuple(sorted((a, b), key=order.__getitem__))
        for a, b in zip(linked["threat_a"], linked["threat_b"], strict=True)
    ]
    scored = (
        linked.groupby("key")
        .agg(strength=(strength, "max"), association=("cramers_v", "max"))
        .sort_values(["strength", "association"], ascending=False)
        .head(top)
    )
    proposals = []
    for rank, (index, score) in enumerate(scored.iterrows(), start=1):
        key: tuple[str, str] = index  # type: ignore[assignment]  # the groupby key is a pair
        a, b = kb.threat(key[0]), kb.threat(key[1])
        evidence_rows = linked[linked["key"] == key].sort_values(strength, ascending=False)
        indicators = set(evidence_rows["indicator_a"]) | set(evidence_rows["indicator_b"])
        groups, group_ids = _target_groups(left_behind, indicators, max_groups)
        lead = tuple(e for e in a.entities if e in b.entities)
        partners = tuple(dict.fromkeys(e for e in (*a.entities, *b.entities) if e not in lead))
        proposals.append(
            Proposal(
                row_id=f"rs:{a.id}+{b.id}",
                rank=rank,
                threats=(a.id, b.id),
                names=(a.name, b.name),
                strength=float(score["strength"]),
                association=float(score["association"]),
                protection=a.protection + b.protection,
                empowerment=a.empowerment + b.empowerment,
                lead_entities=lead,
                partner_entities=partners,
                target_groups=groups,
                evidence=(*evidence_rows["row_id"], *group_ids),
            )
        )
    if not proposals:
        notes.append(N_("no positively associated pair of indicators links two different threats"))
    return ResponsePlan(proposals, threat_of, notes)


def _target_groups(
    lb: LeftBehindResult | None, indicators: set[str], limit: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Left-behind groups whose gap is in these indicators: a censored headcount found above the
    national level, or an M0 gap whose largest bottleneck is one of them (most people first)."""
    if lb is None:
        return (), ()
    found = lb.groups[lb.groups["left_behind"]]
    direct = found[(found["measure"] == "hdk") & found["indicator"].isin(indicators)]
    bn = lb.bottleneck_rows
    bn = bn[bn["left_behind"] & (bn["contribution"] > 0)]
    top_bn = bn.sort_values("contribution", ascending=False).drop_duplicates("parent_id")
    top_bn = top_bn[top_bn["indicator"].isin(indicators)]
    via_m0 = found[found["row_id"].isin(top_bn["parent_id"])]
    chosen = pd.concat([direct, via_m0]).sort_values("affected", ascending=False)
    chosen = chosen.drop_duplicates(["over", "group", "time"]).head(limit)
    labels = tuple(
        f"{o} = {g}" + (f" ({t})" if t else "")
        for o, g, t in zip(chosen["over"], chosen["group"], chosen["time"], strict=True)
    )
    ids = list(chosen["row_id"])
    ids += list(top_bn.loc[top_bn["parent_id"].isin(ids), "row_id"])
    return labels, tuple(ids)
