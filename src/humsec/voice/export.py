"""A Kobo or ODK Central data export read against its XLSForm: columns matched to questions, select_multiple
answers reconciled, repeat sheets joined to their parent, every mismatch reported.

Column names are matched in the layouts these servers (and R's ``read.csv``) write: group paths
(``group/q``, ODK Central's ``group-q``) or bare names; select_multiple as a space-separated column and/or ``q/option`` or
``q.option`` 0/1 columns; Kobo metadata ``_uuid``, ``_index``, ``_parent_index`` (also ``X_uuid`` from R,
``uuid``, ``index``); a UTF-8 byte-order mark on the first name (``X.U.FEFF.start`` from R) is removed.
All answers are kept as text (codes stay codes); empty cells are ''.

>>> import pandas as pd
>>> from humsec.voice.form import XLSForm
>>> form = XLSForm.from_frames(
...     pd.DataFrame({"type": ["begin_group", "select_multiple ch", "end_group"], "name": ["g", "ch", "g"]}),
...     pd.DataFrame({"list_name": ["ch", "ch"], "name": ["sms", "phone"]}))
>>> raw = pd.DataFrame({"g/ch": ["sms", "sms phone"], "g/ch/sms": [1, 1], "g/ch/phone": [0, 1],
...                     "_uuid": ["a", "b"], "extra": [1, 2]})
>>> export = Export.from_frames({"main": raw}, form)
>>> export.main.columns.tolist()
['ch', 'ch/sms', 'ch/phone', '_uuid', 'extra']
>>> export.notes
('data.csv: 1 column(s) not in the form: extra',)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from humsec.core.errors import DataError, HumsecError, describe_rows
from humsec.voice.form import XLSForm

__all__ = ["META_ALIASES", "Export", "canonical_column", "read_export"]

#: Kobo metadata columns and the other spellings exports use for them (declared once)
META_ALIASES: Mapping[str, tuple[str, ...]] = {
    "_uuid": ("_uuid", "X_uuid", "uuid", "meta/instanceID", "meta-instanceID", "instanceID"),
    "_index": ("_index", "X_index", "index"),
    "_parent_index": ("_parent_index", "X_parent_index"),
    "_submission__uuid": ("_submission__uuid", "X_submission__uuid"),
    "_id": ("_id", "X_id"),
    "_submission_time": ("_submission_time", "X_submission_time"),
}
_BOM = re.compile(r"^(\ufeff|X\.U\.FEFF\.)")
_DUMMY_SEPARATORS = ("/", ".")
#: group path separators: Kobo writes ``group/q``, ODK Central ``group-q``
_GROUP_SEPARATORS = ("/", "-")
_BOOLEAN = {"true": "1", "false": "0"}


@dataclass(frozen=True)
class Export:
    """The export's main table and repeat tables (each joined to the main by ``_parent_index``)."""

    main: pd.DataFrame
    repeats: Mapping[str, pd.DataFrame]
    form: XLSForm
    source: str = "data.csv"
    notes: tuple[str, ...] = ()

    @classmethod
    def from_frames(
        cls, sheets: Mapping[str, pd.DataFrame], form: XLSForm, source: str = "data.csv"
    ) -> Export:
        """The export from its sheets: the first is the main table, the others repeats (by sheet name)."""
        notes: list[str] = []
        names = list(sheets)
        if sheets[names[0]].empty:
            raise DataError(f"{source}: a header and no rows; no submissions to tabulate.")
        main = _canonical(sheets[names[0]], form, source, notes)
        repeats = {}
        for name in names[1:]:
            where = f"{source}, sheet {name!r}"
            frame = _link(_canonical(sheets[name], form, where, notes), main, where, notes)
            if frame is not None:
                repeats[name] = frame
        return cls(main, repeats, form, source, tuple(notes))

    def with_main(self, main: pd.DataFrame, why: str) -> Export:
        """The export with another main table (e.g. after a cleaning log removed interviews): repeat rows
        whose household is no longer there are left out, counted in the notes with ``why``."""
        notes = list(self.notes)
        repeats = {}
        for name, frame in self.repeats.items():
            if "_index" in main.columns and "_parent_index" in frame.columns:
                kept = frame["_parent_index"].isin(set(main["_index"]))
                if not kept.all():
                    notes.append(
                        f"{self.source}, sheet {name!r}: {int((~kept).sum())} row(s) of interviews "
                        f"{why} left out ({describe_rows(np.flatnonzero(~kept.to_numpy()))})"
                    )
                frame = frame[kept.to_numpy()].reset_index(drop=True)
            repeats[name] = frame
        return Export(main, repeats, self.form, self.source, tuple(notes))

    def table(self, repeat: str | None, carry: list[str]) -> pd.DataFrame:
        """The main table, or a repeat table with the main table's ``carry`` columns joined by _parent_index."""
        if repeat is None:
            return self.main
        if repeat not in self.repeats:
            raise HumsecError(
                f"{self.source}: the form's repeat {repeat!r} has no sheet in the export "
                f"(sheets: {', '.join(['main', *self.repeats])})."
            )
        frame = self.repeats[repeat]
        carry = [
            c for c in dict.fromkeys(carry) if c not in frame.columns and c in self.main.columns
        ]
        if not carry:
            return frame
        parent = self.main.set_index("_index")[carry]
        return frame.join(parent, on="_parent_index")

    def column_of(self, question: str) -> pd.Series:
        """Where a question's answers are (the main table or its repeat)."""
        q = self.form.questions[question]
        return self.table(q.repeat, [])[question]


