"""The review file (``humsec review REVIEW.yaml``): parsed and checked before any work starts.

Every problem is collected (missing files, missing columns, unknown data set ids, area codes that
have no boundary) and raised at once as one :class:`~humsec.core.errors.SpecError` whose lines name
the field (``area_data[1] (census).indicators``), so a review file is fixed in one pass.

Paths are relative to the review file's folder; ``humsec:NAME`` names a file shipped with humsec
(``humsec/datasets/data/NAME``). See ``docs/review.md`` ("The report") for every key.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "r.yaml").write_text("title: t\\nboundaries: KEN-adm1\\narea_data:\\n"
...                                "  - {id: a, file: missing.csv, area: code}\\n")
>>> load_review(d / "r.yaml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
humsec.core.errors.SpecError: 2 problem(s) in the specification in .../r.yaml:
  - area_data[0] (a).indicators: list the indicator columns (column: label)
  - area_data[0] (a).file: file not found: .../missing.csv
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.disclosure import DisclosureRules
from humsec.core.errors import HumsecError, SpecError
from humsec.core.i18n import LANGUAGES, N_, language_code
from humsec.datasets import data_path
from humsec.datasets.places import BUILTIN_BOUNDARIES, load_boundaries, suggest_names

__all__ = [
    "AreaDataset",
    "DistrictPart",
    "HazardPart",
    "MapSpec",
    "ResponsesPart",
    "ReviewSpec",
    "SurveyPart",
    "VoicePart",
    "load_review",
    "read_table",
    "sha256_of",
]

TOP_KEYS = {
    "title", "country", "boundaries", "disclosure", "survey", "area_data", "maps", "area_links",
    "index", "trends", "early_warning", "responses", "strategies", "level", "hazard", "voice",
    "district_estimates", "language",
}  # fmt: skip
LB_KEYS = {"by", "depth", "measures", "min_n", "fdr"}
BOUNDARY_KEYS = {"name", "file", "key", "names"}
VOICE_KEYS = {
    "name",
    "form",
    "data",
    "indicators",
    "over",
    "weight",
    "strata",
    "psu",
    "nest",
    "compare",
    "note",
}
VOICE_COMPARE_KEYS = {"indicator", "measure", "over", "k", "higher_is_worse"}


@dataclass(frozen=True)
class AreaDataset:
    """One table of area indicators (one row per area, or per area × time when ``time`` is set)."""

    id: str
    path: Path
    area: str
    indicators: dict[str, str]  # column -> label
    name: str | None = None
    time: str | None = None
    filter: dict[str, Any] = field(default_factory=dict)
    population: str | None = None
    source: str = ""
    skiprows: tuple[int, ...] = ()


@dataclass(frozen=True)
class SurveyPart:
    name: str
    spec_path: Path
    data_path: Path
    over: tuple[str, ...]
    k: float | None
    left_behind: dict[str, Any]
    note: str = ""


@dataclass(frozen=True)
class VoicePart:
    """People's own voice: a Kobo/ODK form, its export, perception indicators by area (``over``) and,
    optionally, one indicator set against an AF measure of the survey section (``compare``)."""

    name: str
    form: Path
    data: Path
    indicators: Path
    over: str
    design: dict[str, Any] = field(default_factory=dict)  # weight, strata, psu, nest
    compare: dict[str, Any] = field(
        default_factory=dict
    )  # indicator, measure, over, k, higher_is_worse
    note: str = ""


@dataclass(frozen=True)
class MapSpec:
    data: str
    indicator: str
    title: str


@dataclass(frozen=True)
class ResponsesPart:
    needs: Path
    activities: Path
    activity_columns: dict[str, str]
    needs_columns: dict[str, str]
    note: str = ""
    funding: Path | None = None


@dataclass(frozen=True)
class HazardPart:
    """The hazard outlook: an IPC file scored from ``test_from`` on, and optional trigger rules."""

    ipc: Path
    test_from: str  # YYYY-MM: the first month whose current analyses are scored
    triggers: Path | None = None
    level: int | None = None  # keep one admin level of the IPC file (HAPI has 0, 1 and 2)


@dataclass(frozen=True)
class DistrictPart:
    """District estimates: a Fay-Herriot model of one area indicator (DATASET.COLUMN) on area
    covariates, with the direct estimates' sampling variances given as a column or assumed."""

    estimate: str  # DATASET.COLUMN of the direct estimates (empty cells: areas out of sample)
    covariates: tuple[str, ...]  # DATASET.COLUMN each
    variance: str | None = None  # DATASET.COLUMN of the sampling variances, on the estimate's scale
    design_effect: float | None = None  # with sample_size, instead of variance: v = deff p(1-p)/n
    sample_size: float | None = None
    scale: float = 1.0  # 100 when the estimates are percentages
    method: str = "reml"
    transform: str = "none"  # none | log | arcsin
    title: str = ""
    note: str = ""


