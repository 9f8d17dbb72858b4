"""The strategies knowledge base in French, Spanish and Arabic (``humsec/datasets/strategies.<code>.yaml``):
the same structure as the English ``strategies.yaml`` (ids, order, data matching, entities, number of
measures), every text translated with the glossary's terms, loaded in the report's language (English
where a language has none, a user's own file as given) and written in a French review."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import humsec
from humsec.core.i18n import LANGUAGES, translator
from humsec.review.strategies import KnowledgeBase, load_strategies, shipped_strategies_path

PACKAGE = Path(humsec.__file__).parent
DATASETS = PACKAGE / "datasets"
GLOSSARY = yaml.safe_load((PACKAGE / "locale" / "glossary.yaml").read_text(encoding="utf-8"))
TRANSLATED = [code for code in LANGUAGES if code != "en"]  # fr, es, ar
TEXT_LISTS = ("drivers", "protection", "empowerment")

#: texts that stay as the English file writes them: none. Entity ids (FAO, UN Women...), threat ids,
#: indicators, keywords and security dimensions are keys matched to data, not texts; every entity
#: name has an official name in each language, and every other text is translated.
KEPT_IN_ENGLISH: frozenset[str] = frozenset()

#: official names that render a glossary term in another grammatical form than the glossary's:
#: UN Women's official Arabic name says "وتمكين المرأة" (empowerment of women, in construct state),
#: where the glossary asks for the noun with its article, "التمكين".
GLOSSARY_EXCEPTIONS = {("ar", "entities.UN Women.name", "empowerment")}


def _raw(code: str) -> dict[str, Any]:
    name = "strategies.yaml" if code == "en" else f"strategies.{code}.yaml"
    data: dict[str, Any] = yaml.safe_load((DATASETS / name).read_text(encoding="utf-8"))
    return data


def _texts(kb: KnowledgeBase) -> dict[str, str]:
    """Every human-readable text of a knowledge base, by where it is (``threats.food.protection[2]``)."""
    out: dict[str, str] = {}
    for eid, entry in kb.entities.items():
        out[f"entities.{eid}.name"] = entry["name"]
        out[f"entities.{eid}.mandate"] = entry["mandate"]
    for t in kb.threats:
        out[f"threats.{t.id}.name"] = t.name
        for f in TEXT_LISTS:
            for i, text in enumerate(getattr(t, f)):
                out[f"threats.{t.id}.{f}[{i}]"] = text
    return out


# ---------------------------------------------------------------------------- (a) the same structure
@pytest.mark.parametrize("code", TRANSLATED)
def test_each_translation_has_the_english_structure(code: str) -> None:
    en, tr = load_strategies(), load_strategies(language=code)
    assert Path(tr.source).name == f"strategies.{code}.yaml"
    assert list(tr.entities) == list(en.entities)  # the same entity ids, in the same order
    assert [t.id for t in tr.threats] == [t.id for t in en.threats]
    for a, b in zip(en.threats, tr.threats, strict=True):
        # what matches a threat to data, and the entities mandated for it, are never translated
        assert (b.indicators, b.keywords, b.security_dimension) == (
            a.indicators,
            a.keywords,
            a.security_dimension,
        ), a.id
        assert b.entities == a.entities, a.id
        for f in TEXT_LISTS:
            assert len(getattr(b, f)) == len(getattr(a, f)), f"{code}: {a.id}.{f}"
    # ... and the files themselves: the same keys everywhere, the same version
    raw_en, raw = _raw("en"), _raw(code)
    assert list(raw) == list(raw_en) and raw["version"] == raw_en["version"]
    # each entity a name and a mandate, nothing else (an unquoted comma in a flow mapping makes a key);
    # each translated one also its abbreviation in that language (English: the id is the label)
    assert all(list(e) == ["name", "mandate"] for e in raw_en["entities"].values())
    assert all(list(e) == ["name", "short", "mandate"] for e in raw["entities"].values())
    assert [list(t) for t in raw["threats"]] == [list(t) for t in raw_en["threats"]]


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_translation_says_what_it_is(code: str) -> None:
    text = (DATASETS / f"strategies.{code}.yaml").read_text(encoding="utf-8")
    header = re.sub(r"\n#\s*", " ", text.split("\nversion:")[0])  # the comment's lines joined
    assert "strategies.yaml" in header  # a translation of it...
    not_reviewed = {"fr": "pas encore revue par un traducteur de l’ONU",
                    "es": "aún no revisada por un traductor de las Naciones Unidas",
                    "ar": "لم يراجعها بعدُ مترجم من الأمم المتحدة"}  # fmt: skip
    assert not_reviewed[code] in header  # ... not yet reviewed by a UN translator


# ---------------------------------------------------------------------------- (b) every text translated
@pytest.mark.parametrize("code", TRANSLATED)
def test_every_text_is_translated(code: str) -> None:
    english, translated = _texts(load_strategies()), _texts(load_strategies(language=code))
    assert list(translated) == list(english) and len(english) > 140
    empty = [where for where, text in translated.items() if not text.strip()]
    assert not empty
    same = [f"{where}: {text!r}" for where, text in translated.items()
            if text == english[where] and text not in KEPT_IN_ENGLISH]  # fmt: skip
    assert not same, f"{len(same)} text(s) left in English:\n" + "\n".join(same)
    if code == "ar":  # written in Arabic script, not a copied English text
        latin = [
            where for where, text in translated.items() if not re.search("[\u0600-\u06ff]", text)
        ]
        assert not latin


def test_names_are_the_entities_official_names() -> None:
    names = {code: load_strategies(language=code).entities for code in LANGUAGES}
    assert (
        names["fr"]["FAO"]["name"]
        == "Organisation des Nations Unies pour l’alimentation et l’agriculture"
    )
    assert (
        names["es"]["FAO"]["name"]
        == "Organización de las Naciones Unidas para la Alimentación y la Agricultura"
    )
    assert names["ar"]["FAO"]["name"] == "منظمة الأغذية والزراعة للأمم المتحدة"
    assert names["fr"]["UN Women"]["name"] == (
        "Entité des Nations Unies pour l’égalité des sexes et l’autonomisation des femmes"
    )
    assert names["es"]["WHO"]["name"] == "Organización Mundial de la Salud"
    assert names["ar"]["UNDP"]["name"] == "برنامج الأمم المتحدة الإنمائي"


#: the abbreviations UN documents use in each language (Arabic: the usual short name, no acronym)
SHORT = {
    "fr": {"UNHCR": "HCR", "WFP": "PAM", "WHO": "OMS", "UNDP": "PNUD", "UNFPA": "FNUAP",
           "OHCHR": "HCDH", "OCHA": "BCAH", "ILO": "OIT", "IOM": "OIM", "UN Women": "ONU-Femmes",
           "UN-Habitat": "ONU-Habitat", "FAO": "FAO", "UNICEF": "UNICEF", "UNESCO": "UNESCO"},
    "es": {"UNHCR": "ACNUR", "WFP": "PMA", "WHO": "OMS", "UNDP": "PNUD", "UNFPA": "UNFPA",
           "OHCHR": "ACNUDH", "OCHA": "OCAH", "ILO": "OIT", "IOM": "OIM", "UN Women": "ONU-Mujeres",
           "UN-Habitat": "ONU-Hábitat", "FAO": "FAO", "UNICEF": "UNICEF", "UNESCO": "UNESCO"},
    "ar": {"UNHCR": "مفوضية اللاجئين", "WFP": "برنامج الأغذية العالمي", "WHO": "منظمة الصحة العالمية",
           "UNICEF": "اليونيسف", "UNESCO": "اليونسكو", "UN-Habitat": "موئل الأمم المتحدة"},
}  # fmt: skip


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_translated_entity_has_its_abbreviation(code: str) -> None:
    kb, english = load_strategies(language=code), load_strategies()
    assert all(isinstance(e.get("short"), str) and e["short"].strip() for e in kb.entities.values())
    assert {eid: kb.label(eid) for eid in SHORT[code]} == SHORT[code]
    labels = list(kb.labels().values())
    assert len(set(labels)) == len(labels)  # no two entities read alike
    if code == "ar":  # written in Arabic script
        assert all(re.search("[\u0600-\u06ff]", label) for label in labels)
    # English shows the ids, which stay the keys in every language
    assert english.labels() == {eid: eid for eid in english.entities}
    assert kb.label("not an entity") == "not an entity"


def test_an_empty_abbreviation_is_refused(tmp_path: Path) -> None:
    from humsec.core.errors import SpecError

    raw = _raw("fr")
    raw["entities"]["WFP"]["short"] = " "
    raw["entities"]["WHO"]["short"] = None
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_strategies(path)
    message = str(err.value)
    assert "entities.WFP.short" in message and "entities.WHO.short" in message
    assert "non-empty text" in message
    del raw["entities"]["WFP"]["short"], raw["entities"]["WHO"]["short"]  # absent: the id is shown
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert load_strategies(path).label("WFP") == "WFP"


# ---------------------------------------------------------------------------- (c) the glossary's terms
@pytest.mark.parametrize("code", TRANSLATED)
def test_glossary_terms_have_their_rendering(code: str) -> None:
    """As tests/core/test_terminology.py checks the catalogues: where the English text holds a domain
    term, the translation holds the glossary's rendering (Arabic short vowels and shadda aside)."""
    english, translated = _texts(load_strategies()), _texts(load_strategies(language=code))
    wrong, used = [], set()
    for where, text in english.items():
        for term, renderings in GLOSSARY.items():
            case = 0 if term.isupper() else re.I  # "IPC" the classification, not an "ipc" keyword
            if not re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, flags=case):
                continue
            used.add(term)
            if (code, where, term) in GLOSSARY_EXCEPTIONS:
                continue
            # Arabic short vowels and shadda aside
            bare = re.sub("[\u064b-\u0652]", "", translated[where])
            if not re.search(renderings[code], bare, flags=re.I):
                wrong.append(f"{term!r} in {where} {text!r} → {translated[where]!r}")
    assert {"protection", "empowerment", "early warning", "early-warning"} <= used
    assert not wrong, f"{len(wrong)} text(s) render a term otherwise:\n" + "\n".join(wrong)


