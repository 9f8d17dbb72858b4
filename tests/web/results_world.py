"""Results-framework objects that the access table and the results tests address by role,
created inside each test's transaction (so they vanish with it):

- ``open_lf``: WVI's logframe of its approved trust-fund project (readable by everyone);
- ``pipeline_lf``: WVI's logframe of its submitted (not approved) project in KEN (managers and WVI);
- ``oim_lf``: OIM's programme logframe in COD (everyone reads; only OIM and the admin report);
- under ``open_lf``: a goal, an outcome, an indicator (people reached, disaggregated by sex), a
  target, a reported actual (2025) and a validated one (2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class ResultsWorld:
    open_lf: Any
    pipeline_lf: Any
    oim_lf: Any
    goal: Any
    outcome: Any
    indicator: Any
    pipeline_indicator: Any
    reported: Any
    validated: Any


def results_world() -> ResultsWorld:
    from django.contrib.auth.models import User

    from humsec_web.core.models import Organisation
    from humsec_web.proposals.models import Proposal
    from humsec_web.results import entry
    from humsec_web.results.models import Indicator, Logframe, Result

    wvi, oim = Organisation.objects.get(acronym="WVI"), Organisation.objects.get(acronym="OIM")
    found = Logframe.objects.filter(title="WVI approved project results").first()
    if found is None:
        approved = Proposal.objects.filter(status="approved", lead_organisation=wvi).order_by("pk").first()
        submitted = Proposal.objects.get(title="Submitted by WVI")
        open_lf = Logframe.objects.create(title="WVI approved project results", organisation=wvi,
                                          country=approved.country, project=approved)  # fmt: skip
        pipeline_lf = Logframe.objects.create(title="WVI pipeline results", organisation=wvi,
                                              country=submitted.country, project=submitted)  # fmt: skip
        Logframe.objects.create(title="OIM programme results", organisation=oim, country="COD")
        goal = Result.objects.create(logframe=open_lf, level="goal", title="People live free from want")
        outcome = Result.objects.create(logframe=open_lf, level="outcome", parent=goal, title="Households reach services")
        ind = Indicator.objects.create(
            result=outcome, name="People reached", unit="people", direction="increase", frequency="annual",
            baseline_period="2023", baseline_value=0, means_of_verification="Distribution lists",
            reporting_organisation=wvi, disaggregations="sex,age",
        )  # fmt: skip
        entry.record_target(ind, period="2025", value=1000, unit="people")
        focal = User.objects.get(username="focal_wvi")
        validated = entry.record_actual(ind, focal, period="2024", value=400, unit="people")
        entry.review_actual(validated, User.objects.get(username="hsu"), approve=True)
        entry.record_actual(ind, focal, period="2025", value=700, unit="people",
                            parts=[entry.Part("sex", "female", 380), entry.Part("sex", "male", 320)])  # fmt: skip
        pgoal = Result.objects.create(logframe=pipeline_lf, level="goal", title="Pipeline goal")
        Indicator.objects.create(
            result=pgoal, name="Pipeline indicator", unit="percent", frequency="annual", baseline_period="2024",
            baseline_value=10, means_of_verification="Survey", reporting_organisation=wvi,
        )  # fmt: skip
    open_lf = Logframe.objects.get(title="WVI approved project results")
    ind = Indicator.objects.get(name="People reached")
    return ResultsWorld(
        open_lf=open_lf, pipeline_lf=Logframe.objects.get(title="WVI pipeline results"),
        oim_lf=Logframe.objects.get(title="OIM programme results"),
        goal=open_lf.results.get(level="goal"), outcome=open_lf.results.get(level="outcome"), indicator=ind,
        pipeline_indicator=Indicator.objects.get(name="Pipeline indicator"),
        reported=ind.actuals.get(period="2025"), validated=ind.actuals.get(period="2024"),
    )  # fmt: skip