@dataclass
class ReviewSpec:
    """A checked review file."""

    title: str
    source: Path
    country: str = ""
    language: str = "en"  # of the report's text (humsec.core.i18n.LANGUAGES)
    boundaries: str = "KEN-adm1"
    boundary_key: str = "adm1_pcode"
    #: the area names or codes of the user's tables that differ from the boundaries' key -> that key
    area_names: dict[str, str] = field(default_factory=dict)
    no_boundary: set[str] = field(default_factory=set)  # names the user says have no feature
    rules: DisclosureRules = field(default_factory=DisclosureRules)
    level: float = 0.95
    survey: SurveyPart | None = None
    areas: list[AreaDataset] = field(default_factory=list)
    maps: list[MapSpec] = field(default_factory=list)
    area_links: dict[str, Any] = field(default_factory=dict)
    index: dict[str, Any] | None = None
    trends: dict[str, Any] | None = None
    early_warning: dict[str, Any] | None = None
    responses: ResponsesPart | None = None
    strategies: dict[str, Any] = field(default_factory=dict)
    hazard: HazardPart | None = None
    voice: VoicePart | None = None
    districts: DistrictPart | None = None

    @property
    def builtin_boundaries(self) -> bool:
        """Whether the boundaries are a set shipped with humsec (else the user's file)."""
        return self.boundaries in BUILTIN_BOUNDARIES

    @property
    def boundaries_label(self) -> str:
        """The boundaries as a reader should see them: a built-in set's name, a user's file name."""
        return self.boundaries if self.builtin_boundaries else Path(self.boundaries).name

    def area(self, dataset_id: str) -> AreaDataset:
        return next(a for a in self.areas if a.id == dataset_id)

    def inputs(self) -> list[tuple[str, Path]]:
        """Every data file the review reads (for the data-sources section and its hashes); what
        each is, marked for translation (:class:`humsec.core.i18n.Marked`)."""
        out: list[tuple[str, Path]] = []
        if self.survey:
            out += [(N_("survey specification"), self.survey.spec_path)]
            out += [(N_("survey microdata: %(name)s").fill(name=self.survey.name), self.survey.data_path)]
        out += [(N_("area data '%(id)s': %(source)s").fill(id=a.id, source=a.source), a.path) for a in self.areas]
        if not self.builtin_boundaries:
            out += [(N_("boundaries"), Path(self.boundaries))]
        if self.responses:
            out += [(N_("needs (responses)"), self.responses.needs)]
            out += [(N_("activities (responses)"), self.responses.activities)]
            if self.responses.funding:
                out += [(N_("funding (responses)"), self.responses.funding)]
        if self.hazard:
            out += [(N_("IPC analyses (hazard outlook)"), self.hazard.ipc)]
            if self.hazard.triggers:
                out += [(N_("trigger rules (hazard outlook)"), self.hazard.triggers)]
        if self.voice:
            out += [(N_("questionnaire (voice)"), self.voice.form),
                    (N_("survey export (voice): %(name)s").fill(name=self.voice.name), self.voice.data),
                    (N_("perception indicators (voice)"), self.voice.indicators)]  # fmt: skip
        return out


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_table(
    path: Path, skiprows: tuple[int, ...] = (), nrows: int | None = None
) -> pd.DataFrame:
    """A CSV (optionally gzipped) or Excel table as strings-kept pandas (area codes stay text)."""
    suffixes = "".join(path.suffixes).lower()
    if suffixes.endswith((".xlsx", ".xls")):
        return pd.read_excel(path, skiprows=list(skiprows) or None, nrows=nrows)
    return pd.read_csv(path, skiprows=list(skiprows) or None, nrows=nrows, low_memory=False)


