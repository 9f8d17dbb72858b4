from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "humsec_web.activities"
    label = "activities"
    verbose_name = "Activity updates and digests"
