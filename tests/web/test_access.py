"""Every URL pattern × every role: who gets in and who is refused.

The expected roles below are written from the issue's roles (not read from
``humsec_web.permissions``), so a wrong rule shows up as a failure. A URL pattern that has no
case here fails ``test_every_url_pattern_has_a_case``: new pages must declare their access.

Refused means: anonymous → redirect to sign-in (pages) or 401/403/404 (API); signed-in → 403,
or 404 where the object is outside the user's lists (API). Allowed means 200/201, a redirect
that is not to sign-in (a form accepted), or 400 (the API checked access, then the empty body).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.web.conftest import ROLE_USERS, pdf_usable
from tests.web.ownership_world import COUNTERPART_USERS, own_fixture  # noqa: F401 (the fixture `own`)
from tests.web.results_world import results_world

ROLES = {**ROLE_USERS, **COUNTERPART_USERS}  # the demo roles and a government counterpart of COD
ALL = frozenset(ROLES)
ADMIN, HSU, FOCAL, COUNTRY, REVIEWER = (
    "administrator",
    "hsu",
    "focal_point",
    "country_team",
    "reviewer",
)
COUNTERPART = "counterpart"
MANAGERS = {ADMIN, HSU}
NETWORK = ALL - {"public", "anonymous", COUNTERPART}
BODY = {"body": "A reply."}
API = (
    "api:",
    "results-api:",
    "api-ownership:",
)  # URL namespaces of the REST API (refusals are 401/403/404, no redirect)


@dataclass(frozen=True)
class Case:
    name: str
    allowed: frozenset[str]
    kwargs: Callable[[Any], dict[str, Any]] = lambda w: {}
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}{(' ' + self.label) if self.label else ''}"


def c(name: str, allowed: Any, kwargs: Any = None, method: str = "get", **kw: Any) -> Case:
    return Case(name, frozenset(allowed), kwargs or (lambda w: {}), method, **kw)


def pk(attr: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attr).pk}


def review(version_attr: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, version_attr).review_id}


def rw(attr: str, **extra: Any) -> Callable[[Any], dict[str, Any]]:
    """An object of the results framework (tests/web/results_world.py), by attribute."""
    return lambda w: {"pk": getattr(results_world(), attr).pk, **extra}


def first_file(version_attr: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, version_attr).files.order_by("pk").first().pk}


def feedback(kind: str) -> Callable[[Any], dict[str, Any]]:
    """A feedback item made on first use (inside the test's transaction): 'cod' (of WVI, in COD),
    'oim' (of OIM, in KEN) or 'sensitive' (of WVI, in COD, a sensitive code)."""

    def make(w: Any) -> dict[str, Any]:
        from humsec_web.core.models import Organisation
        from humsec_web.feedback.models import FeedbackCode, FeedbackItem

        code, _ = FeedbackCode.objects.get_or_create(
            code_id=f"test-{kind}", defaults={"type": "Complaint", "category": "Aid quality",
                                              "name": kind, "sensitive": kind == "sensitive"},
        )  # fmt: skip
        org = Organisation.objects.get(acronym="OIM" if kind == "oim" else "WVI")
        item = FeedbackItem.objects.create(
            country="KEN" if kind == "oim" else "COD", organisation=org, code=code,
            received_on="2025-03-01", channel="hotline",
        )  # fmt: skip
        return {"pk": item.pk}

    return make


def pub(attr: str, transition: str | None = None) -> Callable[[Any], dict[str, Any]]:
    """The publication of a version or outlook (and a workflow step)."""

    def kwargs(w: Any) -> dict[str, Any]:
        from humsec_web.reviews.publication import publication_of

        out: dict[str, Any] = {"pk": publication_of(getattr(w, attr)).pk}
        return {**out, "transition": transition} if transition else out

    return kwargs


SIGN = {"signer_name": "A. Mbuyi", "confirm": "on"}


CASES = [
    c("home", ALL),
    c("login", ALL),
    c("logout", ALL, method="post"),
    c("choose-language", ALL, method="post", data={"language": "fr", "next": "/"}),
    c("admin:index", {ADMIN}),
    # activity updates
    c("activity-list", MANAGERS | {FOCAL, COUNTRY}),
    c("activity-create", {ADMIN, FOCAL}),
    c("activity-detail", MANAGERS | {FOCAL, COUNTRY}, pk("activity")),
    c("activity-detail", MANAGERS | {COUNTRY}, pk("other_activity"), label="other org"),
    c("activity-edit", {ADMIN, FOCAL}, pk("activity")),
    c("activity-edit", {ADMIN}, pk("other_activity"), label="other org"),
    # digests
    c("digest-list", ALL),
    c("digest-create", MANAGERS),
    c("digest-detail", ALL, pk("published_digest")),
    c("digest-detail", MANAGERS, pk("draft_digest"), label="draft"),
    c("digest-publish", MANAGERS, pk("draft_digest"), method="post"),
    c("digest-csv", ALL, pk("published_digest")),
    c("digest-xlsx", MANAGERS, pk("draft_digest"), label="draft"),
    # lessons
    c("lesson-list", ALL),
    c("lesson-create", MANAGERS | {FOCAL, COUNTRY, REVIEWER}),
    c("lesson-detail", ALL, pk("lesson")),
    c("lesson-detail", MANAGERS, pk("draft_lesson"), label="draft of another"),
    c("lesson-edit", MANAGERS, pk("lesson")),
    c("lesson-publish", MANAGERS, pk("draft_lesson"), method="post"),
    c("attachment-download", ALL, pk("attachment")),
    # proposals
    c("proposal-list", MANAGERS | {REVIEWER, FOCAL}),
    c("proposal-create", {ADMIN, FOCAL}),
    c("proposal-detail", MANAGERS | {REVIEWER, FOCAL}, pk("submitted")),
    c("proposal-review", MANAGERS, pk("submitted"), method="post"),
    c("proposal-review", set(), pk("reviewing"), method="post", label="already under review"),
    c("proposal-appraise", {REVIEWER}, pk("reviewing")),
    c("proposal-appraise", set(), pk("submitted"), label="not under review"),
    c(
        "proposal-decide",
        MANAGERS,
        pk("reviewing"),
        method="post",
        data={"decision": "approve", "note": "ok"},
    ),
    c(
        "proposal-decide",
        set(),
        pk("submitted"),
        method="post",
        data={"decision": "approve", "note": "ok"},
        label="not reviewed",
    ),
    c("portfolio", ALL),
    c("portfolio-data", ALL),
    # country reviews: COD (country_cod's country) built, not published; KEN published
    c("review-list", ALL),
    c("review-create", MANAGERS | {COUNTRY}),
    c(
        "review-detail",
        MANAGERS | {COUNTRY, COUNTERPART},
        review("cod_version"),
        label="a version shared",
    ),
    c("review-detail", ALL, review("ken_version"), label="published"),
    c("review-version-create", MANAGERS | {COUNTRY}, review("cod_version")),
    c("review-version-create", MANAGERS, review("ken_version"), label="other country"),
    c("review-version-detail", MANAGERS | {COUNTRY}, pk("cod_version")),
    c("review-version-detail", ALL, pk("ken_version"), label="published"),
    c("review-report", MANAGERS | {COUNTRY}, pk("cod_version")),
    c("review-report", ALL, pk("ken_version"), label="published"),
    c("review-report-pdf", ALL, pk("ken_version"), label="published"),
    c("review-brief-pdf", ALL, pk("ken_version"), label="published"),
    c("review-slides", ALL, pk("ken_version"), label="published"),
    c("review-slides", MANAGERS | {COUNTRY}, pk("cod_version")),
    c("review-tables", ALL, pk("ken_version"), label="published"),
    c("review-tables", MANAGERS | {COUNTRY}, pk("cod_version")),
    c("review-version-rerun", MANAGERS | {COUNTRY}, pk("cod_version"), method="post"),
    c("review-version-rerun", MANAGERS, pk("ken_version"), method="post", label="other country"),
    c(
        "review-version-publish",
        set(),
        pk("cod_version"),
        method="post",
        label="draft: not signed off",
    ),
    c(
        "review-version-publish",
        MANAGERS | {COUNTRY},
        pk("cod_signed"),
        method="post",
        label="signed off",
    ),
    c(
        "review-version-detail",
        MANAGERS | {COUNTRY, COUNTERPART},
        pk("cod_shared"),
        label="shared for comment",
    ),
    c(
        "review-report",
        MANAGERS | {COUNTRY, COUNTERPART},
        pk("cod_shared"),
        label="shared for comment",
    ),
    c("review-version-publish", set(), pk("ken_version"), method="post", label="already published"),
    c("review-file-download", MANAGERS | {COUNTRY}, first_file("cod_version")),
    c(
        "review-file-download",
        MANAGERS,
        first_file("ken_version"),
        label="published: inputs stay private",
    ),
    # forum: 'approach' and 'announcements' are public topics, 'country-teams' is network-only
    c("forum-index", ALL),
    c("forum-topic", ALL, lambda w: {"slug": "approach"}),
    c("forum-topic", NETWORK, lambda w: {"slug": "country-teams"}, label="network only"),
    c("forum-thread-create", NETWORK, lambda w: {"slug": "approach"}),
    c("forum-thread-create", MANAGERS, lambda w: {"slug": "announcements"}, label="announcements"),
    c("forum-thread", ALL, pk("public_thread")),
    c("forum-thread", NETWORK, pk("private_thread"), label="network only"),
    c("forum-reply", NETWORK, pk("public_thread"), method="post", data=BODY),
    c(
        "forum-reply",
        NETWORK - {COUNTRY},
        pk("ken_thread"),
        method="post",
        data=BODY,
        label="other country",
    ),
    c("forum-reply", MANAGERS, pk("locked_thread"), method="post", data=BODY, label="locked"),
    c("forum-follow", NETWORK, pk("private_thread"), method="post"),
    c("forum-lock", MANAGERS, pk("public_thread"), method="post"),
    # results framework: WVI reports on its approved project's logframe (open_lf, public) and its
    # pipeline project's (private to managers and WVI); OIM's programme logframe is public
    c("logframe-list", ALL),
    c("logframe-create", {ADMIN, FOCAL}),
    c("results-portfolio", ALL),
    c("logframe-detail", ALL, rw("open_lf")),
    c("logframe-detail", MANAGERS | {FOCAL}, rw("pipeline_lf"), label="project not approved"),
    c("result-create", {ADMIN, FOCAL}, rw("open_lf"), method="post"),
    c("result-create", {ADMIN}, rw("oim_lf"), method="post", label="other org"),
    c("indicator-create", {ADMIN, FOCAL}, rw("open_lf")),
    c("indicator-create", {ADMIN}, rw("oim_lf"), label="other org"),
    c("logframe-iati-import", {ADMIN, FOCAL}, rw("open_lf"), method="post"),
    c("logframe-download", ALL, rw("open_lf", fmt="csv")),
    c("logframe-download", ALL, rw("open_lf", fmt="xml"), label="IATI"),
    c(
        "logframe-download",
        MANAGERS | {FOCAL},
        rw("pipeline_lf", fmt="xlsx"),
        label="project not approved",
    ),
    c("indicator-detail", ALL, rw("indicator")),
    c(
        "indicator-detail",
        MANAGERS | {FOCAL},
        rw("pipeline_indicator"),
        label="project not approved",
    ),
    c("target-create", {ADMIN, FOCAL}, rw("indicator")),
    c("actual-create", {ADMIN, FOCAL}, rw("indicator")),
    c("actual-from-af", {ADMIN, FOCAL}, rw("indicator")),
    c("actual-review", MANAGERS, rw("reported"), method="post", data={"decision": "validate"}),
    c(
        "actual-review",
        set(),
        rw("validated"),
        method="post",
        data={"decision": "validate"},
        label="validated",
    ),
    c("actual-correct", {ADMIN, FOCAL}, rw("reported")),
    c("actual-correct", set(), rw("validated"), label="validated"),
    c("results-api:logframe-list", ALL),
    c("results-api:logframe-list", {ADMIN, FOCAL}, method="post"),
    c("results-api:logframe-detail", ALL, rw("open_lf")),
    c(
        "results-api:logframe-detail",
        MANAGERS | {FOCAL},
        rw("pipeline_lf"),
        label="project not approved",
    ),
    c("results-api:result-list", {ADMIN, FOCAL}, method="post"),
    c("results-api:indicator-list", ALL),
    c("results-api:indicator-list", {ADMIN, FOCAL}, method="post"),
    c("results-api:indicator-detail", ALL, rw("indicator")),
    c("results-api:target-list", {ADMIN, FOCAL}, method="post"),
    c("results-api:actual-list", ALL),
    c("results-api:actual-list", {ADMIN, FOCAL}, method="post"),
    c("results-api:actual-detail", ALL, rw("validated")),
    c("results-api:actual-detail", MANAGERS | {FOCAL}, rw("reported"), label="not validated"),
    c("results-api:actual-review", MANAGERS, rw("reported"), method="post"),
    c("results-api:portfolio-list", ALL),
    # feedback and complaints: scoped like activities; sensitive items only for designated users
    # (administrators here; others are designated with a permission, tests/web/test_feedback.py)
    c("feedback-list", MANAGERS | {FOCAL, COUNTRY}),
    c("feedback-create", MANAGERS | {FOCAL, COUNTRY}),
    c("feedback-summary", MANAGERS | {FOCAL, COUNTRY}),
    c("feedback-export", MANAGERS | {FOCAL, COUNTRY}),
    c("feedback-detail", MANAGERS | {FOCAL, COUNTRY}, feedback("cod")),
    c("feedback-detail", MANAGERS, feedback("oim"), label="other org and country"),
    c("feedback-detail", {ADMIN}, feedback("sensitive"), label="sensitive"),
    c("feedback-edit", MANAGERS | {FOCAL, COUNTRY}, feedback("cod")),
    c("feedback-edit", MANAGERS, feedback("oim"), label="other org and country"),
    c("feedback-edit", {ADMIN}, feedback("sensitive"), label="sensitive"),
    c("api:feedback-list", MANAGERS | {FOCAL, COUNTRY}),
    c("api:feedback-list", MANAGERS | {FOCAL, COUNTRY}, method="post"),
    c("api:feedback-summary", MANAGERS | {FOCAL, COUNTRY}),
    c("api:feedback-detail", MANAGERS | {FOCAL, COUNTRY}, feedback("cod")),
    c("api:feedback-detail", MANAGERS, feedback("oim"), label="other org and country"),
    c("api:feedback-detail", {ADMIN}, feedback("sensitive"), label="sensitive"),
    c("api:feedback-detail", MANAGERS | {FOCAL, COUNTRY}, feedback("cod"), method="patch"),
    c("api:feedback-detail", {ADMIN}, feedback("sensitive"), method="patch", label="sensitive"),
    # national ownership: COD versions at each step; gov_cod is COD's government counterpart
    c("publication-detail", MANAGERS | {COUNTRY}, pub("cod_draft"), label="draft"),
    c("publication-detail", MANAGERS | {COUNTRY, COUNTERPART}, pub("cod_shared"), label="shared"),
    c("publication-detail", MANAGERS, pub("ken_version"), label="other country, published"),
    c(
        "publication-move",
        MANAGERS | {COUNTRY},
        pub("cod_draft", "share"),
        method="post",
        label="share a draft",
    ),
    c(
        "publication-move",
        set(),
        pub("cod_shared", "share"),
        method="post",
        label="share: already shared",
    ),
    c(
        "publication-move",
        {COUNTERPART},
        pub("cod_shared", "sign-off"),
        method="post",
        data=SIGN,
        label="sign off",
    ),
    c(
        "publication-move",
        set(),
        pub("cod_draft", "sign-off"),
        method="post",
        data=SIGN,
        label="sign off a draft",
    ),
    c(
        "publication-move",
        {COUNTERPART},
        pub("cod_shared", "request-changes"),
        method="post",
        data={"note": "Fix the map."},
        label="request changes",
    ),
    c(
        "publication-move",
        MANAGERS | {COUNTRY},
        pub("cod_signed", "publish"),
        method="post",
        label="publish",
    ),
    c(
        "publication-move",
        set(),
        pub("cod_shared", "publish"),
        method="post",
        label="publish before sign-off",
    ),
    c(
        "publication-comment",
        MANAGERS | {COUNTRY, COUNTERPART},
        pub("cod_shared"),
        method="post",
        data={"section": "whole", "body": "A comment."},
    ),
    c(
        "publication-comment",
        set(),
        pub("cod_draft"),
        method="post",
        data={"section": "whole", "body": "x"},
        label="draft",
    ),
    c(
        "publication-resolve",
        MANAGERS | {COUNTRY, COUNTERPART},
        pk("comment"),
        method="post",
        label="the counterpart's own comment",
    ),
    c("outlook-list", ALL),
    c("alert-list", ALL),
    c("outlook-create", MANAGERS | {COUNTRY}),
    c("outlook-detail", MANAGERS | {COUNTRY}, pk("outlook_draft"), label="draft"),
    c("outlook-detail", MANAGERS | {COUNTRY, COUNTERPART}, pk("outlook_shared"), label="shared"),
    c("outlook-detail", ALL, pk("outlook_published"), label="published"),
    # datasets: the download is decided by the sensitivity class (focal_wvi uploaded all but strict)
    c("dataset-list", ALL),
    c("dataset-create", NETWORK | {COUNTERPART}),
    c("dataset-detail", ALL, pk("public_ds"), label="public"),
    c("dataset-detail", NETWORK | {COUNTERPART}, pk("restricted_ds"), label="restricted"),
    c("dataset-detail", set(), pk("strict_ds"), label="strictly confidential of another"),
    c("dataset-download", ALL, pk("public_ds"), label="public"),
    c("dataset-download", NETWORK | {COUNTERPART}, pk("restricted_ds"), label="restricted"),
    c(
        "dataset-download",
        MANAGERS | {COUNTRY, COUNTERPART, FOCAL},
        pk("confidential_ds"),
        label="confidential (uploaded by the focal point)",
    ),
    c("dataset-download", set(), pk("strict_ds"), label="strictly confidential of another"),
    c(
        "review-file-download",
        MANAGERS | {COUNTRY},
        first_file("cod_shared"),
        label="restricted input",
    ),
    c("api-ownership:publication-list", ALL),
    c("api-ownership:publication-detail", MANAGERS | {COUNTRY, COUNTERPART}, pub("cod_shared")),
    c("api-ownership:publication-detail", MANAGERS | {COUNTRY}, pub("cod_draft"), label="draft"),
    c("api-ownership:publication-share", MANAGERS | {COUNTRY}, pub("cod_draft"), method="post"),
    c("api-ownership:publication-sign-off", {COUNTERPART}, pub("cod_shared"), method="post"),
    c(
        "api-ownership:publication-sign-off",
        set(),
        pub("cod_signed"),
        method="post",
        label="already signed",
    ),
    c("api-ownership:publication-request-changes", {COUNTERPART}, pub("cod_shared"), method="post"),
    c("api-ownership:publication-publish", MANAGERS | {COUNTRY}, pub("cod_signed"), method="post"),
    c(
        "api-ownership:publication-publish",
        set(),
        pub("cod_shared"),
        method="post",
        label="before sign-off",
    ),
    c(
        "api-ownership:publication-comments",
        MANAGERS | {COUNTRY, COUNTERPART},
        pub("cod_shared"),
        method="post",
    ),
    c("api-ownership:outlook-list", ALL),
    c(
        "api-ownership:outlook-detail",
        MANAGERS | {COUNTRY, COUNTERPART},
        pk("outlook_shared"),
        label="shared",
    ),
    c("api-ownership:outlook-detail", ALL, pk("outlook_published"), label="published"),
    c("api-ownership:dataset-list", ALL),
    c("api-ownership:dataset-detail", NETWORK | {COUNTERPART}, pk("restricted_ds")),
    c("api-ownership:dataset-download", ALL, pk("public_ds"), label="public"),
    c(
        "api-ownership:dataset-download",
        NETWORK | {COUNTERPART},
        pk("restricted_ds"),
        label="restricted",
    ),
    c(
        "api-ownership:dataset-download",
        MANAGERS | {COUNTRY, COUNTERPART, FOCAL},
        pk("confidential_ds"),
        label="confidential",
    ),
    # API
    c("api:api-schema", ALL),
    c("api:api-token", ALL, method="post"),
    c("api:organisation-list", ALL),
    c("api:organisation-detail", ALL, lambda w: {"pk": w.activity.organisation_id}),
    c("api:activity-list", MANAGERS | {FOCAL, COUNTRY}),
    c("api:activity-list", {ADMIN, FOCAL}, method="post"),
    c("api:activity-detail", MANAGERS | {FOCAL, COUNTRY}, pk("activity")),
    c("api:activity-detail", {ADMIN, FOCAL}, pk("activity"), method="patch"),
    c("api:activity-detail", {ADMIN}, pk("other_activity"), method="patch", label="other org"),
    c("api:digest-list", ALL),
    c("api:digest-list", MANAGERS, method="post"),
    c("api:digest-detail", ALL, pk("published_digest")),
    c("api:digest-detail", MANAGERS, pk("draft_digest"), label="draft"),
    c("api:digest-publish", MANAGERS, pk("draft_digest"), method="post"),
    c("api:lesson-list", ALL),
    c("api:lesson-list", MANAGERS | {FOCAL, COUNTRY, REVIEWER}, method="post"),
    c("api:lesson-detail", ALL, pk("lesson")),
    c("api:lesson-detail", MANAGERS, pk("draft_lesson"), label="draft of another"),
    c("api:lesson-detail", MANAGERS, pk("lesson"), method="patch"),
    c("api:lesson-search", ALL, query="?q=water"),
    c("api:lesson-similar", ALL, pk("lesson")),
    c("api:proposal-list", MANAGERS | {REVIEWER, FOCAL}),
    c("api:proposal-list", {ADMIN, FOCAL}, method="post"),
    c("api:proposal-detail", MANAGERS | {REVIEWER, FOCAL}, pk("submitted")),
    c("api:proposal-start-review", MANAGERS, pk("submitted"), method="post"),
    c("api:proposal-appraise", {REVIEWER}, pk("reviewing"), method="post"),
    c("api:proposal-decide", MANAGERS, pk("reviewing"), method="post"),
    c("api:criterion-list", MANAGERS | {REVIEWER, FOCAL}),
    c("api:criterion-detail", MANAGERS | {REVIEWER, FOCAL}, lambda w: {"pk": 1}),
    c("api:portfolio-list", ALL),
    c("api:review-list", ALL),
    c("api:review-list", MANAGERS | {COUNTRY}, method="post"),
    c("api:review-detail", ALL, review("ken_version"), label="published"),
    c("api:review-versions", MANAGERS | {COUNTRY}, review("cod_version"), method="post"),
    c("api:review-versions", MANAGERS, review("ken_version"), method="post", label="other country"),
    c("api:reviewversion-list", ALL),
    c("api:reviewversion-detail", MANAGERS | {COUNTRY}, pk("cod_version")),
    c("api:reviewversion-detail", ALL, pk("ken_version"), label="published"),
    c(
        "api:reviewversion-publish",
        set(),
        pk("cod_version"),
        method="post",
        label="draft: not signed off",
    ),
    c(
        "api:reviewversion-publish",
        MANAGERS | {COUNTRY},
        pk("cod_signed"),
        method="post",
        label="signed off",
    ),
    c(
        "api:review-detail",
        MANAGERS | {COUNTRY, COUNTERPART},
        review("cod_shared"),
        label="a version shared",
    ),
    c("api:forumtopic-list", ALL),
    c("api:forumthread-list", ALL),
    c("api:forumthread-list", NETWORK, method="post"),
    c("api:forumthread-detail", ALL, pk("public_thread")),
    c("api:forumthread-detail", NETWORK, pk("private_thread"), label="network only"),
    c("api:forumthread-reply", NETWORK, pk("public_thread"), method="post"),
    c(
        "api:forumthread-reply",
        NETWORK - {COUNTRY},
        pk("ken_thread"),
        method="post",
        label="other country",
    ),
    c("api:forumthread-reply", MANAGERS, pk("locked_thread"), method="post", label="locked"),
]


def _names(patterns: list[Any], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # Django's admin guards itself (staff only); its index is a case
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            names.add(prefix + (p.name or f"<unnamed {p.pattern}>"))
    return names


def test_every_url_pattern_has_a_case():
    uncovered = _names(get_resolver().url_patterns) - {case.name for case in CASES}
    assert not uncovered, f"URL patterns with no access case: {sorted(uncovered)}"


def outcome(response: Any) -> str:
    status = response.status_code
    if status == 302:
        target = response["Location"]
        return "refused" if "/login/" in target else "allowed"
    if status in (200, 201, 204, 400):
        return "allowed"
    if status in (401, 403, 404):
        return "refused"
    raise AssertionError(f"unexpected status {status}: {response.content[:300]!r}")


class _Undo(Exception):
    """Raised to roll one role's request back, so the next role meets the same objects."""


def _check_role(client: Any, case: Case, role: str, w: Any) -> str | None:
    """One role's request to the case's URL; what was wrong, or None."""
    from django.contrib.auth.models import User

    client.logout()
    if ROLES[role]:
        client.force_login(User.objects.get(username=ROLES[role]))
    url = reverse(case.name, kwargs=case.kwargs(w)) + case.query
    call = getattr(client, case.method)
    if case.method == "patch":
        response = call(url, data={}, content_type="application/json")
    else:
        response = call(url, data=case.data)
    expected = "allowed" if role in case.allowed else "refused"
    got = outcome(response)
    if got != expected:
        return f"{role}: {case.method.upper()} {url} {got} (status {response.status_code}), expected {expected}"
    if expected == "refused" and role == "anonymous" and not case.name.startswith(API):
        login = "/admin/login/" if case.name.startswith("admin:") else "/accounts/login/"
        if not (response.status_code == 302 and response["Location"].startswith(login)):
            return f"anonymous: {url} refused without a redirect to {login}"
    page = not case.name.startswith((*API, "admin:"))
    if expected == "refused" and role != "anonymous" and page and response.status_code != 403:
        return f"{role}: {url} refused with {response.status_code}, expected 403"
    return None


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_access(case: Case, client, world, own):  # type: ignore[no-untyped-def]
    """Every role in turn, each request rolled back (a savepoint) so that one role's accepted
    form does not change what the next role meets; the objects are built once per URL."""
    from django.db import transaction

    if case.name in ("review-report-pdf", "review-brief-pdf") and not pdf_usable():
        pytest.skip("WeasyPrint/pango not usable here: no review PDF was built")
    w = SimpleNamespace(**{**vars(world), **vars(own)})
    wrong = []
    for role in sorted(ROLES):
        try:
            with transaction.atomic():
                wrong.append(_check_role(client, case, role, w))
                raise _Undo
        except _Undo:
            pass
    assert not any(wrong), "\n".join(x for x in wrong if x)