def test_glossary_exceptions_are_still_needed() -> None:
    """An exception that the text no longer needs is removed (the check stays as strict as it can)."""
    for code, where, term in GLOSSARY_EXCEPTIONS:
        text = _texts(load_strategies(language=code))[where]
        bare = re.sub("[\u064b-\u0652]", "", text)
        assert not re.search(GLOSSARY[term][code], bare, flags=re.I), (code, where, term)


# ---------------------------------------------------------------------------- (d) loading
def test_the_language_chooses_the_shipped_file() -> None:
    fr = load_strategies(language="fr")
    assert fr.threat("food").name == "Insécurité alimentaire et malnutrition"
    assert fr.entities["WFP"]["name"] == "Programme alimentaire mondial"
    assert load_strategies(language="FR").source == fr.source  # language tags are case-insensitive
    english = load_strategies()
    assert Path(english.source).name == "strategies.yaml"
    assert english.threat("food").name == "Food insecurity and malnutrition"
    # English, and every language without a translation, read the English file
    for code in ("en", None, "de", "qps", "", "../strategies"):
        kb = load_strategies(language=code)
        assert kb.source == english.source and kb == english, code
    assert shipped_strategies_path("es") == DATASETS / "strategies.es.yaml"


def test_a_knowledge_base_of_ones_own_is_used_as_given(tmp_path: Path) -> None:
    raw = _raw("en")
    raw["threats"][0]["name"] = "Hunger (our wording)"
    path = tmp_path / "our_strategies.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    kb = load_strategies(path, language="fr")
    assert kb.source == str(path) and kb.threat("food").name == "Hunger (our wording)"