# ---------------------------------------------------------------------------- parsing
class _Checker:
    """Collects (field, message) problems while the review file is read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[tuple[str, str]] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append((where, message))

    def path(self, raw: Any, where: str) -> Path | None:
        if not isinstance(raw, str) or not raw.strip():
            self.add(where, f"expected a file path (or humsec:NAME); got {raw!r}")
            return None
        p = data_path(raw[len("humsec:") :]) if raw.startswith("humsec:") else self.folder / raw
        if not p.is_file():
            self.add(where, f"file not found: {p}")
            return None
        return p

    def mapping(self, raw: Any, where: str) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(where, f"expected a mapping; got {type(raw).__name__}")
            return {}
        return raw

    def columns(self, have: list[str], wanted: list[str], where: str, what: str) -> None:
        from humsec.core.errors import ColumnNotFoundError

        missing = [c for c in wanted if c not in have]
        if missing:
            msg = str(ColumnNotFoundError(missing, have, what))
            self.add(where, msg)


def load_review(path: str | Path) -> ReviewSpec:
    """Read and check a review file; raises one :class:`SpecError` listing every problem."""
    from humsec.core.files import read_config

    path = Path(path)
    raw = read_config(path, what="a review file (YAML)")
    if not isinstance(raw, dict):
        raise SpecError([("(file)", "expected a mapping of review sections")], str(path))
    chk = _Checker(path.parent)
    for key in sorted(set(raw) - TOP_KEYS):
        chk.add(key, f"unknown section; expected one of {sorted(TOP_KEYS)}")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        chk.add("title", "a title (text) is required")
        title = ""
    spec = ReviewSpec(title=title, source=path, country=str(raw.get("country", "")))
    language = raw.get("language", "en")
    if isinstance(language, str):
        language = language_code(language)  # as --lang: "FR" is fr
    if not isinstance(language, str) or language not in LANGUAGES:
        chk.add("language", f"expected one of {', '.join(LANGUAGES)} ({', '.join(v.name for v in LANGUAGES.values())}); got {language!r}")
    else:
        spec.language = language
    spec.rules = _rules(raw.get("disclosure"), chk)
    level = raw.get("level", 0.95)
    if not isinstance(level, (int, float)) or not 0 < float(level) < 1:
        chk.add("level", f"the confidence level must be in (0, 1); got {level!r}")
    else:
        spec.level = float(level)
    codes = _boundaries(raw.get("boundaries"), spec, chk)
    if "survey" in raw:
        spec.survey = _survey(chk.mapping(raw["survey"], "survey"), chk)
    tables: dict[str, pd.DataFrame] = {}
    for i, item in enumerate(raw.get("area_data") or []):
        ds, table = _area(item, i, chk, codes, spec)
        if ds is not None:
            if ds.id in tables or any(a.id == ds.id for a in spec.areas):
                chk.add(f"area_data[{i}].id", f"duplicate id {ds.id!r}")
            spec.areas.append(ds)
            if table is not None:
                tables[ds.id] = table
    if "survey" not in raw and not raw.get("area_data") and "voice" not in raw:
        chk.add("survey / area_data", "a review needs survey microdata, area data, or both")
    spec.maps = _maps(raw.get("maps") or [], spec, tables, chk)
    spec.area_links = _area_refs(raw.get("area_links"), "area_links", spec, tables, chk)
    if raw.get("index") is not None:
        spec.index = _area_refs(raw.get("index"), "index", spec, tables, chk)
        if not isinstance(spec.index.get("model"), dict):
            chk.add("index.model", "an index model (mapping with root and nodes) is required")
    if raw.get("trends") is not None:
        spec.trends = _area_refs(raw.get("trends"), "trends", spec, tables, chk)
    if raw.get("early_warning") is not None:
        spec.early_warning = _early_warning(
            chk.mapping(raw["early_warning"], "early_warning"), path, chk
        )
    if raw.get("responses") is not None:
        spec.responses = _responses(chk.mapping(raw["responses"], "responses"), chk, codes, spec)
    spec.strategies = chk.mapping(raw.get("strategies"), "strategies")
    if raw.get("hazard") is not None:
        spec.hazard = _hazard(chk.mapping(raw["hazard"], "hazard"), chk)
    if raw.get("voice") is not None:
        spec.voice = _voice(chk.mapping(raw["voice"], "voice"), chk, spec.survey)
    if raw.get("district_estimates") is not None:
        block = chk.mapping(raw["district_estimates"], "district_estimates")
        spec.districts = _districts(block, spec, tables, chk)
    if chk.problems:
        raise SpecError(chk.problems, str(path))
    return spec


def _early_warning(block: dict[str, Any], path: Path, chk: _Checker) -> dict[str, Any]:
    """The outlook block with its data path resolved beside the review file, checked now (before
    any work) when the early-warning module is there."""
    try:
        from humsec.warn.outlook import check_config
    except ImportError:  # the report says the section is left out
        return block
    data = block.get("data")
    if isinstance(data, str) and not data.startswith("humsec:"):
        block = {**block, "data": str(path.parent / data)}
    for where, message in check_config(block):
        chk.add(where, message)
    return block


DISTRICT_KEYS = {"estimate", "covariates", "variance", "scale", "method", "transform", "title", "note"}


def _districts(
    d: dict[str, Any], spec: ReviewSpec, tables: dict[str, pd.DataFrame], chk: _Checker
) -> DistrictPart | None:
    """The ``district_estimates:`` block: every reference a column of a declared area data set."""
    where = "district_estimates"
    for key in sorted(set(d) - DISTRICT_KEYS):
        chk.add(where, f"unknown key {key!r}; expected {sorted(DISTRICT_KEYS)}")
    ok = _indicator_ok(d.get("estimate"), f"{where}.estimate", spec, tables, chk)
    covariates = d.get("covariates")
    if not isinstance(covariates, list) or not covariates:
        chk.add(f"{where}.covariates", f"a list of DATASET.COLUMN area covariates; got {covariates!r}")
        covariates = []
    for i, ref in enumerate(covariates):
        ok = _indicator_ok(ref, f"{where}.covariates[{i}]", spec, tables, chk) and ok
    variance, deff, n = d.get("variance"), None, None
    if isinstance(variance, dict):
        deff, n = variance.get("design_effect"), variance.get("sample_size")
        extra = sorted(set(variance) - {"design_effect", "sample_size"})
        good = all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < float("inf") for v in (deff, n)
        )
        if extra or not good:
            chk.add(
                f"{where}.variance",
                "a DATASET.COLUMN of sampling variances, or {design_effect: D, sample_size: N} (both finite, > 0) "
                f"to assume v = D p(1-p)/N for a proportion p; got {variance!r}",
            )
            ok = False
        variance = None
    elif not _indicator_ok(variance, f"{where}.variance", spec, tables, chk):
        ok = False
    scale = d.get("scale", 1)
    if scale not in (1, 100) or isinstance(scale, bool):
        chk.add(f"{where}.scale", f"1 (shares or means) or 100 (percentages); got {scale!r}")
        ok = False
    method, transform = d.get("method", "reml"), d.get("transform", "none")
    if method not in ("reml", "ml", "fh"):
        chk.add(f"{where}.method", f"one of reml, ml, fh (the variance estimator); got {method!r}")
        ok = False
    if transform not in ("none", "log", "arcsin"):
        chk.add(f"{where}.transform", f"one of none, log, arcsin; got {transform!r}")
        ok = False
    if not ok:
        return None
    return DistrictPart(
        estimate=str(d["estimate"]), covariates=tuple(str(c) for c in covariates),
        variance=None if variance is None else str(variance),
        design_effect=None if deff is None else float(deff), sample_size=None if n is None else float(n),
        scale=float(scale), method=str(method), transform=str(transform),
        title=str(d.get("title") or ""), note=str(d.get("note") or ""),
    )  # fmt: skip


HAZARD_KEYS = {"ipc", "test_from", "triggers", "level"}


def _hazard(d: dict[str, Any], chk: _Checker) -> HazardPart | None:
    """The ``hazard:`` block, its IPC file and rule file read now, so that a bad one stops the
    review before any work (the files are read again, quickly, when the section is built)."""
    import re

    from humsec.hazard.ipc import read_ipc
    from humsec.hazard.triggers import TriggerSet

    for key in sorted(set(d) - HAZARD_KEYS):
        chk.add("hazard", f"unknown key {key!r}; expected {sorted(HAZARD_KEYS)}")
    ipc = chk.path(d.get("ipc"), "hazard.ipc")
    test_from = d.get("test_from")
    if not isinstance(test_from, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", test_from):
        chk.add(
            "hazard.test_from",
            f"the first month to score, as text YYYY-MM (e.g. '2021-01'); got {test_from!r}",
        )
        test_from = None
    level = d.get("level")
    if level is not None and (isinstance(level, bool) or level not in (0, 1, 2)):
        chk.add("hazard.level", f"an admin level 0, 1 or 2; got {level!r}")
        level = None
    triggers = chk.path(d["triggers"], "hazard.triggers") if d.get("triggers") is not None else None
    if triggers is not None:
        try:
            TriggerSet.from_yaml(triggers)
        except SpecError as exc:
            for where, message in exc.problems:
                chk.add(f"hazard.triggers ({triggers.name}).{where}", message)
        except HumsecError as exc:
            chk.add("hazard.triggers", str(exc))
    if ipc is not None:
        try:
            frame = read_ipc(ipc, level=level).frame
        except HumsecError as exc:
            chk.add("hazard.ipc", str(exc))
        else:
            # the back-test needs current analyses on both sides of test_from
            months = sorted({str(m) for m in frame.loc[frame["ipc_type"] == "current", "issued"]})
            if test_from is not None and not (months and months[0] < test_from <= months[-1]):
                chk.add(
                    "hazard.test_from",
                    f"{test_from} leaves no current analysis to score with an earlier one to forecast "
                    f"it from: {ipc.name} has current analyses published in {months}",
                )
    if ipc is None or test_from is None:
        return None
    return HazardPart(ipc, test_from, triggers, level)


def _rules(raw: Any, chk: _Checker) -> DisclosureRules:
    d = chk.mapping(raw, "disclosure")
    unknown = set(d) - {"min_n", "flag_n", "max_cv", "flag_cv"}
    if unknown:
        chk.add(
            "disclosure",
            f"unknown key(s) {sorted(unknown)}; expected min_n, flag_n, max_cv, flag_cv",
        )
    try:
        return DisclosureRules(**{k: v for k, v in d.items() if k not in unknown})
    except (HumsecError, TypeError) as exc:
        chk.add("disclosure", str(exc))
        return DisclosureRules()


def _boundaries(raw: Any, spec: ReviewSpec, chk: _Checker) -> set[str] | None:
    b = chk.mapping(raw, "boundaries") if not isinstance(raw, str) else {"name": raw}
    if set(b) - BOUNDARY_KEYS:
        chk.add(
            "boundaries",
            f"unknown key(s) {sorted(set(b) - BOUNDARY_KEYS)}; expected {sorted(BOUNDARY_KEYS)}",
        )
    names = chk.mapping(b.get("names"), "boundaries.names")
    # a name mapped to nothing (null) has no boundary feature: kept in tables, left off the maps
    spec.area_names = {str(k).strip(): str(v).strip() for k, v in names.items() if v is not None}
    spec.no_boundary = {str(k).strip() for k, v in names.items() if v is None}
    name = b.get("name") or b.get("file")
    if not name:
        chk.add(
            "boundaries",
            f"name a built-in boundary set {sorted(BUILTIN_BOUNDARIES)} or a GeoJSON file",
        )
        return None
    if name not in BUILTIN_BOUNDARIES:
        p = chk.path(name, "boundaries.file")
        if p is None:
            return None
        name = str(p)
    default_key = BUILTIN_BOUNDARIES.get(str(name), ("", "adm1_pcode"))[1]
    spec.boundaries, spec.boundary_key = str(name), str(b.get("key", default_key))
    try:
        geo = load_boundaries(name)
    except HumsecError as exc:
        chk.add("boundaries", str(exc))
        return None
    codes = {str(f.get("properties", {}).get(spec.boundary_key)) for f in geo["features"]}
    if codes == {"None"}:
        chk.add("boundaries.key", f"no feature has the property {spec.boundary_key!r}")
        return None
    wrong = sorted(v for v in set(spec.area_names.values()) if v not in codes)
    if wrong:
        chk.add(
            "boundaries.names",
            f"{len(wrong)} name(s) mapped to no feature of {spec.boundaries_label} "
            f"(property {spec.boundary_key!r}): {_with_hints(wrong, codes)}",
        )
    return codes


def _with_hints(values: list[str], codes: set[str], limit: int = 10) -> str:
    """``['Bukwo' (did you mean 'Bukwa'?), 'XX1']``: each value with the nearest boundary name."""
    shown = []
    for v in values[:limit]:
        near = suggest_names(v, sorted(codes))
        shown.append(f"{v!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    return "[" + ", ".join(shown) + "]" + (" ..." if len(values) > limit else "")


def _unmapped(present: set[str], codes: set[str], spec: ReviewSpec, mappable: bool) -> str:
    """The message for area codes or names that have no boundary feature (empty if none)."""
    unmapped = sorted(present - codes - spec.no_boundary)
    if not unmapped:
        return ""
    # the first line keeps the plain list (scripts grep it); the hints and the remedy follow
    message = (
        f"{len(unmapped)} area(s) without boundaries in {spec.boundaries_label}: "
        f"{unmapped[:10]}{' ...' if len(unmapped) > 10 else ''}; nearest: {_with_hints(unmapped, codes)}"
    )
    if mappable:
        example = {v: (suggest_names(v, sorted(codes)) or ["..."])[0] for v in unmapped[:2]}
        message += (
            f"; map them to the boundaries' {spec.boundary_key!r} with boundaries: {{names: {example}}}"
            " (null: no feature, left off the maps)"
        )
    return message


def _survey(d: dict[str, Any], chk: _Checker) -> SurveyPart | None:
    from humsec.af.spec import AFSpec

    spec_path = chk.path(d.get("spec"), "survey.spec")
    data = chk.path(d.get("data"), "survey.data")
    over = d.get("over") or []
    lb = chk.mapping(d.get("left_behind"), "survey.left_behind")
    for key in sorted(set(lb) - LB_KEYS):
        chk.add("survey.left_behind", f"unknown key {key!r}; expected {sorted(LB_KEYS)}")
    k = d.get("k")
    if k is not None and not isinstance(k, (int, float)):
        chk.add("survey.k", f"one poverty cutoff in percent; got {k!r}")
        k = None
    if spec_path is None or data is None:
        return None
    try:
        af = AFSpec.from_file(spec_path)
    except HumsecError as exc:
        chk.add("survey.spec", str(exc))
        return None
    have = _header(data, chk, "survey.data")
    if have is not None:
        chk.columns(have, list(dict.fromkeys([*af.columns(), *over])), "survey.over", str(data))
        chk.columns(
            have, [c for c in lb.get("by", []) if c not in over], "survey.left_behind.by", str(data)
        )
    if k is not None and float(k) not in af.k:
        chk.add("survey.k", f"k = {k} is not among the specification's cutoffs {list(af.k)}")
    return SurveyPart(
        name=str(d.get("name", data.name)),
        spec_path=spec_path,
        data_path=data,
        over=tuple(over),
        k=None if k is None else float(k),
        left_behind=lb,
        note=str(d.get("note", "")),
    )


def _header(path: Path, chk: _Checker, where: str) -> list[str] | None:
    try:
        if "".join(path.suffixes).lower().endswith((".csv", ".csv.gz")):
            return [str(c) for c in pd.read_csv(path, nrows=0).columns]
        from humsec.core.survey import read_survey

        return [str(c) for c in read_survey(path).frame.columns]
    except (OSError, ValueError) as exc:
        chk.add(where, f"cannot read {path}: {exc}")
        return None


def _area(
    item: Any, i: int, chk: _Checker, codes: set[str] | None, spec: ReviewSpec
) -> tuple[AreaDataset | None, pd.DataFrame | None]:
    d = chk.mapping(item, f"area_data[{i}]")
    ds_id = str(d.get("id", ""))
    where = f"area_data[{i}] ({ds_id})"
    if not ds_id:
        chk.add(f"area_data[{i}].id", "each area data set needs an id")
    area = d.get("area")
    if not isinstance(area, str):
        chk.add(f"{where}.area", "the column holding the area codes is required")
    indicators = d.get("indicators") or {}
    if isinstance(indicators, list):
        indicators = {c: c for c in indicators}
    if not isinstance(indicators, dict) or not indicators:
        chk.add(f"{where}.indicators", "list the indicator columns (column: label)")
        indicators = {}
    skip = tuple(int(r) for r in d.get("skiprows", []))
    path = chk.path(d.get("file"), f"{where}.file")
    if path is None or not isinstance(area, str) or not ds_id:
        return None, None
    try:
        table = read_table(path, skip)
    except (OSError, ValueError) as exc:
        chk.add(f"{where}.file", f"cannot read {path}: {exc}")
        return None, None
    have = [str(c) for c in table.columns]
    flt = chk.mapping(d.get("filter"), f"{where}.filter")
    for key, col in (
        ("area", area),
        ("name", d.get("name")),
        ("time", d.get("time")),
        ("population", d.get("population")),
    ):
        if col is not None:
            chk.columns(have, [str(col)], f"{where}.{key}", str(path))
    chk.columns(have, list(indicators), f"{where}.indicators", str(path))
    chk.columns(have, list(flt), f"{where}.filter", str(path))
    if codes is not None and area in have:
        present = set(table[area].dropna().astype(str).str.strip().replace(spec.area_names))
        message = _unmapped(present, codes, spec, mappable=True)
        if message:
            chk.add(f"{where}.area", message)
    ds = AreaDataset(
        id=ds_id,
        path=path,
        area=area,
        indicators={str(k): str(v) for k, v in indicators.items()},
        name=d.get("name"),
        time=d.get("time"),
        filter=flt,
        population=d.get("population"),
        source=str(d.get("source", path.name)),
        skiprows=skip,
    )
    return ds, table


def _indicator_ok(
    ref: Any, where: str, spec: ReviewSpec, tables: dict[str, pd.DataFrame], chk: _Checker
) -> bool:
    """``dataset.column``: a known data set and one of its columns."""
    if not isinstance(ref, str) or "." not in ref:
        chk.add(
            where, f"expected DATASET.COLUMN (e.g. kihbs.poverty_headcount_pct_2016); got {ref!r}"
        )
        return False
    ds_id, col = ref.split(".", 1)
    ids = [a.id for a in spec.areas]
    if ds_id not in ids:
        chk.add(where, f"unknown area data set {ds_id!r}; the review has {ids}")
        return False
    if ds_id in tables:
        chk.columns(
            [str(c) for c in tables[ds_id].columns], [col], where, str(spec.area(ds_id).path)
        )
    return True


def _maps(
    raw: Any, spec: ReviewSpec, tables: dict[str, pd.DataFrame], chk: _Checker
) -> list[MapSpec]:
    out = []
    for i, m in enumerate(raw if isinstance(raw, list) else []):
        d = chk.mapping(m, f"maps[{i}]")
        ref = d.get("indicator")
        if _indicator_ok(ref, f"maps[{i}].indicator", spec, tables, chk):
            ds_id, col = str(ref).split(".", 1)
            label = spec.area(ds_id).indicators.get(col, col)
            out.append(MapSpec(ds_id, col, str(d.get("title", label))))
    return out


def _area_refs(
    raw: Any, where: str, spec: ReviewSpec, tables: dict[str, pd.DataFrame], chk: _Checker
) -> dict[str, Any]:
    d = dict(chk.mapping(raw, where))
    for i, ref in enumerate(d.get("indicators", [])):
        _indicator_ok(ref, f"{where}.indicators[{i}]", spec, tables, chk)
    if "indicator" in d:
        _indicator_ok(d["indicator"], f"{where}.indicator", spec, tables, chk)
    if where == "index" and isinstance(d.get("model"), dict):
        for leaf in _leaves(d["model"]):
            _indicator_ok(leaf, f"index.model leaf {leaf!r}", spec, tables, chk)
    return d


def _leaves(model: dict[str, Any]) -> list[str]:
    nodes = model.get("nodes") or {}
    children = [c for n in nodes.values() if isinstance(n, dict) for c in n.get("children", [])]
    return [c for c in dict.fromkeys(children) if c not in nodes]


def _responses(
    d: dict[str, Any], chk: _Checker, codes: set[str] | None, spec: ReviewSpec
) -> ResponsesPart | None:
    needs = chk.path(d.get("needs"), "responses.needs")
    acts = chk.path(d.get("activities"), "responses.activities")
    cols = {
        str(k): str(v)
        for k, v in chk.mapping(d.get("activity_columns"), "responses.activity_columns").items()
    }
    needs_cols = {
        str(k): str(v)
        for k, v in chk.mapping(d.get("needs_columns"), "responses.needs_columns").items()
    }
    funding = chk.path(d["funding"], "responses.funding") if d.get("funding") else None
    if acts is not None and cols:
        table = read_table(acts)
        have = [str(c) for c in table.columns]
        chk.columns(have, list(cols.values()), "responses.activity_columns", str(acts))
        area = cols.get("area")
        if codes is not None and area in have:
            # the response tables are matched by code as they are (boundaries.names is for area_data)
            message = _unmapped(set(table[area].dropna().astype(str)), codes, spec, mappable=False)
            if message:
                chk.add("responses.activity_columns.area", message)
    if needs is None or acts is None:
        return None
    return ResponsesPart(needs, acts, cols, needs_cols, str(d.get("note", "")), funding)


def _voice(d: dict[str, Any], chk: _Checker, survey: SurveyPart | None) -> VoicePart | None:
    """The ``voice:`` block: the form, its export and the indicators are read now, so that a question
    or option the form lacks, or a column the export lacks, is said before any work starts."""
    from humsec.voice import PerceptionSpec, read_form

    for key in sorted(set(d) - VOICE_KEYS):
        chk.add("voice", f"unknown key {key!r}; expected {sorted(VOICE_KEYS)}")
    form_path = chk.path(d.get("form"), "voice.form")
    data = chk.path(d.get("data"), "voice.data")
    ind_path = chk.path(d.get("indicators"), "voice.indicators")
    over = d.get("over")
    if not isinstance(over, str) or not over.strip():
        chk.add(
            "voice.over",
            f"the export's column of areas (one column name) is required; got {over!r}",
        )
        over = None
    design = {k: d[k] for k in ("weight", "strata", "psu") if d.get(k) is not None}
    for key, value in design.items():
        if not isinstance(value, str):
            chk.add(f"voice.{key}", f"expected one column name; got {value!r}")
    if not isinstance(d.get("nest", False), bool):
        chk.add("voice.nest", f"expected true or false; got {d.get('nest')!r}")
    compare = chk.mapping(d.get("compare"), "voice.compare")
    for key in sorted(set(compare) - VOICE_COMPARE_KEYS):
        chk.add("voice.compare", f"unknown key {key!r}; expected {sorted(VOICE_COMPARE_KEYS)}")
    if compare:
        for key in ("indicator", "measure", "over"):
            if not isinstance(compare.get(key), str):
                chk.add(f"voice.compare.{key}", f"one name is required; got {compare.get(key)!r}")
        if survey is None:
            chk.add(
                "voice.compare", "an AF measure to compare with needs the review's survey: block"
            )
        elif isinstance(compare.get("over"), str) and compare["over"] not in survey.over:
            chk.add(
                "voice.compare.over",
                f"{compare['over']!r} is not among survey.over {list(survey.over)}",
            )
        if compare.get("k") is not None and not isinstance(compare["k"], (int, float)):
            chk.add("voice.compare.k", f"one poverty cutoff in percent; got {compare['k']!r}")
    indicators = None
    if ind_path is not None:
        try:
            indicators = PerceptionSpec.from_yaml(ind_path)
        except SpecError as exc:
            for where, message in exc.problems:
                chk.add(f"voice.indicators ({ind_path.name}) {where}", message)
        except (HumsecError, ValueError) as exc:
            chk.add("voice.indicators", f"cannot read {ind_path}: {exc}")
    name = compare.get("indicator")
    if (
        indicators is not None
        and isinstance(name, str)
        and name not in indicators.indicators
        and name not in indicators.indices
    ):
        known = [*indicators.indicators, *indicators.indices]
        chk.add(
            "voice.compare.indicator",
            f"{name!r} is neither an indicator nor an index of {ind_path}; it has {known}",
        )
    if form_path is not None and indicators is not None:
        try:
            form = read_form(form_path)
        except (HumsecError, OSError, ValueError) as exc:
            chk.add("voice.form", f"cannot read {form_path}: {exc}")
        else:
            for ind in indicators.indicators.values():
                if ind.question not in form.questions:
                    chk.add(f"voice.indicators ({ind_path.name if ind_path else ''}) indicators.{ind.name}",
                            f"question {ind.question!r} is not in the form {form_path.name}")  # fmt: skip
    if data is not None:
        have = _header(data, chk, "voice.data")
        if have is not None:  # Kobo's group paths (grp/q) are read as the bare question name
            have = list(dict.fromkeys([*have, *(c.replace(".", "/").split("/")[-1] for c in have)]))
            if over is not None:
                chk.columns(have, [over], "voice.over", str(data))
            for key, value in design.items():
                if isinstance(value, str):
                    chk.columns(have, [value], f"voice.{key}", str(data))
    if form_path is None or data is None or ind_path is None or over is None:
        return None
    return VoicePart(
        name=str(d.get("name", data.name)), form=form_path, data=data, indicators=ind_path, over=over,
        design={**design, "nest": bool(d.get("nest", False))}, compare=dict(compare), note=str(d.get("note", "")),
    )  # fmt: skip
