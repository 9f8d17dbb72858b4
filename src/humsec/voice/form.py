"""An XLSForm questionnaire: its questions, choice lists, groups, repeats and labels in every language.

The workbook (``.xlsx``/``.xls``) is read with pyxform, ODK's own XLSForm parser, so header spellings and
empty rows are handled as Kobo and ODK Central handle them; a form given as two CSV files (its
``survey`` and ``choices`` sheets) is read with pandas. Labels are kept in every language of the form:
``label::English (en)`` gives the language ``English (en)`` with code ``en``; ``label::english`` the
language ``english``; a bare ``label`` the language ``default``.

>>> import pandas as pd
>>> survey = pd.DataFrame({"type": ["begin_group", "select_one yn", "select_multiple ch", "end_group"],
...                        "name": ["g", "trust", "channels", "g"],
...                        "label::English (en)": ["", "Do you trust the office?", "Channels", ""],
...                        "relevant": ["", "", "selected(${trust}, 'yes')", ""]})
>>> choices = pd.DataFrame({"list_name": ["yn", "yn", "ch", "ch"], "name": ["yes", "no", "sms", "phone"],
...                         "label::English (en)": ["Yes", "No", "SMS", "Phone"]})
>>> form = XLSForm.from_frames(survey, choices)
>>> form.questions["channels"].kind, form.questions["channels"].path, form.languages
('select_multiple', ('g',), ('English (en)',))
>>> form.option_label("trust", "no", "en")
'No'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.errors import DataError, HumsecError

__all__ = ["SELECT_KINDS", "Choice", "Question", "XLSForm", "read_form"]

#: the question types whose answers are options of a choice list (tabulated as shares)
SELECT_KINDS = ("select_one", "select_multiple")
#: question types that hold no answer (structure and display only)
_STRUCTURE = ("begin_group", "end_group", "begin_repeat", "end_repeat", "note")
_LANGUAGE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z0-9_-]+)\)\s*$")
DEFAULT_LANGUAGE = "default"


@dataclass(frozen=True)
class Choice:
    """One option of a choice list, with its label in each language of the form."""

    list_name: str
    name: str
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Question:
    """One question of the survey sheet.

    ``kind`` is the first word of ``type`` (``select_one``, ``integer``, ...); ``relevant`` its own
    skip-logic expression and ``group_relevant`` those of the groups around it (all must hold for the
    question to be asked); ``path`` the groups and repeats it sits in; ``repeat`` the innermost repeat.
    """

    name: str
    kind: str
    list_name: str | None
    labels: Mapping[str, str]
    relevant: str = ""
    group_relevant: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    repeat: str | None = None
    row: int = 0  # 1-based row of the survey sheet (header = row 1), for messages

    @property
    def conditions(self) -> tuple[str, ...]:
        """Every relevant expression that must hold for the question to be asked (outermost first)."""
        return tuple(c for c in (*self.group_relevant, self.relevant) if c)


@dataclass(frozen=True)
class XLSForm:
    """A questionnaire: questions in order, choice lists, the languages of its labels and notes."""

    questions: Mapping[str, Question]
    choices: Mapping[str, tuple[Choice, ...]]
    languages: tuple[str, ...]
    source: str = ""
    groups: tuple[str, ...] = ()
    repeats: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def from_frames(cls, survey: pd.DataFrame, choices: pd.DataFrame, source: str = "") -> XLSForm:
        """The form from its ``survey`` and ``choices`` sheets as dataframes (any cell type)."""
        survey = _clean_sheet(survey, "survey", source, ("type", "name"))
        choices = _clean_sheet(choices, "choices", source, ("list_name", "name"))
        languages = _languages([*survey.columns, *choices.columns])
        questions, groups, repeats, notes = _questions(survey, languages, source)
        choice_lists = _choices(choices, languages)
        for q in questions.values():
            if q.kind in SELECT_KINDS and q.list_name not in choice_lists:
                raise DataError(
                    f"{source or 'the form'}, survey sheet row {q.row}: question {q.name!r} uses the choice "
                    f"list {q.list_name!r}, which the choices sheet does not have "
                    f"(lists: {', '.join(sorted(choice_lists)[:20])})."
                )
        notes += _missing_labels(questions, choice_lists, languages)
        return cls(questions, choice_lists, languages, source, groups, repeats, tuple(notes))

    def select_questions(self) -> list[str]:
        """Names of every select_one and select_multiple question, in form order."""
        return [n for n, q in self.questions.items() if q.kind in SELECT_KINDS]

    def options(self, question: str) -> tuple[Choice, ...]:
        """The options of a select question, in the order of the choices sheet."""
        q = self.questions[question]
        return self.choices.get(q.list_name or "", ())

    def language(self, lang: str | None) -> str | None:
        """The form's language named by ``lang`` (its code such as ``ar``, or its full name); None: the first."""
        if lang is None:
            return self.languages[0] if self.languages else None
        for name in self.languages:
            m = _LANGUAGE.match(name)
            if lang.lower() in (name.lower(), (m.group("code").lower() if m else "")):
                return name
        raise HumsecError(
            f"Language {lang!r} is not in the form {self.source or ''}: its labels are in "
            f"{', '.join(self.languages) or 'no language'} (give the code in brackets, e.g. 'en', or the name)."
        )

    def question_label(self, question: str, lang: str | None = None) -> str:
        """The label of a question in a language (code or name; default the form's first)."""
        language = self.language(lang)
        return self.questions[question].labels.get(language or "", "")

    def option_label(self, question: str, option: str, lang: str | None = None) -> str:
        """The label of an option of a select question ('' when the option is not in its list)."""
        language = self.language(lang)
        for choice in self.options(question):
            if choice.name == option:
                return choice.labels.get(language or "", "")
        return ""