def test_every_shipped_file_is_package_data() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["humsec"]
    shipped = sorted(p.name for p in DATASETS.glob("strategies*.yaml"))
    assert shipped == [
        "strategies.ar.yaml",
        "strategies.es.yaml",
        "strategies.fr.yaml",
        "strategies.yaml",
    ]
    assert all(f"datasets/{name}" in patterns for name in shipped)


# ---------------------------------------------------------------------------- (e) in a French review
@pytest.fixture(scope="module")
def french_demo() -> tuple[Any, str]:
    """The demo review (examples/demo-review.yaml) in French, HTML only, and only its microdata
    sections (profile, left behind, interlinkages, strategies): the area, early-warning, hazard and
    response sections do not touch the knowledge base, and take most of the build's time."""
    from humsec.review.build import build_review
    from humsec.review.html import render_review_html
    from humsec.review.spec import load_review

    spec = load_review(Path(__file__).resolve().parents[2] / "examples" / "demo-review.yaml")
    assert spec.survey is not None and spec.strategies  # the demo has strategies
    spec = dataclasses.replace(
        spec, areas=[], maps=[], area_links={}, index=None, trends=None, early_warning=None,
        responses=None, hazard=None, voice=None, districts=None,
    )  # fmt: skip
    tr = translator("fr")
    review = build_review(spec, tr=tr)
    return review, render_review_html(review, tr)


