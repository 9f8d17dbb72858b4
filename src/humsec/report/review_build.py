"""Build a Human Security Review from a checked review file: run the analyses, publish their tables
through disclosure control, draw the charts and maps from the published tables only, and write the
executive summary with every number linked to the result row it comes from.

The microdata are read here, handed to the estimators, and dropped: sections hold
:class:`~humsec.report.review_publish.Published` tables, chart SVGs and text, nothing else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.exceptions import HumsecError
from humsec.report.charts import to_svg
from humsec.report.review_publish import Published, publish
from humsec.report.review_spec import AreaDataset, ReviewSpec, read_table

__all__ = ["Review", "Section", "build_review", "cite", "row_anchor"]


# ---------------------------------------------------------------------------- citations
def row_anchor(row_id: str) -> str:
    """An HTML id for a row id (``il:censored33:t2:a~b`` → ``row-il_3acensored33...``)."""
    return "row-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m.group()):x}", row_id)


def fmt_value(value: Any, how: str) -> str:
    """Format one number: ``pct`` (share 0–1 as %), ``pct100`` (already %), ``int``, ``f2``, ``f3``."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or pd.isna(value):
        return ""
    v = float(value)
    if how == "pct":
        return f"{100 * v:.1f}%"
    if how == "pct100":
        return f"{v:.1f}%"
    if how == "int":
        return f"{v:,.0f}"
    if how.startswith("f") and how[1:].isdigit():
        return f"{v:.{int(how[1:])}f}"
    return f"{v:g}"


def cite(value: Any, row_id: str, how: str = "f3") -> str:
    """A number in running text, linked to its result row (HTML)."""
    text = html.escape(fmt_value(value, how))
    rid = html.escape(row_id)
    return f'<a class="num" href="#{row_anchor(row_id)}" data-row="{rid}" title="row {rid}">{text}</a>'


# ---------------------------------------------------------------------------- structure
@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)  # HTML (escaped text and cite() links)
    figures: list[tuple[str, str]] = field(default_factory=list)  # caption, SVG
    tables: list[Published] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # plain text
    skipped: str = ""  # why the section is not there


@dataclass
class Review:
    spec: ReviewSpec
    summary: list[str]  # HTML sentences of the executive summary
    sections: list[Section]
    sources: list[dict[str, str]]
    versions: dict[str, str]
    tables: list[Published]

    def cited_rows(self) -> list[str]:
        return re.findall(r'data-row="([^"]+)"', " ".join(self.summary))


def esc(text: Any) -> str:
    return html.escape(str(text))


# ---------------------------------------------------------------------------- the build
def build_review(spec: ReviewSpec, progress: Callable[[str], None] | None = None) -> Review:
    """Run every section the review file asks for (see :func:`humsec.report.review_spec.load_review`)."""
    say = progress or (lambda _m: None)
    b = _Builder(spec)
    if spec.survey is not None:
        say("survey: Alkire-Foster profile, interlinkages, who is left behind")
        b.survey_sections()
    if spec.areas:
        say("area data: maps, area links, risk index and trends")
        b.area_sections()
    b.early_warning()
    if spec.responses is not None:
        say("responses and gaps")
        b.responses()
    say("recommended strategies")
    b.strategies()
    order = ["profile", "maps", "left-behind", "interlinkages", "index", "outlook", "responses", "strategies"]
    sections = sorted(b.sections.values(), key=lambda s: order.index(s.id) if s.id in order else 99)
    return Review(spec, b.facts, sections, _sources(spec), _versions(), b.published)