def read_text_csv(path: Path) -> pd.DataFrame:
    """A CSV export, every cell as text: checked not empty, decoded as UTF-8 (else Windows-1252
    or Latin-1, as Excel saves it), a ragged line one error naming it."""
    from humsec.core.files import csv_parser_message, require_content
    from humsec.core.survey import ENCODINGS

    require_content(path)
    for encoding in ENCODINGS:
        try:
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding=encoding, sep=_sniff_separator(path)
            )
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserError as exc:
            raise DataError(csv_parser_message(path, exc)) from None
    raise DataError(f"Cannot decode {path.name}: tried encodings {', '.join(ENCODINGS)}.")


def read_export(path: str | Path, form: XLSForm) -> Export:
    """Read a CSV (``.csv``, ``.csv.gz``) or Excel export (first sheet main, other sheets repeats)."""
    path = Path(path)
    if not path.exists():
        raise HumsecError(f"Data file {str(path)!r} does not exist.")
    name = path.name.lower()
    if name.endswith((".xlsx", ".xls")):
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
    elif name.endswith((".csv", ".csv.gz")):
        sheets = {"main": read_text_csv(path)}
    else:
        raise HumsecError(f"Data file {str(path)!r}: expected .csv, .csv.gz, .xlsx or .xls.")
    return Export.from_frames(sheets, form, path.name)


def _canonical(frame: pd.DataFrame, form: XLSForm, where: str, notes: list[str]) -> pd.DataFrame:
    frame = frame.astype(object).where(frame.notna(), "")
    frame = frame.map(_text)
    aliases = {alias: canon for canon, spellings in META_ALIASES.items() for alias in spellings}
    structure = set(form.groups) | set(form.repeats)
    rename: dict[str, str] = {}
    unknown = []
    for col in frame.columns:
        name = _BOM.sub("", str(col).strip())
        if name.startswith("X_") and name not in form.questions:
            name = name[1:]  # R's read.csv writes Kobo's _uuid as X_uuid
        if (
            name in aliases
            and aliases[name] not in frame.columns
            and aliases[name] not in rename.values()
        ):
            rename[col] = aliases[name]
            continue
        name = _strip_groups(name, structure, form)
        dummy = _dummy(name, form)
        if dummy:
            name = f"{dummy[0]}/{dummy[1]}"
        elif name not in form.questions and not name.startswith("_"):
            unknown.append(name)
        rename[col] = name
    frame = frame.rename(columns=rename)
    duplicated = frame.columns[frame.columns.duplicated()].tolist()
    if duplicated:
        raise DataError(
            f"{where}: after removing group paths, column(s) {duplicated[:5]} appear twice."
        )
    if unknown:
        notes.append(
            f"{where}: {len(unknown)} column(s) not in the form: {', '.join(unknown[:30])}"
            + (" ..." if len(unknown) > 30 else "")
        )
    _reconcile_select_multiple(frame, form, where, notes)
    return frame


