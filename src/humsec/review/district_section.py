"""The review's "District estimates": a Fay-Herriot model (:mod:`humsec.sae`) of one area indicator
on area covariates, so that areas with a thin survey (or none) get an estimate with its MSE.

The review file's ``district_estimates:`` block names the direct estimates (``estimate``, a
DATASET.COLUMN of the area data; empty cells are areas out of sample), the ``covariates`` and the
sampling variances: a ``variance`` column, or, where only the estimates are published, an
assumption ``{design_effect: D, sample_size: N}`` (v = D p(1-p)/N for a proportion p; the section
says it is assumed). The section publishes, through the review's disclosure control:

* the estimates: per area the direct estimate and its CV, the model estimate, its CV and interval,
  the weight γ of the direct estimate, and whether the area was in the sample (else synthetic);
* the fit: σ²ᵤ, the adjusted R², the areas in and out of sample and the median CVs, which the text
  cites; the coefficients;
* two maps, the estimates and their CVs (:func:`humsec.sae.maps.estimate_maps`).

Areas whose covariates are missing cannot be predicted: they are left out and listed in the notes.
The numbers are those of ``humsec sae fh`` on the same table (``tests/review/test_district_section.py``).

>>> district_row_id("KE023")
'district:KE023'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import DataError
from humsec.core.i18n import N_
from humsec.review.areas import AreaSections
from humsec.review.base import Section, cite, esc
from humsec.review.publish import Published, publish
from humsec.review.spec import DistrictPart

__all__ = ["FIT_ROWS", "SECTION_ID", "DistrictSections", "district_row_id", "district_table"]

SECTION_ID = "districts"
SECTION_TITLE = N_("District estimates")
#: the seed of the bootstrap MSE of a transformed model: the same review file, the same numbers
BOOTSTRAP_SEED = 20240601
BOOTSTRAP_REPLICATES = 200


#: the rows of the fit table: key -> (label, how the text cites it)
FIT_ROWS = {
    "areas": ("areas with a model estimate", "int"),
    "in_sample": ("of which with a direct estimate", "int"),
    "sigma2_u": ("area-effect variance σ²ᵤ (model scale)", "f6"),
    "adj_r2": ("adjusted R² (Lahiri-Suntornchost)", "f3"),
    "cv_direct": ("median CV, direct (areas in sample)", "pct"),
    "cv_model": ("median CV, model (areas in sample)", "pct"),
}


def district_row_id(area: str) -> str:
    """The row id of one area's estimate."""
    return f"district:{area}"


