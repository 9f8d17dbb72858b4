"""Weighted shares of every select question with design-based SEs and CIs, by groups.

For option o of question q in domain d (the whole sample or one group of an ``over`` column) the share is
the ratio ``Σ w·1[o chosen] / Σ w`` over the people **asked and answering** q in d: those for whom the
form's ``relevant`` logic holds (see :mod:`humsec.voice.relevant`) and whose answer is not empty. Its
variance is the Taylor-linearised variance of a ratio with PSUs drawn with replacement within strata
(R ``survey``: ``svyby(~I(q == "o"), ~group, subset(design, asked & answered), svymean)``); the CI is
the logit interval of ``svyciprop(method = "logit", df = degf(design))`` (t quantile at the design's
degrees of freedom: PSUs − strata). select_multiple options do not add up to 1 (several may be chosen).

Questions in a repeat (people in a household roster) are tabulated on the repeat's rows, with the
household's design columns; without a PSU column the household is the PSU, so the people of one
household are not taken as independent.

>>> import pandas as pd
>>> from humsec.voice.form import XLSForm
>>> from humsec.voice.export import Export
>>> form = XLSForm.from_frames(pd.DataFrame({"type": ["select_one yn"], "name": ["trust"]}),
...                            pd.DataFrame({"list_name": ["yn", "yn"], "name": ["yes", "no"]}))
>>> data = Export.from_frames({"main": pd.DataFrame({"trust": ["yes", "no", "yes", ""]})}, form)
>>> result = VoiceTabulator().fit(data)
>>> result.to_frame()[["option", "estimate", "n"]].round(4).to_dict("list")
{'option': ['yes', 'no'], 'estimate': [0.6667, 0.3333], 'n': [3, 3]}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, HumsecError, describe_rows
from humsec.voice.design import Design, DesignOptions, validate_design
from humsec.voice.export import Export
from humsec.voice.form import XLSForm
from humsec.voice.numeric import numeric_estimates, numeric_values
from humsec.voice.relevant import UnsupportedExpression, evaluate, references
from humsec.voice.result import NUMERIC_TYPES, TabulationResult

__all__ = ["NONRESPONSE_CODES", "NONRESPONSE_POLICIES", "VoiceTabulator"]

#: what to do with "don't know" / "prefer not to answer": keep them as options, or drop them from the base
NONRESPONSE_POLICIES = ("keep", "exclude")
#: option names taken as non-response under ``nonresponse="exclude"`` unless ``nonresponse_codes`` says
NONRESPONSE_CODES = (
    "dont_know",
    "dnk",
    "do_not_know",
    "pnta",
    "prefer_not_answer",
    "prefer_not_to_answer",
    "refused",
    "refuse",
    "no_answer",
)


class VoiceTabulator(DesignOptions):
    """Shares of select_one and select_multiple answers with design-based inference.

    Parameters
    ----------
    questions : list of str or None, default None
        Questions to tabulate; None: every select question of the form.
    over : list of str, default ()
        Columns to group by (each separately, beside the whole sample, ``over = national``).
    weight, strata, psu : str or None, default None
        Design columns (absent: weight 1, one stratum, each row its own PSU).
    nest : bool, default False
        PSU ids are numbered within strata (R ``svydesign(nest = TRUE)``).
    lonely_psu : {"fail", "certainty", "remove", "adjust"}, default "fail"
        Rule for a stratum with one PSU (as :class:`humsec.SurveyDesign`).
    level : float, default 0.95
        Confidence level of the intervals.
    nonresponse : {"keep", "exclude"}, default "keep"
        "keep": don't know / prefer not to answer are options like any other; "exclude": a person whose
        only answers are such codes leaves the base (reported per question).
    nonresponse_codes : list of str or None, default None
        The option names taken as non-response; None: ``NONRESPONSE_CODES``.
    lang : str or None, default None
        Language of the labels (code such as ``en`` or the form's name); None: the form's first.
    numeric : bool, default False
        With ``questions=None``, also every integer and decimal question (a mean and a median row each,
        see :mod:`humsec.voice.numeric`); numeric questions named in ``questions`` are always summarised.
    numeric_missing : list of float, default ()
        Codes that mean don't know / refused in numeric answers (e.g. -999, 99): left out of the base
        of the mean and median, counted per question in the notes (none by default: every number counts).
    """

    def __init__(
        self,
        *,
        questions: Sequence[str] | None = None,
        over: Sequence[str] = (),
        weight: str | None = None,
        strata: str | None = None,
        psu: str | None = None,
        nest: bool = False,
        lonely_psu: str = "fail",
        level: float = 0.95,
        nonresponse: str = "keep",
        nonresponse_codes: Sequence[str] | None = None,
        lang: str | None = None,
        numeric: bool = False,
        numeric_missing: Sequence[float] = (),
    ) -> None:
        self.questions = questions
        self._store_design(
            over=over, weight=weight, strata=strata, psu=psu, nest=nest, lonely_psu=lonely_psu,
            level=level,
        )  # fmt: skip
        self.nonresponse = nonresponse
        self.nonresponse_codes = nonresponse_codes
        self.lang = lang
        self.numeric = numeric
        self.numeric_missing = numeric_missing

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"VoiceTabulator({params})"

    def get_params(self) -> dict[str, Any]:
        """The parameters as given."""
        return {
            k: getattr(self, k)
            for k in (
                "questions",
                "over",
                "weight",
                "strata",
                "psu",
                "nest",
                "lonely_psu",
                "level",
                "nonresponse",
                "nonresponse_codes",
                "lang",
                "numeric",
                "numeric_missing",
            )
        }

    def _validate(self, export: Export) -> list[str]:
        validate_design(
            "VoiceTabulator", self.design_columns(), self.level, export.main, export.source
        )
        if isinstance(self.numeric_missing, (str, int, float)) or not all(
            isinstance(v, (int, float)) for v in self.numeric_missing
        ):
            raise HumsecError(
                "The 'numeric_missing' parameter of VoiceTabulator must be a list of numbers. "
                f"Got {self.numeric_missing!r} instead."
            )
        if self.nonresponse not in NONRESPONSE_POLICIES:
            raise HumsecError(
                f"The 'nonresponse' parameter of VoiceTabulator must be one of {list(NONRESPONSE_POLICIES)}. "
                f"Got {self.nonresponse!r} instead."
            )
        form = export.form
        numeric = [q for q, d in form.questions.items() if d.kind in NUMERIC_TYPES]
        names = list(self.questions) if self.questions is not None else form.select_questions()
        if self.questions is None and self.numeric:
            names += numeric
        unknown = [q for q in names if q not in form.questions]
        if unknown:
            raise ColumnNotFoundError(
                unknown, [*form.select_questions(), *numeric], f"the form {form.source}"
            )
        kinds = ("select_one", "select_multiple", *NUMERIC_TYPES)
        other = [q for q in names if form.questions[q].kind not in kinds]
        if other:
            raise HumsecError(
                f"The 'questions' parameter of VoiceTabulator names question(s) that are not select_one, "
                f"select_multiple, integer or decimal: {', '.join(other)}."
            )
        form.language(self.lang)
        return names

    def fit(self, export: Export) -> TabulationResult:
        """Tabulate; returns a :class:`~humsec.voice.result.TabulationResult`."""
        names = self._validate(export)
        form = export.form
        language = form.language(self.lang)
        codes = set(
            self.nonresponse_codes if self.nonresponse_codes is not None else NONRESPONSE_CODES
        )
        notes = list(form.notes) + list(export.notes)
        design_cols = [c for c in (self.weight, self.strata, self.psu, *self.over) if c]
        rows: list[dict[str, Any]] = []
        median_ci: dict[int, Any] = {}
        skipped = [
            q
            for q in names
            if form.questions[q].repeat and form.questions[q].repeat not in export.repeats
        ]
        for repeat in dict.fromkeys(form.questions[q].repeat for q in names if q not in skipped):
            # skip logic of a repeat question may refer to household answers (e.g. consent): carry them too
            refs = [
                r
                for q in names
                if form.questions[q].repeat == repeat
                for c in form.questions[q].conditions
                for r in _safe_references(c)
            ]
            table = export.table(repeat, [*design_cols, *refs])
            where = export.source + (f", sheet {repeat!r}" if repeat else "")
            design = Design.build(
                table, self.design_columns(), where, household=repeat is not None, notes=notes
            )
            for name in (
                q for q in names if form.questions[q].repeat == repeat and q not in skipped
            ):
                if name not in table.columns:
                    notes.append(f"{name}: not in the export ({where}); not tabulated")
                    continue
                if form.questions[name].kind in NUMERIC_TYPES:
                    rows += self._numeric(
                        table, name, design, form, language, where, notes, median_ci, len(rows)
                    )
                else:
                    rows += self._question(table, name, design, form, language, codes, where, notes)
        for name in skipped:
            notes.append(
                f"{name}: its repeat {form.questions[name].repeat!r} has no sheet in the export; not tabulated"
            )
        return TabulationResult(
            pd.DataFrame(rows, columns=list(TabulationResult.COLUMNS)),
            params=self.get_params(),
            notes=notes,
            level=self.level,
            source=export.source,
            median_ci=median_ci,
        )

    def _base(
        self, table: pd.DataFrame, name: str, form: XLSForm, where: str, notes: list[str]
    ) -> tuple[np.ndarray, str]:
        """Rows asked (the form's relevant) and answering; the kind of base; stray answers reported."""
        q = form.questions[name]
        answers = table[name].astype(str)
        try:
            asked = np.ones(len(table), dtype=bool)
            for condition in q.conditions:
                asked &= evaluate(condition, table).to_numpy()
            base_kind = "asked and answered"
        except UnsupportedExpression as exc:
            asked = np.ones(len(table), dtype=bool)
            base_kind = "answered"
            notes.append(
                f"{name}: relevant not evaluated ({exc}); its base is everyone who answered"
            )
        answered = (answers != "").to_numpy()
        stray = answered & ~asked
        if stray.any():
            notes.append(
                f"{name}: {int(stray.sum())} answer(s) where the form's relevant says the question is not asked "
                f"({where}, {describe_rows(np.flatnonzero(stray))}); left out of the base"
            )
        unanswered = asked & ~answered
        if unanswered.any():
            what = (
                "asked but unanswered"
                if base_kind != "answered"
                else "without an answer (not asked or unanswered)"
            )
            notes.append(f"{name}: {int(unanswered.sum())} {what} (left out of the base)")
        return asked & answered, base_kind

    def _numeric(
        self,
        table: pd.DataFrame,
        name: str,
        design: Design,
        form: XLSForm,
        language: str | None,
        where: str,
        notes: list[str],
        median_ci: dict[int, Any],
        first_row: int,
    ) -> list[dict[str, Any]]:
        q = form.questions[name]
        base, base_kind = self._base(table, name, form, where, notes)
        values = numeric_values(table[name].astype(str), base, where, name)
        coded = base & np.isin(values, np.asarray(self.numeric_missing, dtype=np.float64))
        if coded.any():
            notes.append(
                f"{name}: {int(coded.sum())} answer(s) coded as don't know / refused "
                f"({', '.join(f'{v:g}' for v in sorted(set(values[coded])))}) left out of the base"
            )
            base = base & ~coded
        out: list[dict[str, Any]] = []
        for over, group, member in design.domains():
            mean, median, woodruff = numeric_estimates(design, values, base & member, self.level)
            for statistic, row in (("mean", mean), ("median", median)):
                if statistic == "median":
                    median_ci[first_row + len(out)] = woodruff
                out.append(
                    {
                        "question": name,
                        "type": q.kind,
                        "option": statistic,
                        "over": over,
                        "group": group,
                        **row,
                        "n_selected": row["n"],
                        "base": base_kind,
                        "question_label": q.labels.get(language or "", ""),
                        "option_label": statistic,
                        "df": design.df,
                    }
                )
        return out

    def _question(
        self,
        table: pd.DataFrame,
        name: str,
        design: Design,
        form: XLSForm,
        language: str | None,
        codes: set[str],
        where: str,
        notes: list[str],
    ) -> list[dict[str, Any]]:
        q = form.questions[name]
        answers = table[name].astype(str)
        base, base_kind = self._base(table, name, form, where, notes)
        answered = base
        chosen = answers.map(str.split)
        options = [c.name for c in form.options(name)]
        seen = {o for picks in chosen[answered] for o in picks}
        strays = sorted(seen - set(options))
        if strays:
            where_rows = np.flatnonzero(
                chosen.map(lambda p: bool(set(p) - set(options))).to_numpy()
            )
            notes.append(
                f"{name}: answer(s) not in the form's list {q.list_name!r}: {', '.join(strays[:10])} "
                f"({where}, {describe_rows(where_rows)}); tabulated with no label"
            )
        options += strays
        if self.nonresponse == "exclude":
            only_nr = chosen.map(lambda p: bool(p) and set(p) <= codes).to_numpy()
            if (base & only_nr).any():
                notes.append(
                    f"{name}: {int((base & only_nr).sum())} don't know / prefer not to answer left out of the base"
                )
            base &= ~only_nr
            options = [o for o in options if o not in codes]
        Y = np.column_stack(
            [chosen.map(lambda p, o=o: o in p).to_numpy(dtype=np.float64) for o in options]
        )
        out = []
        for over, group, member in design.domains():
            est, se, lo, hi, n, n_sel = design.ratio(Y, base & member, self.level)
            for j, option in enumerate(options):
                out.append(
                    {
                        "question": name,
                        "type": q.kind,
                        "option": option,
                        "over": over,
                        "group": group,
                        "estimate": est[j],
                        "se": se[j],
                        "ci_low": lo[j],
                        "ci_high": hi[j],
                        "n": n,
                        "n_selected": n_sel[j],
                        "base": base_kind,
                        "question_label": q.labels.get(language or "", ""),
                        "option_label": form.option_label(name, option, language),
                        "df": design.df,
                    }
                )
        return out


def _safe_references(expression: str) -> list[str]:
    try:
        return references(expression)
    except Exception:  # an expression the lexer cannot split is reported when it is evaluated
        return []
