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
COUNTERPART = "counterpart"  # a government counterpart of one country (humsec_web.reviews.models.Counterpart)
PUBLIC = "public"
ANONYMOUS = "anonymous"
ROLES = (ADMIN, HSU, FOCAL, COUNTRY, REVIEWER, COUNTERPART, PUBLIC, ANONYMOUS)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
MANAGERS = frozenset({ADMIN, HSU})
#: the Django permission (humsec_web.feedback.models.FeedbackItem.Meta) that designates who sees
#: sensitive feedback items
SENSITIVE_FEEDBACK_PERMISSION = "feedback.view_sensitive_feedback"
NETWORK = frozenset({ADMIN, HSU, FOCAL, COUNTRY, REVIEWER})  # members of the network (not the public)

Rule = Callable[[Any, Any], bool]


def role_of(user: Any) -> str:
    """The user's role name; superusers are administrators, the signed-out are ``anonymous``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    if user.is_superuser:
        return ADMIN
    if _designation(user) is not None:
        return COUNTERPART
    profile = _profile(user)
    return profile.role if profile is not None else PUBLIC


def _profile(user: Any) -> Any:
    from humsec_web.core.models import Profile

    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


_UNKNOWN = object()


def _designation(user: Any) -> Any:
    """The user's active government-counterpart designation, or None (cached on the user)."""
    found = getattr(user, "_humsec_counterpart", _UNKNOWN)
    if found is _UNKNOWN:
        from humsec_web.reviews.models import Counterpart

        found = Counterpart.objects.filter(user_id=user.pk, active=True).first()
        user._humsec_counterpart = found
    return found


def country_of(user: Any) -> str:
    """The country a country-team member or a government counterpart works for ('' otherwise)."""
    return _country(user)


def _org_id(user: Any) -> int | None:
    profile = _profile(user)
    return profile.organisation_id if profile is not None else None


def _country(user: Any) -> str:
    if getattr(user, "is_authenticated", False) and _designation(user) is not None:
        return str(_designation(user).country)
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


def appraised_by_user(user: Any, obj: Any) -> bool:
    return obj is not None and obj.appraisals.filter(reviewer=user).exists()


def has_appraisal(user: Any, obj: Any) -> bool:
    return obj is not None and obj.appraisals.exists()


def published(user: Any, obj: Any) -> bool:
    """A review version that has been published."""
    return obj is not None and obj.published_at is not None


def has_published_version(user: Any, obj: Any) -> bool:
    return obj is not None and obj.versions.filter(published_at__isnull=False).exists()


def _topic_of(obj: Any) -> Any:
    return getattr(obj, "topic", obj)


def public_topic(user: Any, obj: Any) -> bool:
    """A forum topic (or a thread in one) that public visitors may read."""
    return obj is not None and bool(_topic_of(obj).public)


def open_topic(user: Any, obj: Any) -> bool:
    """A topic where any network member starts threads (not an announcements board)."""
    return obj is not None and not _topic_of(obj).announcements


def unlocked(user: Any, obj: Any) -> bool:
    return obj is not None and not obj.locked


def speaks_for_thread_country(user: Any, obj: Any) -> bool:
    """Country teams speak for their own country: general threads and their country's only."""
    return role_of(user) != COUNTRY or (obj is not None and obj.country in ("", _country(user)))


def built_unpublished(user: Any, obj: Any) -> bool:
    return obj is not None and obj.state == "done" and obj.published_at is None


def _logframe(obj: Any) -> Any:
    """The logframe of a logframe, result, indicator or actual (results framework rules)."""
    for step in ("indicator", "result", "logframe"):
        obj = getattr(obj, step, obj) if obj is not None and not _is_logframe(obj) else obj
    return obj


def _is_logframe(obj: Any) -> bool:
    return type(obj).__name__ == "Logframe"


def reports_for_logframe(user: Any, obj: Any) -> bool:
    """A focal point of the organisation that reports the logframe (results, indicators, actuals)."""
    lf = _logframe(obj)
    return role_of(user) == FOCAL and lf is not None and lf.organisation_id == _org_id(user)


def team_of_logframe_country(user: Any, obj: Any) -> bool:
    lf = _logframe(obj)
    return role_of(user) == COUNTRY and lf is not None and lf.country == _country(user)


def open_logframe(user: Any, obj: Any) -> bool:
    """A programme's logframe, or one of an approved trust-fund project: readable by everyone."""
    lf = _logframe(obj)
    return lf is not None and (lf.project_id is None or lf.project.status == "approved")
