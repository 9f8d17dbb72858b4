"""Who may see and do what: the platform's one table of rules.

Every view and API endpoint asks ``can(user, action, obj)``, and every list is narrowed by the
``visible_*`` querysets below; nothing else decides access. Roles are those of
``humsec_web.core.models.Role``, plus ``anonymous`` (not signed in), who is treated as a public
visitor. ``docs/platform.md`` prints this table for people; ``tests/web/test_access.py`` checks
every URL pattern against every role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

ADMIN = "administrator"
HSU = "hsu"
FOCAL = "focal_point"
COUNTRY = "country_team"
REVIEWER = "reviewer"
PUBLIC = "public"
ANONYMOUS = "anonymous"
ROLES = (ADMIN, HSU, FOCAL, COUNTRY, REVIEWER, PUBLIC, ANONYMOUS)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
MANAGERS = frozenset({ADMIN, HSU})

Rule = Callable[[Any, Any], bool]


def role_of(user: Any) -> str:
    """The user's role name; superusers are administrators, the signed-out are ``anonymous``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    if user.is_superuser:
        return ADMIN
    profile = _profile(user)
    return profile.role if profile is not None else PUBLIC


def _profile(user: Any) -> Any:
    from humsec_web.core.models import Profile

    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def _org_id(user: Any) -> int | None:
    profile = _profile(user)
    return profile.organisation_id if profile is not None else None


def _country(user: Any) -> str:
    profile = _profile(user)
    return profile.country if profile is not None else ""


# -- building blocks ------------------------------------------------------------------------------


def roles(*names: str | frozenset[str]) -> Rule:
    """Allowed for these roles, whatever the object."""
    allowed: set[str] = set()
    for n in names:
        allowed |= set(n) if isinstance(n, frozenset) else {n}
    return lambda user, obj: role_of(user) in allowed


def either(*rules: Rule) -> Rule:
    return lambda user, obj: any(r(user, obj) for r in rules)


def both(*rules: Rule) -> Rule:
    return lambda user, obj: all(r(user, obj) for r in rules)


def focal_of_org(field: str) -> Rule:
    """A focal point of the organisation that ``obj.<field>`` names."""
    return lambda user, obj: (
        role_of(user) == FOCAL and obj is not None and getattr(obj, field) == _org_id(user)
    )


def team_of_country(user: Any, obj: Any) -> bool:
    return role_of(user) == COUNTRY and obj is not None and obj.country == _country(user)


def author(user: Any, obj: Any) -> bool:
    return (
        obj is not None and user.is_authenticated and getattr(obj, "author_id", None) == user.pk
    )


def status_is(*statuses: str) -> Rule:
    return lambda user, obj: obj is not None and obj.status in statuses


def not_appraised_by_user(user: Any, obj: Any) -> bool:
    return obj is not None and not obj.appraisals.filter(reviewer=user).exists()


def has_appraisal(user: Any, obj: Any) -> bool:
    return obj is not None and obj.appraisals.exists()


# -- the rules ------------------------------------------------------------------------------------

RULES: dict[str, Rule] = {
    "organisation.list": roles(EVERYONE),
    # activity updates: focal points log their organisation's; country teams read their country's
    "activity.list": roles(MANAGERS, FOCAL, COUNTRY),
    "activity.view": either(
        roles(MANAGERS), focal_of_org("organisation_id"), team_of_country
    ),
    "activity.create": roles(ADMIN, FOCAL),
    "activity.change": either(roles(ADMIN), focal_of_org("organisation_id")),
    # digests: compiled and published by the HSU, public once published
    "digest.list": roles(EVERYONE),
    "digest.view": either(roles(MANAGERS), both(roles(EVERYONE), status_is("published"))),
    "digest.create": roles(MANAGERS),
    "digest.publish": both(roles(MANAGERS), status_is("draft")),
    # lessons learned: anyone signed in on the network writes; the HSU publishes; public reads
    "lesson.list": roles(EVERYONE),
    "lesson.view": either(roles(MANAGERS), author, status_is("published")),
    "lesson.create": roles(MANAGERS, FOCAL, COUNTRY, REVIEWER),
    "lesson.change": either(roles(MANAGERS), author),
    "lesson.publish": both(roles(MANAGERS), status_is("draft")),
    # trust-fund proposals: focal points submit, HSU runs the workflow, reviewers appraise
    "proposal.list": roles(MANAGERS, REVIEWER, FOCAL),
    "proposal.view": either(roles(MANAGERS, REVIEWER), focal_of_org("lead_organisation_id")),
    "proposal.create": roles(ADMIN, FOCAL),
    "proposal.start_review": both(roles(MANAGERS), status_is("submitted")),
    "proposal.appraise": both(roles(REVIEWER), status_is("under_review"), not_appraised_by_user),
    "proposal.decide": both(roles(MANAGERS), status_is("under_review"), has_appraisal),
    # the portfolio of approved projects is public
    "portfolio.view": roles(EVERYONE),
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may do ``action`` (on ``obj``, for object-level rules)."""
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"No permission rule named {action!r}; known: {sorted(RULES)}") from None
    return bool(rule(user, obj))


class CanProxy:
    """``{% if can.activity_create %}`` in templates: object-free rules, dots written as _."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getitem__(self, name: str) -> bool:
        action = name.replace("_", ".", 1)
        if action not in RULES:
            raise KeyError(name)
        return can(self.user, action)


# -- what lists show ------------------------------------------------------------------------------


def visible_activities(user: Any) -> QuerySet[Any]:
    from humsec_web.activities.models import Activity

    role = role_of(user)
    qs = Activity.objects.select_related("organisation")
    if role in MANAGERS:
        return qs
    if role == FOCAL:
        return qs.filter(organisation_id=_org_id(user))
    if role == COUNTRY:
        return qs.filter(country=_country(user))
    return qs.none()


def visible_digests(user: Any) -> QuerySet[Any]:
    from humsec_web.activities.models import Digest

    if role_of(user) in MANAGERS:
        return Digest.objects.all()
    return Digest.objects.filter(status=Digest.Status.PUBLISHED)


def visible_lessons(user: Any) -> QuerySet[Any]:
    from humsec_web.lessons.models import Lesson

    qs = Lesson.objects.all()
    if role_of(user) in MANAGERS:
        return qs
    published = Q(status=Lesson.Status.PUBLISHED)
    if user is not None and user.is_authenticated:
        return qs.filter(published | Q(author=user))
    return qs.filter(published)


def visible_proposals(user: Any) -> QuerySet[Any]:
    from humsec_web.proposals.models import Proposal

    role = role_of(user)
    qs = Proposal.objects.select_related("lead_organisation")
    if role in (ADMIN, HSU, REVIEWER):
        return qs
    if role == FOCAL:
        return qs.filter(lead_organisation_id=_org_id(user))
    return qs.none()


def portfolio_projects(user: Any) -> QuerySet[Any]:
    """Approved projects for everyone; managers also see the pipeline."""
    from humsec_web.proposals.models import Proposal

    qs = Proposal.objects.select_related("lead_organisation").prefetch_related("partners")
    if role_of(user) in MANAGERS:
        return qs
    return qs.filter(status=Proposal.Status.APPROVED)