class _Builder:
    def __init__(self, spec: ReviewSpec) -> None:
        self.spec = spec
        self.rules = spec.rules
        self.sections: dict[str, Section] = {}
        self.facts: list[str] = []
        self.published: list[Published] = []
        self.links: Any = None  # published InterlinkageResult
        self.lb: Any = None  # published LeftBehindResult
        self.geo: dict[str, Any] | None = None
        self.names: dict[str, str] = {}

    def section(self, sid: str, title: str) -> Section:
        return self.sections.setdefault(sid, Section(sid, title))

    def state(self, section: Section, sentence: str) -> None:
        """A finding: written in its section and repeated in the executive summary."""
        section.paragraphs.append(sentence)
        self.facts.append(sentence)

    def add(self, section: Section, table: Published) -> Published:
        section.tables.append(table)
        self.published.append(table)
        return table

    # ------------------------------------------------------------------ microdata
    def survey_sections(self) -> None:
        import humsec
        from humsec.analysis.interlinkages import InterlinkageResult, co_deprivation
        from humsec.analysis.left_behind import LeftBehindResult, left_behind
        from humsec.io.survey import read_survey
        from humsec.tables.af_spec import AFSpec

        sv = self.spec.survey
        assert sv is not None
        af_spec = AFSpec.from_file(sv.spec_path)
        k = sv.k if sv.k is not None else af_spec.k[len(af_spec.k) // 2]
        micro = read_survey(sv.data_path).frame
        result = humsec.AlkireFoster(af_spec, level=self.spec.level).fit(micro, over=list(sv.over), source=sv.name)
        self._profile(result, k, af_spec)
        links = co_deprivation(af_spec, micro, k=[k], source=sv.name)
        lbk = dict(sv.left_behind)
        lb = left_behind(
            af_spec,
            micro,
            by=lbk.get("by", list(sv.over)),
            depth=int(lbk.get("depth", 2)),
            measures=lbk.get("measures", ["M0", "H", "hdk"]),
            k=[k],
            min_n=int(lbk.get("min_n", 50)),
            fdr=float(lbk.get("fdr", 0.05)),
            level=self.spec.level,
            source=sv.name,
        )
        del micro  # nothing below sees a person's row
        pairs = self._interlinkages(links, k)
        self.links = InterlinkageResult(pairs.frame, links.dimensions, links.notes)
        groups, bottlenecks = self._left_behind(lb, k)
        self.lb = LeftBehindResult(groups.frame, bottlenecks, lb.fdr, lb.min_n, lb.notes)

    def _profile(self, result: Any, k: float, af_spec: Any) -> None:
        sec = self.section("profile", "The multidimensional profile")
        sv = self.spec.survey
        assert sv is not None
        tidy = result.tidy()
        tidy = tidy[tidy["change"].fillna("").isin(["", "abs"])].copy()
        tidy["row_id"] = [
            "af:" + ":".join(
                [m, f"k{kk:g}" if pd.notna(kk) else "k-", *( [str(ind)] if ind else [] ),
                 f"t{t}" if not ch else f"{ft}-{tt}:{ch}", "national" if o == "national" else f"{o}={g}"]
            )
            for m, kk, ind, t, ch, ft, tt, o, g in zip(
                tidy["measure"], tidy["k"], tidy["indicator"].fillna(""), tidy["time"].fillna(""),
                tidy["change"].fillna(""), tidy["from_time"].fillna(""), tidy["to_time"].fillna(""),
                tidy["over"], tidy["group"].fillna(""), strict=True,
            )
        ]  # fmt: skip
        for col in ("from_time", "to_time"):
            tidy[col] = tidy[col].astype("string").fillna("")
        level = round(self.spec.level * 100)
        pub = publish(
            "af_results", "Alkire-Foster estimates", tidy, "estimates", self.rules,
            margins=[["measure", "k", "indicator", "over", "time", "change"]],
        )  # fmt: skip
        self.published.append(pub)  # the whole table goes to tables/af_results.csv
        f = pub.frame
        main = f[(f["over"] == "national") & f["measure"].isin(["H", "A", "M0"])]
        main = main[(main["k"] == k)]
        nat = Published(
            "af_national", f"National H, A and M0 (k = {k:g}%), {level}% CIs; change rows are first to last round",
            main, "estimates", "",
            {"row_id": "row", "measure": "measure", "time": "round", "change": "change", "estimate": "estimate",
             "ci_low": "CI low", "ci_high": "CI high", "se": "SE", "n": "n"},
            {"estimate": "f3", "ci_low": "f3", "ci_high": "f3", "se": "f4", "n": "int"},
        )  # fmt: skip
        self.add(sec, nat)
        latest = str(main.loc[main["change"].fillna("") == "", "time"].iloc[-1])
        rows = {m: main[(main["measure"] == m) & (main["time"] == latest) & (main["change"].fillna("") == "")] for m in ("H", "A", "M0")}
        if all(len(r) for r in rows.values()) and rows["H"]["estimate"].notna().all():
            h, a, m0 = (rows[m].iloc[0] for m in ("H", "A", "M0"))
            self.state(sec,
                f"In the latest survey round ({esc(latest)}) of {esc(sv.name)}, "
                f"{cite(h['estimate'], h['row_id'], 'pct')} of people are multidimensionally insecure "
                f"(deprived in at least {cite(h['k'], h['row_id'], 'g')}% of the weighted indicators; "
                f"confidence interval {cite(h['ci_low'], h['row_id'], 'pct')}–{cite(h['ci_high'], h['row_id'], 'pct')}); "
                f"on average they are deprived in {cite(a['estimate'], a['row_id'], 'pct')} of the indicators, "
                f"so M0 = {cite(m0['estimate'], m0['row_id'], 'f3')}."
            )  # fmt: skip
        if sv.note:
            sec.notes.append(sv.note)
        d = f[(f["measure"] == "M0") & (f["k"] == k) & (f["over"] != "national") & (f["change"].fillna("") == "")]
        d = d[~d["sdc_status"].isin(["suppressed", "secondary"])].copy()
        from humsec.report.charts import bar_with_ci, censored_headcounts

        for over in [o for o in sv.over if "*" not in o]:
            part = d[d["over"] == over].copy()
            if len(part):
                part["round"] = part["time"].astype(str)
                sec.figures.append((f"M0 by {over} (k = {k:g}%), {level}% CIs (suppressed cells left out)",
                                    to_svg(bar_with_ci(part, "group", f"M0 by {over}", "M0"))))  # fmt: skip
        lv = f[f["change"].fillna("") == ""].copy()
        lv["time"] = lv["time"].astype(str)
        lv = lv[~lv["sdc_status"].isin(["suppressed", "secondary"])]
        sec.figures.append(("Censored and uncensored headcount ratios by indicator",
                            to_svg(censored_headcounts(lv, k, f"Deprivations (k = {k:g}%)"))))  # fmt: skip
        hd = f[(f["over"] == "national") & (f["measure"] == "hdk") & (f["k"] == k) & (f["time"] == latest) & (f["change"].fillna("") == "")]
        self.add(sec, Published(
            "af_hdk", f"Censored headcount ratios, round {latest} (k = {k:g}%)", hd, "estimates", "",
            {"row_id": "row", "indicator": "indicator", "estimate": "estimate", "ci_low": "CI low", "ci_high": "CI high", "n": "n"},
            {"estimate": "f3", "ci_low": "f3", "ci_high": "f3", "n": "int"},
        ))  # fmt: skip
        sec.notes.append(
            f"Design: {result.provenance.design.get('n_psu')} PSUs in {result.provenance.design.get('n_strata')} strata; "
            f"{result.provenance.n_used} of {result.provenance.n_input} persons used"
            + "".join(f"; dropped {n}: {r}" for r, n in result.provenance.dropped)
        )

    def _interlinkages(self, links: Any, k: float) -> Published:
        from humsec.report.review_charts import threat_heatmap, threat_network

        sec = self.section("interlinkages", "Interlinked threats")
        pub = publish(
            "interlinkages", "Co-deprivation of pairs of indicators", links.to_frame(), "estimates", self.rules,
            n="n_joint", estimate="joint", se="joint_se",
            note="disclosure control on the persons deprived in both indicators (n_joint) and the CV of the joint rate",
        )  # fmt: skip
        self.published.append(pub)
        from humsec.analysis.interlinkages import InterlinkageResult

        shown = InterlinkageResult(pub.frame, links.dimensions)
        latest = shown.select("censored", k)
        t = str(latest["time"].iloc[0])
        v = shown.matrix("cramers_v", version="censored", k=k, time=t)
        try:
            order = shown.clusters(version="censored", k=k, time=t).sort_values("order")["indicator"].tolist()
        except (HumsecError, ValueError):
            order = None
        sec.figures.append((
            f"Cramér's V among the multidimensionally insecure (censored at k = {k:g}%, round {t}); blank cells suppressed",
            to_svg(threat_heatmap(v, title="Association of deprivations (Cramér's V)", order=order)),
        ))  # fmt: skip
        off = v.where(~np.eye(len(v), dtype=bool)).stack()
        if off.notna().any():  # the strongest third of the links, so the network stays readable
            cut = float(np.nanquantile(off.to_numpy(dtype=float), 2 / 3))
            sec.figures.append((
                f"Network of threats: links with Cramér's V ≥ {cut:.2f} (the strongest third; width = strength), "
                "colours = dimensions",
                to_svg(threat_network(v, title="Interlinked deprivations (censored)", min_strength=cut,
                                      node_group=links.dimensions)),
            ))  # fmt: skip
        top = latest[latest["sdc_status"] != "suppressed"].sort_values("joint", ascending=False).head(12)
        self.add(sec, Published(
            "interlinkages_top", f"The most widespread co-deprivations among the insecure (round {t}, k = {k:g}%)",
            top, "estimates", pub.note,
            {"row_id": "row", "indicator_a": "a", "indicator_b": "b", "joint": "joint", "p_b_given_a": "P(b|a)",
             "p_a_given_b": "P(a|b)", "cramers_v": "V", "r0": "R0", "n_joint": "n (both)"},
            {"joint": "pct", "p_b_given_a": "pct", "p_a_given_b": "pct", "cramers_v": "f2", "r0": "f2", "n_joint": "int"},
        ))  # fmt: skip
        if len(top) and pd.notna(top["joint"].iloc[0]):
            r = top.iloc[0]
            sentence = (
                f"The most widespread pair of deprivations among the insecure is {esc(r['indicator_a'])} with "
                f"{esc(r['indicator_b'])}: {cite(r['joint'], r['row_id'], 'pct')} of people are insecure and deprived in "
                f"both (P({esc(r['indicator_b'])} | {esc(r['indicator_a'])}) = {cite(r['p_b_given_a'], r['row_id'], 'pct')})."
            )
            self.state(sec, sentence)
        return pub

    def _left_behind(self, lb: Any, k: float) -> tuple[Published, pd.DataFrame]:
        from humsec.report.review_charts import left_behind_chart

        sec = self.section("left-behind", "Who is left behind")
        groups = publish(
            "left_behind", "Groups compared with the nation", lb.to_frame(), "estimates", self.rules,
            margins=[["measure", "k", "indicator", "over", "time"]],
        )  # fmt: skip
        self.published.append(groups)
        g = groups.frame
        tested = g[g["tested"]]
        found = g[g["left_behind"] & ~g["sdc_status"].isin(["suppressed", "secondary"])]
        summary = pd.DataFrame([{
            "row_id": "lb:summary", "comparisons": len(g), "tested": len(tested), "found": len(found),
            "suppressed": int(g["sdc_status"].isin(["suppressed", "secondary"]).sum()), "fdr": lb.fdr,
        }])  # fmt: skip
        self.add(sec, publish(
            "left_behind_summary", "The search", summary, "aggregates", self.rules,
            columns={"row_id": "row", "comparisons": "comparisons", "tested": "tested", "found": "found left behind",
             "suppressed": "suppressed (SDC)", "fdr": "FDR level"},
            formats={"comparisons": "int", "tested": "int", "found": "int", "suppressed": "int", "fdr": "f2"},
        ))  # fmt: skip
        sentence = (
            f"Of {cite(len(tested), 'lb:summary', 'int')} tested group comparisons, "
            f"{cite(len(found), 'lb:summary', 'int')} show insecurity above the national level at a false "
            f"discovery rate of {cite(lb.fdr, 'lb:summary', 'f2')}."
        )
        if len(found):
            top = found.sort_values("affected", ascending=False).iloc[0]
            sentence += (
                f" The largest is {esc(top['over'])} = {esc(top['group'])} ({esc(top['measure'])}"
                f"{' ' + esc(top['indicator']) if top['indicator'] else ''}: {cite(top['estimate'], top['row_id'], 'f3')} "
                f"against {cite(top['national'], top['row_id'], 'f3')} nationally, about "
                f"{cite(top['affected'], top['row_id'], 'int')} people in the sample's weights)."
            )
        self.state(sec, sentence)
        cols = {"row_id": "row", "measure": "measure", "indicator": "indicator", "over": "grouping", "group": "group",
                "estimate": "estimate", "national": "national", "gap": "gap", "q_value": "q", "affected": "people affected", "n": "n"}
        fmts = {"estimate": "f3", "national": "f3", "gap": "f3", "q_value": "f3", "affected": "int", "n": "int"}
        shown = found.sort_values(["rank_size"]).head(20) if len(found) else tested.sort_values("q_value").head(10)
        title = "Groups found left behind (most people affected first)" if len(found) else \
            "No group found left behind: the ten comparisons closest to significance"
        self.add(sec, Published("left_behind_groups", title, shown, "estimates", "", cols, fmts))
        m0 = tested[(tested["measure"] == "M0") & ~tested["sdc_status"].isin(["suppressed", "secondary"])]
        m0 = m0[~m0["over"].str.contains("*", regex=False)]
        if len(m0):
            sec.figures.append((
                f"M0 (k = {k:g}%) by group with CIs against the national level (dashed); suppressed groups left out",
                to_svg(left_behind_chart(m0, measure="M0", k=k, title="M0 by group")),
            ))  # fmt: skip
        bn = lb.to_frame("bottlenecks")
        visible = set(g.loc[~g["sdc_status"].isin(["suppressed", "secondary"]), "row_id"])
        bn = bn[bn["parent_id"].isin(visible)].reset_index(drop=True)  # a suppressed gap is not explained
        if len(found):
            lead = found[found["measure"] == "M0"].head(3)["row_id"]
            part = bn[bn["parent_id"].isin(lead)].sort_values("contribution", ascending=False)
            if len(part):
                self.add(sec, Published(
                    "bottlenecks", "Bottlenecks: indicator contributions to the M0 gap of the groups found",
                    part, "aggregates", "each gap's parent row passed disclosure control",
                    {"row_id": "row", "over": "grouping", "group": "group", "indicator": "indicator",
                     "contribution": "contribution", "share_of_gap": "share of gap"},
                    {"contribution": "f4", "share_of_gap": "pct"},
                ))  # fmt: skip
        return groups, bn

    # ------------------------------------------------------------------ area data
    def area_frame(self, ds: AreaDataset, latest: bool = True) -> pd.DataFrame:
        """One data set's table: filtered, area codes as text, one row per area (latest time)."""
        t = read_table(ds.path, ds.skiprows)
        for col, value in ds.filter.items():
            t = t[t[col].astype(str) == str(value)]
        t = t.copy()
        t["area"] = t[ds.area].astype(str).str.strip()
        if ds.time:
            t["time"] = t[ds.time].astype(str)
            t["_order"] = pd.to_datetime(t["time"], errors="coerce", format="mixed")
            t = t.sort_values(["_order", "area"])
            if latest:
                t = t[t["time"] == t["time"].iloc[-1]]
        t["area_name"] = t[ds.name].astype(str) if ds.name else t["area"].map(self.names)
        suffix = t["time"].str.replace(" ", "") if ds.time else ""
        t["row_id"] = f"area:{ds.id}:" + t["area"] + (":" + suffix if ds.time else "")
        keep = ["row_id", "area", "area_name", *(["time"] if ds.time else []), *([ds.population] if ds.population else []), *ds.indicators]
        out = t[list(dict.fromkeys(keep))].reset_index(drop=True)
        for col in ds.indicators:
            out[col] = pd.to_numeric(out[col], errors="coerce")
        return out

    def publish_area(self, ds: AreaDataset, frame: pd.DataFrame, key: str, title: str) -> Published:
        return publish(
            key, title, frame, "aggregates", self.rules, population=ds.population,
            columns={"row_id": "row", "area_name": "area", **({"time": "time"} if ds.time else {}),
                     **ds.indicators},
            formats=dict.fromkeys(ds.indicators, "f2"),
            note=f"Source: {ds.source}",
        )  # fmt: skip

    def area_sections(self) -> None:
        from humsec.datasets.places import load_boundaries

        self.geo = load_boundaries(self.spec.boundaries)
        for f in self.geo["features"]:
            p = f.get("properties", {})
            self.names[str(p.get(self.spec.boundary_key))] = str(p.get("adm1_name") or p.get("name") or "")
        self._maps()
        self._area_links()
        self._index()
        self._trends()

    def _maps(self) -> None:
        import altair as alt

        from humsec.report.maps import choropleth

        sec = self.section("maps", "Maps: where insecurity concentrates")
        assert self.geo is not None
        charts = []
        by_ds: dict[str, Published] = {}
        for m in self.spec.maps:
            ds = self.spec.area(m.data)
            if m.data not in by_ds:
                frame = self.area_frame(ds)
                when = f" ({frame['time'].iloc[0]})" if ds.time and len(frame) else ""
                by_ds[m.data] = self.add(sec, self.publish_area(ds, frame, f"area_{ds.id}", f"{ds.source}{when}"))
            pub = by_ds[m.data]
            values = pub.shown()[["area", m.indicator]].rename(columns={m.indicator: "value"})
            share = bool(values["value"].dropna().between(0, 1).all())
            charts.append(choropleth(
                self.geo, values, key=self.spec.boundary_key, title=m.title, width=270, height=270,
                legend="%" if "%" in m.title else ("share" if share else "value"),
                legend_format=".0%" if share and "%" not in m.title else ",.0f",
            ))  # fmt: skip
            ranked = pub.shown().dropna(subset=[m.indicator]).sort_values(m.indicator, ascending=False)
            if len(ranked):
                top, low = ranked.iloc[0], ranked.iloc[-1]
                how = "pct100" if "%" in m.title else "f2"
                sentence = (
                    f"{esc(m.title)}: highest in {esc(top['area_name'])} ({cite(top[m.indicator], top['row_id'], how)}), "
                    f"lowest in {esc(low['area_name'])} ({cite(low[m.indicator], low['row_id'], how)})."
                )
                sec.paragraphs.append(sentence)
                if len(sec.paragraphs) == 1:  # the first map's extremes go to the summary
                    self.facts.append(sentence)
        if charts:
            grid = alt.concat(*charts, columns=2).resolve_scale(color="independent")
            sec.figures.append(("Choropleths by area (grey: no data or suppressed); each map has its own scale", to_svg(grid)))

    def _wide(self, refs: list[str]) -> pd.DataFrame:
        """Latest values of ``dataset.column`` indicators, one row per area (outer join)."""
        wide: pd.DataFrame | None = None
        for ds_id in dict.fromkeys(r.split(".", 1)[0] for r in refs):
            ds = self.spec.area(ds_id)
            f = self.area_frame(ds)
            cols = [r.split(".", 1)[1] for r in refs if r.split(".", 1)[0] == ds_id]
            for c in cols:
                f[c] = pd.to_numeric(f[c], errors="coerce") if c in f else pd.to_numeric(read_table(ds.path)[c], errors="coerce")
            part = f[["area", *cols]].rename(columns={c: f"{ds_id}.{c}" for c in cols})
            wide = part if wide is None else wide.merge(part, on="area", how="outer")
        assert wide is not None
        return wide

    def _area_links(self) -> None:
        from humsec.analysis.interlinkages import area_correlations
        from humsec.report.review_charts import threat_heatmap

        refs = list(self.spec.area_links.get("indicators", []))
        if len(refs) < 2:
            return
        sec = self.section("interlinkages", "Interlinked threats")
        method = str(self.spec.area_links.get("method", "spearman"))
        wide = self._wide(refs)
        res = area_correlations(wide, area="area", indicators=refs, methods=[method])
        t = res.to_frame()
        pub = self.add(sec, publish(
            "area_correlations", f"Correlations of area indicators across areas ({method})", t, "aggregates", self.rules,
            columns={"row_id": "row", "indicator_a": "a", "indicator_b": "b", "r": "r", "p_value": "p", "n_areas": "areas"},
            formats={"r": "f2", "p_value": "f3", "n_areas": "int"},
            note="correlations of published area statistics (no microdata)",
        ))  # fmt: skip
        m = res.matrix(method)
        m.index = m.columns = [r.split(".", 1)[1] for r in m.index]  # column names: shorter labels
        sec.figures.append((f"Correlations across areas ({method}) of the area indicators", to_svg(
            threat_heatmap(m, title="Area indicators: correlation across areas", value_title="r", domain=(-1.0, 1.0)))))
        best = pub.frame.reindex(pub.frame["r"].abs().sort_values(ascending=False).index).iloc[0]
        sentence = (
            f"Across areas, {esc(best['indicator_a'])} and {esc(best['indicator_b'])} go together most closely "
            f"({method} r = {cite(best['r'], best['row_id'], 'f2')} over {cite(best['n_areas'], best['row_id'], 'int')} areas)."
        )
        self.state(sec, sentence)

    def _index(self) -> None:
        import altair as alt

        from humsec.measure.composite import CompositeIndex
        from humsec.report.maps import choropleth
        from humsec.tables.index_model import IndexModel

        if not self.spec.index:
            return
        cfg = self.spec.index
        sec = self.section("index", "Area risk index and trends")
        model_raw = dict(cfg["model"])
        model_raw.setdefault("name", cfg.get("name", "Area index"))
        model_raw["unit"] = "area"
        model = IndexModel.from_dict(model_raw, source=f"{self.spec.source} (index.model)")
        leaves = [c for n in model.nodes.values() for c in n.children if c not in model.nodes]
        wide = self._wide(list(dict.fromkeys(leaves)))
        result = CompositeIndex(model).fit(wide, source="index")
        t = result.to_frame()
        t["area_name"] = t["unit"].map(self.names)
        t["row_id"] = "ix:" + t["node"].astype(str) + ":" + t["unit"].astype(str)
        pub = publish(
            "index", str(model_raw["name"]), t, "aggregates", self.rules,
            columns={"row_id": "row", "area_name": "area", "node": "node", "score": "score", "rank": "rank",
                     "coverage": "coverage", "driver": "driver"},
            formats={"score": "f2", "rank": "int", "coverage": "pct"},
            note="a composite of published area statistics (no microdata); " + "; ".join(result.notes),
        )  # fmt: skip
        self.published.append(pub)
        root = pub.frame[pub.frame["node"] == model.root].sort_values("rank")
        shown = Published("index_root", f"{model_raw['name']}: {model.root} by area (1 = highest)", root, "aggregates",
                          pub.note, pub.columns, pub.formats)  # fmt: skip
        self.add(sec, shown)
        assert self.geo is not None
        values = root.rename(columns={"unit": "area", "score": "value"})[["area", "value"]]
        sec.figures.append((f"{model_raw['name']} ({model.root}) by area", to_svg(
            choropleth(self.geo, values, key=self.spec.boundary_key, title=str(model_raw["name"]), legend="score"))))
        comp = pub.frame[pub.frame["node"].isin(model.nodes[model.root].children)]
        if len(comp):
            order = list(root["area_name"])
            bars = alt.Chart(comp, title="Components of the index").mark_bar().encode(
                y=alt.Y("area_name:N", sort=order, title=None), x=alt.X("score:Q", title="score"),
                color=alt.Color("node:N", title="component"), yOffset="node:N",
            ).properties(width=420, height=max(200, 12 * len(order)))  # fmt: skip
            sec.figures.append(("Component scores by area", to_svg(bars)))
        if len(root):
            top = root.iloc[0]
            sentence = (
                f"On the {esc(model_raw['name'])}, {esc(top['area_name'])} ranks first "
                f"(score {cite(top['score'], top['row_id'], 'f2')}, driven by {esc(top['driver'])})."
            )
            self.state(sec, sentence)

    def _trends(self) -> None:
        import altair as alt

        cfg = self.spec.trends
        if not cfg:
            return
        sec = self.section("index", "Area risk index and trends")
        ds_id, col = str(cfg["indicator"]).split(".", 1)
        ds = self.spec.area(ds_id)
        if not ds.time:
            sec.notes.append(f"trends: the data set {ds_id!r} has no time column")
            return
        frame = self.area_frame(ds, latest=False)
        pub = self.publish_area(ds, frame, f"trend_{ds_id}", f"{ds.indicators.get(col, col)} over time")
        self.published.append(pub)
        f = pub.shown()
        times = list(dict.fromkeys(f["time"]))
        first, last = f[f["time"] == times[0]], f[f["time"] == times[-1]]
        ch = last[["area", "area_name", "row_id", col]].merge(
            first[["area", "row_id", col]], on="area", suffixes=("", "_first"))
        ch["change"] = ch[col] - ch[f"{col}_first"]
        ch["row_id"] = f"trend:{ds_id}:{col}:" + ch["area"]
        ch = ch.rename(columns={f"{col}_first": "first", col: "last"}).sort_values("last", ascending=False)
        label = ds.indicators.get(col, col)
        top_n = int(cfg.get("top", 8))
        self.add(sec, publish(
            f"trend_{ds_id}_change", f"{label}: {times[0]} to {times[-1]}", ch, "aggregates", self.rules,
            columns={"row_id": "row", "area_name": "area", "first": times[0], "last": times[-1], "change": "change"},
            formats={"first": "f2", "last": "f2", "change": "f2"}, note=f"Source: {ds.source}",
        ))  # fmt: skip
        keep = list(ch["area"].head(top_n))
        lines = f[f["area"].isin(keep)]
        chart = alt.Chart(lines, title=f"{label}: the {top_n} areas highest at the latest date").mark_line(point=True).encode(
            x=alt.X("time:N", sort=times, title=None), y=alt.Y(f"{col}:Q", title=label),
            color=alt.Color("area_name:N", title=None),
        ).properties(width=460, height=260)  # fmt: skip
        sec.figures.append((f"{label} over time", to_svg(chart)))
        if len(ch):
            top = ch.iloc[0]
            sentence = (
                f"{esc(label)} at the latest date ({esc(times[-1])}) is highest in {esc(top['area_name'])} "
                f"({cite(top['last'], top['row_id'], 'f2')}, a change of {cite(top['change'], top['row_id'], 'f2')} since {esc(times[0])})."
            )
            self.state(sec, sentence)

    # ------------------------------------------------------------------ early warning
    def early_warning(self) -> None:
        cfg = self.spec.early_warning
        if cfg is None:
            return
        sec = self.section("outlook", "Early-warning outlook")
        try:
            import importlib

            warn = importlib.import_module("humsec.analysis.warn_models")
        except ImportError:
            sec.skipped = (
                "The review file asks for an early-warning outlook, but this humsec has no early-warning "
                "module (humsec.analysis.warn_models): the section is left out."
            )
            return
        outlook = getattr(warn, "review_outlook", None)
        if outlook is None:
            sec.skipped = "humsec.analysis.warn_models has no review_outlook(config, areas): the section is left out."
            return
        areas = {a.id: self.area_frame(a, latest=False) for a in self.spec.areas}
        table = outlook(cfg, areas)
        threshold = float(cfg.get("threshold", 25))
        high = f"p_{threshold:g}plus_max"
        headers = {
            "row_id": "row", "unit": "unit", "last_12m": "last 12 months",
            "forecast_mean": "expected, next months",
            "forecast_low": "band low", "forecast_high": "band high",
            "p_any_max": "P(any) peak month", high: f"P(≥{threshold:g}) peak month",
            "month_most_at_risk": "month most at risk", "model": "model",
        }  # fmt: skip
        formats = dict.fromkeys(("last_12m", "forecast_mean", "forecast_low", "forecast_high"), "int")
        formats.update({"p_any_max": "pct", high: "pct"})
        shown = self.add(sec, publish("outlook", "Early-warning outlook: conflict fatalities", table,
                                      "aggregates", self.rules, columns=headers, formats=formats,
                                      note=f"forecast from {table['origin'].iloc[0]} by humsec.analysis.warn_models; "
                                           "band = sums of the monthly 5 % and 95 % quantiles (conservative)"))
        rows = shown.frame[shown.frame["sdc_status"] != "suppressed"]
        if not rows.empty:
            top = rows.iloc[0]  # the table is sorted by expected fatalities
            months = int(cfg.get("horizon", 12))
            sentence = (
                f"Over the {months} months after {esc(top['origin'])}, the early-warning model "
                f"({esc(top['model'])}) expects most conflict fatalities in {esc(top['unit'])}: "
                f"{cite(top['forecast_mean'], top['row_id'], 'int')} (band "
                f"{cite(top['forecast_low'], top['row_id'], 'int')}–{cite(top['forecast_high'], top['row_id'], 'int')}; "
                f"{cite(top['last_12m'], top['row_id'], 'int')} in the last 12 months)."
            )
            self.state(sec, sentence)

    # ------------------------------------------------------------------ responses
    def responses(self) -> None:
        from humsec.analysis.response_gaps import response_gaps
        from humsec.analysis.response_joint import joint_programmes
        from humsec.datasets.places import load_pcodes
        from humsec.report.maps import choropleth

        rp = self.spec.responses
        assert rp is not None
        sec = self.section("responses", "Responses and gaps")
        res = response_gaps(rp.activities, rp.needs, columns=rp.activity_columns or None,
                            needs_columns=rp.needs_columns or None, pcodes=load_pcodes())
        g = res.table.copy()
        g["row_id"] = "gap:" + g["area"].astype(str) + ":" + g["sector_key"].astype(str)
        g = g[g["people_in_need"].fillna(0) > 0]
        pub = publish(
            "gaps", "People in need not covered, by area and sector", g, "counts", self.rules, n="people_in_need",
            columns={"row_id": "row", "area_name": "area", "sector": "sector", "people_in_need": "people in need",
                     "people_reached": "people reached", "coverage": "coverage", "n_orgs": "organisations",
                     "gap_score": "not covered"},
            formats={"people_in_need": "int", "people_reached": "int", "coverage": "pct", "n_orgs": "int", "gap_score": "int"},
            note=rp.note,
        )  # fmt: skip
        self.published.append(pub)
        top = pub.shown().sort_values("gap_score", ascending=False).head(15)
        self.add(sec, Published("gaps_top", "The largest gaps (people in need not covered)", top, "counts",
                                rp.note, pub.columns, pub.formats))  # fmt: skip
        sec.notes += res.report
        if rp.note:
            sec.notes.append(rp.note)
        total = pub.shown().groupby("area", as_index=False).agg(value=("gap_score", "sum"))
        if self.geo is not None and len(total):
            sec.figures.append(("People in need not covered, all sectors, by area (grey: no figure)", to_svg(
                choropleth(self.geo, total, key=self.spec.boundary_key, title="People in need not covered", legend="people"))))
        if len(top):
            r = top.iloc[0]
            sentence = (
                f"The largest response gap is {esc(r['sector'])} in {esc(r['area_name'])}: "
                f"{cite(r['gap_score'], r['row_id'], 'int')} of {cite(r['people_in_need'], r['row_id'], 'int')} "
                f"people in need are not covered (coverage {cite(r['coverage'], r['row_id'], 'pct')})."
            )
            self.state(sec, sentence)
        joint = joint_programmes(pub.shown(), res.activities)
        if len(joint):
            joint = joint.copy()
            joint["row_id"] = "jp:" + joint["area"].astype(str)
            self.add(sec, publish(
                "joint_programmes", "Suggested joint programmes (areas with several unmet sectors)", joint.head(10),
                "counts", self.rules, n="people_unreached",
                columns={"row_id": "row", "area_name": "area", "sectors": "sectors", "people_unreached": "largest gap",
                         "lead_agencies": "cluster leads", "partners": "partners present"},
                formats={"people_unreached": "int"},
            ))  # fmt: skip
        if rp.funding is not None:
            self._funding(sec, rp.funding)

    def _funding(self, sec: Section, path: Any) -> None:
        from humsec.analysis.response_money import funding_trends, trend_chart

        trends, notes = funding_trends(path)
        trends = trends.dropna(subset=["requirements_usd"]).copy()
        trends["row_id"] = "fts:" + trends["year"].astype(str)
        pub = self.add(sec, publish(
            "funding", "Humanitarian requirements and funding by year (OCHA FTS)", trends, "aggregates", self.rules,
            columns={"row_id": "row", "year": "year", "requirements_usd": "required (USD)", "funding_usd": "funded (USD)",
                     "percent_funded": "funded"},
            formats={"requirements_usd": "int", "funding_usd": "int", "percent_funded": "pct100"},
            note="; ".join(notes),
        ))  # fmt: skip
        sec.figures.append(("Requirements and funding by year", to_svg(trend_chart(pub.shown()))))

    # ------------------------------------------------------------------ strategies
    def strategies(self) -> None:
        from humsec.analysis.strategies import load_strategies, propose_responses

        sec = self.section("strategies", "Recommended strategies")
        if self.links is None:
            sec.skipped = "Strategies rest on interlinkages from survey microdata; this review has none."
            return
        cfg = self.spec.strategies
        kb_path = cfg.get("knowledge_base")
        kb = load_strategies(self.spec.source.parent / kb_path if kb_path else None)
        plan = propose_responses(kb, self.links, self.lb, top=int(cfg.get("top", 3)), mapping=cfg.get("mapping"))
        t = plan.to_frame()
        sec.notes += plan.notes
        self.add(sec, publish(
            "strategies", "Integrated responses to the most widespread interlinked threats", t, "aggregates", self.rules,
            columns={"row_id": "row", "name_a": "threat", "name_b": "with", "strength": "co-occurrence",
                     "lead_entities": "lead", "partner_entities": "partners", "protection": "protection (top-down)",
                     "empowerment": "empowerment (bottom-up)", "target_groups": "target groups", "evidence": "evidence rows"},
            formats={"strength": "pct"},
            note=f"knowledge base: {Path(str(kb.source)).name}; built only from published (disclosure-controlled) rows",
        ))  # fmt: skip
        if len(t):
            r = t.iloc[0]
            ev = str(r["evidence"]).split()[0]
            sentence = (
                f"The first recommended integrated response addresses {esc(r['name_a'])} with {esc(r['name_b'])} "
                f"(co-occurrence {cite(r['strength'], r['row_id'], 'pct')}, evidence row "
                f'<a href="#{row_anchor(ev)}">{esc(ev)}</a>), led by {esc(r["lead_entities"] or "the partners listed")}.'
            )
            self.state(sec, sentence)


# ---------------------------------------------------------------------------- provenance
def _sources(spec: ReviewSpec) -> list[dict[str, str]]:
    from humsec.report.review_spec import sha256_of

    rows = [{"what": "review file", "file": str(spec.source.name), "sha256": sha256_of(spec.source),
             "bytes": f"{spec.source.stat().st_size:,}"}]  # fmt: skip
    for what, path in spec.inputs():
        rows.append({"what": what, "file": path.name, "sha256": sha256_of(path), "bytes": f"{path.stat().st_size:,}"})
    return rows


def _versions() -> dict[str, str]:
    import platform
    from importlib import metadata

    out = {"python": platform.python_version()}
    for pkg in ("humsec", "numpy", "scipy", "pandas", "altair", "vl-convert-python", "jinja2", "weasyprint"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out
