"""Who may see and do what with feedback: the rules this app adds to ``humsec_web.permissions.RULES``
(gathered there when the app is ready) and the list each user sees.

Feedback is scoped like activities: the HSU and administrators see every item, a focal point the items
of their organisation, a country team those of their country. Sensitive items (a sensitive code, or
marked so: protection, sexual exploitation and abuse) are seen only by **designated** users within that
scope: administrators and users given the permission ``feedback.view_sensitive_feedback`` (in the
admin, e.g. a PSEA focal point). Everyone in scope may record one; summaries count them under one theme
and never list them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from humsec_web import permissions as p


def designated(user: Any, obj: Any = None) -> bool:
    """Designated to see sensitive feedback: an administrator or a holder of the permission."""
    return p.role_of(user) == p.ADMIN or bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("feedback.view_sensitive_feedback")
    )


def not_sensitive(user: Any, obj: Any) -> bool:
    return obj is not None and not obj.sensitive


IN_SCOPE = p.either(p.roles(p.MANAGERS), p.focal_of_org("organisation_id"), p.team_of_country)
WORKERS = p.roles(p.MANAGERS, p.FOCAL, p.COUNTRY)

RULES: dict[str, p.Rule] = {
    "feedback.list": WORKERS,
    "feedback.create": WORKERS,
    "feedback.summary": WORKERS,
    "feedback.view": p.both(IN_SCOPE, p.either(not_sensitive, designated)),
    "feedback.change": p.both(IN_SCOPE, p.either(not_sensitive, designated)),
    "feedback.view_sensitive": designated,
}


def register() -> None:
    """Add these rules to the platform's one table (called when the app is ready)."""
    clash = [name for name in RULES if name in p.RULES and p.RULES[name] is not RULES[name]]
    if clash:
        raise RuntimeError(f"feedback rules already declared elsewhere: {clash}")
    p.RULES.update(RULES)


def _profile_value(user: Any, field: str) -> Any:
    profile = getattr(user, "profile", None)
    return getattr(profile, field, None)


def scoped_feedback(user: Any) -> QuerySet[Any]:
    """Every item in the user's scope, sensitive ones included (for counting only)."""
    from humsec_web.feedback.models import FeedbackItem

    role = p.role_of(user)
    qs = FeedbackItem.objects.select_related("code", "organisation")
    if role in p.MANAGERS:
        return qs
    if role == p.FOCAL:
        return qs.filter(organisation_id=_profile_value(user, "organisation_id"))
    if role == p.COUNTRY:
        return qs.filter(country=_profile_value(user, "country"))
    return qs.none()


def visible_feedback(user: Any) -> QuerySet[Any]:
    """The items the user may open: their scope, less sensitive items unless designated."""
    qs = scoped_feedback(user)
    return qs if designated(user) else qs.filter(sensitive=False)


def feedback_countries(user: Any) -> list[str] | None:
    """Countries a user may record feedback for: None for any, a country team's own."""
    return [_profile_value(user, "country")] if p.role_of(user) == p.COUNTRY else None
