"""National ownership: a review version or an early-warning outlook goes draft → shared for
comment → signed off by the government counterpart → published.

The transitions are declared once, as data (:data:`TRANSITIONS`): the permission rules
(``publication.*`` in :mod:`humsec_web.permissions`), the pages, the API and the docs read them.
Each move locks the publication row, checks who and from which state, changes the state and
appends a :class:`~humsec_web.reviews.models.PublicationEvent` in one transaction, so the audit
trail never disagrees with the state; e-mail notices go out once it commits. A refusal changes
nothing and says why (:class:`django.core.exceptions.PermissionDenied` with one sentence).

>>> [t.name for t in TRANSITIONS.values()]
['share', 'request_changes', 'sign_off', 'publish']
>>> [str(s) for s in TRANSITIONS["sign_off"].source], str(TRANSITIONS["sign_off"].target)
(['shared'], 'signed_off')
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from humsec_web import permissions
from humsec_web.core.countries import country_name
from humsec_web.reviews.models import Comment, Outlook, Publication, PublicationEvent, ReviewVersion

log = logging.getLogger(__name__)
State = Publication.State

# who may do a transition, in words (the rule itself is in humsec_web.permissions)
OWNERS = "the HSU or the country team"
COUNTERPARTS = "a government counterpart of the country"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button
    source: tuple[str, ...]
    target: str
    who: str
    notify: str  # "counterparts" or "owners" or "all": who gets the e-mail notice


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("share", "Share for comment", (str(State.DRAFT),), str(State.SHARED), OWNERS, "counterparts"),
        Transition("request_changes", "Request changes", (str(State.SHARED),), str(State.CHANGES), COUNTERPARTS, "owners"),
        Transition("sign_off", "Sign off", (str(State.SHARED),), str(State.SIGNED_OFF), COUNTERPARTS, "owners"),
        Transition("publish", "Publish", (str(State.SIGNED_OFF),), str(State.PUBLISHED), OWNERS, "all"),
    )
}
COMMENTABLE = (str(State.SHARED),)
# states in which the country's counterparts read it (never a draft)
SEEN_BY_COUNTERPARTS = (str(State.SHARED), str(State.CHANGES), str(State.SIGNED_OFF), str(State.PUBLISHED))


def stage(obj: Any) -> str:
    """The publication state of a version, outlook or publication (without writing anything).

    A version published before this workflow existed (``published_at`` set, no publication) is
    ``published``; any other without one is a ``draft``.
    """
    if isinstance(obj, Publication):
        return str(obj.state)
    pub = Publication.objects.filter(**{_field(obj): obj}).only("state").first()
    if pub is not None:
        return str(pub.state)
    return str(State.PUBLISHED) if getattr(obj, "published_at", None) else str(State.DRAFT)


def _field(obj: Any) -> str:
    return "version" if isinstance(obj, ReviewVersion) else "outlook"


def publication_of(obj: ReviewVersion | Outlook) -> Publication:
    """The publication of a version or outlook, created (as its draft, or as published for a
    version published before the workflow existed) on first use."""
    pub = Publication.objects.filter(**{_field(obj): obj}).first()
    if pub is not None:
        return pub
    legacy = isinstance(obj, ReviewVersion) and obj.published_at is not None
    with transaction.atomic():
        pub, created = Publication.objects.get_or_create(
            **{_field(obj): obj},
            defaults={"country": obj.country, "state": State.PUBLISHED if legacy else State.DRAFT,
                      "published_at": getattr(obj, "published_at", None) if legacy else None},
        )  # fmt: skip
        if created:
            PublicationEvent.objects.create(
                publication=pub, actor=getattr(obj, "created_by", None), action="created", to_state=pub.state,
                note="published before the sign-off workflow existed" if legacy else "",
            )  # fmt: skip
    return pub


def _locked(pk: int) -> Publication:
    return Publication.objects.select_for_update(of=("self",)).select_related("version__review", "outlook").get(pk=pk)


def _who(user: Any) -> str:
    role = permissions.role_of(user)
    if role == permissions.COUNTERPART:
        return f"you are a government counterpart for {country_name(permissions.country_of(user))}"
    if role == permissions.COUNTRY:
        return f"you are in the country team of {country_name(permissions.country_of(user))}"
    return f"your role is {role}"


def refuse_unless(user: Any, name: str, pub: Publication) -> None:
    """PermissionDenied with the reason unless ``user`` may do transition ``name`` now."""
    t = TRANSITIONS[name]
    what = f"This {pub.kind} ({pub.target})"
    if pub.state not in t.source:
        needs = " or ".join(State(s).label.lower() for s in t.source)
        extra = " by a government counterpart of its country" if name == "publish" else ""
        raise PermissionDenied(
            f"{what} is '{pub.get_state_display().lower()}': to {t.label.lower()} it must be {needs}{extra} first. "
            "Nothing was changed."
        )
    if not permissions.can(user, f"publication.{name}", pub):
        raise PermissionDenied(
            f"Only {t.who.replace('the country', country_name(pub.country))} may {t.label.lower()} {what.lower()}; "
            f"{_who(user)}. Nothing was changed."
        )


@transaction.atomic
def move(
    pk: int, user: Any, name: str, *, note: str = "", signer_name: str = "", signer_position: str = "",
    conditions: str = "", conditions_met: bool = False, link: str = "",
) -> Publication:
    """Do transition ``name`` on publication ``pk`` as ``user`` (see :data:`TRANSITIONS`).

    ``sign_off`` needs ``signer_name`` (the counterpart signs in their own name) and takes optional
    ``conditions``; it waits until every comment is resolved or answered. ``publish`` of a
    sign-off with conditions needs ``conditions_met`` and a ``note`` saying how they were met.
    """
    pub = _locked(pk)
    refuse_unless(user, name, pub)
    t = TRANSITIONS[name]
    now = timezone.now()
    detail = note.strip()
    if name == "share" and pub.version_id and pub.version.state != ReviewVersion.State.DONE:
        raise ValidationError("Only a built report can be shared: this version's build has not succeeded.")
    if name == "sign_off":
        open_ = pub.open_comments().count()
        if open_:
            raise ValidationError(
                f"{open_} comment(s) are neither resolved nor answered: answer or resolve them before signing off."
            )
        if not signer_name.strip():
            raise ValidationError({"signer_name": "Sign off in your name (the name that will stand on the record)."})
        pub.signed_off_by, pub.signed_off_at = user, now
        pub.signer_name, pub.signer_position = signer_name.strip()[:200], signer_position.strip()[:200]
        pub.conditions = conditions.strip()
        detail = f"signed off by {pub.signer_name}" + (f", {pub.signer_position}" if pub.signer_position else "")
        detail += f"; conditions: {pub.conditions}" if pub.conditions else "; no conditions"
    if name == "request_changes" and not detail:
        raise ValidationError({"note": "Say which changes are needed."})
    if name == "publish":
        if pub.conditions and not (conditions_met and detail):
            raise ValidationError(
                {"note": f"The sign-off set conditions ({pub.conditions}): confirm they are met and say how."}
            )
        pub.published_by, pub.published_at = user, now
        if pub.version_id:
            ReviewVersion.objects.filter(pk=pub.version_id).update(published_at=now)
    if name == "share":
        pub.shared_at = now
    before = pub.state
    pub.state = t.target
    pub.save()
    PublicationEvent.objects.create(
        publication=pub, actor=user, action=t.name.replace("_", " "), from_state=before, to_state=pub.state, note=detail
    )
    _notify(pub, t, user, detail, link)
    return pub


def comment(pk: int, user: Any, section: str, body: str, parent_id: int | None = None) -> Comment:
    """A comment on one section (or a reply to one) while the publication is shared for comment."""
    with transaction.atomic():
        pub = _locked(pk)
        if pub.state not in COMMENTABLE or not permissions.can(user, "publication.comment", pub):
            raise PermissionDenied(
                f"Comments are taken while a {pub.kind} is shared for comment, from {OWNERS} and "
                f"{COUNTERPARTS}; this one is '{pub.get_state_display().lower()}' and {_who(user)}."
            )
        body = body.strip()
        if not body:
            raise ValidationError({"body": "Write the comment."})
        parent = None
        if parent_id is not None:
            parent = pub.comments.filter(pk=parent_id, parent__isnull=True).first()
            if parent is None:
                raise ValidationError({"parent": f"No comment {parent_id} on this {pub.kind} to answer."})
            section = parent.section
        titles = dict(pub.sections())
        if section not in titles:
            raise ValidationError({"section": f"{section!r} is not a section of this {pub.kind}; "
                                   f"expected one of {', '.join(titles)}."})  # fmt: skip
        c = Comment.objects.create(
            publication=pub, parent=parent, section=section, section_title=titles[section], author=user, body=body
        )
        PublicationEvent.objects.create(
            publication=pub, actor=user, action="answered" if parent else "commented",
            note=f"{titles[section]}: {body[:300]}",
        )  # fmt: skip
    return c


@transaction.atomic
def resolve(comment_id: int, user: Any) -> Comment:
    c = Comment.objects.select_for_update().select_related("publication").get(pk=comment_id)
    if c.parent_id is not None:
        raise ValidationError("Resolve the comment itself, not one of its answers.")
    if c.resolved_at is not None:
        return c
    may = permissions.can(user, "publication.resolve", c.publication) or (c.author_id == user.pk)
    if c.publication.state not in COMMENTABLE or not may:
        raise PermissionDenied(
            f"Comments are resolved by their author or by {OWNERS}, while the {c.publication.kind} is shared for comment."
        )
    c.resolved_by, c.resolved_at = user, timezone.now()
    c.save(update_fields=["resolved_by", "resolved_at"])
    PublicationEvent.objects.create(
        publication=c.publication, actor=user, action="resolved", note=f"{c.section_title}: {c.body[:300]}"
    )
    return c


# ---------------------------------------------------------------------------- e-mail notices
def _addresses(users: Any, but: Any) -> set[str]:
    return {u.email for u in users if u.email and u.is_active and u.pk != getattr(but, "pk", None)}


def recipients(pub: Publication, who: str, actor: Any) -> list[str]:
    """E-mail addresses to notify: the country's counterparts, its owners (whoever made the
    version or outlook and the country team), or both; never the actor."""
    from django.contrib.auth.models import User

    out: set[str] = set()
    if who in ("counterparts", "all"):
        out |= _addresses(User.objects.filter(counterpart__country=pub.country, counterpart__active=True), actor)
    if who in ("owners", "all"):
        team = User.objects.filter(profile__role=permissions.COUNTRY, profile__country=pub.country)
        creator = getattr(pub.target, "created_by", None)
        out |= _addresses([*team, *([creator] if creator else [])], actor)
    return sorted(out)


def _notify(pub: Publication, t: Transition, actor: Any, detail: str, link: str) -> None:
    to = recipients(pub, t.notify, actor)
    if not to:
        return
    title = " ".join(str(pub.target).split())
    subject = f"[humsec] {pub.get_state_display()}: {title}"[:200]
    body = (
        f"{actor} moved the {pub.kind} “{title}” ({country_name(pub.country)}) to "
        f"“{pub.get_state_display()}”.\n\n{detail}\n\n" + (f"Open it: {link}\n" if link else "")
    )
    mails: list[Any] = [(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for a in to]

    def send() -> None:
        try:
            send_mass_mail(mails)
        except OSError:  # a mail server that refuses must not undo the decision
            log.warning("notice of %s on publication %s not sent", t.name, pub.pk, exc_info=True)

    transaction.on_commit(send)
