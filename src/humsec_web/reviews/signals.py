"""Keep the classes of built review versions in step with their inputs' sharing terms.

When a dataset's sensitivity class changes (an owner or administrator reclassifies it in the
admin), every built version that read it gets its tables' and report's classes recomputed
(:func:`humsec_web.reviews.classify.reclassify`): a file raised to confidential after the build
makes the report built from it confidential too, at once, published or not.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save


def _remember_class(sender: Any, instance: Any, **kwargs: Any) -> None:
    old = sender.objects.filter(pk=instance.pk).values_list("sensitivity", flat=True).first() if instance.pk else None
    instance._humsec_old_sensitivity = old


def _reclassify_versions(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    from humsec_web.reviews.classify import reclassify
    from humsec_web.reviews.models import ReviewVersion

    if created or getattr(instance, "_humsec_old_sensitivity", None) in (None, instance.sensitivity):
        return
    # versions built before classes existed have none recorded and keep the access they had
    versions = ReviewVersion.objects.filter(files__dataset=instance, state="done").exclude(report_sensitivity="")
    for version in versions.distinct():
        reclassify(version)


def connect() -> None:
    from humsec_web.sharing.models import Dataset

    pre_save.connect(_remember_class, sender=Dataset, dispatch_uid="reviews.remember_class")
    post_save.connect(_reclassify_versions, sender=Dataset, dispatch_uid="reviews.reclassify_versions")
