"""INFORM Risk 2025 (v0.7.0): the component scores recomputed from the RAW indicator data.

The JRC workbook ``inform_risk_2025_v070.xlsx`` computes every component of the
``INFORM Risk 2025 (a-z)`` sheet with spreadsheet formulas: the raw values of ``Indicator Data``
are transformed (log10, per-capita with ``Population Data``, a power law for uprooted people),
min-max normalised against the goalposts in rows 3–4 of the three dimension sheets, clipped to
0–10, rounded to one decimal and aggregated (arithmetic mean, weighted sum or INFORM's
"geometric OR" ``(10 − GEOMEAN((10 − xᵢ)/10·9 + 1))/9·10``), rounding to one decimal after
every step. This module reimplements those formulas cell by cell in numpy (read from the
workbook with ``openpyxl.load_workbook(path, data_only=False)``; every formula is uniform over
the 191 country rows 6–196, checked) and compares the result with the published table.

Inputs are the workbook's sheet dumps (``<sheet>.csv``, one CSV line per sheet row, one column
per sheet column, empty cells empty): ``Indicator_Data.csv`` (raw values, ``No data`` where
missing), ``Population_Data.csv`` (population 2014–2024), ``Indicator_Date.csv`` (per-country
data years), the three dimension sheets (only their MAX / MIN goalpost rows are read) and
``INFORM_Risk_2025_a_z.csv`` (the published scores). Nothing is read unless a directory is
passed: the functions take the sheet directory as an argument.

Conventions of the reimplementation (mirroring Excel):

* a cell holding the text ``"x"`` (or a raw ``No data``) is ``NaN``; ``AVERAGE`` skips it
  (``np.nanmean``), arithmetic on it would be ``#VALUE!`` in Excel (those branches are guarded by
  the workbook's own ``IF(…="x", …)`` tests, reproduced here);
* ``ROUND(v, 1)`` rounds halves away from zero (:func:`humsec.index.composite.round_half_up`,
  which also absorbs the 1e-15 binary noise Excel's 15-digit rounding hides);
* ``LOG`` is log10, ``LN`` the natural logarithm;
* ``HLOOKUP(year, 'Population Data'!$C$3:$M$194, ROW()-4, FALSE)`` is the population of the
  same country (the three sheets list the 191 countries in the same order, checked) in the year
  given by row 3 of ``Indicator Data`` (or, for drought and aid, by the country's own year in
  ``Indicator Date``).

Cell keys are ``"<sheet>!<column>"`` with sheet ``HE`` (Hazard & Exposure), ``V``
(Vulnerability), ``CC`` (Lack of Coping Capacity) and ``ID`` (Indicator Data).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from humsec.core.errors import DataError
from humsec.index.composite import round_half_up

__all__ = [
    "AGGREGATE_CELLS",
    "COMPONENT_CELLS",
    "Inform2025Raw",
    "geo_or",
    "inform_2025_cells_from_raw",
    "inform_2025_components_from_raw",
    "inform_2025_intermediate_agreement",
    "inform_2025_reproduction",
    "load_inform_2025_published",
    "load_inform_2025_raw",
]

#: a_z column → the dimension-sheet cell it references (``='Hazard & Exposure'!AL6`` etc.)
COMPONENT_CELLS: dict[str, str] = {
    "Earthquake": "HE!AL",
    "River Flood": "HE!AM",
    "Tsunami": "HE!AN",
    "Tropical Cyclone": "HE!AO",
    "Coastal flood": "HE!AP",
    "Drought": "HE!AS",
    "Epidemic": "HE!CV",
    "Projected Conflict Probability": "HE!CX",
    "Current Conflict Intensity": "HE!CY",
    "Development & Deprivation": "V!E",
    "Inequality": "V!H",
    "Economic Dependency": "V!N",
    "Uprooted people": "V!T",
    "Health Conditions": "V!AB",
    "Children U5": "V!AE",
    "Recent Shocks": "V!AH",
    "Food Security": "V!AK",
    "DRR": "CC!E",
    "Governance": "CC!H",
    "Communication": "CC!N",
    "Physical infrastructure": "CC!S",
    "Access to health care": "CC!AA",
}

#: a_z aggregates → their cells (recomputed from the recomputed components, same formulas)
AGGREGATE_CELLS: dict[str, str] = {
    "Natural": "HE!CW",
    "Human": "HE!CZ",
    "Socio-Economic Vulnerability": "V!O",
    "Other Vulnerable Groups": "V!AL",
    "Vulnerable Groups": "V!AM",
    "Institutional": "CC!I",
    "Infrastructure": "CC!AB",
    "HAZARD & EXPOSURE": "AZ!G",
    "VULNERABILITY": "AZ!S",
    "LACK OF COPING CAPACITY": "AZ!AE",
    "INFORM RISK": "AZ!C",
}

_SHEET_FILES = {
    "HE": "Hazard_Exposure.csv",
    "V": "Vulnerability.csv",
    "CC": "Lack_of_Coping_Capacity.csv",
}
_NO_DATA = "No data"
_FIRST_ROW = 6  # first country row of Indicator Data and the dimension sheets
_N_COUNTRIES = 191

Array = np.ndarray


# --------------------------------------------------------------------------------- the inputs
def _col_index(letters: str) -> int:
    """0-based index of a spreadsheet column (``"A"`` → 0, ``"AA"`` → 26)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _read_sheet(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path} not found (pass the directory of the INFORM 2025 sheet dumps)")
    return pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8")


