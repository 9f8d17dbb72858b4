"""The review section "What people say": perception indicators of a Kobo/ODK survey by area, published
through the review's disclosure control, and (optionally) one of them set against an AF measure of the
survey section, area by area (perceived vs measured, :mod:`humsec.voice.compare`).

The export is read, handed to :class:`~humsec.voice.PerceptionIndicators`, and dropped: the section holds
published tables only. The indicator table is a table of survey estimates (the n and CV rules, secondary
suppression within each indicator's areas); the comparison is built from the *published* rows of both
sides, so a suppressed area is left out of it.

>>> voice_row_id("trusts_office", "district", "Tal Afar")
'voice:trusts_office:district=Tal Afar'
>>> voice_row_id("trusts_office", "national", "")
'voice:trusts_office:national'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from humsec.core.i18n import N_
from humsec.review.base import BuilderBase, Section, cite, esc, fmt_value
from humsec.review.publish import Published, publish

__all__ = ["VoiceSections", "voice_row_id"]

SECTION_ID = "voice"
SECTION_TITLE = N_("What people say")


def voice_row_id(name: str, over: str, group: str) -> str:
    """The row id of one perception estimate (``voice:<name>:national`` or ``voice:<name>:<over>=<group>``)."""
    return f"voice:{name}:national" if over == "national" else f"voice:{name}:{over}={group}"


class VoiceSections(BuilderBase):
    """The "What people say" section (the review file's ``voice:`` block)."""

    def voice_section(self) -> None:
        from humsec.voice import PerceptionIndicators, PerceptionSpec, read_export, read_form

        vp = self.spec.voice
        assert vp is not None
        sec = self.section(SECTION_ID, SECTION_TITLE)
        spec = PerceptionSpec.from_yaml(vp.indicators)
        export = read_export(vp.data, read_form(vp.form))
        result = PerceptionIndicators(spec, over=[vp.over], level=self.spec.level, **vp.design).fit(
            export
        )
        del export  # nothing below sees a person's answers
        pub = self._publish_indicators(result.to_frame(), spec, vp.name)
        self.add(sec, pub)
        self._voice_findings(sec, pub, spec)
        sec.notes += result.notes
        for rel in result.reliability.to_dict("records"):
            sec.notes.append(self.phrase(
                "reliability of the index %(index)s%(when)s: Cronbach's alpha %(alpha)s, McDonald's omega %(omega)s "
                "on %(n)s complete cases (unweighted)", index=rel["index"],
                when=self.phrase(" (round %(round)s)", round=rel["round"]) if rel["round"] else "",
                alpha=fmt_value(rel["alpha"], "f2"), omega=fmt_value(rel["omega"], "f2"), n=rel["n"],
            ))  # fmt: skip
        if vp.note:
            sec.notes.append(vp.note)
        if vp.compare:
            self._perceived_vs_measured(sec, pub, spec)

    def _publish_indicators(self, table: pd.DataFrame, spec: Any, name: str) -> Published:
        t = table.copy()
        t["group"] = t["group"].fillna("").astype(str)
        t["row_id"] = [
            voice_row_id(n, o, g) for n, o, g in zip(t["name"], t["over"], t["group"], strict=True)
        ]
        t["area"] = t["group"].where(t["over"] != "national", "(all)")
        t["label"] = [
            (spec.indicators[n].label if n in spec.indicators else "") or lab or n
            for n, lab in zip(t["name"], t["label"].fillna(""), strict=True)
        ]
        level = round(self.spec.level * 100)
        return publish(
            "voice_indicators",
            self.phrase("Perception indicators by area, %(survey)s (shares 0-1, scores and indices as means), "
                        "%(level)s%% CIs", survey=name, level=level),
            t, "estimates", self.rules, margins=[["name", "over"]],
            columns=self.headings({"row_id": N_("row"), "label": N_("indicator"), "area": N_("area"),
                     "estimate": N_("estimate"), "ci_low": N_("CI low"), "ci_high": N_("CI high"), "se": N_("SE"),
                     "n": "n"}),
            formats={"estimate": "f3", "ci_low": "f3", "ci_high": "f3", "se": "f4", "n": "int"},
            note=self.phrase("Source: %(survey)s; each indicator's base excludes people not asked and the answers it "
                             "lists as missing", survey=name),
        )  # fmt: skip

    def _voice_findings(self, sec: Section, pub: Published, spec: Any) -> None:
        """For each indicator and index: the national value and the highest and lowest published areas."""
        shown = pub.shown()
        first = True
        for name in [*spec.indicators, *spec.indices]:
            rows = shown[shown["name"] == name].dropna(subset=["estimate"])
            nat = rows[rows["over"] == "national"]
            areas = rows[rows["over"] != "national"].sort_values("estimate", ascending=False)
            if nat.empty and len(areas) < 2:
                continue
            label = esc(rows["label"].iloc[0])
            how = "pct" if name in spec.indicators and spec.indicators[name].is_share else "f2"
            parts = []
            if not nat.empty:
                parts.append(self.phrase("%(value)s overall", value=cite(nat['estimate'].iloc[0], nat['row_id'].iloc[0], how)))
            if len(areas) >= 2:
                top, low = areas.iloc[0], areas.iloc[-1]
                parts.append(self.phrase(
                    "highest in %(top)s (%(top_value)s), lowest in %(low)s (%(low_value)s)",
                    top=esc(top['area']), top_value=cite(top['estimate'], top['row_id'], how),
                    low=esc(low['area']), low_value=cite(low['estimate'], low['row_id'], how),
                ))  # fmt: skip
            sentence = self.phrase("What people say: %(indicator)s: %(findings)s.", indicator=label,
                                   findings="; ".join(parts))  # fmt: skip
            if first:  # the first indicator's finding goes to the executive summary
                self.state(sec, sentence)
                first = False
            else:
                sec.paragraphs.append(sentence)

    def _perceived_vs_measured(self, sec: Section, pub: Published, spec: Any) -> None:
        from humsec.core.errors import HumsecError
        from humsec.voice.compare import compare_perceived_measured, measured_rows, perceived_rows

        vp = self.spec.voice
        assert vp is not None
        cfg = vp.compare
        name, measure, af_over = str(cfg["indicator"]), str(cfg["measure"]), str(cfg["over"])
        af = next((p for p in self.published if p.key == "af_results"), None)
        if af is None:
            sec.notes.append(self.phrase(
                "perceived vs measured: the survey section published no AF results; left out"
            ))
            return
        ind = spec.indicators.get(name)
        worse = cfg.get("higher_is_worse", ind is not None and ind.direction == "higher_is_worse")
        k = cfg.get("k", self.spec.survey.k if self.spec.survey else None)
        try:
            perceived = perceived_rows(
                pub.shown(), name=name, over=vp.over, higher_is_worse=bool(worse)
            )
            measured = measured_rows(
                af.shown(), measure=measure, over=af_over, k=None if k is None else float(k)
            )
            res = compare_perceived_measured(perceived, measured, level=self.spec.level)
        except HumsecError as exc:
            # too few areas in common, a measure the survey has not: said in the notes, not fatal
            sec.notes.append(self.phrase("perceived vs measured is left out: %(reason)s", reason=exc))
            return
        label = str(pub.frame.loc[pub.frame["name"] == name, "label"].iloc[0])  # plain text: titles are escaped later
        p_title = label if worse else self.phrase("%(indicator)s (turned: 1 - value)", indicator=label)
        t = res.to_frame()
        t["row_id"] = "vc:" + name + ":" + t["group"].astype(str)
        table = self.add(sec, publish(
            "voice_vs_measured",
            self.phrase("What people say (%(perceived)s) vs AF %(measure)s by %(over)s; higher = worse",
                        perceived=p_title, measure=measure, over=af_over),
            t, "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "group": N_("area"), "perceived": N_("perceived"),
                     "perceived_ci_low": N_("perceived CI low"), "perceived_ci_high": N_("perceived CI high"),
                     "measured": f"AF {measure}", "measured_ci_low": N_("measured CI low"),
                     "measured_ci_high": N_("measured CI high"), "flag": N_("flag")}),
            formats=dict.fromkeys(("perceived", "perceived_ci_low", "perceived_ci_high", "measured", "measured_ci_low", "measured_ci_high"), "f3"),
            note=self.phrase("built from the published rows of both tables (suppressed areas left out); an area is "
                             "high or low on a side when its whole CI lies above or below the median of the areas"),
        ))  # fmt: skip
        c = res.correlation
        corr = pd.DataFrame([{"row_id": f"vc:{name}:r", "r": c["r"], "ci_low": c["ci_low"],
                              "ci_high": c["ci_high"], "areas": c["areas"]}])  # fmt: skip
        r_pub = self.add(sec, publish(
            "voice_vs_measured_r",
            self.phrase("Correlation across areas of what people say and what is measured (Pearson, Fisher-z CI)"),
            corr, "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "r": "r", "ci_low": N_("CI low"), "ci_high": N_("CI high"),
                                   "areas": N_("areas")}),
            formats={"r": "f2", "ci_low": "f2", "ci_high": "f2", "areas": "int"},
        ))  # fmt: skip
        sec.figures.append((
            self.phrase("What people say (%(perceived)s) vs AF %(measure)s: areas with both CIs; dashed lines are the "
                        "medians", perceived=p_title, measure=measure),
            self.svg(res.chart(perceived=self.phrase("%(indicator)s (higher = worse)", indicator=p_title),
                               measured=f"AF {measure}")),
        ))  # fmt: skip
        rr = r_pub.frame.iloc[0]
        sentence = self.phrase(
            "Across %(areas)s areas, what people say and the AF %(measure)s correlate at r = %(r)s (CI %(low)s to "
            "%(high)s)", areas=cite(rr['areas'], rr['row_id'], 'int'), measure=esc(measure),
            r=cite(rr['r'], rr['row_id'], 'f2'), low=cite(rr['ci_low'], rr['row_id'], 'f2'),
            high=cite(rr['ci_high'], rr['row_id'], 'f2'),
        )  # fmt: skip
        off = table.frame[
            table.frame["flag"].isin(["feel worse than measured", "measured worse than felt"])
        ]
        if len(off):
            listed = "; ".join(
                f"{esc(r['group'])} ({esc(r['flag'])}: {cite(r['perceived'], r['row_id'], 'f3')} vs "
                f"{cite(r['measured'], r['row_id'], 'f3')})"
                for r in off.to_dict("records")
            )
            sentence += self.phrase("; perception and measure disagree in %(areas)s.", areas=listed)
        else:
            sentence += self.phrase("; no area is clearly high on one side and low on the other.")
        sec.paragraphs.append(sentence)
        sec.notes += res.notes
