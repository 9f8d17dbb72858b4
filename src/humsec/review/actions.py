"""Review sections on what to do: the early-warning outlook, the response and its gaps, strategies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from humsec.core.i18n import N_
from humsec.review.base import BuilderBase, Section, cite, esc, row_anchor
from humsec.review.publish import Published, publish


class ActionSections(BuilderBase):
    """Review sections on what to do: the early-warning outlook, the response and its gaps, strategies."""

    # ------------------------------------------------------------------ early warning
    def early_warning(self) -> None:
        cfg = self.spec.early_warning
        if cfg is None:
            return
        sec = self.section("outlook", N_("Early-warning outlook"))
        try:
            import importlib

            warn = importlib.import_module("humsec.warn.models")
        except ImportError:
            sec.skipped = self.phrase(
                "The review file asks for an early-warning outlook, but this humsec has no early-warning "
                "module (humsec.warn.models): the section is left out."
            )
            return
        outlook = getattr(warn, "review_outlook", None)
        if outlook is None:
            sec.skipped = self.phrase(
                "humsec.warn.models has no review_outlook(config, areas): the section is left out."
            )
            return
        areas = {a.id: self.area_frame(a, latest=False) for a in self.spec.areas}
        table = outlook(cfg, areas)
        threshold = float(cfg.get("threshold", 25))
        high = f"p_{threshold:g}plus_max"
        headers = self.headings({
            "row_id": N_("row"), "unit": N_("unit"), "last_12m": N_("last 12 months"),
            "forecast_mean": N_("expected, next months"),
            "forecast_low": N_("band low"), "forecast_high": N_("band high"),
            "p_any_max": N_("P(any) peak month"), high: self.phrase("P(≥%(threshold)s) peak month", threshold=f"{threshold:g}"),
            "month_most_at_risk": N_("month most at risk"), "model": N_("model"),
        })  # fmt: skip
        formats = dict.fromkeys(
            ("last_12m", "forecast_mean", "forecast_low", "forecast_high"), "int"
        )
        formats.update({"p_any_max": "pct", high: "pct"})
        shown = self.add(
            sec,
            publish(
                "outlook",
                self.phrase("Early-warning outlook: conflict fatalities"),
                table,
                "aggregates",
                self.rules,
                columns=headers,
                formats=formats,
                note=self.phrase(
                    "forecast from %(origin)s by humsec.warn.models; band = sums of the monthly 5 %% and 95 %% "
                    "quantiles (conservative)", origin=table["origin"].iloc[0]),
            ),
        )
        rows = shown.frame[shown.frame["sdc_status"] != "suppressed"]
        if not rows.empty:
            top = rows.iloc[0]  # the table is sorted by expected fatalities
            months = int(cfg.get("horizon", 12))
            sentence = self.phrase(
                "Over the %(months)s months after %(origin)s, the early-warning model (%(model)s) expects most "
                "conflict fatalities in %(unit)s: %(mean)s (band %(low)s–%(high)s; %(last)s in the last 12 months).",
                months=months, origin=esc(top['origin']), model=esc(top['model']), unit=esc(top['unit']),
                mean=cite(top['forecast_mean'], top['row_id'], 'int'), low=cite(top['forecast_low'], top['row_id'], 'int'),
                high=cite(top['forecast_high'], top['row_id'], 'int'), last=cite(top['last_12m'], top['row_id'], 'int'),
            )  # fmt: skip
            self.state(sec, sentence)

    # ------------------------------------------------------------------ responses
    def responses(self) -> None:
        from humsec.core.maps import choropleth
        from humsec.datasets.places import load_pcodes
        from humsec.response.gaps import response_gaps
        from humsec.response.joint import joint_programmes

        rp = self.spec.responses
        assert rp is not None
        sec = self.section("responses", N_("Responses and gaps"))
        res = response_gaps(
            rp.activities,
            rp.needs,
            columns=rp.activity_columns or None,
            needs_columns=rp.needs_columns or None,
            pcodes=load_pcodes(),
        )
        g = res.table.copy()
        g["row_id"] = "gap:" + g["area"].astype(str) + ":" + g["sector_key"].astype(str)
        g = g[g["people_in_need"].fillna(0) > 0]
        pub = publish(
            "gaps", self.phrase("People in need not covered, by area and sector"), g, "counts", self.rules,
            n="people_in_need",
            columns=self.headings({"row_id": N_("row"), "area_name": N_("area"), "sector": N_("sector"),
                     "people_in_need": N_("people in need"), "people_reached": N_("people reached"),
                     "coverage": N_("coverage"), "n_orgs": N_("organisations"), "gap_score": N_("not covered")}),
            formats={"people_in_need": "int", "people_reached": "int", "coverage": "pct", "n_orgs": "int", "gap_score": "int"},
            note=rp.note,
        )  # fmt: skip
        self.published.append(pub)
        top = pub.shown().sort_values("gap_score", ascending=False).head(15)
        self.add(sec, Published("gaps_top", self.phrase("The largest gaps (people in need not covered)"), top, "counts",
                                rp.note, pub.columns, pub.formats))  # fmt: skip
        sec.notes += res.report
        if rp.note:
            sec.notes.append(rp.note)
        total = pub.shown().groupby("area", as_index=False).agg(value=("gap_score", "sum"))
        if self.geo is not None and len(total):
            sec.figures.append(
                (
                    self.phrase("People in need not covered, all sectors, by area (grey: no figure)"),
                    self.svg(
                        choropleth(
                            self.geo,
                            total,
                            key=self.spec.boundary_key,
                            title=self.phrase("People in need not covered"),
                            legend=self.phrase("people"),
                        )
                    ),
                )
            )
        if len(top):
            r = top.iloc[0]
            sentence = self.phrase(
                "The largest response gap is %(sector)s in %(area)s: %(gap)s of %(need)s people in need are not "
                "covered (coverage %(coverage)s).", sector=esc(r['sector']), area=esc(r['area_name']),
                gap=cite(r['gap_score'], r['row_id'], 'int'), need=cite(r['people_in_need'], r['row_id'], 'int'),
                coverage=cite(r['coverage'], r['row_id'], 'pct'),
            )  # fmt: skip
            self.state(sec, sentence)
        joint = joint_programmes(pub.shown(), res.activities)
        if len(joint):
            joint = joint.copy()
            joint["row_id"] = "jp:" + joint["area"].astype(str)
            self.add(sec, publish(
                "joint_programmes", self.phrase("Suggested joint programmes (areas with several unmet sectors)"),
                joint.head(10), "counts", self.rules, n="people_unreached",
                columns=self.headings({"row_id": N_("row"), "area_name": N_("area"), "sectors": N_("sectors"),
                         "people_unreached": N_("largest gap"), "lead_agencies": N_("cluster leads"),
                         "partners": N_("partners present")}),
                formats={"people_unreached": "int"},
            ))  # fmt: skip
        if rp.funding is not None:
            self._funding(sec, rp.funding)

    def _funding(self, sec: Section, path: Any) -> None:
        from humsec.response.money import funding_trends, trend_chart

        trends, notes = funding_trends(path)
        trends = trends.dropna(subset=["requirements_usd"]).copy()
        trends["row_id"] = "fts:" + trends["year"].astype(str)
        pub = self.add(sec, publish(
            "funding", self.phrase("Humanitarian requirements and funding by year (OCHA FTS)"), trends, "aggregates",
            self.rules,
            columns=self.headings({"row_id": N_("row"), "year": N_("year"), "requirements_usd": N_("required (USD)"),
                     "funding_usd": N_("funded (USD)"), "percent_funded": N_("funded")}),
            formats={"requirements_usd": "int", "funding_usd": "int", "percent_funded": "pct100"},
            note="; ".join(notes),
        ))  # fmt: skip
        sec.figures.append((self.phrase("Requirements and funding by year"), self.svg(trend_chart(
            pub.shown(), title=self.phrase("Funding and requirements by year"),
            labels={"requirements": self.phrase("requirements"), "funding": self.phrase("funding (appeals)"),
                    "outside": self.phrase("funding outside appeals"), "usd": "USD"}))))  # fmt: skip

    # ------------------------------------------------------------------ strategies
    def strategies(self) -> None:
        from humsec.review.strategies import load_strategies, propose_responses

        sec = self.section("strategies", N_("Recommended strategies"))
        if self.links is None:
            sec.skipped = self.phrase(
                "Strategies rest on interlinkages from survey microdata; this review has none."
            )
            return
        cfg = self.spec.strategies
        kb_path = cfg.get("knowledge_base")
        # the shipped knowledge base in the report's language (English where it has no translation);
        # a knowledge base of the review file's own is used as it is
        kb = load_strategies(
            self.spec.source.parent / kb_path if kb_path else None, language=self.tr.code
        )
        plan = propose_responses(
            kb, self.links, self.lb, top=int(cfg.get("top", 3)), mapping=cfg.get("mapping")
        )
        t = plan.to_frame()
        sec.notes += plan.notes
        table = self.add(sec, publish(
            "strategies", self.phrase("Integrated responses to the most widespread interlinked threats"), t,
            "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "name_a": N_("threat"), "name_b": N_("with"),
                     "strength": N_("co-occurrence"), "lead_entities": N_("lead"), "partner_entities": N_("partners"),
                     "protection": N_("protection (top-down)"), "empowerment": N_("empowerment (bottom-up)"),
                     "target_groups": N_("target groups"), "evidence": N_("evidence rows")}),
            formats={"strength": "pct"},
            note=self.phrase("knowledge base: %(file)s; built only from published (disclosure-controlled) rows",
                             file=Path(str(kb.source)).name),
            # the CSV keeps the entity ids; the page, brief and slides show each by its label (HCR in French)
            labels=dict.fromkeys(("lead_entities", "partner_entities"), kb.labels()),
        ))  # fmt: skip
        if len(t):
            r = t.iloc[0]
            ev = str(r["evidence"]).split()[0]
            lead = (
                esc(table.display("lead_entities", r["lead_entities"]))
                if r["lead_entities"] else self.phrase("the partners listed")
            )  # fmt: skip
            sentence = self.phrase(
                "The first recommended integrated response addresses %(a)s with %(b)s (co-occurrence %(strength)s, "
                "evidence row %(evidence)s), led by %(lead)s.", a=esc(r['name_a']), b=esc(r['name_b']),
                strength=cite(r['strength'], r['row_id'], 'pct'),
                evidence=f'<a href="#{row_anchor(ev)}">{esc(ev)}</a>', lead=lead,
            )  # fmt: skip
            self.state(sec, sentence)
