"""The worked example of docs/results.md: a trust-fund project whose outcome indicator is a
region's AF headcount ratio from the two rounds of the survey shipped with humsec (syn_cdta,
rounds of 2010 and 2018.5), each with its confidence interval, next to its target.

The AF numbers are the library's (``humsec.AlkireFoster`` on the shipped data and spec, written
with ``AFResult.to_csv`` exactly as ``humsec af ... --out`` writes them) and enter the platform
through the same reader as an upload (``humsec_web.results.af_source``). Run it with
``python -m humsec_web results_example`` (a management command).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

REGION = "1"
K = 33
TARGET = 0.30  # the project's target for 2018: region 1's headcount down from about 0.37 to 0.30


@dataclass(frozen=True)
class Example:
    logframe: Any
    indicator: Any
    baseline: Any  # af_source.AFValue of round 1
    actual: Any  # the Actual of round 2
    table: Path


def af_table(folder: Path) -> Path:
    """The shipped survey through the library's AF engine, written as ``humsec af`` writes it."""
    import humsec
    from humsec.datasets import data_path

    result = humsec.AlkireFoster(data_path("syn_cdta_spec.yaml")).fit(data_path("syn_cdta.csv.gz"), over=["region"])
    out = folder / "syn_cdta_af_region.csv"
    result.to_csv(out)
    return out


def build(user: Any, folder: Path | None = None) -> Example:
    """Create (in the current database) the project, its logframe, the AF indicator with its
    baseline from round 1, the 2018 target, and the 2018 actual from round 2, validated by the HSU."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from humsec_web.core.models import Organisation
    from humsec_web.proposals import workflow
    from humsec_web.proposals.models import Proposal
    from humsec_web.results import af_source, entry
    from humsec_web.results.models import Actual, Indicator, Logframe, Result

    folder = folder or Path(tempfile.mkdtemp(prefix="humsec-results-"))
    table = af_table(folder)
    raw = table.read_bytes()
    base = af_source.read_af_value(raw, table.name, af_source.AFPick("H", K, "region", REGION, "1"))
    now = af_source.read_af_value(raw, table.name, af_source.AFPick("H", K, "region", REGION, "2"))
    org, _ = Organisation.objects.get_or_create(name="Worked-example NGO", defaults={"acronym": "WEX"})
    with transaction.atomic():
        project = Proposal.objects.create(
            title="Integrated services in region 1 (worked example)", lead_organisation=org, country="KEN",
            sector="multi", summary="Health, education and living standards together in region 1.",
            budget_usd=Decimal(900000), duration_months=96, status=Proposal.Status.APPROVED,
        )  # fmt: skip
        workflow.record_submission(project, user)
        logframe = Logframe.objects.create(title="Region 1 multidimensional poverty", organisation=org,
                                           country="KEN", project=project, created_by=user)  # fmt: skip
        goal = Result.objects.create(logframe=logframe, level="goal", title="Fewer people are multidimensionally poor")
        outcome = Result.objects.create(logframe=logframe, level="outcome", parent=goal,
                                        title="Region 1 households leave multidimensional poverty")  # fmt: skip
        fields = {"unit": "proportion", "frequency": "annual", "baseline_period": "2010",
                  "baseline_value": base.estimate, "baseline_ci_low": base.ci_low, "baseline_ci_high": base.ci_high}  # fmt: skip
        entry.check_indicator(fields)
        indicator = Indicator.objects.create(
            result=outcome, name=f"Headcount ratio H of region {REGION}, k = {K}%", direction="decrease",
            baseline_source=f"{base.detail} (0.95 CI)", means_of_verification="Household survey (syn_cdta), humsec af",
            reporting_organisation=org, **fields,
        )  # fmt: skip
        entry.record_target(indicator, period="2018", value=TARGET, unit="proportion")
        actual = entry.record_actual(indicator, user, period="2018", value=now.estimate, unit="proportion",
                                     ci_low=now.ci_low, ci_high=now.ci_high, ci_level=0.95,
                                     source=Actual.Source.AF, source_detail=now.detail)  # fmt: skip
        hsu = User.objects.filter(profile__role="hsu").first() or user
        entry.review_actual(actual, hsu, approve=True, note="Checked against the survey report.")
    return Example(logframe, indicator, base, actual, table)