def counterpart_of_country(user: Any, obj: Any) -> bool:
    """A government counterpart of the country of ``obj`` (a review, version, outlook, publication)."""
    return role_of(user) == COUNTERPART and obj is not None and obj.country == _country(user)


def _stage(obj: Any) -> str:
    from humsec_web.reviews.publication import stage

    return stage(obj)


def seen_by_counterparts(user: Any, obj: Any) -> bool:
    """A version, outlook or publication the country's counterparts read: shared, never a draft."""
    from humsec_web.reviews.publication import SEEN_BY_COUNTERPARTS

    return obj is not None and _stage(obj) in SEEN_BY_COUNTERPARTS


def shared_review(user: Any, obj: Any) -> bool:
    """A review with a version its counterparts read (shared for comment or later)."""
    from humsec_web.reviews.models import Publication
    from humsec_web.reviews.publication import SEEN_BY_COUNTERPARTS

    return obj is not None and Publication.objects.filter(version__review=obj, state__in=SEEN_BY_COUNTERPARTS).exists()


def stage_allows(transition: str) -> Rule:
    """The publication is in a state from which ``transition`` starts (declared in TRANSITIONS)."""

    def rule(user: Any, obj: Any) -> bool:
        from humsec_web.reviews.publication import TRANSITIONS

        return obj is not None and _stage(obj) in TRANSITIONS[transition].source

    return rule


def stage_is(*states: str) -> Rule:
    return lambda user, obj: obj is not None and _stage(obj) in states


def uploader(user: Any, obj: Any) -> bool:
    return obj is not None and user.is_authenticated and obj.uploaded_by_id == user.pk


def built(user: Any, obj: Any) -> bool:
    return obj is not None and obj.state == "done"


def designated_for_sensitive_feedback(user: Any, obj: Any = None) -> bool:
    """Designated to see sensitive feedback (protection, PSEA): an administrator, or a user given
    the permission ``feedback.view_sensitive_feedback`` (directly or through a group, in the admin)."""
    return role_of(user) == ADMIN or bool(
        user is not None and user.is_authenticated and user.has_perm(SENSITIVE_FEEDBACK_PERMISSION)
    )