def _link(
    frame: pd.DataFrame, main: pd.DataFrame, where: str, notes: list[str]
) -> pd.DataFrame | None:
    """A repeat sheet joined to its households: by ``_parent_index`` (the main row's ``_index``) and/or
    by the submission's uuid (Kobo's ``_submission__uuid``; REACH/cleaningtools sheets carry it as
    ``uuid``). Where both are given they are checked against each other (the uuid wins: ``_index`` is a
    position in one download, the uuid is stable); rows that point to no household are reported and
    left out. Returns None for a sheet that cannot be joined (reported)."""
    by_uuid = _uuid_link(frame, main)
    has_index = "_parent_index" in frame.columns and "_index" in main.columns
    if by_uuid is None and "_parent_index" not in frame.columns:
        notes.append(
            f"{where}: no _parent_index or _submission__uuid column, so the sheet is not joined to the "
            "main table"
        )
        return None
    frame = frame.copy()
    if by_uuid is not None:
        link, column = by_uuid
        index_of = (
            dict(zip(main["_uuid"], main["_index"], strict=False)) if "_index" in main else {}
        )
        if not index_of:  # no _index in the main table: number its rows as Kobo does
            main["_index"] = [str(i + 1) for i in range(len(main))]
            index_of = dict(zip(main["_uuid"], main["_index"], strict=False))
        from_uuid = frame[link].map(index_of)
        if has_index:
            differ = from_uuid.notna() & (from_uuid != frame["_parent_index"])
            if differ.any():
                rows = np.flatnonzero(differ.to_numpy())
                notes.append(
                    f"{where}: _parent_index and {column} point to different households at "
                    f"{describe_rows(rows)} (e.g. _parent_index {frame['_parent_index'].iloc[rows[0]]!r} vs "
                    f"{column} {frame[link].iloc[rows[0]]!r}); the uuid is used"
                )
        frame["_parent_index"] = from_uuid.where(from_uuid.notna(), "").astype(str)
        orphans = from_uuid.isna().to_numpy()
    elif has_index:
        orphans, column = (
            (~frame["_parent_index"].isin(set(main["_index"]))).to_numpy(),
            "_parent_index",
        )
    else:
        return frame
    if orphans.any():
        notes.append(
            f"{where}, column {column}: {int(orphans.sum())} row(s) point to no interview of the main "
            f"table ({describe_rows(np.flatnonzero(orphans))}); left out"
        )
        frame = frame[~orphans].reset_index(drop=True)
    return frame


def _uuid_link(frame: pd.DataFrame, main: pd.DataFrame) -> tuple[str, str] | None:
    """(column, its name as written) linking repeat rows to the main table's ``_uuid``, if any."""
    if "_uuid" not in main.columns:
        return None
    if "_submission__uuid" in frame.columns:
        return "_submission__uuid", "_submission__uuid"
    # REACH and cleaningtools loop sheets hold the household's uuid as their own 'uuid'
    if "_uuid" in frame.columns:
        values = frame["_uuid"][frame["_uuid"] != ""]
        if len(values) and values.isin(set(main["_uuid"])).mean() > 0.5:
            return "_uuid", "uuid"
    return None


def _strip_groups(name: str, structure: set[str], form: XLSForm) -> str:
    """``g/sub/q`` (Kobo) or ``g-sub-q`` (ODK Central) -> ``q``: leading parts that are the form's groups or
    repeats are removed, so a question whose own name holds ``-`` is kept whole."""
    for sep in _GROUP_SEPARATORS:
        parts = name.split(sep)
        while len(parts) > 1 and parts[0] in structure and sep.join(parts) not in form.questions:
            parts = parts[1:]
        name = sep.join(parts)
    return name