def test_a_french_review_recommends_in_french(french_demo: tuple[Any, str]) -> None:
    from humsec.review.digest import digest_review

    review, page = french_demo
    table = next(t for t in review.tables if t.key == "strategies")
    assert len(table.frame) >= 1
    fr, en = load_strategies(language="fr"), load_strategies()
    section = page.split('id="strategies"', 1)[1]
    assert "strategies.fr.yaml" in section  # the table's note names the file used
    for tid in {*table.frame["threat_a"], *table.frame["threat_b"]}:
        assert html.escape(fr.threat(tid).name) in section, tid
        assert html.escape(en.threat(tid).name) not in page, tid
    first = fr.threat(table.frame["threat_a"].iloc[0])
    assert (
        html.escape(first.protection[0]) in section and html.escape(first.empowerment[0]) in section
    )
    assert html.escape(en.threat(first.id).protection[0]) not in page
    # the brief and the slides take the table as it is: in French too
    assert digest_review(review).strategies[0]["name_a"] == first.name


def test_a_french_review_names_agencies_as_french_readers_know_them(
    french_demo: tuple[Any, str],
) -> None:
    """Lead and partner entities by their French abbreviations (HCR, PAM) in the page's prose, table,
    brief and slides; the CSV keeps the ids (keys, the same in every language)."""
    from humsec.review.digest import digest_review

    review, page = french_demo
    fr = load_strategies(language="fr")
    table = next(t for t in review.tables if t.key == "strategies")
    cells_of = [*table.frame["lead_entities"], *table.frame["partner_entities"]]
    ids = [e for v in cells_of for e in v.split("; ") if e]
    assert set(ids) <= set(fr.entities)  # the frame (written as strategies.csv) keeps the ids
    renamed = {e for e in ids if fr.label(e) != e}
    assert renamed & {"UNHCR", "WFP", "WHO", "UNDP"}  # the demo's leads and partners include some
    section = page.split('id="strategies"', 1)[1].split("<section", 1)[0]
    prose = " ".join(re.findall(r"<p>(.*?)</p>", section, flags=re.S))
    first_lead = table.frame["lead_entities"].iloc[0].split("; ")
    assert "avec pour chef de file : " in prose  # an agency needs no article after the colon
    for e in first_lead:  # "…, avec pour chef de file : HCR." and not UNHCR
        assert re.search(rf"(?<![\w-]){re.escape(html.escape(fr.label(e)))}(?![\w-])", prose), e
    cells = re.sub(r"<wbr>", "", section)
    text = re.sub("<[^>]+>", " ", cells)
    for e in renamed:
        assert not re.search(rf"(?<![\w-]){re.escape(e)}(?![\w-])", text), e
        assert html.escape(fr.label(e)) in cells, e
    digest = digest_review(review)
    leads = [s["lead_entities"] for s in digest.strategies]
    assert leads == [
        "; ".join(fr.label(e) for e in v.split("; ")) if v else ""
        for v in table.frame["lead_entities"].head(len(leads))
    ]