def not_sensitive(user: Any, obj: Any) -> bool:
    return obj is not None and not obj.sensitive


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
    # blind appraisal (humsec_web.proposals.confidential): reviewers see others' appraisals only
    # after submitting their own; the applicant sees an anonymised summary once decided
    "proposal.read_appraisals": either(roles(MANAGERS), both(roles(REVIEWER), appraised_by_user)),
    "proposal.read_appraisal_summary": both(
        focal_of_org("lead_organisation_id"), status_is("approved", "declined")
    ),
    # the portfolio of approved projects is public
    "portfolio.view": roles(EVERYONE),
    # country reviews: the HSU and the country's team build versions; published versions are public;
    # input files (they may be microdata) never are
    "review.list": roles(EVERYONE),
    "review.view": either(
        roles(MANAGERS), team_of_country, has_published_version, both(counterpart_of_country, shared_review)
    ),
    "review.create": roles(MANAGERS, COUNTRY),
    "review.add_version": either(roles(MANAGERS), team_of_country),
    "review.version_view": either(
        roles(MANAGERS), team_of_country, published, both(counterpart_of_country, seen_by_counterparts)
    ),
    "review.inputs": either(roles(MANAGERS), team_of_country),
    # national ownership (humsec_web.reviews.publication): the HSU or the country team share a
    # built version or an outlook for comment and publish it once the country's government
    # counterpart signed it off; nothing goes public before that
    "review.publish": both(either(roles(MANAGERS), team_of_country), built, stage_allows("publish")),
    "outlook.list": roles(EVERYONE),
    "outlook.create": roles(MANAGERS, COUNTRY),
    "outlook.view": either(
        roles(MANAGERS), team_of_country, stage_is("published"), both(counterpart_of_country, seen_by_counterparts)
    ),
    "publication.view": either(roles(MANAGERS), team_of_country, both(counterpart_of_country, seen_by_counterparts)),
    "publication.share": both(either(roles(MANAGERS), team_of_country), stage_allows("share")),
    "publication.comment": both(
        either(roles(MANAGERS), team_of_country, counterpart_of_country), stage_is("shared")
    ),
    "publication.resolve": both(either(roles(MANAGERS), team_of_country), stage_is("shared")),
    "publication.request_changes": both(counterpart_of_country, stage_allows("request_changes")),
    "publication.sign_off": both(counterpart_of_country, stage_allows("sign_off")),
    "publication.publish": both(either(roles(MANAGERS), team_of_country), stage_allows("publish")),
    # datasets (humsec_web.sharing): network members and counterparts upload data with its terms;
    # who may download is the dataset's sensitivity class (humsec_web.sharing.access.cleared)
    "dataset.list": roles(EVERYONE),
    "dataset.create": roles(NETWORK, COUNTERPART),
    "dataset.read_log": either(roles(MANAGERS), uploader),
    # forum: the network discusses; public topics are readable by everyone; announcements are
    # started by the HSU; locked threads take replies from the HSU only; country teams post in
    # general threads and their own country's
    "forum.list": roles(EVERYONE),
    "forum.view": either(roles(NETWORK), public_topic),
    "forum.start": both(roles(NETWORK), either(roles(MANAGERS), open_topic)),
    "forum.reply": both(
        roles(NETWORK), speaks_for_thread_country, either(roles(MANAGERS), unlocked)
    ),
    "forum.write": roles(NETWORK),
    "forum.follow": roles(NETWORK),
    "forum.lock": roles(MANAGERS),
    # results framework (humsec_web.results): organisations report on their own programmes and
    # projects; the HSU validates each actual, which is public from then on (projects once approved)
    "results.list": roles(EVERYONE),
    "results.portfolio": roles(EVERYONE),
    "logframe.view": either(roles(MANAGERS), reports_for_logframe, team_of_logframe_country, open_logframe),
    "logframe.create": roles(ADMIN, FOCAL),
    "logframe.change": either(roles(ADMIN), reports_for_logframe),
    "actual.see_unvalidated": either(roles(MANAGERS), reports_for_logframe, team_of_logframe_country),
    "actual.validate": both(roles(MANAGERS), status_is("reported")),
    "actual.correct": both(either(roles(ADMIN), reports_for_logframe), status_is("reported", "returned")),
    # feedback and complaints (humsec_web.feedback): scoped like activities (the HSU all, a focal
    # point their organisation's, a country team their country's); sensitive items (protection,
    # PSEA) only for users designated within that scope; summaries count them, never list them
    "feedback.list": roles(MANAGERS, FOCAL, COUNTRY),
    "feedback.create": roles(MANAGERS, FOCAL, COUNTRY),
    "feedback.summary": roles(MANAGERS, FOCAL, COUNTRY),
    "feedback.view": both(
        either(roles(MANAGERS), focal_of_org("organisation_id"), team_of_country),
        either(not_sensitive, designated_for_sensitive_feedback),
    ),
    "feedback.change": both(
        either(roles(MANAGERS), focal_of_org("organisation_id"), team_of_country),
        either(not_sensitive, designated_for_sensitive_feedback),
    ),
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


def review_countries(user: Any) -> list[str] | None:
    """Countries the user may start a review for: None for any, a country team's own country."""
    return [_country(user)] if role_of(user) == COUNTRY else None


def visible_reviews(user: Any) -> QuerySet[Any]:
    from django.db.models import Exists, OuterRef

    from humsec_web.reviews.models import CountryReview, ReviewVersion

    qs = CountryReview.objects.all()
    role = role_of(user)
    if role in MANAGERS:
        return qs
    public = Exists(
        ReviewVersion.objects.filter(review=OuterRef("pk"), published_at__isnull=False)
    )
    if role == COUNTRY:
        return qs.filter(public | Q(country=_country(user)))
    if role == COUNTERPART:
        from humsec_web.reviews.publication import SEEN_BY_COUNTERPARTS

        shared = Q(country=_country(user), versions__publication__state__in=SEEN_BY_COUNTERPARTS)
        return qs.filter(public | shared).distinct()
    return qs.filter(public)


def visible_review_versions(user: Any) -> QuerySet[Any]:
    from humsec_web.reviews.models import ReviewVersion

    qs = ReviewVersion.objects.select_related("review")
    role = role_of(user)
    if role in MANAGERS:
        return qs
    published_q = Q(published_at__isnull=False)
    if role == COUNTRY:
        return qs.filter(published_q | Q(review__country=_country(user)))
    if role == COUNTERPART:
        from humsec_web.reviews.publication import SEEN_BY_COUNTERPARTS

        shared = Q(review__country=_country(user), publication__state__in=SEEN_BY_COUNTERPARTS)
        return qs.filter(published_q | shared)
    return qs.filter(published_q)


