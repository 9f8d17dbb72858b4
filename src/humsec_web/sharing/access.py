"""Who is cleared for which sensitivity class, and the one place where data reads are checked
and logged.

:func:`cleared` answers for one class and one holder of data (a dataset, or a review's output
with the country of the review); :func:`check_read` asks it, writes an :class:`AccessLog` row
(allowed or not) and refuses with a sentence that names the file, its class and who may read it.
The refusal row is written even though the request then fails (it is committed before the
PermissionDenied is raised, outside any request transaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied

from humsec_web import permissions
from humsec_web.sharing.classes import BY_CODE, UNCLASSIFIED, label, rank
from humsec_web.sharing.models import AccessLog, Dataset


def cleared(
    user: Any, code: str, *, country: str = "", uploader_id: int | None = None, grantee_ids: Iterable[int] = ()
) -> bool:
    """Whether ``user`` may read data of class ``code`` (see ``classes.SENSITIVITY`` for the words).

    ``country`` is the country the data describe; ``uploader_id`` and ``grantee_ids`` matter for
    confidential and strictly confidential data.
    """
    level = rank(code)
    role = permissions.role_of(user)
    uid = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    named = uid is not None and (uid == uploader_id or uid in set(grantee_ids))
    own_country = bool(country) and role in (permissions.COUNTRY, permissions.COUNTERPART) and (
        permissions.country_of(user) == country
    )
    if level == 0:
        return True
    if level == 1:
        return role in permissions.NETWORK or own_country or named
    if level == 2:
        return role in permissions.MANAGERS or own_country or named
    return named


def dataset_cleared(user: Any, dataset: Dataset) -> bool:
    return cleared(
        user, dataset.sensitivity or UNCLASSIFIED, country=dataset.country, uploader_id=dataset.uploaded_by_id,
        grantee_ids=[g.pk for g in dataset.grantees.all()],
    )  # fmt: skip


def refusal(subject: str, code: str) -> str:
    return (
        f"{subject} is {label(code).lower()} data ({label(code)}): only {BY_CODE[code].readers} may read it. "
        "Ask its owner for access."
    )


def log_read(
    user: Any, *, subject: str, code: str, via: str, allowed: bool, dataset: Dataset | None = None, reason: str = ""
) -> AccessLog:
    return AccessLog.objects.create(
        dataset=dataset, subject=subject[:300], sensitivity=code,
        user=user if getattr(user, "is_authenticated", False) else None,
        role=permissions.role_of(user), via=via, allowed=allowed, reason=reason[:300],
    )  # fmt: skip


def check_read(user: Any, dataset: Dataset | None, via: str, *, subject: str = "") -> None:
    """Log a read of ``dataset`` and refuse (PermissionDenied) when ``user`` is not cleared.

    A review input stored before datasets existed has no dataset: it is treated as
    ``classes.UNCLASSIFIED`` (restricted), and the log says so.
    """
    if dataset is None:
        code, ok, what = UNCLASSIFIED, cleared(user, UNCLASSIFIED), subject or "this file"
        reason = "no sharing terms recorded: treated as restricted"
    else:
        code, ok, what = dataset.sensitivity, dataset_cleared(user, dataset), subject or dataset.name
        reason = ""
    if not ok:
        reason = refusal(what, code)
    log_read(user, subject=what, code=code, via=via, allowed=ok, dataset=dataset, reason=reason)
    if not ok:
        raise PermissionDenied(reason)


def visible_datasets(user: Any) -> Any:
    """The catalogue a user sees: public datasets to everyone; restricted and confidential ones
    (their description, owner and terms, not the file) to network members and counterparts, so
    they know whom to ask; strictly confidential ones only to those cleared for them."""
    from django.db.models import Q

    qs = Dataset.objects.select_related("uploaded_by").prefetch_related("grantees")
    role = permissions.role_of(user)
    shown = Q(sensitivity="public")
    if role in permissions.NETWORK or role == permissions.COUNTERPART:
        shown |= Q(sensitivity__in=["restricted", "confidential"])
    if getattr(user, "is_authenticated", False):
        shown |= Q(uploaded_by=user) | Q(grantees=user)
    return qs.filter(shown).distinct()


def refuse(request: Any, message: str) -> None:
    """Refuse as every page does: anonymous visitors to sign-in, signed-in users 403 with ``message``."""
    from humsec_web.core.access import SignInRequired

    if not request.user.is_authenticated:
        raise SignInRequired
    raise PermissionDenied(message)
