"""Property-based fuzzing of the commands (issue 19): hypothesis mutates a valid input file (a cell
replaced by an odd value, a column renamed twice or dropped, a stray separator, a label re-spaced or
re-cased, the file cut short or emptied, a latin-1 cell) and every command must either refuse it
(exit 2, one ``error:`` message, no traceback, no output left on disk) or run (exit 0) with either
the same result as on the valid file or a line that says what it did with the input (a note,
``dropped``, ``missing``, ...). Anything else (a traceback, an output beside an error, a changed
result said nowhere) is a defect."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from humsec.cli.main import app

runner = CliRunner()
#: values no numeric column may hold as they are (missing, text, overflow): in a label column they are
#: just another label; values that may be valid numbers (-1, 0) are left to the domain tests
ODD = ["inf", "-inf", "1e999", "NaN", "n.a.", "abc", "", " ", "2099-01", "1,5", "TRUE", "--"]
#: words that say the command did something about its input
SAID = re.compile(r"note|dropped|missing|removed|merged|ignored|left out|kept|skipp|reweight|excluded|imputed|warning", re.I)


@dataclass
class Command:
    """A command on one valid CSV: ``args(input, out)`` builds its command line."""

    name: str
    make_input: Callable[[Path], Path]
    args: Callable[[Path, Path], list[str]]
    labels: tuple[str, ...] = ()  # text columns whose spelling the mutation may change
    result: Callable[[Path], Path] = lambda out: out  # the file compared with the valid run's
    report: Callable[[Path], str] = lambda out: ""  # where else it tells the reader (a page)


def _af_input(folder: Path) -> Path:
    rng = np.random.default_rng(1)
    n = 60
    frame = pd.DataFrame(
        {
            "d1": rng.integers(0, 2, n),
            "d2": rng.integers(0, 2, n),
            "d3": rng.integers(0, 2, n),
            "region": rng.choice(["North", "South"], n),
            "psu": np.repeat(np.arange(12), 5),
            "weight": rng.uniform(0.5, 2.0, n).round(3),
        }
    )
    path = folder / "survey.csv"
    frame.to_csv(path, index=False)
    (folder / "spec.yaml").write_text(
        "dimensions: {a: [d1, d2], b: [d3]}\nk: [33]\ndesign: {weight: weight, psu: psu}\n", encoding="utf-8"
    )
    return path


def _sae_input(folder: Path) -> Path:
    rng = np.random.default_rng(2)
    n = 15
    x = rng.normal(size=n)
    frame = pd.DataFrame({"area": [f"A{i:02d}" for i in range(n)], "y": (2 + x + rng.normal(0, 0.5, n)).round(4),
                          "var": rng.uniform(0.1, 0.4, n).round(4), "x": x.round(4)})  # fmt: skip
    path = folder / "areas.csv"
    frame.to_csv(path, index=False)
    return path


def _gaps_input(folder: Path) -> Path:
    acts = pd.DataFrame({"area": ["KE01", "KE01", "KE02", "KE03"], "sector": ["health", "wash", "health", "food"],
                         "org": ["A", "B", "A", "C"], "reached": [100, 50, 80, 30]})  # fmt: skip
    needs = pd.DataFrame({"area": ["KE01", "KE01", "KE02", "KE03"], "sector": ["health", "wash", "health", "food"],
                          "people_in_need": [400, 200, 90, 120]})  # fmt: skip
    acts.to_csv(folder / "acts.csv", index=False)
    needs.to_csv(folder / "needs.csv", index=False)
    return folder / "acts.csv"


def _index_input(folder: Path) -> Path:
    (folder / "m.yaml").write_text(
        "name: Toy\nroot: R\nunit: u\nnodes:\n  R:\n    op: arithmetic\n    children: [a, b]\n", encoding="utf-8"
    )
    rng = np.random.default_rng(3)
    path = folder / "d.csv"
    pd.DataFrame({"u": ["AAA", "BBB", "CCC", "DDD"], "a": (rng.random(4) * 10).round(3),
                  "b": (rng.random(4) * 10).round(3)}).to_csv(path, index=False)  # fmt: skip
    return path


def _direct_input(folder: Path) -> Path:
    rng = np.random.default_rng(4)
    n = 48
    frame = pd.DataFrame({"area": np.repeat(["A", "B", "C", "D"], 12), "y": rng.integers(0, 2, n),
                          "psu": np.repeat(np.arange(16), 3), "w": rng.uniform(0.5, 2.0, n).round(3)})  # fmt: skip
    path = folder / "survey.csv"
    frame.to_csv(path, index=False)
    return path


def _panel_input(folder: Path) -> Path:
    rng = np.random.default_rng(5)
    months = pd.period_range("2016-01", "2020-12", freq="M").astype(str)
    frame = pd.DataFrame({"unit": np.repeat(["North", "South"], len(months)), "month": np.tile(months, 2),
                          "fatalities": rng.poisson(4, 2 * len(months))})  # fmt: skip
    path = folder / "panel.csv"
    frame.to_csv(path, index=False)
    return path


def _overlap_input(folder: Path) -> Path:
    frame = pd.DataFrame({"area": ["A", "A", "A", "A", "B", "B", "C"],
                          "sector": ["Health", "Health", "Health", "WASH", "Health", "WASH", "WASH"],
                          "org": ["X", "Y", "Z", "X", "X", "Y", "Z"]})  # fmt: skip
    path = folder / "3w.csv"
    frame.to_csv(path, index=False)
    return path


def _money_input(folder: Path) -> Path:
    frame = pd.DataFrame({"srcOrganization": ["D1", "D1", "D2", "D3"], "destOrganization": ["X", "Y", "X", "Z"],
                          "destGlobalClusters": ["Health", "Food Security", "Health", "WASH"],
                          "amountUSD": [100.0, 250.5, 40.0, 75.0]})  # fmt: skip
    path = folder / "flows.csv"
    frame.to_csv(path, index=False)
    return path


def _tabulate_input(folder: Path) -> Path:
    pd.DataFrame({"type": ["select_one yn"], "name": ["trust"], "label::English (en)": ["Trust?"]}).to_csv(
        folder / "f_survey.csv", index=False
    )
    pd.DataFrame({"list_name": ["yn", "yn"], "name": ["yes", "no"], "label::English (en)": ["Yes", "No"]}).to_csv(
        folder / "f_choices.csv", index=False
    )
    path = folder / "d.csv"
    pd.DataFrame({"trust": ["yes"] * 30 + ["no"] * 20, "area": ["a"] * 25 + ["b"] * 25}).to_csv(path, index=False)
    return path


def _ipc_input(folder: Path) -> Path:
    import gzip
    from importlib import resources

    shipped = resources.files("humsec.datasets") / "data" / "ken_ipc_county.csv.gz"
    path = folder / "ipc.csv"
    path.write_bytes(gzip.decompress(shipped.read_bytes()))
    return path


def _bhf_input(folder: Path) -> Path:
    golden = Path(__file__).resolve().parents[1] / "golden" / "sae_cornsoybean"
    pd.read_csv(golden / "cornsoybeanmeans.csv").rename(
        columns={"CountyIndex": "County", "MeanCornPixPerSeg": "CornPix", "MeanSoyBeansPixPerSeg": "SoyBeansPix"}
    ).to_csv(folder / "means.csv", index=False)
    path = folder / "units.csv"
    pd.read_csv(golden / "cornsoybean.csv").to_csv(path, index=False)
    return path


RULES = "name: p3\nwhen:\n  - {indicator: projected_p3plus_share, op: \">=\", value: 0.25}\n"


def _triggers_input(folder: Path) -> Path:
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    return _ipc_input(folder)


def _trends_input(folder: Path) -> Path:
    import gzip
    from importlib import resources

    shipped = resources.files("humsec.datasets") / "data" / "ken_fts_requirements_funding.csv"
    raw = shipped.read_bytes()
    path = folder / "fts.csv"
    path.write_bytes(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    return path


def _ebp_input(folder: Path) -> Path:
    rng = np.random.default_rng(6)
    areas, n, r = 5, 10, 60
    survey = pd.DataFrame({"district": np.repeat([f"d{i}" for i in range(areas)], n), "x": rng.normal(size=areas * n).round(4)})
    survey["income"] = np.exp(1.0 + 0.5 * survey["x"] + rng.normal(0, 0.5, areas * n)).round(4)
    census = pd.DataFrame({"district": np.repeat([f"d{i}" for i in range(areas + 1)], r),
                           "x": rng.normal(size=(areas + 1) * r).round(4)})  # fmt: skip
    census.to_csv(folder / "census.csv", index=False)
    path = folder / "survey.csv"
    survey.to_csv(path, index=False)
    return path


def _outbreaks_input(folder: Path) -> Path:
    path = folder / "ob.csv"
    path.write_text(
        "area,start,end\nk::a,2016-05-09,2016-06-01\nk::a,2017-05-01,2017-06-01\n"
        "k::b,2017-06-01,2017-07-01\nk::c,2017-09-01,2017-10-01\nk::b,2016-02-01,2016-03-01\n",
        encoding="utf-8",
    )
    return path


def _needs_input(folder: Path) -> Path:
    import humsec

    survey = _af_input(folder)
    spec = humsec.AFSpec.from_file(folder / "spec.yaml")
    humsec.AlkireFoster(spec, over=["region"]).fit(str(survey)).tidy().to_csv(folder / "af.csv", index=False)
    path = folder / "pop.csv"
    pd.DataFrame({"area": ["North", "South"], "population": [12000, 8500]}).to_csv(path, index=False)
    return path


FRAMEWORK = (
    '{"types": [{"name": "Complaint", "categories": ['
    '{"name": "Aid quality", "codes": [{"code_id": "c1", "name": "Food spoiled", "sensitive": false}]},'
    '{"name": "Thanks", "codes": [{"code_id": "c3", "name": "Statement of thanks", "sensitive": false}]},'
    '{"name": "Staff conduct", "codes": [{"code_id": "c2", "name": "Sexual exploitation or abuse",'
    ' "sensitive": true}]}]}]}'
)


def _feedback_input(folder: Path) -> Path:
    (folder / "codes.json").write_text(FRAMEWORK, encoding="utf-8")
    rows = [("c3", "north", "2024-01-05", "closed", "2024-01-08")] * 6 + [("c1", "south", "2024-02-01", "open", "")] * 4
    rows += [("c2", "north", "2024-01-10", "closed", "2024-01-11")] * 5
    path = folder / "log.csv"
    pd.DataFrame(rows, columns=["code", "area", "date", "status", "date_closed"]).to_csv(path, index=False)
    return path


def _compare_input(folder: Path) -> Path:
    areas = ["a", "b", "c", "d", "e", "f"]
    est = [0.10, 0.20, 0.30, 0.60, 0.70, 0.80]
    pd.DataFrame({"name": "unsafe", "kind": "indicator", "over": "area", "group": areas, "estimate": est,
                  "se": 0.03, "ci_low": [e - 0.05 for e in est], "ci_high": [e + 0.05 for e in est], "n": 60,
                  "label": "Feels unsafe"}).to_csv(folder / "perceived.csv", index=False)  # fmt: skip
    path = folder / "scores.csv"
    pd.DataFrame({"unit": [a.upper() for a in areas], "node": "RISK", "score": [6.0, 2.0, 3.0, 1.0, 7.0, 5.0],
                  "rank": [2, 5, 4, 6, 1, 3]}).to_csv(path, index=False)  # fmt: skip
    return path


def _indicators_input(folder: Path) -> Path:
    (folder / "ind.yaml").write_text(
        "indicators:\n  trusts: {question: trust, positive: [yes]}\n"
        "  distrusts: {question: trust, positive: [no], direction: higher_is_worse}\n",
        encoding="utf-8",
    )
    return _tabulate_input(folder)


COMMANDS = {
    "voice indicators": Command(
        "voice indicators",
        _indicators_input,
        lambda data, out: ["voice", "indicators", str(data.parent / "f_survey.csv"), str(data), "--spec",
                           str(data.parent / "ind.yaml"), "--over", "area", "--no-disclosure", "--out", str(out)],
        labels=("trust", "area"),
    ),
    "voice compare": Command(
        "voice compare",
        _compare_input,
        lambda data, out: ["voice", "compare", str(data.parent / "perceived.csv"), str(data), "--indicator", "unsafe",
                           "--over", "area", "--out", str(out)],
        labels=("unit", "node"),
    ),
    "voice feedback": Command(
        "voice feedback",
        _feedback_input,
        lambda data, out: ["voice", "feedback", str(data), "--codes", str(data.parent / "codes.json"), "--over",
                           "area", "--out", str(out)],
        labels=("area", "status"),
    ),
    "sae ebp": Command(
        "sae ebp",
        _ebp_input,
        lambda data, out: ["sae", "ebp", str(data), str(data.parent / "census.csv"), "--formula", "income ~ x",
                           "--area", "district", "--threshold", "2.5", "--indicator", "fgt0", "--transform", "log",
                           "--draws", "10", "--bootstrap", "0", "--seed", "3", "--out", str(out)],
        labels=("district",),
    ),
    "warn outbreaks": Command(
        "warn outbreaks",
        _outbreaks_input,
        lambda data, out: ["warn", "outbreaks", str(data), "--test-from", "2017-07", "--first", "2016-01", "--last",
                           "2017-12", "--universe", "list", "--out", str(out)],
        labels=("area",),
    ),
    "response needs": Command(
        "response needs",
        _needs_input,
        lambda data, out: ["response", "needs", str(data.parent / "af.csv"), "--population", str(data), "--over",
                           "region", "--k", "33", "--out", str(out)],
        labels=("area",),
    ),
    "response joint": Command(
        "response joint",
        _gaps_input,
        lambda data, out: ["response", "joint", str(data), str(data.parent / "needs.csv"), "--columns",
                           "area=area,sector=sector,org=org,reached=reached", "--needs-columns",
                           "area=area,sector=sector,people_in_need=people_in_need", "--out", str(out)],
        labels=("area", "sector", "org"),
    ),
    "response trends": Command(
        "response trends",
        _trends_input,
        lambda data, out: ["response", "trends", str(data), "--out", str(out)],
        labels=("countryCode", "id", "name", "code", "typeId", "typeName", "startDate", "endDate"),
    ),
    "warn triggers": Command(
        "warn triggers",
        _triggers_input,
        lambda data, out: ["warn", "triggers", str(data.parent / "rules.yaml"), str(data), "--out", str(out)],
        labels=("analysis_title", "area_name_ipc", "adm1_pcode", "adm1_name_cod", "analysis_id", "area_id",
                "analysis_date", "period_type", "period_start_month", "period_end_month"),
    ),
    "robustness": Command(
        "robustness",
        _af_input,
        lambda data, out: ["robustness", str(data.parent / "spec.yaml"), str(data), "--over", "region", "--k",
                           "20:40:10", "--out", str(out)],
        labels=("region", "psu"),
    ),
    "warn alerts": Command(
        "warn alerts",
        _panel_input,
        lambda data, out: ["warn", "alerts", str(data), "--model", "hist_12", "--threshold", "5", "--out", str(out)],
        labels=("unit",),
    ),
    "sae bhf": Command(
        "sae bhf",
        _bhf_input,
        lambda data, out: ["sae", "bhf", str(data), str(data.parent / "means.csv"), "--formula",
                           "CornHec ~ CornPix + SoyBeansPix", "--area", "County", "--popsize", "PopnSegments",
                           "--bootstrap", "0", "--out", str(out)],
        labels=("County",),
    ),
    "warn forecast": Command(
        "warn forecast",
        _panel_input,
        lambda data, out: ["warn", "forecast", str(data), "--model", "hist_12", "--horizon", "3", "--out", str(out)],
        labels=("unit",),
    ),
    "response overlap": Command(
        "response overlap",
        _overlap_input,
        lambda data, out: ["response", "overlap", str(data), "--columns", "area=area,sector=sector,org=org",
                           "--out", str(out)],
        labels=("area", "sector", "org"),
    ),
    "response money": Command(
        "response money",
        _money_input,
        lambda data, out: ["response", "money", str(data), "--out", str(out)],
        labels=("srcOrganization", "destOrganization", "destGlobalClusters"),
    ),
    "voice tabulate": Command(
        "voice tabulate",
        _tabulate_input,
        lambda data, out: ["voice", "tabulate", str(data.parent / "f_survey.csv"), str(data), "--over", "area",
                           "--out", str(out)],
        labels=("trust", "area"),
    ),
    "warn ipc": Command(
        "warn ipc",
        _ipc_input,
        lambda data, out: ["warn", "ipc", str(data), "--test-from", "2022-01", "--models", "persistence,same_season",
                           "--out", str(out)],
        labels=("analysis_title", "area_name_ipc", "adm1_pcode", "adm1_name_cod", "analysis_id", "area_id",
                "analysis_date", "period_type", "period_start_month", "period_end_month"),
    ),
    "sae direct": Command(
        "sae direct",
        _direct_input,
        lambda data, out: ["sae", "direct", str(data), "--variable", "y", "--area", "area", "--weight", "w",
                           "--psu", "psu", "--out", str(out)],
        labels=("area", "psu"),
    ),
    "warn backtest": Command(
        "warn backtest",
        _panel_input,
        lambda data, out: ["warn", "backtest", str(data), "--test-year", "2020", "--model", "no_change",
                           "--model", "hist_12", "--out", str(out), "-q"],
        labels=("unit",),
    ),
    "af": Command(
        "af",
        _af_input,
        lambda data, out: ["af", str(data.parent / "spec.yaml"), str(data), "--over", "region", "--out", str(out)],
        labels=("region", "psu"),
    ),
    "sae fh": Command(
        "sae fh",
        _sae_input,
        lambda data, out: ["sae", "fh", str(data), "--formula", "y ~ x", "--variance", "var", "--area", "area",
                           "--out", str(out)],
        labels=("area",),
    ),
    "response gaps": Command(
        "response gaps",
        _gaps_input,
        lambda data, out: ["response", "gaps", str(data), str(data.parent / "needs.csv"), "--columns",
                           "area=area,sector=sector,org=org,reached=reached", "--needs-columns",
                           "area=area,sector=sector,people_in_need=people_in_need",
                           "--out", str(out)],
        labels=("area", "sector", "org"),
    ),
    "index": Command(
        "index",
        _index_input,
        lambda data, out: ["index", str(data.parent / "m.yaml"), str(data), "--out", str(out)],
        labels=("u",),
    ),
}


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@st.composite
def mutations(draw: st.DrawFn, labels: tuple[str, ...]) -> tuple[str, Callable[[Path], None]]:
    kind = draw(st.sampled_from(["cell", "cell", "cell", "dup_header", "drop_column", "ragged", "label", "cut", "empty", "latin1"]))
    row_i = draw(st.integers(1, 6))
    col_i = draw(st.integers(0, 20))
    odd = draw(st.sampled_from(ODD))
    cut = draw(st.floats(0.05, 0.95))
    respell = draw(st.sampled_from(["upper", "lower", "pad"]))

    def apply(path: Path) -> None:
        if kind == "empty":
            path.write_bytes(b"")
            return
        if kind == "cut":
            raw = path.read_bytes()
            path.write_bytes(raw[: max(1, int(len(raw) * cut))])
            return
        rows = _rows(path)
        header = rows[0]
        j = col_i % len(header)
        i = min(row_i, len(rows) - 1)
        if kind == "cell":
            rows[i][j] = odd
        elif kind == "dup_header":
            header[(j + 1) % len(header)] = header[j]
        elif kind == "drop_column":
            rows = [r[:j] + r[j + 1 :] for r in rows]
        elif kind == "ragged":
            rows[i] = [*rows[i], "5"]
        elif kind == "label":
            names = [c for c in labels if c in header]
            if not names:
                return
            jj = header.index(names[col_i % len(names)])
            v = rows[i][jj]
            rows[i][jj] = v.upper() if respell == "upper" else v.lower() if respell == "lower" else f" {v} "
        elif kind == "latin1":
            rows[i][j] = "Côte"
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(rows)
            path.write_bytes(buf.getvalue().encode("latin-1"))
            return
        _write(path, rows)

    def relabels(rows: list[list[str]]) -> bool:
        """New data rather than corrupted data: a cell of a label column replaced (another group),
        or a label re-spelt that no other row shares (a renamed area, no clash to report)."""
        header = rows[0]
        if kind == "cut":  # a file cut at a line end is a smaller valid file: only no traceback
            return True
        if kind in ("cell", "latin1"):
            return header[col_i % len(header)] in labels
        if kind == "label":
            names = [c for c in labels if c in header]
            if not names:
                return True
            jj = header.index(names[col_i % len(names)])
            i = min(row_i, len(rows) - 1)
            return sum(r[jj] == rows[i][jj] for r in rows[1:] if len(r) > jj) == 1
        return False

    apply.relabels = relabels  # type: ignore[attr-defined]
    return f"{kind}:{row_i}:{col_i}:{odd!r}:{respell}", apply


def _fuzz_once(command: Command, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    name = command.name
    folder = tmp_path_factory.mktemp("fuzz")
    valid = command.make_input(folder)
    base_out = folder / "base.csv"
    base = runner.invoke(app, command.args(valid, base_out))
    assert base.exit_code == 0, base.output
    label, mutate = data.draw(mutations(command.labels), label="mutation")
    original = _rows(valid)
    mutate(valid)
    out = folder / "out.csv"
    res = runner.invoke(app, command.args(valid, out))
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(f"{name} {label}: traceback {res.exception!r}") from res.exception
    assert res.exit_code in (0, 2), f"{name} {label}: exit {res.exit_code}\n{res.output}"
    if res.exit_code == 2:
        assert "error" in res.output.lower() and "Traceback" not in res.output, res.output
        assert not command.result(out).exists(), f"{name} {label}: an output was left beside the error"
        return
    assert command.result(out).exists(), f"{name} {label}: exit 0 and no output"
    same = command.result(out).read_bytes() == command.result(base_out).read_bytes()
    told = res.output + command.report(out)
    assert same or SAID.search(told) or mutate.relabels(original), (
        f"{name} {label}: the result changed and nothing says why\n{res.output}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_input_is_refused_clearly_or_its_result_said(
    tmp_path_factory: pytest.TempPathFactory, name: str, data: st.DataObject
) -> None:
    _fuzz_once(COMMANDS[name], data, tmp_path_factory)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_header_without_rows_is_refused_or_read_as_nothing(tmp_path: Path, name: str) -> None:
    """The smallest cut file: no traceback; where the command cannot estimate from nothing, an
    error naming the file (a plan with no activities, say, is valid and all gap)."""
    command = COMMANDS[name]
    data = command.make_input(tmp_path)
    data.write_text(data.read_text(encoding="utf-8").splitlines(True)[0], encoding="utf-8")
    res = runner.invoke(app, command.args(data, tmp_path / "out.csv"))
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(f"{name}: traceback {res.exception!r}") from res.exception
    assert res.exit_code in (0, 2), res.output
    if res.exit_code == 2:
        assert "error" in res.output.lower() and not command.result(tmp_path / "out.csv").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_blank_cell_in_any_column_is_refused_or_read(tmp_path: Path, name: str) -> None:
    """Every column of the first data row blanked in turn ('' and 'NaN'): no traceback (a blank
    area in ``warn outbreaks`` was a TypeError deep in the model until the fuzzer found it)."""
    import csv
    import io

    command = COMMANDS[name]
    data = command.make_input(tmp_path)
    rows = list(csv.reader(io.StringIO(data.read_text(encoding="utf-8"))))
    for col in range(len(rows[0])):
        for blank in ("", "NaN"):
            changed = [list(r) for r in rows]
            changed[1][col] = blank
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(changed)
            data.write_text(buffer.getvalue(), encoding="utf-8")
            res = runner.invoke(app, command.args(data, tmp_path / f"out{col}.csv"))
            if res.exception is not None and not isinstance(res.exception, SystemExit):
                raise AssertionError(f"{name}, column {rows[0][col]!r} = {blank!r}: traceback {res.exception!r}")
            assert res.exit_code in (0, 2), res.output


def _review_input(folder: Path) -> Path:
    import json

    from humsec.datasets.places import load_boundaries

    geo = load_boundaries("KEN-adm1")
    names = [str(f["properties"]["adm1_name"]) for f in geo["features"]][:6]
    (folder / "b.geojson").write_text(json.dumps(geo), encoding="utf-8")
    path = folder / "counties.csv"
    pd.DataFrame({"county": names, "poverty": [27.1, 30.2, 46.4, 20.5, 33.0, 41.2],
                  "water": [50.5, 61.0, 44.2, 70.1, 58.3, 49.9]}).to_csv(path, index=False)  # fmt: skip
    (folder / "review.yaml").write_text(
        "title: Fuzz\ncountry: Kenya\nboundaries: {file: b.geojson, key: adm1_name}\narea_data:\n"
        "  - {id: c, file: counties.csv, area: county, name: county, indicators: {poverty: Poverty (%), water: Water (%)}}\n"
        "maps: [{indicator: c.poverty, title: Poverty (%)}]\n",
        encoding="utf-8",
    )
    return path


REVIEW = Command(
    "review",
    _review_input,
    lambda data, out: ["review", str(data.parent / "review.yaml"), "--out", str(out.with_suffix("")), "--no-pdf", "--no-slides", "-q"],
    labels=("county",),
    result=lambda out: out.with_suffix("") / "tables" / "area_c.csv",
    report=lambda out: (out.with_suffix("") / "review.html").read_text(encoding="utf-8"),  # its notes
)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_review_area_file_is_refused_clearly_or_its_result_said(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    _fuzz_once(REVIEW, data, tmp_path_factory)


def _tune_input(folder: Path) -> Path:
    (folder / "grid.yaml").write_text("- {n_estimators: 5, max_rows: 2000, min_child_samples: 20}\n", encoding="utf-8")
    return _panel_input(folder)


TUNE = Command(
    "warn tune",
    _tune_input,
    lambda data, out: ["warn", "tune", str(data), "--before", "2020", "--years", "1", "--grid",
                       str(data.parent / "grid.yaml"), "--out", str(out)],
    labels=("unit",),
)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_tuning_panel_is_refused_clearly_or_its_result_said(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    _fuzz_once(TUNE, data, tmp_path_factory)
