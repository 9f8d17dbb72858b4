"""Adding an AF measure is one row of ``humsec.af.measures.MEASURES`` when the one pass already makes
its sums (docs/architecture.md, "Adding things"): the estimator, the result table and the summary
read the registry. The row is added in a subprocess, before the engine is imported, as an edit of
measures.py would; the new measure (the share of persons with a score of at least k, weighted,
here named ``Hk``) must equal H to the last digit, with the same standard error."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import dataclasses, json
    import humsec.af.measures as m

    row = dataclasses.replace(m.MEASURE["H"], name="Hk", label="share at or above k",
                              headline=False, compared=False, ranked=False, family="extra")
    m.MEASURES = (*m.MEASURES, row)
    m.MEASURE["Hk"] = row

    import humsec
    result = humsec.AlkireFoster(humsec.datasets.syn_cdta_spec(), k=[33]).fit(humsec.datasets.load_syn_cdta())
    table = result.to_frame()
    national = table[(table["over"] == "national") & table["measure"].isin(["H", "Hk"])]
    print(json.dumps(national[["measure", "time", "estimate", "se"]].to_dict("records")))
    """
)


def test_one_registry_row_gives_the_measure_in_the_results() -> None:
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout.strip().splitlines()[-1])
    by = {(r["measure"], r["time"]): (r["estimate"], r["se"]) for r in rows}
    assert {m for m, _ in by} == {"H", "Hk"}
    for time in (1, 2):
        assert by[("Hk", time)] == by[("H", time)]
