"""Review sections from area data: maps, links between area indicators, the index, trends."""

from __future__ import annotations

import dataclasses

import pandas as pd

from humsec.core.i18n import N_
from humsec.review.base import BuilderBase, cite, esc
from humsec.review.publish import Published, publish
from humsec.review.spec import AreaDataset


class AreaSections(BuilderBase):
    """Review sections from area data: maps, links between area indicators, the index, trends."""

    def publish_area(self, ds: AreaDataset, frame: pd.DataFrame, key: str, title: str) -> Published:
        return publish(
            key, title, frame, "aggregates", self.rules, population=ds.population,
            columns=self.headings({"row_id": N_("row"), "area_name": N_("area"),
                                   **({"time": N_("time")} if ds.time else {}), **ds.indicators}),
            formats=dict.fromkeys(ds.indicators, "f2"),
            note=self.phrase("Source: %(source)s", source=ds.source),
        )  # fmt: skip

    def area_sections(self) -> None:
        from humsec.datasets.places import load_boundaries

        self.geo = load_boundaries(self.spec.boundaries)
        for f in self.geo["features"]:
            p = f.get("properties", {})
            self.names[str(p.get(self.spec.boundary_key))] = str(
                p.get("adm1_name") or p.get("name") or ""
            )
        self._maps()
        self._area_links()
        self._index()
        self._trends()

    def _maps(self) -> None:
        import altair as alt

        from humsec.core.maps import choropleth

        if not self.spec.maps:  # no heading over nothing
            return
        sec = self.section("maps", N_("Maps: where insecurity concentrates"))
        assert self.geo is not None
        charts = []
        by_ds: dict[str, Published] = {}
        for m in self.spec.maps:
            ds = self.spec.area(m.data)
            if m.data not in by_ds:
                frame = self.area_frame(ds)
                when = f" ({frame['time'].iloc[0]})" if ds.time and len(frame) else ""
                by_ds[m.data] = self.add(
                    sec, self.publish_area(ds, frame, f"area_{ds.id}", f"{ds.source}{when}")
                )
            pub = by_ds[m.data]
            values = pub.shown()[["area", m.indicator]].rename(columns={m.indicator: "value"})
            share = bool(values["value"].dropna().between(0, 1).all())
            charts.append(choropleth(
                self.geo, values, key=self.spec.boundary_key, title=m.title, width=270, height=270,
                legend="%" if "%" in m.title else self.phrase("share") if share else self.phrase("value"),
                legend_format=".0%" if share and "%" not in m.title else ",.0f",
            ))  # fmt: skip
            ranked = (
                pub.shown().dropna(subset=[m.indicator]).sort_values(m.indicator, ascending=False)
            )
            if len(ranked):
                top, low = ranked.iloc[0], ranked.iloc[-1]
                how = "pct100" if "%" in m.title else "f2"
                sentence = self.phrase(
                    "%(indicator)s: highest in %(top)s (%(top_value)s), lowest in %(low)s (%(low_value)s).",
                    indicator=esc(m.title), top=esc(top['area_name']), top_value=cite(top[m.indicator], top['row_id'], how),
                    low=esc(low['area_name']), low_value=cite(low[m.indicator], low['row_id'], how),
                )  # fmt: skip
                sec.paragraphs.append(sentence)
                if len(sec.paragraphs) == 1:  # the first map's extremes go to the summary
                    self.facts.append(sentence)
        if charts:
            grid = alt.concat(*charts, columns=2).resolve_scale(color="independent")
            sec.figures.append(
                (
                    self.phrase("Choropleths by area (grey: no data or suppressed); each map has its own scale"),
                    self.svg(grid),
                )
            )
        for ds_id, pub in by_ds.items():  # areas mapped to no feature (boundaries.names: null)
            off = sorted(set(pub.frame["area"]) - set(self.names))
            if off:
                sec.notes.append(self.phrase(
                    "%(n)s area(s) of '%(data)s' have no boundary feature and are left off the maps (their rows "
                    "are in the table): %(areas)s", n=len(off), data=ds_id,
                    areas=f"{off[:10]}{' ...' if len(off) > 10 else ''}",
                ))  # fmt: skip

    def _wide(self, refs: list[str]) -> pd.DataFrame:
        """Latest values of ``dataset.column`` indicators, one row per area (outer join)."""
        wide: pd.DataFrame | None = None
        for ds_id in dict.fromkeys(r.split(".", 1)[0] for r in refs):
            ds = self.spec.area(ds_id)
            cols = list(dict.fromkeys(r.split(".", 1)[1] for r in refs if r.split(".", 1)[0] == ds_id))
            # a column the data set does not declare is read as its indicators are (its filter,
            # its latest time, its missing-value codes), not beside them
            extra = {c: c for c in cols if c not in ds.indicators}
            f = self.area_frame(dataclasses.replace(ds, indicators={**ds.indicators, **extra}) if extra else ds)
            for c in cols:
                f[c] = pd.to_numeric(f[c], errors="coerce")
            part = f[["area", *cols]].rename(columns={c: f"{ds_id}.{c}" for c in cols})
            wide = part if wide is None else wide.merge(part, on="area", how="outer")
        assert wide is not None
        return wide

    def _area_links(self) -> None:
        from humsec.af.interlinkages import area_correlations
        from humsec.review.charts import threat_heatmap

        refs = list(self.spec.area_links.get("indicators", []))
        if len(refs) < 2:
            return
        sec = self.section("interlinkages", N_("Interlinked threats"))
        method = str(self.spec.area_links.get("method", "spearman"))
        wide = self._wide(refs)
        res = area_correlations(wide, area="area", indicators=refs, methods=[method])
        t = res.to_frame()
        pub = self.add(sec, publish(
            "area_correlations", self.phrase("Correlations of area indicators across areas (%(method)s)", method=method),
            t, "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "indicator_a": "a", "indicator_b": "b", "r": "r", "p_value": "p",
                                   "n_areas": N_("areas")}),
            formats={"r": "f2", "p_value": "f3", "n_areas": "int"},
            note=self.phrase("correlations of published area statistics (no microdata)"),
        ))  # fmt: skip
        m = res.matrix(method)
        m.index = m.columns = [r.split(".", 1)[1] for r in m.index]  # column names: shorter labels
        sec.figures.append(
            (
                self.phrase("Correlations across areas (%(method)s) of the area indicators", method=method),
                self.svg(
                    threat_heatmap(
                        m,
                        title=self.phrase("Area indicators: correlation across areas"),
                        value_title="r",
                        domain=(-1.0, 1.0),
                    )
                ),
            )
        )
        best = pub.frame.reindex(pub.frame["r"].abs().sort_values(ascending=False).index).iloc[0]
        sentence = self.phrase(
            "Across areas, %(a)s and %(b)s go together most closely (%(method)s r = %(r)s over %(n)s areas).",
            a=esc(best['indicator_a']), b=esc(best['indicator_b']), method=method,
            r=cite(best['r'], best['row_id'], 'f2'), n=cite(best['n_areas'], best['row_id'], 'int'),
        )  # fmt: skip
        self.state(sec, sentence)

    def _index(self) -> None:
        import altair as alt

        from humsec.core.maps import choropleth
        from humsec.index.composite import CompositeIndex
        from humsec.index.model import IndexModel

        if not self.spec.index:
            return
        cfg = self.spec.index
        sec = self.section("index", N_("Area risk index and trends"))
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
            columns=self.headings({"row_id": N_("row"), "area_name": N_("area"), "node": N_("node"),
                                   "score": N_("score"), "rank": N_("rank"), "coverage": N_("coverage"),
                                   "driver": N_("driver")}),
            formats={"score": "f2", "rank": "int", "coverage": "pct"},
            note=self.phrase("a composite of published area statistics (no microdata)")
            + "".join("; " + n for n in result.notes),
        )  # fmt: skip
        self.published.append(pub)
        root = pub.frame[pub.frame["node"] == model.root].sort_values("rank")
        shown = Published("index_root", self.phrase("%(index)s: %(node)s by area (1 = highest)",
                                                    index=model_raw['name'], node=model.root), root, "aggregates",
                          pub.note, pub.columns, pub.formats)  # fmt: skip
        self.add(sec, shown)
        assert self.geo is not None
        values = root.rename(columns={"unit": "area", "score": "value"})[["area", "value"]]
        sec.figures.append(
            (
                self.phrase("%(index)s (%(node)s) by area", index=model_raw['name'], node=model.root),
                self.svg(
                    choropleth(
                        self.geo,
                        values,
                        key=self.spec.boundary_key,
                        title=str(model_raw["name"]),
                        legend=self.phrase("score"),
                    )
                ),
            )
        )
        comp = pub.frame[pub.frame["node"].isin(model.nodes[model.root].children)]
        if len(comp):
            order = list(root["area_name"])
            bars = alt.Chart(comp, title=self.phrase("Components of the index")).mark_bar().encode(
                y=alt.Y("area_name:N", sort=order, title=None), x=alt.X("score:Q", title=self.phrase("score")),
                color=alt.Color("node:N", title=self.phrase("component")), yOffset="node:N",
            ).properties(width=420, height=max(200, 12 * len(order)))  # fmt: skip
            sec.figures.append((self.phrase("Component scores by area"), self.svg(bars)))
        if len(root):
            top = root.iloc[0]
            sentence = self.phrase(
                "On the %(index)s, %(area)s ranks first (score %(score)s, driven by %(driver)s).",
                index=esc(model_raw['name']), area=esc(top['area_name']),
                score=cite(top['score'], top['row_id'], 'f2'), driver=esc(top['driver']),
            )  # fmt: skip
            self.state(sec, sentence)

    def _trends(self) -> None:
        import altair as alt

        cfg = self.spec.trends
        if not cfg:
            return
        sec = self.section("index", N_("Area risk index and trends"))
        ds_id, col = str(cfg["indicator"]).split(".", 1)
        ds = self.spec.area(ds_id)
        if not ds.time:
            sec.notes.append(self.phrase("trends: the data set '%(data)s' has no time column", data=ds_id))
            return
        frame = self.area_frame(ds, latest=False)
        pub = self.publish_area(
            ds, frame, f"trend_{ds_id}", self.phrase("%(indicator)s over time", indicator=ds.indicators.get(col, col))
        )
        self.published.append(pub)
        f = pub.shown()
        times = list(dict.fromkeys(f["time"]))
        first, last = f[f["time"] == times[0]], f[f["time"] == times[-1]]
        ch = last[["area", "area_name", "row_id", col]].merge(
            first[["area", "row_id", col]], on="area", suffixes=("", "_first")
        )
        ch["change"] = ch[col] - ch[f"{col}_first"]
        ch["row_id"] = f"trend:{ds_id}:{col}:" + ch["area"]
        ch = ch.rename(columns={f"{col}_first": "first", col: "last"}).sort_values(
            "last", ascending=False
        )
        label = ds.indicators.get(col, col)
        top_n = int(cfg.get("top", 8))
        self.add(sec, publish(
            f"trend_{ds_id}_change",
            self.phrase("%(indicator)s: %(first)s to %(last)s", indicator=label, first=times[0], last=times[-1]),
            ch, "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "area_name": N_("area"), "first": times[0], "last": times[-1],
                                   "change": N_("change")}),
            formats={"first": "f2", "last": "f2", "change": "f2"},
            note=self.phrase("Source: %(source)s", source=ds.source),
        ))  # fmt: skip
        keep = list(ch["area"].head(top_n))
        lines = f[f["area"].isin(keep)]
        chart = alt.Chart(lines, title=self.phrase("%(indicator)s: the %(n)s areas highest at the latest date",
                                                   indicator=label, n=top_n)).mark_line(point=True).encode(
            x=alt.X("time:O", sort=times, title=None), y=alt.Y(f"{col}:Q", title=label),
            color=alt.Color("area_name:N", title=None),
        ).properties(width=460, height=260)  # fmt: skip
        sec.figures.append((self.phrase("%(indicator)s over time", indicator=label), self.svg(chart)))
        if len(ch):
            top = ch.iloc[0]
            sentence = self.phrase(
                "%(indicator)s at the latest date (%(latest)s) is highest in %(area)s (%(value)s, a change of "
                "%(change)s since %(first)s).", indicator=esc(label), latest=esc(times[-1]), area=esc(top['area_name']),
                value=cite(top['last'], top['row_id'], 'f2'), change=cite(top['change'], top['row_id'], 'f2'),
                first=esc(times[0]),
            )  # fmt: skip
            self.state(sec, sentence)