def read_form(path: str | Path, choices: str | Path | None = None) -> XLSForm:
    """Read an XLSForm: a workbook (``.xlsx``/``.xls``) or its survey sheet as CSV plus ``choices`` CSV.

    A CSV survey sheet without ``choices`` looks for a sibling file whose name has ``choices`` in place
    of ``survey`` (``form_survey.csv`` → ``form_choices.csv``).
    """
    path = Path(path)
    if not path.exists():
        raise HumsecError(f"Form file {str(path)!r} does not exist.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls"):
        # pyxform: the parser Kobo and ODK Central use, so the workbook reads as those servers read it
        from pyxform.xls2json_backends import xls_to_dict, xlsx_to_dict

        reader = xlsx_to_dict if suffix == ".xlsx" else xls_to_dict
        try:
            sheets = reader(str(path))
        except Exception as exc:  # pyxform raises its own error types for broken workbooks
            raise HumsecError(
                f"Form {str(path)!r} could not be read as an XLSForm workbook: {exc}"
            ) from exc
        missing = [s for s in ("survey", "choices") if s not in sheets]
        if missing:
            names = ", ".join(str(s) for s in sheets.get("sheet_names", []))
            raise HumsecError(
                f"Form {str(path)!r} has no {' and no '.join(missing)} sheet (sheets: {names}); an XLSForm "
                "needs both."
            )
        return XLSForm.from_frames(
            pd.DataFrame(sheets["survey"]), pd.DataFrame(sheets["choices"]), path.name
        )
    if suffix == ".csv" or path.name.endswith(".csv.gz"):
        choices_path = (
            Path(choices) if choices else path.with_name(path.name.replace("survey", "choices"))
        )
        if choices_path == path or not choices_path.exists():
            raise HumsecError(
                f"Form {str(path)!r} is a CSV survey sheet: give its choices sheet too "
                f"(looked for {str(choices_path)!r})."
            )
        return XLSForm.from_frames(
            pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False),
            pd.read_csv(choices_path, dtype=str, encoding="utf-8-sig", keep_default_na=False),
            path.name,
        )
    raise HumsecError(
        f"Form {str(path)!r}: expected an .xlsx, .xls or .csv file, got {suffix or 'no suffix'!r}."
    )


def _clean_sheet(
    sheet: pd.DataFrame, name: str, source: str, needed: tuple[str, ...]
) -> pd.DataFrame:
    sheet = sheet.rename(columns=lambda c: str(c).strip())
    missing = [c for c in needed if c not in sheet.columns]
    if missing:
        raise HumsecError(
            f"{source or 'the form'}: the {name} sheet has no column {', '.join(repr(c) for c in missing)} "
            f"(columns: {', '.join(map(str, sheet.columns[:20]))})."
        )
    sheet = sheet.astype(object).where(sheet.notna(), "")
    sheet = sheet.map(lambda v: str(v).strip())
    sheet.index = pd.RangeIndex(2, len(sheet) + 2)  # sheet row numbers (header is row 1)
    return sheet


