"""Independent reference scores for `humsec warn ipc` on the Kenya ASAL county IPC file.

Written with the standard library only (csv, gzip, math; no pandas, no humsec), straight from the
IPC manual's area rule and the textbook score definitions, so a bug in humsec's pandas code cannot
repeat here. Run from the repository root:

    python tests/golden/hazard_ipc_ken/make_reference.py ../shared/data/ipc_ken_county/ipc_ken_county_long.csv.gz

It writes reference_scores.csv (model, metric, value, n) for test-from 2020-01: every current
analysis from Feb 2020 on, forecast by the same county's last current analysis (persistence) and by
its last projection (ipc_projection), both published before the target analysis.
"""

import csv
import gzip
import math
import sys
from datetime import datetime
from pathlib import Path

TEST_FROM = (2020, 1)


def month(text):
    d = datetime.strptime(text, "%b %Y")
    return (d.year, d.month)


def area_phase(people):
    total = sum(people)
    phase = 1
    for k in range(1, 6):
        if sum(people[k - 1 :]) >= 0.2 * total - 1e-9:
            phase = k
    return phase


def main(path):
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            people = [float(r[f"phase{k}_population"]) for k in range(1, 6)]
            pop = float(r["estimated_population"]) if r["estimated_population"] else sum(people)
            rows.append(
                {
                    "area": r["adm1_pcode"],
                    "type": r["period_type"],
                    "issued": month(r["analysis_date"]),
                    "start": month(r["period_start_month"]),
                    "share": float(r["p3plus"]) / pop,
                    "phase": area_phase(people),
                }
            )
    out = {}
    for model, source in (("persistence", "current"), ("ipc_projection", "projected")):
        pairs = []
        for t in rows:
            if t["type"] != "current" or t["issued"] < TEST_FROM:
                continue
            earlier = [
                s
                for s in rows
                if s["area"] == t["area"] and s["type"] == source and s["issued"] < t["issued"]
            ]
            if not earlier:
                continue
            s = max(earlier, key=lambda s: (s["issued"], s["start"]))
            lead = (t["start"][0] - s["issued"][0]) * 12 + t["start"][1] - s["issued"][1]
            pairs.append((s, t, lead))
        out[model] = pairs
    lines = []
    for model, pairs in out.items():
        n = len(pairs)
        err = [s["share"] - t["share"] for s, t, _ in pairs]
        fc = [s["phase"] >= 3 for s, _, _ in pairs]
        ob = [t["phase"] >= 3 for _, t, _ in pairs]
        hits = [lead for (s, t, lead), f, o in zip(pairs, fc, ob, strict=True) if f and o]
        values = {
            "mae_p3plus_share": (sum(abs(e) for e in err) / n, n),
            "rmse_p3plus_share": (math.sqrt(sum(e * e for e in err) / n), n),
            "brier_crisis": (sum((f - o) ** 2 for f, o in zip(fc, ob, strict=True)) / n, n),
            "phase_accuracy": (sum(s["phase"] == t["phase"] for s, t, _ in pairs) / n, n),
            "hit_rate": (len(hits) / sum(ob), sum(ob)),
            "false_alarm_ratio": (
                sum(f and not o for f, o in zip(fc, ob, strict=True)) / sum(fc),
                sum(fc),
            ),
            "lead_time_months": (sum(hits) / len(hits), len(hits)),
        }
        lines += [(model, m, v, k) for m, (v, k) in values.items()]
    with open(Path(__file__).with_name("reference_scores.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["model", "metric", "value", "n"])
        for model, metric, v, k in lines:
            w.writerow([model, metric, repr(v), k])


if __name__ == "__main__":
    main(sys.argv[1])
