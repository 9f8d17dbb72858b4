"""Build a Human Security Review from a checked review file: run the analyses, publish their tables
through disclosure control, draw the charts and maps from the published tables only, and write the
executive summary with every number linked to the result row it comes from.

The microdata are read here, handed to the estimators, and dropped: sections hold
:class:`~humsec.review.publish.Published` tables, chart SVGs and text, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from humsec.core.i18n import N_, Translator, using
from humsec.review.actions import ActionSections
from humsec.review.base import Review, Section, cite, fmt_value, row_anchor
from humsec.review.district_section import DistrictSections
from humsec.review.hazard_section import HazardSections
from humsec.review.spec import ReviewSpec
from humsec.review.survey import SurveySections
from humsec.review.voice_section import VoiceSections

__all__ = ["Review", "Section", "build_review", "cite", "fmt_value", "row_anchor"]


# ---------------------------------------------------------------------------- the build
def build_review(
    spec: ReviewSpec, progress: Callable[[str], None] | None = None, tr: Translator | None = None
) -> Review:
    """Run every section the review file asks for (see :func:`humsec.review.spec.load_review`),
    its sentences in the language of ``tr`` (default: the review file's ``language``)."""
    say = progress or (lambda _m: None)
    b = _Builder(spec, tr)
    with using(b.tr):  # cited numbers formatted as the report's language writes them
        return _build(b, spec, say)


def _build(b: _Builder, spec: ReviewSpec, say: Callable[[str], None]) -> Review:
    if spec.survey is not None:
        say("survey: Alkire-Foster profile, interlinkages, who is left behind")
        b.survey_sections()
    if spec.voice is not None:
        say("what people say: perception indicators by area")
        b.voice_section()
    if spec.areas:
        say("area data: maps, area links, risk index and trends")
        b.area_sections()
    if spec.districts is not None:
        say("district estimates: Fay-Herriot model of the area indicator")
        b.district_estimates()
    if spec.early_warning:
        say("early-warning outlook: fitting the forecast model (the longest step)")
    b.early_warning()
    if spec.hazard is not None:
        say("hazard outlook: back-testing the IPC forecasts and the triggers")
        b.hazard()
    if spec.responses is not None:
        say("responses and gaps")
        b.responses()
    say("recommended strategies")
    b.strategies()
    if b.missing_notes:  # said once, where the area data are first published
        home = b.sections.get("maps") or next(iter(b.sections.values()), None)
        if home is not None:
            home.notes.extend(dict.fromkeys(b.missing_notes.values()))
    order = [
        "profile",
        "maps",
        "districts",
        "left-behind",
        "voice",
        "interlinkages",
        "index",
        "outlook",
        "hazard",
        "responses",
        "strategies",
    ]
    sections = sorted(b.sections.values(), key=lambda s: order.index(s.id) if s.id in order else 99)
    return Review(spec, b.facts, sections, _sources(spec), _versions(), b.published)


class _Builder(SurveySections, DistrictSections, ActionSections, HazardSections, VoiceSections):
    """Every section builder (the mixins hold one family of sections each)."""


# ---------------------------------------------------------------------------- provenance
def _sources(spec: ReviewSpec) -> list[dict[str, str]]:
    from humsec.review.spec import sha256_of

    rows = [{"what": N_("review file"), "file": str(spec.source.name), "sha256": sha256_of(spec.source),
             "bytes": f"{spec.source.stat().st_size:,}"}]  # fmt: skip
    for what, path in spec.inputs():
        rows.append(
            {
                "what": what,
                "file": path.name,
                "sha256": sha256_of(path),
                "bytes": f"{path.stat().st_size:,}",
            }
        )
    return rows


def _versions() -> dict[str, str]:
    import platform
    from importlib import metadata

    out = {"python": platform.python_version()}
    for pkg in (
        "humsec",
        "numpy",
        "scipy",
        "pandas",
        "altair",
        "vl-convert-python",
        "jinja2",
        "weasyprint",
    ):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out