def district_table(part: DistrictPart, wide: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The model's input, one row per area: ``area, y, v, x0, x1, ...`` on the 0-1 (or mean)
    scale, and the notes on what was assumed or left out. ``wide`` holds ``area`` and the
    DATASET.COLUMN columns (the review's area data, one row per area)."""
    notes = []
    data = pd.DataFrame({"area": wide["area"].astype(str), "y": wide[part.estimate] / part.scale})
    for i, ref in enumerate(part.covariates):
        data[f"x{i}"] = wide[ref].to_numpy(dtype=float)
    if part.variance is not None:
        data["v"] = wide[part.variance] / part.scale**2
    else:
        y = data["y"].dropna()
        if not y.between(0, 1).all():
            raise DataError(
                f"district_estimates: {part.estimate} has values outside 0-1 (e.g. {y[~y.between(0, 1)].iloc[0]:g}), "
                "so the design-effect assumption p(1-p) cannot apply; set scale: 100 if they are percentages."
            )
        assert part.design_effect is not None
        assert part.sample_size is not None
        data["v"] = part.design_effect * data["y"] * (1 - data["y"]) / part.sample_size
        # the arcsine model's variance 1/(4 n_eff) needs only this (emdi's eff_smpsize)
        data["n_eff"] = part.sample_size / part.design_effect
        notes.append(
            f"The sampling variances are not published with the direct estimates: ASSUMED "
            f"v = {part.design_effect:g} × p(1 − p) / {part.sample_size:g} per area (design effect "
            f"{part.design_effect:g}, {part.sample_size:g} sample units); the CVs and intervals rest on it."
        )
    covs = [f"x{i}" for i in range(len(part.covariates))]
    missing = data[covs].isna().any(axis=1)
    if missing.any():
        notes.append(
            f"{int(missing.sum())} area(s) have a missing covariate and get no estimate: "
            f"{', '.join(sorted(data.loc[missing, 'area']))}"
        )
        data = data[~missing]
    return data.reset_index(drop=True), notes


class DistrictSections(AreaSections):
    """The "District estimates" section (the review file's ``district_estimates:`` block)."""

    def district_estimates(self) -> None:
        part = self.spec.districts
        assert part is not None
        sec = self.section(SECTION_ID, SECTION_TITLE)
        refs = [part.estimate, *part.covariates, *([part.variance] if part.variance else [])]
        data, notes = district_table(part, self._wide(refs))
        result = self._district_fit(part, data)
        table = result.table()
        est = self._publish_district_estimates(part, table)
        self.add(sec, est)
        fit = self.add(sec, self._publish_district_fit(part, result, table))
        self.add(sec, self._publish_district_coefficients(part, result))
        self._district_sentence(sec, part, est, fit)
        if self.geo is not None and len(table):
            self._district_maps(sec, part, est)
        sec.notes += notes + list(result.notes)
        if part.note:
            sec.notes.append(part.note)

    def _district_fit(self, part: DistrictPart, data: pd.DataFrame) -> Any:
        from humsec.sae import FayHerriot, TransformedFayHerriot

        formula = "y ~ " + " + ".join(c for c in data.columns if c[0] == "x" and c[1:].isdigit())
        if part.transform == "none":
            model: Any = FayHerriot(
                formula=formula, variance="v", area="area", method=part.method, level=self.spec.level
            )
        else:
            n_eff = "n_eff" if part.transform == "arcsin" and "n_eff" in data.columns else None
            model = TransformedFayHerriot(
                formula=formula, variance="v", area="area", transform=part.transform, method=part.method,
                bootstrap=BOOTSTRAP_REPLICATES, seed=BOOTSTRAP_SEED, level=self.spec.level, effective_n=n_eff,
            )  # fmt: skip
        return model.fit(data, source=f"district_estimates ({part.estimate})")

    def _district_title(self, part: DistrictPart) -> str:
        if part.title:
            return part.title
        ds_id, col = part.estimate.split(".", 1)
        return self.spec.area(ds_id).indicators.get(col, col)

    def _publish_district_estimates(self, part: DistrictPart, table: pd.DataFrame) -> Published:
        s = part.scale
        out = pd.DataFrame(
            {
                "row_id": [district_row_id(a) for a in table["area"]],
                "area": table["area"].astype(str),
                "area_name": [self.names.get(str(a), str(a)) for a in table["area"]],
                "direct": table["direct"] * s,
                "direct_cv": table["direct_se"] / table["direct"].abs(),
                "estimate": table["estimate"] * s,
                "cv": table["cv"],
                "ci_low": table["ci_low"] * s,
                "ci_high": table["ci_high"] * s,
                "gamma": table["gamma"],
                "in_sample": np.where(table["in_sample"], "yes", "no: synthetic"),
            }
        )
        value = "f1" if s == 100 else "f3"
        level = round(self.spec.level * 100)
        return publish(
            "district_estimates",
            self.phrase("%(title)s: direct and model estimates by area, %(level)s%% intervals",
                        title=self._district_title(part), level=level),
            out, "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "area_name": N_("area"), "direct": N_("direct"),
                     "direct_cv": N_("CV direct"), "estimate": N_("model"), "cv": N_("CV model"), "ci_low": N_("low"),
                     "ci_high": N_("high"), "gamma": N_("γ (weight of direct)"), "in_sample": N_("in sample")}),
            formats={"direct": value, "estimate": value, "ci_low": value, "ci_high": value,
                     "direct_cv": "pct", "cv": "pct", "gamma": "f2"},
            note=(
                self.phrase("humsec.sae (Fay-Herriot EBLUP, %(method)s; as humsec sae fh) of %(estimate)s on "
                            "%(covariates)s.", method=part.method.upper(), estimate=part.estimate,
                            covariates=", ".join(part.covariates))
                if part.transform == "none" else
                self.phrase("humsec.sae (Fay-Herriot on the %(transform)s scale, bootstrap MSE, %(method)s; as humsec "
                            "sae fh) of %(estimate)s on %(covariates)s.", transform=part.transform,
                            method=part.method.upper(), estimate=part.estimate, covariates=", ".join(part.covariates))
            ) + " " + self.phrase("CV: √MSE / estimate (model), standard error / estimate (direct)."),
        )  # fmt: skip

    def _publish_district_fit(self, part: DistrictPart, result: Any, table: pd.DataFrame) -> Published:
        ins = table[table["in_sample"]]
        values = {
            "areas": len(table), "in_sample": len(ins), "sigma2_u": result.sigma2_u, "adj_r2": result.adj_r2,
            "cv_direct": (ins["direct_se"] / ins["direct"].abs()).median(), "cv_model": ins["cv"].median(),
        }  # fmt: skip
        frame = pd.DataFrame(
            {
                "row_id": [f"district:fit:{key}" for key in FIT_ROWS],
                "statistic": [label for label, _ in FIT_ROWS.values()],
                "value": [float(values[key]) for key in FIT_ROWS],
            }
        )
        return publish(
            "district_fit", self.phrase("District estimates: the model's fit and precision"), frame, "aggregates",
            self.rules, columns=self.headings({"row_id": N_("row"), "statistic": N_("statistic"), "value": N_("value")}),
            formats={"value": "g"},
        )  # fmt: skip

    def _publish_district_coefficients(self, part: DistrictPart, result: Any) -> Published:
        names = {f"x{i}": ref for i, ref in enumerate(part.covariates)}
        c = result.coefficients.copy()
        c["term"] = c["term"].map(lambda t: names.get(str(t), str(t)))
        c.insert(0, "row_id", "district:coef:" + c["term"].astype(str))
        cols = [k for k in ("row_id", "term", "estimate", "se", "z", "p_value") if k in c.columns]
        return publish(
            "district_coefficients", self.phrase("District estimates: regression coefficients (model scale)"),
            c[cols], "aggregates", self.rules,
            columns=self.headings({"row_id": N_("row"), "term": N_("term"), "estimate": N_("coefficient"), "se": "se",
                                   "z": "z", "p_value": "p"}),
            formats={"estimate": "f4", "se": "f4", "z": "f2", "p_value": "f3"},
        )  # fmt: skip

    def _district_sentence(self, sec: Section, part: DistrictPart, est: Published, fit: Published) -> None:
        f = fit.frame.set_index("row_id")["value"]

        def num(key: str) -> str:
            rid = f"district:fit:{key}"
            return cite(f[rid], rid, FIT_ROWS[key][1])

        shown = est.shown().dropna(subset=["estimate"])
        n_out = int(f["district:fit:areas"] - f["district:fit:in_sample"])
        parts = {"title": esc(self._district_title(part)), "areas": num("areas"), "in_sample": num("in_sample"),
                  "direct": num("cv_direct"), "model": num("cv_model"), "out": n_out}  # fmt: skip
        if n_out:
            sentence = self.phrase(
                "%(title)s: model-based estimates for %(areas)s areas, %(out)s of them without a survey estimate "
                "(synthetic); over the %(in_sample)s areas with a survey estimate the median coefficient of "
                "variation falls from %(direct)s (direct) to %(model)s (model).", **parts)  # fmt: skip
        else:
            sentence = self.phrase(
                "%(title)s: model-based estimates for %(areas)s areas; over the %(in_sample)s areas with a survey "
                "estimate the median coefficient of variation falls from %(direct)s (direct) to %(model)s (model).",
                **parts)  # fmt: skip
        if len(shown):
            how = "f1" if part.scale == 100 else "f3"
            values = shown["estimate"].to_numpy(dtype=float)
            top, low = shown.iloc[int(np.argmax(values))], shown.iloc[int(np.argmin(values))]

            def area(row: Any) -> str:
                ci = f"{cite(row['ci_low'], row['row_id'], how)}–{cite(row['ci_high'], row['row_id'], how)}"
                return f"{esc(row['area_name'])} ({cite(row['estimate'], row['row_id'], how)}; {ci})"

            sentence += " " + self.phrase("Highest in %(top)s, lowest in %(low)s.", top=area(top), low=area(low))
        self.state(sec, sentence)

    def _district_maps(self, sec: Section, part: DistrictPart, est: Published) -> None:
        from humsec.sae.maps import estimate_maps

        shown = est.shown()
        assert self.geo is not None
        chart = estimate_maps(
            shown[["area", "estimate", "cv"]], self.geo, key=self.spec.boundary_key,
            titles=(self.phrase("Model estimate"), self.phrase("Coefficient of variation (sqrt(MSE) / estimate)")),
        )  # fmt: skip
        sec.figures.append((
            self.phrase("%(title)s: model estimates (left) and their CVs (right); grey: no estimate",
                        title=self._district_title(part)),
            self.svg(chart),
        ))