@dataclass(frozen=True)
class Inform2025Raw:
    """The raw inputs of the 2025 workbook, one row per country (ISO3, in the workbook's order).

    ``values``: Indicator Data as floats by column letter (``NaN`` where ``No data``);
    ``no_data``: where the raw cell says ``No data``; ``survey_year``: row 3 of Indicator Data
    (the HLOOKUP key into Population Data); ``population``: ISO3 × year; ``dates``: Indicator Date
    by column letter (the per-country year); ``goalposts``: per dimension sheet (``HE``, ``V``,
    ``CC``) a frame with rows ``MAX`` and ``MIN`` by column letter.
    """

    iso3: pd.Index
    values: pd.DataFrame
    no_data: pd.DataFrame
    survey_year: dict[str, str]
    population: pd.DataFrame
    dates: pd.DataFrame
    goalposts: dict[str, pd.DataFrame]

    def raw(self, col: str) -> Array:
        """Raw Indicator Data column as floats (``NaN`` = ``No data``; an empty cell reads 0)."""
        return self.values[col].to_numpy(float)

    def nd(self, col: str) -> Array:
        """``'Indicator Data'!<col>="No data"``."""
        return self.no_data[col].to_numpy(bool)

    def gp(self, sheet: str, col: str) -> tuple[float, float]:
        """Goalposts ``(MAX, MIN)`` of a dimension-sheet column (rows 3–4, label in column B)."""
        hi, lo = self.goalposts[sheet][col].to_numpy(float)
        return float(hi), float(lo)

    def pop(self, year_col: str) -> Array:
        """``HLOOKUP('Indicator Data'!$<col>$3, 'Population Data'!$C$3:$M$194, ROW()-4, FALSE)``."""
        return self._pop_of(np.full(len(self.iso3), self.survey_year[year_col], dtype=object))

    def pop_dated(self, date_col: str) -> Array:
        """``HLOOKUP('Indicator Date'!$<col><row-1>, …)``: the population in each country's year."""
        return self._pop_of(self.dates[date_col].to_numpy(object))

    def _pop_of(self, years: Array) -> Array:
        out = np.full(len(years), np.nan)
        keys = np.array([str(y).strip() for y in years], dtype=object)
        for key in set(keys) & set(self.population.columns):  # exact match; otherwise #N/A
            rows = keys == key
            out[rows] = self.population[key].to_numpy(float)[rows]
        return out


def load_inform_2025_raw(sheets_dir: str | Path) -> Inform2025Raw:
    """Read the raw indicators, population, dates and goalposts from the sheet dumps.

    Rows are taken by position as the workbook does (Indicator Data row r ↔ Population Data row
    r − 2 ↔ Indicator Date row r − 1); a :class:`DataError` is raised if the ISO3 columns of the
    three sheets disagree.
    """
    d = Path(sheets_dir)
    ind = _read_sheet(d / "Indicator_Data.csv")
    body = ind.iloc[_FIRST_ROW - 1 : _FIRST_ROW - 1 + _N_COUNTRIES].reset_index(drop=True)
    iso3 = pd.Index(body[1].str.strip(), name="ISO3")
    letters = [_letter(j) for j in range(ind.shape[1])]
    raw = body.set_axis(letters, axis=1).set_axis(iso3, axis=0).iloc[:, 2:]
    no_data = raw.apply(lambda s: s.str.strip() == _NO_DATA)
    values = raw.apply(
        lambda s: pd.to_numeric(s.replace({"": "0", _NO_DATA: None}), errors="coerce")
    )
    survey_year = {letters[j]: str(ind.iat[2, j]).strip() for j in range(2, ind.shape[1])}

    pop_sheet = _read_sheet(d / "Population_Data.csv")
    years = [str(v).strip() for v in pop_sheet.iloc[2, 2:]]
    pbody = pop_sheet.iloc[3 : 3 + _N_COUNTRIES].reset_index(drop=True)
    population = pbody.iloc[:, 2:].apply(pd.to_numeric, errors="coerce").set_axis(years, axis=1)
    population.index = iso3

    date_sheet = _read_sheet(d / "Indicator_Date.csv")
    dbody = date_sheet.iloc[4 : 4 + _N_COUNTRIES].reset_index(drop=True)
    dates = dbody.set_axis([_letter(j) for j in range(date_sheet.shape[1])], axis=1)
    for name, isos in (("Population Data", pbody[1]), ("Indicator Date", dbody[1])):
        if list(isos.str.strip()) != list(iso3):
            raise DataError(f"{name} does not list the countries in the order of Indicator Data")
    dates.index = iso3

    goalposts = {}
    for sheet, fname in _SHEET_FILES.items():
        s = _read_sheet(d / fname)
        rows = {str(s.iat[r, 1]).strip(): r for r in (2, 3)}
        if set(rows) != {"MAX", "MIN"}:
            raise DataError(f"{fname}: rows 3–4 are not labelled MAX / MIN in column B")
        g = s.iloc[[rows["MAX"], rows["MIN"]]].set_axis(["MAX", "MIN"], axis=0)
        g = g.set_axis([_letter(j) for j in range(s.shape[1])], axis=1)
        goalposts[sheet] = g.apply(pd.to_numeric, errors="coerce")
    return Inform2025Raw(iso3, values, no_data, survey_year, population, dates, goalposts)


