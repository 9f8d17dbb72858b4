"""Demo content for a first run: organisations, one user per role, real activity rows (DRC 3W,
May 2025), appraisal criteria, lessons, and proposals taken through the workflow.

Every demo user's password is ``DEMO_PASSWORD``; the README lists the users. The lessons and
proposals are illustrative texts written for the demo, not real projects.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from humsec_web.activities.models import Activity, Digest
from humsec_web.core.models import Organisation, Profile, Role
from humsec_web.core.vocab import Pillar, Principle, Sector
from humsec_web.lessons.models import Lesson, Tag
from humsec_web.proposals import workflow
from humsec_web.proposals.models import Criterion, Proposal

DEMO_PASSWORD = "humsec-demo"
SAMPLE = Path(__file__).with_name("demo") / "cod_3w_sample.csv"

# (username, role, organisation acronym or None, country or "")
USERS = [
    ("admin", Role.ADMINISTRATOR, None, ""),
    ("hsu", Role.HSU, "HSU", ""),
    ("focal_wvi", Role.FOCAL_POINT, "WVI", ""),
    ("focal_oim", Role.FOCAL_POINT, "OIM", ""),
    ("country_cod", Role.COUNTRY_TEAM, None, "COD"),
    ("reviewer1", Role.REVIEWER, None, ""),
    ("reviewer2", Role.REVIEWER, None, ""),
    ("visitor", Role.PUBLIC, None, ""),
]

SECTORS = {
    "Education": Sector.EDUCATION,
    "Nutrition": Sector.NUTRITION,
    "Protection": Sector.PROTECTION,
    "Sectoriel": Sector.MULTI,
    "Administration et gestion des sites": Sector.SHELTER,
    "Eau, Hygiène et Assainissement": Sector.WASH,
    "Sécurité Alimentaire": Sector.FOOD_SECURITY,
}
# illustrative assumption (the 3W has no such field): see demo/SOURCE.md
PRINCIPLE_OF_SECTOR = {
    Sector.PROTECTION: (Principle.PROTECTION_EMPOWERMENT, Pillar.PROTECTION),
    Sector.NUTRITION: (Principle.PREVENTION, Pillar.PROTECTION),
    Sector.EDUCATION: (Principle.PEOPLE_CENTRED, Pillar.EMPOWERMENT),
    Sector.SHELTER: (Principle.CONTEXT_SPECIFIC, Pillar.PROTECTION),
}
KINDS = {
    "Agence du Système des Nations Unies": Organisation.Kind.UN,
    "ONG Internationale": Organisation.Kind.NGO,
    "ONG Nationale": Organisation.Kind.NGO,
}

CRITERIA = [
    ("People-centred", "Starts from the people affected: their needs, voices and participation."),
    ("Comprehensive", "Addresses the interlinked threats together, across sectors."),
    ("Context-specific", "Grounded in an analysis of this place and its people."),
    ("Prevention-oriented", "Tackles root causes and builds early warning and resilience."),
    ("Protection and empowerment", "Combines top-down protection with bottom-up empowerment."),
    ("Multi-agency partnership", "Several UN entities and local partners share the work."),
    ("Sustainability", "Results outlive the funding: ownership, capacity, financing."),
]

LESSONS = [
    ("Community water committees keep rural kiosks running", "KEN", "Water and sanitation",
     "Drought-affected pastoral communities in northern Kenya relied on boreholes that broke down within months.",
     "Water committees elected by users, with women in half the seats, collected small fees and paid a trained local mechanic; kiosks stayed open through the dry season.",
     "Project monitoring: 90% of kiosks functioning after two years, against 40% before.",
     ["water", "drought", "participation"]),
    ("Early-warning messages in local languages reduced flood losses", "BGD", "Disaster risk reduction",
     "Char islands on the Jamuna river flood every monsoon; warnings in Bangla did not reach everyone.",
     "Volunteers relayed forecasts by loudspeaker and SMS in local dialects three days ahead, and families moved livestock and seed stores to raised plinths.",
     "Household survey after the 2022 floods: asset losses lower where volunteers were active.",
     ["early-warning", "floods", "climate"]),
    ("Cash plus protection case management for displaced families", "COD", "Protection",
     "Families displaced by conflict in Ituri lost their livelihoods and faced abuse in host areas.",
     "Multipurpose cash was paired with referral to case workers, so that the most at-risk households were identified and followed up.",
     "Post-distribution monitoring and case files.",
     ["cash", "displacement", "protection"]),
    ("Joint health and nutrition outreach in pastoral areas", "UGA", "Health and nutrition",
     "Karamoja has high child malnutrition and few health facilities within walking distance.",
     "Mobile teams from two agencies combined immunisation, screening for malnutrition and cooking demonstrations on market days.",
     "Coverage survey: screening coverage rose from 35% to 70%.",
     ["nutrition", "health", "multi-agency"]),
    ("Youth employment and dialogue reduced local tensions", "TJK", "Livelihoods and peacebuilding",
     "Border communities competed over water and pasture, and young men had few jobs.",
     "Vocational training was linked to joint infrastructure works decided in community dialogues across the border villages.",
     "Perception surveys show more trust between communities.",
     ["youth", "livelihoods", "peacebuilding"]),
    ("Drought-tolerant seed and savings groups for smallholders", "MDG", "Food security",
     "Southern Madagascar's smallholders lose harvests to recurrent drought (kere).",
     "Savings groups financed drought-tolerant seed and small irrigation; extension agents trained lead farmers.",
     "Harvest records of 1,200 households over three seasons.",
     ["food-security", "drought", "resilience"]),
    ("Legal identity for stateless and undocumented people", "NPL", "Governance",
     "Without citizenship certificates people could not open bank accounts, own land or get social protection.",
     "Mobile registration camps with local government and paralegals issued documents and linked people to services.",
     "Administrative records of documents issued.",
     ["legal-identity", "inclusion"]),
    ("Shelter repairs with local builders after floods", "PRY", "Shelter",
     "Floods on the Paraguay river damaged homes of low-income families near Asunción.",
     "Local builders were trained in flood-resilient repairs and families chose materials; repairs used local suppliers.",
     "Engineering checks of repaired homes one year later.",
     ["shelter", "floods", "local-capacity"]),
]

PROPOSALS = [
    ("Integrated resilience for drought-affected pastoralists", "KEN", Sector.LIVELIHOODS, Decimal(1_200_000), 36, "approved"),
    ("Protection and livelihoods for returnees in Ituri", "COD", Sector.PROTECTION, Decimal(950_000), 24, "approved"),
    ("Flood early warning and safe shelters on the chars", "BGD", Sector.ENVIRONMENT, Decimal(800_000), 30, "under_review"),
    ("Nutrition and health for Karamoja's children", "UGA", Sector.NUTRITION, Decimal(700_000), 24, "submitted"),
    ("Inclusive local governance in the Terai", "NPL", Sector.GOVERNANCE, Decimal(500_000), 24, "declined"),
]


def is_loaded() -> bool:
    return User.objects.exists()


@transaction.atomic
def load() -> dict[str, int]:
    """Create the demo content in an empty database; returns the counts created."""
    orgs = _organisations()
    users = _users(orgs)
    n_act = _activities(orgs, users["focal_wvi"])
    criteria = [
        Criterion.objects.create(name=n, description=d, order=i, weight=Decimal(1))
        for i, (n, d) in enumerate(CRITERIA)
    ]
    for title, country, theme, context, worked, evidence, tags in LESSONS:
        lesson = Lesson.objects.create(
            title=title, country=country, theme=theme, context=context, what_worked=worked,
            evidence=evidence, author=users["hsu"], status=Lesson.Status.PUBLISHED,
        )  # fmt: skip
        lesson.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
    _proposals(orgs, users, criteria)
    digest = Digest.objects.create(
        title="Activity digest, first half of 2025", period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30), created_by=users["hsu"],
        summary="Activities that the network's focal points reported for January to June 2025.",
    )  # fmt: skip
    from humsec_web.activities.digest import activities_in_period

    digest.activities.set(activities_in_period(digest.period_start, digest.period_end))
    _forum(users)
    _outlook(users["hsu"])
    return {"users": len(users), "organisations": Organisation.objects.count(), "activities": n_act}


def _outlook(author: User) -> None:
    """A published Kenya outlook whose alerts are computed here, with humsec.hazard, from the IPC
    analyses that the library bundles (the demo review's "Hazard outlook" uses the same rule)."""
    from django.utils import timezone

    from humsec.datasets import data_path
    from humsec.hazard import read_ipc
    from humsec.hazard.alerts import current_alerts
    from humsec.hazard.triggers import TriggerRules
    from humsec_web.reviews import alerts, publication
    from humsec_web.reviews.models import Outlook

    rule = TriggerRules.from_dict({"name": "projected_phase3plus_25pct", "when": [
        {"indicator": "projected_p3plus_share", "op": ">=", "value": 0.25}]})  # fmt: skip
    table = current_alerts(rule, read_ipc(data_path("ken_ipc_county.csv.gz")))
    fired = table[table["status"] == "fired"]
    outlook = Outlook.objects.create(
        country="KEN", title="Kenya ASAL counties: drought outlook (demo)", period="2022-05 to 2022-09",
        summary="The IPC projection of February 2022 puts a quarter or more of the people of "
        f"{len(fired)} of the {len(table)} arid and semi-arid counties in Phase 3 or worse.",
        alerts="; ".join(f"{r.area} (since {r.since})" for r in fired.itertuples()),
        method="Rule: projected Phase 3+ share at least 25 % (humsec warn triggers; IPC analyses of the "
        "23 ASAL counties, bundled with humsec).",
        created_by=author,
    )  # fmt: skip
    alerts.store_alerts(outlook, table.to_dict("records"))
    pub = publication.publication_of(outlook)
    now = timezone.now()
    pub.state, pub.signer_name, pub.signed_off_at, pub.published_at = "published", "Demo counterpart (NDMA)", now, now
    pub.save()
    # the audit trail says how it got there (demo content has no counterpart account)
    pub.events.create(
        actor=author, action="published", from_state="draft", to_state="published",
        note="demo content: signed off outside the platform by the demo counterpart (NDMA)",
    )  # fmt: skip


def _organisations() -> dict[str, Organisation]:
    orgs = {
        "HSU": Organisation.objects.create(
            name="United Nations Human Security Unit", acronym="HSU", kind=Organisation.Kind.UN
        ),
        "GOV-KE": Organisation.objects.create(
            name="Kenya National Drought Management Authority", acronym="NDMA", kind=Organisation.Kind.GOVERNMENT
        ),
        "DONOR": Organisation.objects.create(
            name="Government of Japan (Trust Fund donor)", acronym="Japan", kind=Organisation.Kind.DONOR
        ),
    }
    # keyed by name (several Caritas bodies share one acronym); unique acronyms are keys too
    with SAMPLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["organisation"] not in orgs:
                org = Organisation.objects.create(
                    name=row["organisation"], acronym=row["acronym"],
                    kind=KINDS.get(row["organisation_type"], Organisation.Kind.OTHER),
                )  # fmt: skip
                orgs.setdefault(row["acronym"], org)
                orgs[row["organisation"]] = org
    return orgs


def _users(orgs: dict[str, Organisation]) -> dict[str, User]:
    users = {}
    for name, role, org, country in USERS:
        user = User.objects.create_user(
            name, email=f"{name}@example.org", password=DEMO_PASSWORD,
            is_staff=role == Role.ADMINISTRATOR, is_superuser=role == Role.ADMINISTRATOR,
        )  # fmt: skip
        Profile.objects.create(
            user=user, role=role, organisation=orgs.get(org) if org else None, country=country
        )
        users[name] = user
    return users


def _activities(orgs: dict[str, Organisation], creator: User) -> int:
    n = 0
    with SAMPLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sector = SECTORS.get(row["sector"], Sector.MULTI)
            principle, pillar = PRINCIPLE_OF_SECTOR.get(sector, (Principle.COMPREHENSIVE, Pillar.BOTH))
            Activity.objects.create(
                organisation=orgs[row["organisation"]], title=row["title"][:300], country="COD",
                admin_areas=", ".join(x for x in (row["province"], row["territory"]) if x),
                sector=sector, principle=principle, pillar=pillar,
                start_date=date.fromisoformat(row["start_date"]),
                end_date=date.fromisoformat(row["end_date"]),
                budget_usd=Decimal(row["budget_usd"]), partners=row["donor"], created_by=creator,
            )  # fmt: skip
            n += 1
    return n


def _proposals(orgs: dict[str, Organisation], users: dict[str, User], criteria: list[Criterion]) -> None:
    leads = ["WVI", "OIM", "HSU", "PAM", "SCI"]
    for i, (title, country, sector, budget, months, target) in enumerate(PROPOSALS):
        proposal = Proposal.objects.create(
            title=title, lead_organisation=orgs[leads[i]], country=country, sector=sector,
            summary=f"{title}: an integrated, multi-agency programme (demo text).",
            budget_usd=budget, duration_months=months, submitted_by=users["focal_wvi"],
        )  # fmt: skip
        proposal.partners.set([orgs[leads[(i + 1) % len(leads)]], orgs["GOV-KE" if country == "KEN" else "HSU"]])
        workflow.record_submission(proposal, users["focal_wvi"])
        if target == "submitted":
            continue
        workflow.start_review(proposal.pk, users["hsu"])
        for k, reviewer in enumerate(("reviewer1", "reviewer2")):
            scores = {c.pk: ((3 + i + k + j) % 6, "") for j, c in enumerate(criteria)}
            workflow.appraise(proposal.pk, users[reviewer], scores, "Demo appraisal.")
        if target != "under_review":
            workflow.decide(proposal.pk, users["hsu"], target == "approved", "Demo decision.")


# (name, slug, description, public, announcements)
TOPICS = [
    ("Announcements", "announcements", "News from the Human Security Unit.", True, True),
    ("Human security approach", "approach", "Applying the five principles in programmes.", True, False),
    ("Country teams", "country-teams", "Country-level coordination (network members only).", False, False),
]


def _forum(users: dict[str, User]) -> None:
    from humsec_web.forum.models import Topic
    from humsec_web.forum.posting import reply, start_thread

    topics = {
        slug: Topic.objects.create(name=name, slug=slug, description=d, public=pub, announcements=ann, order=i)
        for i, (name, slug, d, pub, ann) in enumerate(TOPICS)
    }
    start_thread(
        topics["announcements"], users["hsu"], "Call for proposals 2026 is open", "",
        "The Trust Fund accepts proposals until the end of March. The appraisal criteria are on the "
        "proposals page.",
    )  # fmt: skip
    t = start_thread(
        topics["approach"], users["focal_wvi"], "Measuring empowerment outcomes", "",
        "Which indicators have teams used to show empowerment (not only protection) results?",
    )  # fmt: skip
    reply(t, users["hsu"], "The lessons library has two entries on community committees; see 'governance'.", "", notify=False)
    t = start_thread(
        topics["country-teams"], users["country_cod"], "North Kivu: joint WASH and protection mapping", "COD",
        "We are mapping who does what in Nyiragongo and Goma; the 3W of May 2025 is the base.",
    )  # fmt: skip
    reply(t, users["focal_wvi"], "WVI can share its site list for Nyiragongo.", "", notify=False)