def _languages(columns: list[str]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for col in columns:
        if col == "label":
            found[DEFAULT_LANGUAGE] = None
        elif col.startswith("label::"):
            found[col.split("::", 1)[1].strip()] = None
    return tuple(found)


def _labels(row: pd.Series, languages: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for lang in languages:
        col = "label" if lang == DEFAULT_LANGUAGE else f"label::{lang}"
        if col in row.index and row[col]:
            out[lang] = row[col]
    return out


def _questions(
    survey: pd.DataFrame, languages: tuple[str, ...], source: str
) -> tuple[dict[str, Question], tuple[str, ...], tuple[str, ...], list[str]]:
    questions: dict[str, Question] = {}
    stack: list[tuple[str, str, str]] = []  # (kind, name, relevant) of open groups and repeats
    groups: list[str] = []
    repeats: list[str] = []
    notes: list[str] = []
    has_relevant = "relevant" in survey.columns
    for row_no, row in survey.iterrows():
        type_ = re.sub(r"\s+", " ", row["type"]).strip()
        if not type_:
            continue
        words = type_.replace("begin group", "begin_group").replace("end group", "end_group")
        words = words.replace("begin repeat", "begin_repeat").replace("end repeat", "end_repeat")
        kind, _, rest = words.partition(" ")
        relevant = row["relevant"] if has_relevant else ""
        if kind in ("begin_group", "begin_repeat"):
            stack.append((kind, row["name"], relevant))
            (repeats if kind == "begin_repeat" else groups).append(row["name"])
            continue
        if kind in ("end_group", "end_repeat"):
            if not stack:
                raise HumsecError(
                    f"{source or 'the form'}, survey sheet row {row_no}: {kind} without a begin."
                )
            stack.pop()
            continue
        if kind in _STRUCTURE or not row["name"]:
            continue
        list_name = rest.split(" ")[0] if kind in SELECT_KINDS else None
        if kind in SELECT_KINDS and not list_name:
            raise HumsecError(
                f"{source or 'the form'}, survey sheet row {row_no}: {type_!r} names no choice list."
            )
        if row["name"] in questions:
            notes.append(
                f"question {row['name']!r} appears twice in the survey sheet; the later (row {row_no}) is used"
            )
        enclosing_repeats = [name for k, name, _ in stack if k == "begin_repeat"]
        questions[row["name"]] = Question(
            name=row["name"],
            kind=kind,
            list_name=list_name,
            labels=_labels(row, languages),
            relevant=relevant,
            group_relevant=tuple(r for _, _, r in stack if r),
            path=tuple(name for _, name, _ in stack),
            repeat=enclosing_repeats[-1] if enclosing_repeats else None,
            row=int(str(row_no)),
        )
    if stack:
        raise HumsecError(
            f"{source or 'the form'}: {stack[-1][0]} {stack[-1][1]!r} is never closed."
        )
    return questions, tuple(groups), tuple(repeats), notes


def _choices(choices: pd.DataFrame, languages: tuple[str, ...]) -> dict[str, tuple[Choice, ...]]:
    lists: dict[str, list[Choice]] = {}
    for _, row in choices.iterrows():
        if not row["list_name"] or not row["name"]:
            continue
        lists.setdefault(row["list_name"], []).append(
            Choice(row["list_name"], row["name"], _labels(row, languages))
        )
    return {k: tuple(v) for k, v in lists.items()}


def _missing_labels(
    questions: Mapping[str, Question],
    choices: Mapping[str, tuple[Choice, ...]],
    languages: tuple[str, ...],
) -> list[str]:
    notes = []
    for lang in languages:
        q_missing = [
            q.name for q in questions.values() if q.kind in SELECT_KINDS and lang not in q.labels
        ]
        used = {q.list_name for q in questions.values() if q.kind in SELECT_KINDS}
        o_missing = [
            f"{c.list_name}/{c.name}"
            for ls in used
            for c in choices.get(ls or "", ())
            if lang not in c.labels
        ]
        if q_missing:
            notes.append(
                f"labels missing in {lang}: {len(q_missing)} select question(s) ({', '.join(q_missing[:5])}"
                f"{' ...' if len(q_missing) > 5 else ''})"
            )
        if o_missing:
            notes.append(
                f"labels missing in {lang}: {len(o_missing)} option(s) ({', '.join(o_missing[:5])}"
                f"{' ...' if len(o_missing) > 5 else ''})"
            )
    return notes


def _as_str(value: Any) -> str:
    return "" if value is None else str(value)
