"""Review sections from survey microdata: the profile, interlinked threats, who is left behind."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import HumsecError
from humsec.core.i18n import N_
from humsec.review.base import BuilderBase, cite, esc, fmt_value
from humsec.review.publish import Published, publish


class SurveySections(BuilderBase):
    """Review sections from survey microdata: the profile, interlinked threats, who is left behind."""

    def survey_sections(self) -> None:
        import humsec
        from humsec.af.interlinkages import InterlinkageResult, co_deprivation
        from humsec.af.left_behind import LeftBehindResult, left_behind
        from humsec.af.spec import AFSpec
        from humsec.core.survey import read_survey

        sv = self.spec.survey
        assert sv is not None
        af_spec = AFSpec.from_file(sv.spec_path)
        k = sv.k if sv.k is not None else af_spec.k[len(af_spec.k) // 2]
        micro = read_survey(sv.data_path).frame
        result = humsec.AlkireFoster(af_spec, level=self.spec.level).fit(
            micro, over=list(sv.over), source=sv.name
        )
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
        sec = self.section("profile", N_("The multidimensional profile"))
        sv = self.spec.survey
        assert sv is not None
        tidy = result.tidy()
        for col in ("time", "change", "from_time", "to_time", "n_t0", "n_t1"):  # absent with one round
            if col not in tidy.columns:
                tidy[col] = pd.NA
        tidy = tidy[tidy["change"].fillna("").isin(["", "abs"])].copy()
        tidy["row_id"] = [
            "af:" + ":".join(
                [m, f"k{kk:g}" if pd.notna(kk) else "k-", *( [str(ind)] if ind else [] ),
                 *([f"{ft}-{tt}:{ch}"] if ch else [f"t{t}"] if t != "" else []),
                 "national" if o == "national" else f"{o}={g}"]
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
            "af_results", self.phrase("Alkire-Foster estimates"), tidy, "estimates", self.rules,
            n=["n", "n_t0", "n_t1"],  # change rows: the smaller of the two rounds' counts
            margins=[["measure", "k", "indicator", "over", "time", "change"]],
            cv_exempt=(tidy["change"].fillna("") != "").to_numpy(),  # a change's CV is no quality measure
        )  # fmt: skip
        self.published.append(pub)  # the whole table goes to tables/af_results.csv
        f = pub.frame
        main = f[(f["over"] == "national") & f["measure"].isin(["H", "A", "M0"])]
        main = main[(main["k"] == k)]
        nat = Published(
            "af_national",
            self.phrase("National H, A and M0 (k = %(k)s%%), %(level)s%% CIs; change rows are first to last round",
                        k=f"{k:g}", level=level),
            main, "estimates", "",
            self.headings({"row_id": N_("row"), "measure": N_("measure"), "time": N_("round"), "change": N_("change"),
             "estimate": N_("estimate"), "ci_low": N_("CI low"), "ci_high": N_("CI high"), "se": N_("SE"), "n": "n",
             "n_t0": N_("n first round"), "n_t1": N_("n last round")}),
            {"estimate": "f3", "ci_low": "f3", "ci_high": "f3", "se": "f4", "n": "int",
             "n_t0": "int", "n_t1": "int"},
        )  # fmt: skip
        self.add(sec, nat)
        latest = str(main.loc[main["change"].fillna("") == "", "time"].iloc[-1])
        rows = {
            m: main[
                (main["measure"] == m)
                & (main["time"] == latest)
                & (main["change"].fillna("") == "")
            ]
            for m in ("H", "A", "M0")
        }
        if all(len(r) for r in rows.values()) and rows["H"]["estimate"].notna().all():
            h, a, m0 = (rows[m].iloc[0] for m in ("H", "A", "M0"))
            self.state(sec, self.phrase(
                "In the latest survey round (%(round)s) of %(survey)s, %(h)s of people are multidimensionally "
                "insecure (deprived in at least %(k)s%% of the weighted indicators; confidence interval "
                "%(low)s–%(high)s); on average they are deprived in %(a)s of the indicators, so M0 = %(m0)s.",
                round=esc(latest), survey=esc(sv.name), h=cite(h['estimate'], h['row_id'], 'pct'),
                k=cite(h['k'], h['row_id'], 'g'), low=cite(h['ci_low'], h['row_id'], 'pct'),
                high=cite(h['ci_high'], h['row_id'], 'pct'), a=cite(a['estimate'], a['row_id'], 'pct'),
                m0=cite(m0['estimate'], m0['row_id'], 'f3'),
            ))  # fmt: skip
        self._change_sentence(sec, main)
        if sv.note:
            sec.notes.append(sv.note)
        d = f[
            (f["measure"] == "M0")
            & (f["k"] == k)
            & (f["over"] != "national")
            & (f["change"].fillna("") == "")
        ]
        d = d[~d["sdc_status"].isin(["suppressed", "secondary"])].copy()
        from humsec.core.charts import bar_with_ci, censored_headcounts

        for over in [o for o in sv.over if "*" not in o]:
            part = d[d["over"] == over].copy()
            if len(part):
                part["round"] = part["time"].astype(str)
                sec.figures.append((
                    self.phrase("M0 by %(over)s (k = %(k)s%%), %(level)s%% CIs (suppressed cells left out)",
                                over=over, k=f"{k:g}", level=level),
                    self.svg(bar_with_ci(part, "group", self.phrase("M0 by %(over)s", over=over), "M0",
                                         round_title=self.phrase("round"))),
                ))  # fmt: skip
        lv = f[f["change"].fillna("") == ""].copy()
        lv["time"] = lv["time"].astype(str)
        lv = lv[~lv["sdc_status"].isin(["suppressed", "secondary"])]
        sec.figures.append((
            self.phrase("Censored and uncensored headcount ratios by indicator"),
            self.svg(censored_headcounts(
                lv, k, self.phrase("Deprivations (k = %(k)s%%)", k=f"{k:g}"),
                value_title=self.phrase("share of people"), round_title=self.phrase("round"),
                ratio_names={"hd": self.phrase("uncensored (hd)"),
                             "hdk": self.phrase("censored at k=%(k)s (hdk)", k=f"{k:g}")},
            )),
        ))  # fmt: skip
        hd = f[
            (f["over"] == "national")
            & (f["measure"] == "hdk")
            & (f["k"] == k)
            & (f["time"] == latest)
            & (f["change"].fillna("") == "")
        ]
        self.add(sec, Published(
            "af_hdk", self.phrase("Censored headcount ratios, round %(round)s (k = %(k)s%%)", round=latest, k=f"{k:g}"),
            hd, "estimates", "",
            self.headings({"row_id": N_("row"), "indicator": N_("indicator"), "estimate": N_("estimate"),
                           "ci_low": N_("CI low"), "ci_high": N_("CI high"), "n": "n"}),
            {"estimate": "f3", "ci_low": "f3", "ci_high": "f3", "n": "int"},
        ))  # fmt: skip
        sec.notes.append(
            self.phrase("Design: %(psus)s PSUs in %(strata)s strata; %(used)s of %(input)s persons used",
                        psus=result.provenance.design.get('n_psu'), strata=result.provenance.design.get('n_strata'),
                        used=result.provenance.n_used, input=result.provenance.n_input)
            + "".join("; " + self.phrase("dropped %(n)s: %(reason)s", n=n, reason=r)
                      for r, n in result.provenance.dropped)
        )  # fmt: skip

    def _change_sentence(self, sec: Any, main: pd.DataFrame) -> None:
        """Whether insecurity fell: the national change in H, first to last round, when published."""
        ch = main[
            (main["measure"] == "H")
            & (main["change"].fillna("") == "abs")
            & main["sdc_status"].isin(["ok", "flag"])
        ]
        if not len(ch) or pd.isna(ch["estimate"].iloc[0]):
            return
        c = ch.iloc[0]
        rid = str(c["row_id"])
        sure = c["ci_low"] > 0 or c["ci_high"] < 0  # the interval excludes no change
        values = {"start": esc(c["from_time"]), "end": esc(c["to_time"]), "change": cite(c["estimate"], rid, "pp"),
                  "low": cite(c["ci_low"], rid, "pp"), "high": cite(c["ci_high"], rid, "pp")}  # fmt: skip
        if sure and c["estimate"] > 0:
            sentence = self.phrase(
                "From round %(start)s to round %(end)s the share of people multidimensionally insecure rose: "
                "%(change)s (percentage points; confidence interval %(low)s to %(high)s).", **values)  # fmt: skip
        elif sure:
            sentence = self.phrase(
                "From round %(start)s to round %(end)s the share of people multidimensionally insecure fell: "
                "%(change)s (percentage points; confidence interval %(low)s to %(high)s).", **values)  # fmt: skip
        else:
            sentence = self.phrase(
                "From round %(start)s to round %(end)s the share of people multidimensionally insecure did not "
                "change significantly: %(change)s (percentage points; confidence interval %(low)s to %(high)s).",
                **values)  # fmt: skip
        self.state(sec, sentence)

    def _interlinkages(self, links: Any, k: float) -> Published:
        from humsec.review.charts import threat_heatmap, threat_network

        sec = self.section("interlinkages", N_("Interlinked threats"))
        pub = publish(
            "interlinkages", self.phrase("Co-deprivation of pairs of indicators"), links.to_frame(), "estimates",
            self.rules, n="n_joint", estimate="joint", se="joint_se",
            note=self.phrase("disclosure control on the persons deprived in both indicators (n_joint) and the CV of "
                             "the joint rate"),
        )  # fmt: skip
        self.published.append(pub)
        from humsec.af.interlinkages import InterlinkageResult

        shown = InterlinkageResult(pub.frame, links.dimensions)
        latest = shown.select("censored", k)
        t = str(latest["time"].iloc[0])
        v = shown.matrix("cramers_v", version="censored", k=k, time=t)
        try:
            order = (
                shown.clusters(version="censored", k=k, time=t)
                .sort_values("order")["indicator"]
                .tolist()
            )
        except (HumsecError, ValueError):
            order = None
        sec.figures.append((
            self.phrase("Cramér's V among the multidimensionally insecure (censored at k = %(k)s%%, round %(round)s); "
                        "blank cells suppressed", k=f"{k:g}", round=t),
            self.svg(threat_heatmap(v, title=self.phrase("Association of deprivations (Cramér's V)"), order=order,
                                    value_title=self.phrase("association"))),
        ))  # fmt: skip
        off = v.where(~np.eye(len(v), dtype=bool)).stack()
        if off.notna().any():  # the strongest third of the links, so the network stays readable
            cut = float(np.nanquantile(off.to_numpy(dtype=float), 2 / 3))
            sec.figures.append((
                self.phrase("Network of threats: links with Cramér's V ≥ %(cut)s (the strongest third; width = "
                            "strength), colours = dimensions", cut=fmt_value(cut, "f2")),
                self.svg(threat_network(v, title=self.phrase("Interlinked deprivations (censored)"), min_strength=cut,
                                        node_group=links.dimensions)),
            ))  # fmt: skip
        top = (
            latest[latest["sdc_status"] != "suppressed"]
            .sort_values("joint", ascending=False)
            .head(12)
        )
        self.add(sec, Published(
            "interlinkages_top",
            self.phrase("The most widespread co-deprivations among the insecure (round %(round)s, k = %(k)s%%)",
                        round=t, k=f"{k:g}"),
            top, "estimates", pub.note,
            self.headings({"row_id": N_("row"), "indicator_a": "a", "indicator_b": "b", "joint": N_("joint"),
             "p_b_given_a": "P(b|a)", "p_a_given_b": "P(a|b)", "cramers_v": "V", "r0": "R0", "n_joint": N_("n (both)")}),
            {"joint": "pct", "p_b_given_a": "pct", "p_a_given_b": "pct", "cramers_v": "f2", "r0": "f2", "n_joint": "int"},
        ))  # fmt: skip
        if len(top) and pd.notna(top["joint"].iloc[0]):
            r = top.iloc[0]
            sentence = self.phrase(
                "The most widespread pair of deprivations among the insecure is %(a)s with %(b)s: %(joint)s of "
                "people are insecure and deprived in both (P(%(b)s | %(a)s) = %(conditional)s).",
                a=esc(r['indicator_a']), b=esc(r['indicator_b']), joint=cite(r['joint'], r['row_id'], 'pct'),
                conditional=cite(r['p_b_given_a'], r['row_id'], 'pct'),
            )  # fmt: skip
            self.state(sec, sentence)
        return pub

    def _left_behind(self, lb: Any, k: float) -> tuple[Published, pd.DataFrame]:
        from humsec.review.charts import left_behind_chart

        sec = self.section("left-behind", N_("Who is left behind"))
        groups = publish(
            "left_behind", self.phrase("Groups compared with the nation"), lb.to_frame(), "estimates", self.rules,
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
            "left_behind_summary", self.phrase("The search"), summary, "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "comparisons": N_("comparisons"), "tested": N_("tested"),
             "found": N_("found left behind"), "suppressed": N_("suppressed (SDC)"), "fdr": N_("FDR level")}),
            formats={"comparisons": "int", "tested": "int", "found": "int", "suppressed": "int", "fdr": "f2"},
        ))  # fmt: skip
        sentence = self.phrase(
            "Of %(tested)s tested group comparisons, %(found)s show insecurity above the national level at a "
            "false discovery rate of %(fdr)s.", tested=cite(len(tested), 'lb:summary', 'int'),
            found=cite(len(found), 'lb:summary', 'int'), fdr=cite(lb.fdr, 'lb:summary', 'f2'),
        )  # fmt: skip
        if len(found):
            top = found.sort_values("affected", ascending=False).iloc[0]
            sentence += " " + self.phrase(
                "The largest is %(over)s = %(group)s (%(measure)s: %(estimate)s against %(national)s nationally, "
                "about %(affected)s people in the sample's weights).", over=esc(top['over']), group=esc(top['group']),
                measure=esc(top['measure']) + (' ' + esc(top['indicator']) if top['indicator'] else ''),
                estimate=cite(top['estimate'], top['row_id'], 'f3'), national=cite(top['national'], top['row_id'], 'f3'),
                affected=cite(top['affected'], top['row_id'], 'int'),
            )  # fmt: skip
        self.state(sec, sentence)
        cols = self.headings({
            "row_id": N_("row"), "measure": N_("measure"), "indicator": N_("indicator"), "over": N_("grouping"),
            "group": N_("group"), "estimate": N_("estimate"), "national": N_("national"), "gap": N_("gap"),
            "q_value": "q", "affected": N_("people affected"), "n": "n",
        })  # fmt: skip
        fmts = {
            "estimate": "f3",
            "national": "f3",
            "gap": "f3",
            "q_value": "f3",
            "affected": "int",
            "n": "int",
        }
        shown = (
            found.sort_values(["rank_size"]).head(20)
            if len(found)
            else tested.sort_values("q_value").head(10)
        )
        title = (
            self.phrase("Groups found left behind (most people affected first)")
            if len(found)
            else self.phrase("No group found left behind: the ten comparisons closest to significance")
        )
        self.add(sec, Published("left_behind_groups", title, shown, "estimates", "", cols, fmts))
        m0 = tested[
            (tested["measure"] == "M0") & ~tested["sdc_status"].isin(["suppressed", "secondary"])
        ]
        m0 = m0[~m0["over"].str.contains("*", regex=False)]
        if len(m0):
            sec.figures.append((
                self.phrase("M0 (k = %(k)s%%) by group with CIs against the national level (dashed); suppressed "
                            "groups left out", k=f"{k:g}"),
                self.svg(left_behind_chart(m0, measure="M0", k=k, title=self.phrase("M0 by group"),
                                           status_names=(self.phrase("left behind"), self.phrase("not shown to differ")))),
            ))  # fmt: skip
        bn = lb.to_frame("bottlenecks")
        visible = set(g.loc[~g["sdc_status"].isin(["suppressed", "secondary"]), "row_id"])
        bn = bn[bn["parent_id"].isin(visible)].reset_index(
            drop=True
        )  # a suppressed gap is not explained
        if len(found):
            lead = found[found["measure"] == "M0"].head(3)["row_id"]
            part = bn[bn["parent_id"].isin(lead)].sort_values("contribution", ascending=False)
            if len(part):
                self.add(sec, Published(
                    "bottlenecks", self.phrase("Bottlenecks: indicator contributions to the M0 gap of the groups found"),
                    part, "aggregates", self.phrase("each gap's parent row passed disclosure control"),
                    self.headings({"row_id": N_("row"), "over": N_("grouping"), "group": N_("group"),
                     "indicator": N_("indicator"), "contribution": N_("contribution"), "share_of_gap": N_("share of gap")}),
                    {"contribution": "f4", "share_of_gap": "pct"},
                ))  # fmt: skip
        return groups, bn