def visible_outlooks(user: Any) -> QuerySet[Any]:
    from humsec_web.reviews.models import Outlook
    from humsec_web.reviews.publication import SEEN_BY_COUNTERPARTS

    qs = Outlook.objects.select_related("publication")
    role = role_of(user)
    if role in MANAGERS:
        return qs
    published_q = Q(publication__state="published")
    if role == COUNTRY:
        return qs.filter(published_q | Q(country=_country(user)))
    if role == COUNTERPART:
        return qs.filter(published_q | Q(country=_country(user), publication__state__in=SEEN_BY_COUNTERPARTS))
    return qs.filter(published_q)


def visible_publications(user: Any) -> QuerySet[Any]:
    """Publications whose workflow page (comments, audit trail) the user may open."""
    from humsec_web.reviews.models import Publication
    from humsec_web.reviews.publication import SEEN_BY_COUNTERPARTS

    qs = Publication.objects.select_related("version__review", "outlook")
    role = role_of(user)
    if role in MANAGERS:
        return qs
    if role == COUNTRY:
        return qs.filter(country=_country(user))
    if role == COUNTERPART:
        return qs.filter(country=_country(user), state__in=SEEN_BY_COUNTERPARTS)
    return qs.none()


def visible_topics(user: Any) -> QuerySet[Any]:
    from humsec_web.forum.models import Topic

    return Topic.objects.all() if role_of(user) in NETWORK else Topic.objects.filter(public=True)


def visible_threads(user: Any) -> QuerySet[Any]:
    from humsec_web.forum.models import Thread

    qs = Thread.objects.select_related("topic", "author")
    return qs if role_of(user) in NETWORK else qs.filter(topic__public=True)


def thread_countries(user: Any) -> list[str] | None:
    """Countries a user may tag a new thread with ('' = none): None for any."""
    return ["", _country(user)] if role_of(user) == COUNTRY else None


def portfolio_projects(user: Any) -> QuerySet[Any]:
    """Approved projects for everyone; managers also see the pipeline."""
    from humsec_web.proposals.models import Proposal

    qs = Proposal.objects.select_related("lead_organisation").prefetch_related("partners")
    if role_of(user) in MANAGERS:
        return qs
    return qs.filter(status=Proposal.Status.APPROVED)


def visible_logframes(user: Any) -> QuerySet[Any]:
    """Logframes the user may read: managers all; the reporting organisation and the country team
    theirs; everyone programmes' logframes and those of approved trust-fund projects."""
    from humsec_web.results.models import Logframe

    qs = Logframe.objects.select_related("organisation", "project")
    role = role_of(user)
    if role in MANAGERS:
        return qs
    open_q = Q(project__isnull=True) | Q(project__status="approved")
    if role == FOCAL:
        return qs.filter(open_q | Q(organisation_id=_org_id(user)))
    if role == COUNTRY:
        return qs.filter(open_q | Q(country=_country(user)))
    return qs.filter(open_q)


def visible_actuals(user: Any, logframe: Any = None) -> QuerySet[Any]:
    """Actuals the user may read: validated ones of readable logframes; not yet validated ones
    only for managers, the reporting organisation and the country team."""
    from humsec_web.results.models import Actual

    qs = Actual.objects.select_related("indicator__result__logframe").prefetch_related("parts")
    qs = qs.filter(indicator__result__logframe__in=visible_logframes(user))
    if logframe is not None:
        qs = qs.filter(indicator__result__logframe=logframe)
    role = role_of(user)
    if role in MANAGERS:
        return qs
    validated = Q(status="validated")
    if role == FOCAL:
        return qs.filter(validated | Q(indicator__result__logframe__organisation_id=_org_id(user)))
    if role == COUNTRY:
        return qs.filter(validated | Q(indicator__result__logframe__country=_country(user)))
    return qs.filter(validated)


def scoped_feedback(user: Any) -> QuerySet[Any]:
    """Every feedback item in the user's scope, sensitive ones included (for counting only)."""
    from humsec_web.feedback.models import FeedbackItem

    role = role_of(user)
    qs = FeedbackItem.objects.select_related("code", "organisation")
    if role in MANAGERS:
        return qs
    if role == FOCAL:
        return qs.filter(organisation_id=_org_id(user))
    if role == COUNTRY:
        return qs.filter(country=_country(user))
    return qs.none()


def visible_feedback(user: Any) -> QuerySet[Any]:
    """The feedback items the user may open: their scope, less sensitive ones unless designated."""
    qs = scoped_feedback(user)
    return qs if designated_for_sensitive_feedback(user) else qs.filter(sensitive=False)


def feedback_countries(user: Any) -> list[str] | None:
    """Countries a user may record feedback for: None for any, a country team's own."""
    return [_country(user)] if role_of(user) == COUNTRY else None