def _sniff_separator(path: Path) -> str:
    """Comma, semicolon (French/Spanish Excel), tab or bar; a one-column file is read with commas."""
    import csv
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as fh:  # separators are ASCII
        sample = fh.read(65536)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def canonical_column(name: str, form: XLSForm) -> str:
    """A column name as this module writes it: ``q/option`` for a select_multiple's 0/1 column.

    >>> import pandas as pd
    >>> form = XLSForm.from_frames(pd.DataFrame({"type": ["select_multiple ch"], "name": ["ch"]}),
    ...                            pd.DataFrame({"list_name": ["ch"], "name": ["sms"]}))
    >>> canonical_column("ch.sms", form)
    'ch/sms'
    """
    dummy = _dummy(name, form)
    return f"{dummy[0]}/{dummy[1]}" if dummy else name


def _dummy(name: str, form: XLSForm) -> tuple[str, str] | None:
    """``q/option`` or ``q.option`` of a select_multiple ``q`` → (q, option)."""
    if name in form.questions:
        return None
    for sep in _DUMMY_SEPARATORS:
        q, found, option = name.rpartition(sep)
        if found and q in form.questions and form.questions[q].kind == "select_multiple":
            return q, option
    return None


def _reconcile_select_multiple(
    frame: pd.DataFrame, form: XLSForm, where: str, notes: list[str]
) -> None:
    for name, q in form.questions.items():
        if q.kind != "select_multiple":
            continue
        prefix = f"{name}/"
        dummies = [c for c in frame.columns if c.startswith(prefix)]
        if not dummies:
            continue
        options = {c.name for c in form.options(name)}
        extra = [c[len(prefix) :] for c in dummies if c[len(prefix) :] not in options]
        if extra:
            notes.append(
                f"{where}: {name}: 0/1 column(s) for option(s) not in the form's list: {', '.join(extra)}"
            )
        absent = sorted(options - {c[len(prefix) :] for c in dummies})
        if absent:  # their answers are still read from the text column
            notes.append(f"{where}: {name}: form option(s) with no 0/1 column: {', '.join(absent)}")
        # 0/1 as written by Kobo, or TRUE/FALSE as R and pandas write logicals
        frame[dummies] = frame[dummies].map(lambda v: _BOOLEAN.get(v.lower(), v))
        bad_values = ~frame[dummies].isin(["0", "1", ""])
        if bad_values.any(axis=None):
            rows = bad_values.any(axis=1).to_numpy().nonzero()[0]
            column = bad_values.columns[bad_values.any(axis=0)][0]
            raise DataError(
                f"{where}, column {column!r}: expected 0/1 (or TRUE/FALSE), found "
                f"{frame[column][bad_values[column]].iloc[0]!r} at {describe_rows(rows)}."
            )
        chosen = frame[dummies].to_numpy() == "1"
        option_names = [c[len(prefix) :] for c in dummies]
        from_dummies = pd.Series(
            [" ".join(o for o, on in zip(option_names, row, strict=True) if on) for row in chosen],
            index=frame.index,
            dtype=object,
        )
        if name not in frame.columns:
            frame[name] = from_dummies
            notes.append(f"{where}: {name}: answers rebuilt from its 0/1 columns (no text column)")
            continue
        text_sets = frame[name].map(lambda v: frozenset(v.split()))
        dummy_sets = from_dummies.map(lambda v: frozenset(v.split()))
        # only options that have a 0/1 column can be compared; skipped rows have all dummies empty
        known = frozenset(c[len(prefix) :] for c in dummies)
        answered = (frame[dummies] != "").any(axis=1)
        disagree = answered & (text_sets.map(lambda s, known=known: s & known) != dummy_sets)
        if disagree.any():
            # cleaning edits the 0/1 columns (IMPACT's cleaningtools does), so they are taken as the answer
            rows = disagree.to_numpy().nonzero()[0]
            notes.append(
                f"{where}, column {name!r}: the answer text disagrees with its 0/1 columns at {describe_rows(rows)} "
                f"(e.g. {frame[name].iloc[rows[0]]!r} vs {from_dummies.iloc[rows[0]]!r}); the 0/1 columns are used"
            )
            frame.loc[disagree, name] = from_dummies[disagree]


def _text(value: object) -> str:
    """A cell as text: numbers written by Excel as 1.0 become '1'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