def _letter(j: int) -> str:
    """Spreadsheet column of a 0-based index (0 → ``"A"``)."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def load_inform_2025_published(sheets_dir: str | Path) -> pd.DataFrame:
    """The published ``INFORM Risk 2025 (a-z)`` table, indexed by ISO3 (``x`` → NaN)."""
    path = Path(sheets_dir) / "INFORM_Risk_2025_a_z.csv"
    if not path.exists():
        raise DataError(f"{path} not found")
    df = pd.read_csv(path, encoding="utf-8", na_values=["x"], keep_default_na=False)
    df = df[df["ISO3"].astype(str).str.fullmatch(r"[A-Z]{3}")]
    return df.set_index("ISO3")


# ------------------------------------------------------------------------ Excel-like primitives
def _r1(x: Array) -> Array:
    """``ROUND(x, 1)`` (halves away from zero); NaN ("x") stays NaN."""
    with np.errstate(invalid="ignore"):
        return round_half_up(np.asarray(x, float), 1)


def _log10(x: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.asarray(x, float))


def _up(v: Array, hi: float, lo: float) -> Array:
    """Higher = more risk: ``IF(v>hi, 10, IF(v<lo, 0, 10-(hi-v)/(hi-lo)*10))``."""
    v = np.asarray(v, float)
    with np.errstate(invalid="ignore"):
        return np.where(v > hi, 10.0, np.where(v < lo, 0.0, 10 - (hi - v) / (hi - lo) * 10))


def _down(v: Array, hi: float, lo: float) -> Array:
    """Higher = less risk: ``IF(v>hi, 0, IF(v<lo, 10, (hi-v)/(hi-lo)*10))``."""
    v = np.asarray(v, float)
    with np.errstate(invalid="ignore"):
        return np.where(v > hi, 0.0, np.where(v < lo, 10.0, (hi - v) / (hi - lo) * 10))


def geo_or(*xs: Array) -> Array:
    """INFORM's geometric "OR": ``(10 − GEOMEAN((10 − xᵢ)/10·9 + 1))/9·10`` (not rounded).

    A NaN argument gives NaN (Excel: ``#VALUE!``); the workbook guards such cases itself.

    >>> geo_or(np.array([8.0]), np.array([2.0])).round(4).tolist()
    [5.787]
    """
    m = np.vstack([(10 - np.asarray(x, float)) / 10 * 9 + 1 for x in xs])
    return (10 - m.prod(axis=0) ** (1 / m.shape[0])) / 9 * 10


def _avg(*xs: Array) -> Array:
    """``AVERAGE`` over cells: text ("x" = NaN) is skipped; all text → NaN (Excel ``#DIV/0!``)."""
    m = np.vstack([np.asarray(x, float) for x in xs])
    n = np.isfinite(m).sum(axis=0)
    s = np.where(np.isfinite(m), m, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, s / np.maximum(n, 1), np.nan)


def _all_x(*xs: Array) -> Array:
    return np.logical_and.reduce([np.isnan(np.asarray(x, float)) for x in xs])


def _x_if(cond: Array, value: Array) -> Array:
    """``IF(cond, "x", value)``."""
    return np.where(cond, np.nan, value)


# --------------------------------------------------------------------------------- the sheets
def _hazard(w: Inform2025Raw, c: dict[str, Array]) -> None:
    """Hazard & Exposure: columns C–CZ (components AL, AM, AN, AO, AP, AS, CV, CX, CY).

    * absolute exposure (C, D, F, G, H, I, K, L ← ID C, D, E, F, G, H, I, J):
      ``ROUND(IF(v=0, z, IF(LOG(v)>MAX, 10, IF(LOG(v)<MIN, 0, 10-(MAX-LOG(v))/(MAX-MIN)*10))), 1)``
      with z = 0.1 for the two earthquake columns C, D and z = 0 otherwise;
    * relative exposure M–T = raw / population (T: drought, population in the country's own year
      ``'Indicator Date'!J``); U, V, Z, AA, AD linear min-max; X, Y, AC min-max of LOG(·) (0 → 0);
    * pairs → ``ROUND(geo_or(·,·), 1)``: E = (C, D), J = (H, I), W = (U, V), AB = (Z, AA),
      AK = (L, AD); components AL Earthquake = (E, W), AM River Flood = (F, X), AN Tsunami =
      (G, Y), AO Tropical Cyclone = (J, AB), AP Coastal flood = (K, AC);
    * drought: AE = min-max of the frequency ID K (0 → 0), AQ = ROUND(AVERAGE(AE, AK), 1),
      AR = agricultural drought probability ID L (``"x"`` if No data or land area ID BX < 1000),
      AS Drought = ROUND(AVERAGE(AQ, AR), 1);
    * epidemic CV: zoonoses AT–BL, vector-borne BM–CC, water/food-borne CD–CU, P2P CM (see the
      code comments), CV = ROUND(geo_or(BL, CU, CC, CM), 1) (BL omitted when ``"x"``);
    * human: CX = min-max of ID AF, CY = min-max of ID AG (0 → 0); CZ = ROUND(geo_or(CX, CY), 1).
    """
    gp = lambda col: w.gp("HE", col)  # noqa: E731

    def absolute(src: str, col: str, zero: float = 0.0) -> Array:
        v = w.raw(src)
        hi, lo = gp(col)
        return _r1(np.where(v == 0, zero, _up(_log10(v), hi, lo)))

    def relative_log(v: Array, col: str) -> Array:
        hi, lo = gp(col)
        return _r1(np.where(v == 0, 0.0, _up(_log10(v), hi, lo)))

    def linear(v: Array, col: str) -> Array:
        return _r1(_up(v, *gp(col)))

    c["HE!C"] = absolute("C", "C", 0.1)
    c["HE!D"] = absolute("D", "D", 0.1)
    c["HE!E"] = _r1(geo_or(c["HE!C"], c["HE!D"]))
    for col, src in (("F", "E"), ("G", "F"), ("H", "G"), ("I", "H"), ("K", "I"), ("L", "J")):
        c[f"HE!{col}"] = absolute(src, col)
    c["HE!J"] = _r1(geo_or(c["HE!H"], c["HE!I"]))
    for col, src in zip("MNOPQRS", "CDEFGHI", strict=True):
        c[f"HE!{col}"] = w.raw(src) / w.pop(src)
    c["HE!T"] = w.raw("J") / w.pop_dated("J")
    c["HE!U"] = linear(c["HE!M"], "U")
    c["HE!V"] = linear(c["HE!N"], "V")
    c["HE!W"] = _r1(geo_or(c["HE!U"], c["HE!V"]))
    c["HE!X"] = relative_log(c["HE!O"], "X")
    c["HE!Y"] = relative_log(c["HE!P"], "Y")
    c["HE!Z"] = linear(c["HE!Q"], "Z")
    c["HE!AA"] = linear(c["HE!R"], "AA")
    c["HE!AB"] = _r1(geo_or(c["HE!Z"], c["HE!AA"]))
    c["HE!AC"] = relative_log(c["HE!S"], "AC")
    c["HE!AD"] = linear(c["HE!T"], "AD")
    k = w.raw("K")
    c["HE!AE"] = _r1(np.where(k == 0, 0.0, _up(k, *gp("AE"))))
    c["HE!AK"] = _r1(geo_or(c["HE!L"], c["HE!AD"]))
    for col, (a, b) in {
        "AL": ("E", "W"),
        "AM": ("F", "X"),
        "AN": ("G", "Y"),
        "AO": ("J", "AB"),
        "AP": ("K", "AC"),
    }.items():
        c[f"HE!{col}"] = _r1(geo_or(c[f"HE!{a}"], c[f"HE!{b}"]))
    c["HE!AQ"] = _r1(_avg(c["HE!AE"], c["HE!AK"]))
    c["HE!AR"] = _x_if(w.nd("L") | (w.raw("BX") < 1000), linear(w.raw("L"), "AR"))
    c["HE!AS"] = _r1(_avg(c["HE!AQ"], c["HE!AR"]))

    # --- epidemic: zoonoses (absolute LOG, relative linear except MVD which is LOG too)
    def zoonosis(src: str, a: str, rel: str, s: str, combo: str, log_rel: bool) -> None:
        nd = w.nd(src)
        v = w.raw(src)
        c[f"HE!{a}"] = _x_if(nd, relative_log(v, a))
        c[f"HE!{rel}"] = _x_if(nd, v / w.pop(src))
        r = c[f"HE!{rel}"]
        c[f"HE!{s}"] = _x_if(nd, relative_log(r, s) if log_rel else linear(r, s))
        both = _all_x(c[f"HE!{a}"], c[f"HE!{s}"])
        c[f"HE!{combo}"] = _x_if(both, _r1(geo_or(c[f"HE!{a}"], c[f"HE!{s}"])))

    zoonosis("M", "AT", "AU", "AV", "AW", log_rel=False)  # CCHF
    zoonosis("N", "AX", "AY", "AZ", "BA", log_rel=False)  # Ebola (EVD)
    zoonosis("O", "BB", "BC", "BD", "BE", log_rel=False)  # Lassa fever
    zoonosis("P", "BF", "BG", "BH", "BI", log_rel=True)  # Marburg (MVD)
    # BJ: live animals per capita (population year of ID P), BK: min-max of LOG (0 → 0)
    c["HE!BJ"] = _x_if(w.nd("AB"), w.raw("AB") / w.pop("P"))
    c["HE!BK"] = _x_if(np.isnan(c["HE!BJ"]), relative_log(c["HE!BJ"], "BK"))
    aw, ba, be, bi, bk = (c[f"HE!{k}"] for k in ("AW", "BA", "BE", "BI", "BK"))
    no_vhf = _all_x(ba, be, bi)
    c["HE!BL"] = np.where(
        _all_x(ba, be, bi, aw, bk),
        np.nan,
        np.where(
            _all_x(aw, ba, be, bi),
            bk,
            np.where(
                _all_x(ba, be, bi, bk),
                aw,
                np.where(no_vhf, _r1(geo_or(aw, bk)), _r1(geo_or(aw, ba, be, bi, bk))),
            ),
        ),
    )

    # --- vector-borne: absolute LOG + relative linear, paired with geo_or
    def vector(src: str, a: str, rel: str, s: str, combo: str, cap: bool = False) -> None:
        v = w.raw(src)
        c[f"HE!{a}"] = relative_log(v, a)
        r = v / w.pop(src)
        c[f"HE!{rel}"] = np.minimum(r, 1.0) if cap else r
        c[f"HE!{s}"] = linear(c[f"HE!{rel}"], s)
        c[f"HE!{combo}"] = _r1(geo_or(c[f"HE!{s}"], c[f"HE!{a}"]))

    vector("Q", "BM", "BN", "BO", "BP")  # malaria
    vector("S", "BQ", "BR", "BS", "BT")  # Zika
    vector("T", "BU", "BV", "BW", "BX", cap=True)  # Aedes (share capped at 1)
    vector("U", "BY", "BZ", "CA", "CB")  # dengue
    c["HE!CC"] = _r1(geo_or(c["HE!BX"], c["HE!BP"], c["HE!BT"], c["HE!CB"]))

    # --- water/food-borne and person-to-person
    def scored(src: str, col: str, down: bool = False, log: bool = False) -> Array:
        v = w.raw(src)
        v = _log10(v) if log else v
        f = _down if down else _up
        return _x_if(w.nd(src), _r1(f(v, *gp(col))))

    c["HE!CD"] = scored("BO", "CD", down=True)  # sanitation
    c["HE!CE"] = scored("BP", "CE", down=True)  # drinking water
    c["HE!CF"] = scored("AA", "CF", down=True)  # hygiene
    cd, ce, cf = c["HE!CD"], c["HE!CE"], c["HE!CF"]
    c["HE!CG"] = _x_if(_all_x(ce, cd, cf), _r1(_avg(cd, ce, cf)))
    c["HE!CH"] = scored("V", "CH", log=True)  # population density
    c["HE!CI"] = scored("W", "CI")  # urban growth
    c["HE!CJ"] = scored("X", "CJ")  # urban share
    c["HE!CK"] = scored("Y", "CK")  # household size
    c["HE!CL"] = _r1(_avg(c["HE!CH"], c["HE!CI"], c["HE!CJ"], c["HE!CK"]))
    c["HE!CM"] = _r1(_avg(c["HE!CG"], c["HE!CL"], c["HE!CL"]))
    c["HE!CN"] = scored("AD", "CN")  # slums
    c["HE!CO"] = scored("AE", "CO")  # children under 5
    c["HE!CP"] = _r1(_avg(*(c[f"HE!{k}"] for k in ("CH", "CI", "CJ", "CK", "CN", "CO"))))
    c["HE!CQ"] = scored("Z", "CQ")  # open defecation
    c["HE!CR"] = _x_if(_all_x(ce, cd, cf), _r1(_avg(cd, ce, cf, c["HE!CQ"])))
    c["HE!CS"] = scored("AC", "CS", down=True)  # IHR food safety
    c["HE!CT"] = c["HE!CS"]
    c["HE!CU"] = _r1(_avg(c["HE!CR"], c["HE!CT"], c["HE!CP"]))
    bl, cu, cc, cm = c["HE!BL"], c["HE!CU"], c["HE!CC"], c["HE!CM"]
    c["HE!CV"] = np.where(np.isnan(bl), _r1(geo_or(cu, cc, cm)), _r1(geo_or(bl, cu, cc, cm)))

    # --- human hazard
    for col, src in (("CX", "AF"), ("CY", "AG")):
        v = w.raw(src)
        c[f"HE!{col}"] = _r1(np.where(v == 0, 0.0, _up(v, *gp(col))))
    c["HE!CZ"] = _r1(geo_or(c["HE!CX"], c["HE!CY"]))


def _natural(c: Mapping[str, Array]) -> Array:
    """HE!CW Natural: ROUND(geo_or(AL, CV, AP, AM, AN, AO, AS), 1) (AM omitted if "x"); 0 → 0.1."""
    base = [c[f"HE!{k}"] for k in ("AL", "CV", "AP", "AS", "AN", "AO")]
    am = c["HE!AM"]
    v = np.where(np.isnan(am), _r1(geo_or(*base)), _r1(geo_or(*base, am)))
    return np.where(v == 0, 0.1, v)


def _vulnerability(w: Inform2025Raw, c: dict[str, Array]) -> None:
    """Vulnerability (goalposts: row 3 MIN, row 4 MAX): components E, H, N, T, AB, AE, AH, AK.

    * C HDI: ``(MAX − HDI)/(MAX − MIN)·10`` clipped (ID AH; if No data, HDI ≈ 0.101·LN(GDP pc
      ID BW) − 0.153); D MPI: min-max of LOG(MPI·1000) (ID AI, ``"x"`` if No data);
      E Development & Deprivation = ROUND(IF(D="x", C, geo_or(C, D)), 1);
    * F GII (ID AV), G Gini (ID AW) min-max; H Inequality = ROUND(AVERAGE(F, G), 1);
    * I aid = FTS (ID AJ) + ODA (ID AK + AL) in M US$, J = I / population in the aid year
      (``'Indicator Date'!AJ``) · 1e6, K min-max (0–500 US$); L net ODA % GNI (ID AM); M
      remittances % GDP (ID AN, 0 → 0); N Economic Dependency = ROUND(AVERAGE(K, L, M), 1);
    * P uprooted (ID BA + BB + BC, IDPs, refugees, returnees; 0 if BA and BB are No data), Q =
      min-max of LOG(P) (3–6), R = P / population, S = ``((R·100)/0.0052)^(1/4.0545)/6.5·10``
      (10 above 0.1, 0 below 5e-5); T Uprooted people = ROUND(AVERAGE(Q, S), 1);
    * U HIV prevalence (ID AR), V HIV incidence (ID AS, 0 → 0), W = AVERAGE(U, V) (NOT rounded),
      X TB (ID AQ), Y malaria incidence (ID AT), Z = NTD share (ID AU / population, capped at 1),
      AA min-max; AB Health Conditions = ROUND(AVERAGE(W, X, Y, AA), 1);
    * AC U5 mortality (ID AO), AD underweight (ID AP); AE Children U5 = ROUND(AVERAGE(AD, AC), 1);
    * AF = (ID AZ + 0.5·AY + 0.25·AX) people affected by disasters in the last three years,
      AG = AF / population; AH Recent Shocks = ROUND(min-max(AG; 0–0.1), 1);
    * AI dietary energy adequacy (ID BD, reversed: 10 below 75, 0 above 150), AJ
      undernourishment (ID BE); AK Food Security = ROUND(AVERAGE(AJ, AI), 1).
    """

    def gp(col: str) -> tuple[float, float]:
        return w.gp("V", col)

    def scored(src: str, col: str, zero: bool = False) -> Array:
        v = w.raw(src)
        s = _r1(_up(v, *gp(col)))
        if zero:
            s = np.where(v == 0, 0.0, s)
        return _x_if(w.nd(src), s)

    hdi = np.where(w.nd("AH"), 0.101 * np.log(w.raw("BW")) - 0.153, w.raw("AH"))
    c["V!C"] = _r1(_down(hdi, *gp("C")))
    c["V!D"] = _x_if(w.nd("AI"), _r1(_up(_log10(w.raw("AI") * 1000), *gp("D"))))
    d = c["V!D"]
    c["V!E"] = _r1(np.where(np.isnan(d), c["V!C"], geo_or(c["V!C"], d)))
    c["V!F"] = scored("AV", "F")
    c["V!G"] = scored("AW", "G")
    c["V!H"] = _x_if(_all_x(c["V!F"], c["V!G"]), _r1(_avg(c["V!F"], c["V!G"])))
    c["V!I"] = w.raw("AJ") + np.nan_to_num(w.raw("AK")) + np.nan_to_num(w.raw("AL"))
    c["V!J"] = c["V!I"] / w.pop_dated("AJ") * 1_000_000
    c["V!K"] = _r1(_up(c["V!J"], *gp("K")))
    c["V!L"] = scored("AM", "L")
    c["V!M"] = scored("AN", "M", zero=True)
    c["V!N"] = _r1(_avg(c["V!K"], c["V!L"], c["V!M"]))
    ba, bb, bc = (np.nan_to_num(w.raw(k)) for k in ("BA", "BB", "BC"))
    c["V!P"] = np.where(w.nd("BA") & w.nd("BB"), 0.0, (ba + bb + bc) / 1000)
    p = c["V!P"]
    c["V!Q"] = _r1(np.where(p == 0, 0.0, _up(_log10(p * 1000), *gp("Q"))))
    c["V!R"] = p * 1000 / w.pop("BA")
    hi, lo = gp("S")
    r = c["V!R"]
    with np.errstate(invalid="ignore"):
        power = ((r * 100) / 0.0052) ** (1 / 4.0545) / 6.5 * 10
    c["V!S"] = _r1(np.where(r > hi, 10.0, np.where(r < lo, 0.0, power)))
    c["V!T"] = _r1(_avg(c["V!Q"], c["V!S"]))
    c["V!U"] = scored("AR", "U")
    c["V!V"] = scored("AS", "V", zero=True)
    c["V!W"] = _x_if(_all_x(c["V!U"], c["V!V"]), _avg(c["V!U"], c["V!V"]))
    c["V!X"] = scored("AQ", "X")
    c["V!Y"] = scored("AT", "Y")
    share = w.raw("AU") / w.pop("AU")
    c["V!Z"] = _x_if(w.nd("AU"), np.where(share > 1, 1.0, share))
    c["V!AA"] = _x_if(np.isnan(c["V!Z"]), _r1(_up(c["V!Z"], *gp("AA"))))
    hc = [c[f"V!{k}"] for k in ("W", "X", "Y", "AA")]
    c["V!AB"] = _x_if(_all_x(*hc), _r1(_avg(*hc)))
    c["V!AC"] = scored("AO", "AC")
    c["V!AD"] = scored("AP", "AD")
    c["V!AE"] = _x_if(_all_x(c["V!AC"], c["V!AD"]), _r1(_avg(c["V!AD"], c["V!AC"])))
    c["V!AF"] = (w.raw("AZ") + w.raw("AY") * 0.5 + w.raw("AX") * 0.25) / 1000
    c["V!AG"] = c["V!AF"] * 1000 / w.pop("AZ")
    c["V!AH"] = _r1(_up(c["V!AG"], *gp("AH")))
    c["V!AI"] = _x_if(w.nd("BD"), _r1(_down(w.raw("BD"), *gp("AI"))))
    c["V!AJ"] = scored("BE", "AJ")
    c["V!AK"] = _r1(_avg(c["V!AJ"], c["V!AI"]))


def _vulnerability_aggregates(c: dict[str, Array]) -> None:
    """V!O = ROUND(AVERAGE(E, E, H, N), 1); V!AL Other Vulnerable Groups = ROUND(geo_or of the
    present ones among AB, AE, AH, AK), 1); V!AM = ROUND(geo_or(T, AL), 1)."""
    c["V!O"] = _r1(_avg(c["V!E"], c["V!E"], c["V!H"], c["V!N"]))
    ab, ae, ah, ak = (c[f"V!{k}"] for k in ("AB", "AE", "AH", "AK"))
    c["V!AL"] = _r1(
        np.where(
            _all_x(ab, ae, ak),
            ah,
            np.where(
                _all_x(ab, ae),
                geo_or(ak, ah),
                np.where(
                    np.isnan(ak),
                    geo_or(ab, ae, ah),
                    np.where(np.isnan(ab), geo_or(ak, ae, ah), geo_or(ab, ae, ah, ak)),
                ),
            ),
        )
    )
    c["V!AM"] = _r1(geo_or(c["V!T"], c["V!AL"]))


def _coping(w: Inform2025Raw, c: dict[str, Array]) -> None:
    """Lack of Coping Capacity (goalposts: row 3 MAX, row 4 MIN): components E, H, N, S, AA.

    Every indicator is ``IF(v>MAX, 0, IF(v<MIN, 10, (MAX−v)/(MAX−MIN)·10))`` rounded (``"x"`` if No
    data), except Z maternal mortality (higher = worse: ``10−(MAX−v)/(MAX−MIN)·10``).

    * C Sendai E-1 score (ID BF), D reporting frequency (ID BG); E DRR = ROUND(0.7·C + 0.3·D, 1);
    * F corruption perception (ID BI), G government effectiveness (ID BH); H Governance =
      ROUND(AVERAGE(F, G), 1);
    * J adult literacy squared (ID BK², goalposts 900–10000), K electricity (ID BJ, 0 → "x"),
      L internet (ID BL), M mobile (ID BM); N Communication = ROUND(AVERAGE(J, K, L, M), 1);
    * O road density = ID BN / land area ID BX · 100, P its score, Q sanitation (ID BO), R water
      (ID BP); S Physical infrastructure = ROUND(AVERAGE(P, R, Q), 1);
    * T physicians (ID BQ), U–W DTP3 / MCV2 / PCV3 (ID BR–BT), X = AVERAGE(U:W) (NOT rounded),
      Y health expenditure (ID BU), Z maternal mortality (ID BV); AA Access to health care =
      ROUND(AVERAGE(T, X, Y, Z), 1).
    """

    def scored(
        src: str, col: str, v: Array | None = None, f: Callable[..., Array] = _down
    ) -> Array:
        val = w.raw(src) if v is None else v
        return _x_if(w.nd(src), _r1(f(val, *w.gp("CC", col))))

    c["CC!C"] = scored("BF", "C")
    c["CC!D"] = scored("BG", "D")
    cc_c, cc_d = c["CC!C"], c["CC!D"]
    c["CC!E"] = _x_if(_all_x(cc_c, cc_d), _r1(0.7 * cc_c + 0.3 * cc_d))
    c["CC!F"] = scored("BI", "F")
    c["CC!G"] = scored("BH", "G")
    c["CC!H"] = _x_if(_all_x(c["CC!F"], c["CC!G"]), _r1(_avg(c["CC!F"], c["CC!G"])))
    c["CC!J"] = scored("BK", "J", v=w.raw("BK") ** 2)
    c["CC!K"] = _x_if(w.raw("BJ") == 0, scored("BJ", "K"))
    c["CC!L"] = scored("BL", "L")
    c["CC!M"] = scored("BM", "M")
    comm = [c[f"CC!{k}"] for k in "JKLM"]
    c["CC!N"] = _x_if(_all_x(*comm), _r1(_avg(*comm)))
    c["CC!O"] = _x_if(w.nd("BN"), w.raw("BN") / w.raw("BX") * 100)
    c["CC!P"] = _x_if(np.isnan(c["CC!O"]), _r1(_down(c["CC!O"], *w.gp("CC", "P"))))
    c["CC!Q"] = scored("BO", "Q")
    c["CC!R"] = scored("BP", "R")
    phys = [c[f"CC!{k}"] for k in "PRQ"]
    c["CC!S"] = _x_if(_all_x(*phys), _r1(_avg(*phys)))
    c["CC!T"] = scored("BQ", "T")
    c["CC!U"] = scored("BR", "U")
    c["CC!V"] = scored("BS", "V")
    c["CC!W"] = scored("BT", "W")
    c["CC!X"] = _avg(c["CC!U"], c["CC!V"], c["CC!W"])  # all "x" → #DIV/0! (never happens)
    c["CC!Y"] = scored("BU", "Y")
    c["CC!Z"] = scored("BV", "Z", f=_up)
    hc = [c[f"CC!{k}"] for k in ("T", "X", "Y", "Z")]
    c["CC!AA"] = _x_if(_all_x(*hc), _r1(_avg(*hc)))


def _dimensions(c: dict[str, Array]) -> None:
    """The a_z sheet's own formulas: G HAZARD & EXPOSURE = ROUND(geo_or(Natural, Human), 1),
    S VULNERABILITY = ROUND(geo_or(Socio-Economic, Vulnerable Groups), 1), AE LACK OF COPING
    CAPACITY = ROUND(geo_or(Institutional, Infrastructure), 1), C INFORM RISK =
    ROUND(G^(1/3)·S^(1/3)·AE^(1/3), 1)."""
    c["AZ!G"] = _r1(geo_or(c["HE!CW"], c["HE!CZ"]))
    c["AZ!S"] = _r1(geo_or(c["V!O"], c["V!AM"]))
    c["AZ!AE"] = _r1(geo_or(c["CC!I"], c["CC!AB"]))
    c["AZ!C"] = _r1(c["AZ!G"] ** (1 / 3) * c["AZ!S"] ** (1 / 3) * c["AZ!AE"] ** (1 / 3))


def inform_2025_cells_from_raw(raw: Inform2025Raw | str | Path) -> pd.DataFrame:
    """Every reimplemented cell of the three dimension sheets (ISO3 × ``"<sheet>!<col>"``).

    ``raw`` is :func:`load_inform_2025_raw`'s result or the sheet-dump directory. Components and
    the category aggregates (Natural, Human, Socio-Economic Vulnerability, Other Vulnerable
    Groups, Vulnerable Groups, Institutional, Infrastructure) are included, and the a_z sheet's
    dimensions and INFORM RISK (keys ``"AZ!G"``, ``"AZ!S"``, ``"AZ!AE"``, ``"AZ!C"``).
    """
    w = raw if isinstance(raw, Inform2025Raw) else load_inform_2025_raw(raw)
    c: dict[str, Array] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        _hazard(w, c)
        c["HE!CW"] = _natural(c)
        _vulnerability(w, c)
        _vulnerability_aggregates(c)
        _coping(w, c)
        c["CC!I"] = _r1(_avg(c["CC!E"], c["CC!H"]))
        c["CC!AB"] = _r1(_avg(c["CC!S"], c["CC!N"], c["CC!AA"]))
        _dimensions(c)
    return pd.DataFrame(c, index=w.iso3)


def inform_2025_components_from_raw(
    raw: Inform2025Raw | str | Path, *, aggregates: bool = False
) -> pd.DataFrame:
    """The a_z component scores recomputed from the raw data (ISO3 × component, NaN = ``x``).

    Columns: the 22 leaf components of :data:`COMPONENT_CELLS` (hazard, vulnerability and
    coping); with ``aggregates=True`` also the 7 category aggregates, the 3 dimensions and
    INFORM RISK (:data:`AGGREGATE_CELLS`) computed from them with the workbook's formulas.
    """
    cells = inform_2025_cells_from_raw(raw)
    mapping = {**COMPONENT_CELLS, **(AGGREGATE_CELLS if aggregates else {})}
    return pd.DataFrame({name: cells[cell] for name, cell in mapping.items()}, index=cells.index)


def _agreement(ours: pd.Series, theirs: pd.Series) -> tuple[int, float, list[str]]:
    a = round_half_up(ours.to_numpy(float), 1)
    b = theirs.reindex(ours.index).to_numpy(float)
    both_x = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore"):
        same = both_x | (np.abs(a - b) < 1e-6)
        diff = np.where(both_x, 0.0, np.abs(a - b))
    bad = [str(i) for i, ok in zip(ours.index, same, strict=True) if not ok]
    return int(same.sum()), float(np.nanmax(diff)) if np.isfinite(diff).any() else np.nan, bad


def inform_2025_reproduction(sheets_dir: str | Path, *, aggregates: bool = False) -> pd.DataFrame:
    """Per component: share of the 191 countries whose recomputed score equals the published one.

    Equality is at one decimal (the recomputed value rounded half away from zero, NaN = ``x`` on
    both sides counts as equal). Columns: ``cell`` (the dimension-sheet cell), ``n``,
    ``matched``, ``share``, ``max_abs_diff`` (NaN-vs-number counts as a mismatch but not in the
    maximum) and ``mismatched`` (ISO3 list).
    """
    raw = load_inform_2025_raw(sheets_dir)
    pub = load_inform_2025_published(sheets_dir)
    if not pub.index.equals(raw.iso3):
        raise DataError("the a_z sheet does not list the countries of Indicator Data")
    ours = inform_2025_components_from_raw(raw, aggregates=aggregates)
    mapping = {**COMPONENT_CELLS, **(AGGREGATE_CELLS if aggregates else {})}
    rows = []
    for name, cell in mapping.items():
        matched, worst, bad = _agreement(ours[name], pub[name])
        rows.append(
            {
                "component": name,
                "cell": cell,
                "n": len(ours),
                "matched": matched,
                "share": matched / len(ours),
                "max_abs_diff": worst,
                "mismatched": bad,
            }
        )
    return pd.DataFrame(rows).set_index("component")


def inform_2025_intermediate_agreement(sheets_dir: str | Path) -> pd.DataFrame:
    """Diagnostics: every reimplemented cell against the workbook's cached value of that cell.

    The dimension sheets' cached values (from the sheet dumps) are compared at 1e-6 after
    ROUND(·, 1) where the cell is rounded (one row per cell: ``matched``, ``share``,
    ``mismatched``), to locate where a component's recomputation departs from the workbook.
    """
    d = Path(sheets_dir)
    cells = inform_2025_cells_from_raw(d)
    cached: dict[str, pd.DataFrame] = {}
    for sheet, fname in _SHEET_FILES.items():
        s = _read_sheet(d / fname)
        body = s.iloc[_FIRST_ROW - 1 : _FIRST_ROW - 1 + _N_COUNTRIES].reset_index(drop=True)
        body = body.set_axis([_letter(j) for j in range(s.shape[1])], axis=1)
        body.index = pd.Index(body["B"].str.strip(), name="ISO3")
        cached[sheet] = body.apply(pd.to_numeric, errors="coerce")
    rows = []
    for key in cells.columns:
        sheet, col = key.split("!")
        if sheet not in cached:  # the a_z cells are checked by inform_2025_reproduction
            continue
        ours = cells[key]
        theirs = cached[sheet][col]
        a = ours.to_numpy(float)
        b = theirs.reindex(ours.index).to_numpy(float)
        both_x = np.isnan(a) & np.isnan(b)
        with np.errstate(invalid="ignore"):
            scale = np.maximum(np.abs(b), 1.0)
            same = both_x | (np.abs(a - b) <= 1e-6 * scale)
        bad = [str(i) for i, ok in zip(ours.index, same, strict=True) if not ok]
        rows.append(
            {
                "cell": key,
                "matched": int(same.sum()),
                "share": float(same.mean()),
                "mismatched": bad,
            }
        )
    return pd.DataFrame(rows).set_index("cell")
