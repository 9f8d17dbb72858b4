"""The sensitivity class of a review's published tables and report.

A published table inherits the strictest class of the data files it was made from, unless the
review's disclosure control cleared it: tables of kind ``estimates`` and ``counts`` went through
the n and CV rules (:mod:`humsec.core.disclosure`), which exist to make such cells safe to
publish, so they are public. ``aggregates`` (area statistics passed through as their producer made
them) get no such test, so they keep the class of their inputs. The report shows every table, so
it is as strict as its strictest table.

Which files made which table follows the review file's structure: the survey sections read the
survey (data and spec), the area sections read the area files (a table keyed ``area_<id>`` only
its own file) and the boundaries, the responses section the needs, activities and funding files,
the outlook only data shipped with humsec; anything else (strategies, which draw on every
section) is treated as made from every input.

>>> tables = [{"key": "area_census", "section": "maps", "kind": "aggregates"},
...           {"key": "af_levels", "section": "profile", "kind": "estimates"}]
>>> inputs = {"census.csv": "confidential", "survey.dta": "strictly_confidential"}
>>> roles = {"area": {"census": "census.csv"}, "survey": ["survey.dta"]}
>>> [(t["key"], t["sensitivity"], t["cleared"]) for t in classify(tables, inputs, roles)]
[('area_census', 'confidential', False), ('af_levels', 'public', True)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from humsec_web.sharing.classes import strictest

CLEARED_KINDS = ("estimates", "counts")
SURVEY_SECTIONS = ("profile", "left-behind", "interlinkages")
AREA_SECTIONS = ("maps", "index", "area-links", "trends")
RESPONSE_SECTIONS = ("responses",)
SHIPPED_SECTIONS = ("outlook",)


def input_roles(spec: Any) -> dict[str, Any]:
    """File names of the review's inputs by what they are for (from a loaded review spec)."""
    roles: dict[str, Any] = {"survey": [], "area": {}, "boundaries": [], "responses": []}
    if spec.survey is not None:
        roles["survey"] = [spec.survey.spec_path.name, spec.survey.data_path.name]
    roles["area"] = {a.id: a.path.name for a in spec.areas}
    if not spec.builtin_boundaries:
        roles["boundaries"] = [str(spec.boundaries).rsplit("/", 1)[-1]]
    if spec.responses is not None:
        r = spec.responses
        roles["responses"] = [p.name for p in (r.needs, r.activities, r.funding) if p is not None]
    return roles


def _inputs_of(table: dict[str, Any], roles: dict[str, Any], every: Sequence[str]) -> list[str]:
    section, key = table["section"], table["key"]
    if section in SHIPPED_SECTIONS:
        return []
    if section in SURVEY_SECTIONS:
        return list(roles.get("survey", []))
    if section in RESPONSE_SECTIONS:
        return list(roles.get("responses", []))
    area: dict[str, str] = roles.get("area", {})
    own = [name for ident, name in area.items() if key == f"area_{ident}"]
    if section in AREA_SECTIONS or key.startswith("area_"):
        return own + list(roles.get("boundaries", [])) if own else [*area.values(), *roles.get("boundaries", [])]
    return list(every)


def classify(
    tables: Sequence[dict[str, Any]], classes: dict[str, str], roles: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each table (``key``, ``section``, ``kind``, ...) with ``inputs``, ``cleared`` and ``sensitivity``.

    ``classes`` maps each input file name to its sensitivity class.
    """
    out = []
    for table in tables:
        names = [n for n in _inputs_of(table, roles, list(classes)) if n in classes]
        cleared = table["kind"] in CLEARED_KINDS
        inherited = strictest(classes[n] for n in names)
        out.append({**table, "inputs": names, "cleared": cleared, "sensitivity": "public" if cleared else inherited})
    return out


def report_class(tables: Sequence[dict[str, Any]]) -> str:
    """The report shows every table: it is as strict as the strictest."""
    return strictest(t["sensitivity"] for t in tables)


def reclassify(version: Any) -> None:
    """Recompute a built version's table and report classes from its inputs' current terms
    (after an owner reclassified a dataset); the tables' provenance stored at build is kept."""
    from humsec_web.sharing.classes import UNCLASSIFIED

    classes = {f.name: (f.dataset.sensitivity if f.dataset else UNCLASSIFIED)
               for f in version.files.select_related("dataset") if f.kind == "data"}  # fmt: skip
    tables = [
        {**t, "sensitivity": "public" if t["cleared"] else strictest(classes.get(n, UNCLASSIFIED) for n in t["inputs"])}
        for t in version.table_classes or []
    ]
    version.table_classes = tables
    version.report_sensitivity = report_class(tables)
    version.save(update_fields=["table_classes", "report_sensitivity"])
