from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "humsec_web.core"
    label = "core"
    verbose_name = "People and organisations"
